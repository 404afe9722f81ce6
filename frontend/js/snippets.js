// snippets.js — "copy as curl" and a Python snippet (nnplayground.client) that reproduce the
// current session over REST: create a session with the same configuration (and seeds), train,
// read the losses.
// Pure: configuration in, text out. Leaves out: custom (clicked) points, which the snippet
// mentions but does not carry, and the clipboard.

import { toConfigIn } from './config.js';

function shellQuote(text) {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A bash script (curl + python3 for JSON) creating the session and training `epochs`. */
export function curlSnippet(base, spec, { epochs = 1000 } = {}) {
  const body = JSON.stringify({ config: toConfigIn(spec) });
  return [
    `BASE=${shellQuote(base)}`,
    `R=$(curl -s -X POST "$BASE/api/sessions" -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(body)})`,
    `ID=$(printf '%s' "$R" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')`,
    `TOKEN=$(printf '%s' "$R" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')`,
    `curl -s -X POST "$BASE/api/sessions/$ID/train" -H "Authorization: Bearer $TOKEN" \\`,
    `  -H 'Content-Type: application/json' -d '{"epochs": ${epochs}}'`,
    `curl -s "$BASE/api/sessions/$ID/model"`,
    '',
  ].join('\n');
}

function pyLiteral(value, indent = '') {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyLiteral(v, indent)).join(', ')}]`;
  const inner = `${indent}    `;
  const items = Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pyLiteral(v, inner)},`);
  return `{\n${items.join('\n')}\n${indent}}`;
}

/** A Python script (nnplayground.client) creating the session, training `epochs` and printing
 *  the losses and the first weight matrix. */
export function pythonSnippet(base, spec, { epochs = 1000 } = {}) {
  return [
    '# needs the nnplayground package (its client: pip install <this repository>)',
    'from nnplayground.client import Client',
    '',
    `config = ${pyLiteral(toConfigIn(spec))}`,
    `with Client(${JSON.stringify(base)}) as nnp:`,
    '    session = nnp.create(config=config)',
    `    summary = session.train(${epochs})`,
    '    print("epoch", summary["epoch"], "losses", summary["last"])',
    '    print("W1 =", session.model()["weights"][0])',
    '',
  ].join('\n');
}
