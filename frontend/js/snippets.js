// snippets.js — "copy as curl" (a bash script) and a Python script that rebuild the current
// session over REST at its epoch: create a session with the same configuration (and seeds),
// train it in calls of at most the server's max_epochs_per_call (read from GET /api/limits
// when the script runs), and print the model (GET /model), whose weights are then
// bit-identical to the session's. Each says at its top what it needs installed.
// Pure: configuration in, text out. Leaves out: custom (clicked) points, live option changes
// during the run and edited weights, which a header line mentions but the script does not
// carry, and the clipboard.

import { toConfigIn } from './config.js';
import { count } from './format.js';

function shellQuote(text) {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function header(epochs, needs, custom) {
  return [
    `# Rebuilds an nnplayground session at epoch ${count(epochs)} over its REST API: the same`,
    '# configuration and seeds, trained in calls of at most the server\'s max_epochs_per_call;',
    '# prints the model JSON (GET /model) last.',
    `# Needs: ${needs}.`,
    ...(custom ? ['# Note: this session trains on points you edited; PUT them to /dataset before training.'] : []),
  ];
}

/** A bash script (bash and curl only) that rebuilds the session at epoch `epochs`. */
export function curlSnippet(base, spec, { epochs = 0, custom = false } = {}) {
  const body = JSON.stringify({ config: toConfigIn(spec) });
  const curl = 'curl -sS --fail-with-body';
  return [
    ...header(epochs, 'bash and curl, nothing else. Run it with bash (e.g. bash reproduce.sh)', custom),
    'set -euo pipefail',
    `BASE=${shellQuote(base)}`,
    `EPOCHS=${epochs}`,
    `R=$(${curl} -X POST "$BASE/api/sessions" -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(body)})`,
    're=\'"id": *"([^"]+)"\'; [[ $R =~ $re ]] || { echo "$R" >&2; exit 1; }; ID=${BASH_REMATCH[1]}',
    're=\'"token": *"([^"]+)"\'; [[ $R =~ $re ]]; TOKEN=${BASH_REMATCH[1]}',
    `L=$(${curl} "$BASE/api/limits")`,
    're=\'"max_epochs_per_call": *([0-9]+)\'; [[ $L =~ $re ]] || { echo "$L" >&2; exit 1; }',
    'CHUNK=${BASH_REMATCH[1]}',
    'DONE=0',
    'while [ "$DONE" -lt "$EPOCHS" ]; do',
    '  N=$(( EPOCHS - DONE < CHUNK ? EPOCHS - DONE : CHUNK ))',
    `  OUT=$(${curl} -X POST "$BASE/api/sessions/$ID/train" -H "Authorization: Bearer $TOKEN" \\`,
    '    -H \'Content-Type: application/json\' -d "{\\"epochs\\": $N}") || { echo "$OUT" >&2; exit 1; }',
    '  DONE=$(( DONE + N ))',
    'done',
    `${curl} "$BASE/api/sessions/$ID/model"`,
    'echo',
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

/** A Python 3 script (standard library only) that rebuilds the session at epoch `epochs`. */
export function pythonSnippet(base, spec, { epochs = 0, custom = false } = {}) {
  return [
    ...header(epochs, 'Python 3, standard library only (json, urllib)', custom),
    'import json',
    'import urllib.error',
    'import urllib.request',
    '',
    `BASE = ${JSON.stringify(base)}`,
    `EPOCHS = ${epochs}`,
    '',
    '',
    'def call(method, path, body=None, token=None):',
    '    """One JSON request to the API; a refusal stops the script with the server\'s words."""',
    '    headers = {"Content-Type": "application/json"}',
    '    if token:',
    '        headers["Authorization"] = f"Bearer {token}"',
    '    data = None if body is None else json.dumps(body).encode()',
    '    request = urllib.request.Request(BASE + path, data=data, headers=headers, method=method)',
    '    try:',
    '        with urllib.request.urlopen(request, timeout=600) as response:',
    '            return json.load(response)',
    '    except urllib.error.HTTPError as err:',
    '        raise SystemExit(f"{method} {path}: {err.code} {err.read().decode()}") from None',
    '',
    '',
    `config = ${pyLiteral(toConfigIn(spec))}`,
    'created = call("POST", "/api/sessions", {"config": config})',
    'sid, token = created["id"], created["token"]',
    'chunk = call("GET", "/api/limits")["max_epochs_per_call"]  # epochs one call may train',
    'summary, done = created["session"], 0',
    'while done < EPOCHS:',
    '    n = min(chunk, EPOCHS - done)',
    '    summary = call("POST", f"/api/sessions/{sid}/train", {"epochs": n}, token)',
    '    done += n',
    'print("epoch", summary["epoch"], "losses", summary["last"])',
    'print(json.dumps(call("GET", f"/api/sessions/{sid}/model")))',
    '',
  ].join('\n');
}
