// Unit tests of frontend/js/dataio.js: reading CSV and JSON points (header or not, split column,
// errors naming the line), which problem they are, which of the app's datasets they take, and
// CSV export read back to the same points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURE } from './server.fixture.mjs';
import {
  DataError, hostDataset, parseCsv, parseJson, parsePoints, problemOf, putBody, toCsv, withTestFile,
} from '../../frontend/js/dataio.js';

const errorMessage = (fn) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DataError, `a DataError, got ${err}`);
    return err.message;
  }
  assert.fail('no error');
  return '';
};

test('a CSV without a header: every point is a training point', () => {
  const out = parseCsv('0.5,1,0\n-2,3.25,1\n\n1e-3,-4,2\n');
  assert.deepEqual(out.train, [
    { x1: 0.5, x2: 1, label: 0 }, { x1: -2, x2: 3.25, label: 1 }, { x1: 0.001, x2: -4, label: 2 },
  ]);
  assert.deepEqual(out.test, []);
  assert.equal(out.hasSplit, false);
  assert.deepEqual(problemOf(out), { problem: 'classification', nClasses: 3, nOutputs: 3 });
});

test('a header is optional and may put the columns in any order', () => {
  const withHeader = parseCsv('x1,x2,label\n1,2,0\n3,4,1\n');
  const without = parseCsv('1,2,0\n3,4,1\n');
  assert.deepEqual(withHeader.train, without.train);
  const reordered = parseCsv('label,x2,x1\n1,2,3\n');
  assert.deepEqual(reordered.train, [{ x1: 3, x2: 2, label: 1 }]);
});

test('a split column sends points to train or test', () => {
  const out = parseCsv('x1,x2,label,split\r\n1,1,0,train\r\n2,2,1,TEST\r\n3,3,1,train\r\n');
  assert.deepEqual(out.train.map((p) => p.x1), [1, 3]);
  assert.deepEqual(out.test, [{ x1: 2, x2: 2, label: 1 }]);
  assert.equal(out.hasSplit, true);
  assert.deepEqual(parseCsv('1,1,0,train\n2,2,1,test\n').test, [{ x1: 2, x2: 2, label: 1 }]);
});

test('a second file is the test split', () => {
  const both = withTestFile(parseCsv('1,1,0\n2,2,1\n'), parseCsv('5,5,1\n'));
  assert.equal(both.train.length, 2);
  assert.deepEqual(both.test, [{ x1: 5, x2: 5, label: 1 }]);
});

test('bad lines are refused with their line number and the problem', () => {
  const text = 'x1,x2,label\n1,2,0\n\n3,4,b\n';
  assert.equal(errorMessage(() => parseCsv(text)), "line 4: label 'b' is not a number");
  assert.equal(errorMessage(() => parseCsv('1,2,0\n1,x,1\n')), "line 2: x2 'x' is not a number");
  assert.equal(errorMessage(() => parseCsv('1,2,0\n1,2\n')), 'line 2: expected 3 values like the lines before, got 2');
  assert.equal(errorMessage(() => parseCsv('1,2\n')), 'line 1: expected 3 or 4 values (x1, x2, label, split), got 2');
  assert.equal(errorMessage(() => parseCsv('1,2,0,train\n1,2,1,valid\n')), "line 2: split 'valid' is not train or test");
  assert.equal(errorMessage(() => parseCsv('1,2,0\n1,2,Infinity\n')), "line 2: label 'Infinity' is not a number");
  assert.equal(errorMessage(() => parseCsv('a,b,c\n1,2,3\n')), 'line 1: the header needs columns x1 and x2 (got a, b, c)');
  assert.equal(errorMessage(() => parseCsv('# nothing\n\n')), 'the file holds no points');
  assert.equal(errorMessage(() => parseCsv('1,2,0,test\n')), 'the file holds no training points (every point is split test)');
});

test('labels that are not integers 0..k-1 are regression targets; a header can say so', () => {
  assert.deepEqual(problemOf(parseCsv('1,2,0.5\n3,4,1\n')), { problem: 'regression', nClasses: 0, nOutputs: 1 });
  assert.deepEqual(problemOf(parseCsv('1,2,-1\n3,4,1\n')), { problem: 'regression', nClasses: 0, nOutputs: 1 });
  assert.deepEqual(problemOf(parseCsv('x1,x2,target\n1,2,0\n3,4,1\n')), { problem: 'regression', nClasses: 0, nOutputs: 1 });
  assert.deepEqual(problemOf(parseCsv('1,2,0\n3,4,1\n')), { problem: 'classification', nClasses: 2, nOutputs: 1 });
  assert.match(errorMessage(() => problemOf(parseCsv('x1,x2,class\n1,2,0.5\n'))), /class labels must be integers/);
});

test('JSON in the API dataset shape, or a bare list', () => {
  const api = { name: 'x', problem: 'regression', train: [{ x1: 1, x2: 2, label: 1 }], test: [{ x1: 0, x2: 0, label: 0 }] };
  const out = parseJson(JSON.stringify(api));
  assert.deepEqual(putBody(out), { train: api.train, test: api.test });
  assert.equal(problemOf(out).problem, 'regression'); // the file's problem, though the labels are integers
  assert.deepEqual(parsePoints('[{"x1": 1, "x2": 2, "label": 1}]', 'p.json').train, [{ x1: 1, x2: 2, label: 1 }]);
  assert.equal(errorMessage(() => parseJson('{"train": [{"x1": 1, "x2": "a", "label": 0}]}')), 'train[0]: x2 "a" is not a number');
  assert.equal(errorMessage(() => parseJson('{"train": [{"x1": 1, "x2": 2}]}')), 'train[0]: label is missing');
  assert.match(errorMessage(() => parseJson('{"train": [\n{"x1": 1,,}]}')), /^line 2: not valid JSON/);
});

test('the host dataset: the current one when it fits, else one of the same problem and classes', () => {
  const { datasets } = FIXTURE;
  assert.equal(hostDataset(datasets, 'circle', { problem: 'classification', nClasses: 2 }), 'circle');
  assert.equal(hostDataset(datasets, 'circle', { problem: 'classification', nClasses: 3, nOutputs: 3 }), 'blobs3');
  assert.equal(hostDataset(datasets, 'blobs3', { problem: 'classification', nClasses: 2 }), 'circle');
  assert.equal(hostDataset(datasets, 'sin_regression', { problem: 'regression', nClasses: 0 }), 'sin_regression');
  assert.equal(datasets.find((d) => d.name === hostDataset(datasets, 'xor', { problem: 'regression', nClasses: 0 })).problem, 'regression');
  assert.match(errorMessage(() => hostDataset(datasets, 'circle', { problem: 'classification', nClasses: 5, nOutputs: 5 })),
    /^labels 0\.\.4 make 5 classes; this server's datasets have 2 or 3 classes$/);
});

test('export then import gives the same points, split and problem', () => {
  const ds = {
    problem: 'regression',
    train: [{ x1: 0.1, x2: -1 / 3, label: 0 }, { x1: 1e-17, x2: 5, label: 1 }],
    test: [{ x1: -2.5, x2: Math.PI, label: -0.123456789012345 }],
  };
  const back = parseCsv(toCsv(ds));
  assert.deepEqual(putBody(back), { train: ds.train, test: ds.test });
  assert.equal(problemOf(back).problem, 'regression'); // integer targets stay targets
  const classes = { problem: 'classification', train: [{ x1: 1, x2: 2, label: 2 }], test: [] };
  assert.equal(toCsv(classes), 'x1,x2,label,split\n1,2,2,train\n');
  const multi = { problem: 'regression', train: [{ x1: 1, x2: 2, label: [0.5, 0.25] }], test: [] };
  assert.equal(toCsv(multi), 'x1,x2,target1,target2,split\n1,2,0.5,0.25,train\n');
  assert.deepEqual(parseCsv(toCsv(multi)).train, multi.train);
});
