// dataio.js — your own points in and out: reading a CSV or JSON file of points into the
// {train, test} lists PUT /dataset takes, telling which problem they are (classes or
// regression targets), choosing the built-in dataset whose problem and classes they take, and
// writing the current dataset as CSV (split column included), so export then import gives the
// same points.
// CSV: `x1,x2,label` with an optional 4th column `split` (train/test) and an optional header
// (a first line that is not numbers). A header names the columns: `x1`, `x2`, `split`, and the
// target: `label` (a class when every label is an integer 0..k-1, else a regression value),
// `class` (always a class), `target` or `value` (always regression; `target1,target2,...` for
// several outputs). JSON: `{train: [...], test: [...]}` of `{x1, x2, label}` (GET /dataset's
// shape, whose `problem` it honours) or a bare list of points (all training).
// Pure: text in, points or a DataError naming the line (CSV) or the point (JSON) out. Leaves
// out: files and the DOM (views/dataimport.js), the request (session.js), the server's limits
// and checks (it still validates every point).

export class DataError extends Error {}

const SPLITS = ['train', 'test'];
const REGRESSION_NAMES = /^(target|value|y)\d*$/;
const CLASS_NAMES = /^(class|label)$/;

function number(cell) {
  const text = cell.trim();
  if (text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return NaN;
  return Number(text);
}

function cells(line) {
  return line.split(line.includes(',') ? ',' : line.includes(';') ? ';' : '\t').map((c) => c.trim());
}

/** The columns of a header line: where x1, x2, split and the targets are, and their kind. */
function headerColumns(names, lineNo) {
  const lower = names.map((n) => n.toLowerCase().replace(/^"|"$/g, ''));
  const at = (name) => lower.indexOf(name);
  const x1 = at('x1');
  const x2 = at('x2');
  if (x1 < 0 || x2 < 0) {
    throw new DataError(`line ${lineNo}: the header needs columns x1 and x2 (got ${names.join(', ')})`);
  }
  const split = at('split');
  const targets = lower.map((n, i) => i).filter((i) => i !== x1 && i !== x2 && i !== split);
  if (!targets.length) throw new DataError(`line ${lineNo}: the header has no label column`);
  const unknown = targets.find((i) => !REGRESSION_NAMES.test(lower[i]) && !CLASS_NAMES.test(lower[i]));
  if (unknown !== undefined) {
    throw new DataError(`line ${lineNo}: unknown column '${names[unknown]}' (use x1, x2, label, split)`);
  }
  const regression = targets.some((i) => REGRESSION_NAMES.test(lower[i]));
  const kind = regression ? 'regression' : lower[targets[0]] === 'class' ? 'classification' : null;
  if (targets.length > 1 && !regression) {
    throw new DataError(`line ${lineNo}: several label columns must be named target1, target2, ...`);
  }
  return { x1, x2, split, targets, names: targets.map((i) => names[i]), kind, width: names.length };
}

const POSITIONAL = (width) => ({
  x1: 0, x2: 1, targets: [2], names: ['label'], split: width === 4 ? 3 : -1, kind: null, width,
});

/**
 * Parse CSV text. Returns `{train, test, kind, hasSplit}`: `kind` is what the header says
 * ('regression', 'classification', or null: decide by the labels). Without a split column
 * every point is a training point.
 */
export function parseCsv(text) {
  const lines = String(text).split(/\r\n|\n|\r/);
  const train = [];
  const test = [];
  let cols = null;
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const row = cells(line);
    if (!cols) {
      if (Number.isNaN(number(row[0])) && Number.isNaN(number(row[1] ?? ''))) {
        cols = headerColumns(row, lineNo);
        return;
      }
      if (row.length !== 3 && row.length !== 4) {
        throw new DataError(`line ${lineNo}: expected 3 or 4 values (x1, x2, label, split), got ${row.length}`);
      }
      cols = POSITIONAL(row.length);
    }
    if (row.length !== cols.width) {
      throw new DataError(`line ${lineNo}: expected ${cols.width} values like the lines before, got ${row.length}`);
    }
    const value = (index, name) => {
      const v = number(row[index]);
      if (!Number.isFinite(v)) throw new DataError(`line ${lineNo}: ${name} '${row[index]}' is not a number`);
      return v;
    };
    const x1 = value(cols.x1, 'x1');
    const x2 = value(cols.x2, 'x2');
    const labels = cols.targets.map((index, k) => value(index, cols.names[k]));
    let split = 'train';
    if (cols.split >= 0) {
      split = row[cols.split].toLowerCase();
      if (!SPLITS.includes(split)) throw new DataError(`line ${lineNo}: split '${row[cols.split]}' is not train or test`);
    }
    (split === 'test' ? test : train).push({ x1, x2, label: labels.length > 1 ? labels : labels[0] });
  });
  if (!cols) throw new DataError('the file holds no points');
  if (!train.length) throw new DataError('the file holds no training points (every point is split test)');
  return { train, test, kind: cols.kind, hasSplit: cols.split >= 0 };
}

/** The line of a JSON.parse error's position in `text`, when the engine says it. */
function jsonErrorLine(text, err) {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return null;
  return text.slice(0, Number(m[1])).split('\n').length;
}

function checkPoint(p, where) {
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new DataError(`${where}: must be an object with x1, x2 and label`);
  const bad = (key, v) => new DataError(v === undefined ? `${where}: ${key} is missing`
    : `${where}: ${key} ${JSON.stringify(v)} is not a number`);
  for (const key of ['x1', 'x2']) {
    if (typeof p[key] !== 'number' || !Number.isFinite(p[key])) throw bad(key, p[key]);
  }
  const labels = Array.isArray(p.label) ? p.label : [p.label];
  if (!labels.length || labels.some((v) => typeof v !== 'number' || !Number.isFinite(v))) throw bad('label', p.label);
  return { x1: p.x1, x2: p.x2, label: Array.isArray(p.label) ? p.label.slice() : p.label };
}

/** Parse JSON text: GET /dataset's shape or a bare list of points. Same answer as parseCsv. */
export function parseJson(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const line = jsonErrorLine(text, err);
    throw new DataError(`${line ? `line ${line}: ` : ''}not valid JSON (${err.message})`);
  }
  const lists = Array.isArray(data) ? { train: data, test: [] } : data;
  if (!lists || typeof lists !== 'object' || !Array.isArray(lists.train)) {
    throw new DataError('the JSON needs a "train" list of points (or is itself a list of points)');
  }
  if (lists.test !== undefined && !Array.isArray(lists.test)) throw new DataError('"test" must be a list of points');
  const train = lists.train.map((p, i) => checkPoint(p, `train[${i}]`));
  const test = (lists.test || []).map((p, i) => checkPoint(p, `test[${i}]`));
  if (!train.length) throw new DataError('the JSON holds no training points');
  const kind = ['regression', 'classification'].includes(lists.problem) ? lists.problem : null;
  return { train, test, kind, hasSplit: lists.test !== undefined };
}

/** Parse a file's text by its name (.json, else CSV unless the text starts like JSON). */
export function parsePoints(text, name = '') {
  const json = /\.json$/i.test(name) || (!/\.(csv|txt|tsv)$/i.test(name) && /^\s*[[{]/.test(text));
  return json ? parseJson(text) : parseCsv(text);
}

/**
 * Two files' points as one dataset: `main`'s (its own split column kept) and, when given,
 * every point of `testFile` as test points.
 */
export function withTestFile(main, testFile) {
  if (!testFile) return main;
  if (main.kind && testFile.kind && main.kind !== testFile.kind) {
    throw new DataError(`the test file holds ${testFile.kind} targets, the training file ${main.kind}`);
  }
  return { ...main, test: [...main.test, ...testFile.train, ...testFile.test], hasSplit: true };
}

/**
 * What the points are: `{problem: 'classification', nClasses: k}` when every label is an
 * integer 0..k-1 (or the header said `class`), else `{problem: 'regression', nOutputs}`.
 */
export function problemOf({ train, test, kind }) {
  const all = [...train, ...test];
  const vector = all.some((p) => Array.isArray(p.label));
  if (vector) {
    const k = Array.isArray(train[0].label) ? train[0].label.length : 1;
    if (kind === 'classification') throw new DataError('a class label must be one number, not a list');
    return { problem: 'regression', nClasses: 0, nOutputs: k };
  }
  const classes = all.every((p) => Number.isInteger(p.label) && p.label >= 0);
  if (kind === 'regression' || (!classes && kind !== 'classification')) return { problem: 'regression', nClasses: 0, nOutputs: 1 };
  if (!classes) {
    const bad = all.find((p) => !(Number.isInteger(p.label) && p.label >= 0));
    throw new DataError(`class labels must be integers 0, 1, 2, ...: got ${bad.label}`);
  }
  const k = Math.max(2, ...all.map((p) => p.label + 1));
  return { problem: 'classification', nClasses: k, nOutputs: k > 2 ? k : 1 };
}

/**
 * The built-in dataset the points take their problem and classes from: the current one when it
 * fits, else the first of `datasets` (GET /api/datasets) with that problem and class count
 * (generated sets before fixed truth tables). Throws a DataError when none fits.
 */
export function hostDataset(datasets, current, { problem, nClasses, nOutputs = 1 }) {
  const fits = (d) => d && d.problem === problem && (problem === 'regression' ? true : d.n_classes === nClasses);
  const here = datasets.find((d) => d.name === current);
  const currentOutputs = (d) => (d.problem === 'classification' ? (d.n_classes > 2 ? d.n_classes : 1) : (d.n_outputs || 1));
  if (fits(here) && currentOutputs(here) === nOutputs) return here.name;
  const candidates = datasets.filter((d) => fits(d) && currentOutputs(d) === nOutputs)
    .sort((a, b) => Number(Boolean(a.fixed_points)) - Number(Boolean(b.fixed_points)));
  if (candidates.length) return candidates[0].name;
  if (problem === 'classification') {
    const counts = [...new Set(datasets.filter((d) => d.problem === 'classification').map((d) => d.n_classes))].sort();
    throw new DataError(`labels 0..${nClasses - 1} make ${nClasses} classes; this server's datasets have ${counts.join(' or ')} classes`);
  }
  throw new DataError(`${nOutputs} targets per point: no dataset of this server has that many outputs`);
}

/** The dataset (GET /dataset) as CSV text with a header and a split column. */
export function toCsv(dataset) {
  const first = dataset.train[0] || dataset.test[0];
  const k = first && Array.isArray(first.label) ? first.label.length : 1;
  const regression = dataset.problem === 'regression';
  const targets = k > 1 ? Array.from({ length: k }, (_, j) => `target${j + 1}`) : [regression ? 'target' : 'label'];
  const rows = [['x1', 'x2', ...targets, 'split'].join(',')];
  for (const split of SPLITS) {
    for (const p of dataset[split]) {
      const labels = Array.isArray(p.label) ? p.label : [p.label];
      rows.push([p.x1, p.x2, ...labels, split].map(String).join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}

/** The {train, test} lists of a parsed file, as PUT /dataset takes them. */
export function putBody({ train, test }) {
  const plain = (p) => ({ x1: p.x1, x2: p.x2, label: p.label });
  return { train: train.map(plain), test: test.map(plain) };
}
