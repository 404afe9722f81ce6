// Unit tests of frontend/js/qr.js. The encoder's output for many texts, versions 1-10, both
// levels, was checked once with an independent decoder (zbarimg); the matrix below is one of
// those, kept as a regression vector. The other tests check the standard's own numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  byteCapacity, dataCodewordsFor, encodeQR, formatBits, gfMul, interleave, penalty, rsDivisor, rsRemainder,
} from '../../frontend/js/qr.js';

test('Reed-Solomon: the standard\'s worked example (1-M, "01234567")', () => {
  const data = [0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11];
  const ecc = rsRemainder(data, rsDivisor(10));
  assert.deepEqual(ecc, [0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55]);
});

test('GF(256) arithmetic', () => {
  assert.equal(gfMul(0, 7), 0);
  assert.equal(gfMul(1, 0x53), 0x53);
  assert.equal(gfMul(2, 0x80), 0x1d); // x * x^7 = x^8 = x^4 + x^3 + x^2 + 1
  for (let a = 1; a < 256; a += 17) for (let b = 1; b < 256; b += 23) assert.equal(gfMul(a, b), gfMul(b, a));
});

test('format bits: known codes', () => {
  assert.equal(formatBits('M', 0), 0x5412);
  assert.equal(formatBits('L', 0), 0x77c4);
  assert.equal(formatBits('M', 5).toString(2), '100000011001110');
});

test('byte capacities of the standard (versions 1 and 10)', () => {
  assert.equal(byteCapacity(1, 'L'), 17);
  assert.equal(byteCapacity(1, 'M'), 14);
  assert.equal(byteCapacity(4, 'M'), 62);
  assert.equal(byteCapacity(10, 'L'), 271);
  assert.equal(byteCapacity(10, 'M'), 213);
});

test('data codewords: mode, count, bytes, terminator and pad bytes', () => {
  const cw = dataCodewordsFor([0x41], 1, 'M');
  assert.equal(cw.length, 16);
  // 0100 00000001 01000001 0000 -> 0x40 0x14 0x10, then 0xEC 0x11 ...
  assert.deepEqual(cw.slice(0, 5), [0x40, 0x14, 0x10, 0xec, 0x11]);
  const all = interleave(cw, 1, 'M');
  assert.equal(all.length, 26);
});

function finderAt(q, x0, y0) {
  for (let dy = 0; dy < 7; dy++) {
    for (let dx = 0; dx < 7; dx++) {
      const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3));
      const want = ring === 2 ? 0 : 1;
      if (q.modules[(y0 + dy) * q.size + x0 + dx] !== want) return false;
    }
  }
  return true;
}

test('structure: size, three finder patterns, timing, dark module, format copy', () => {
  for (const text of ['a', 'http://127.0.0.1:8000/watch.html#id=abcdefghijklmnop', 'x'.repeat(200)]) {
    const q = encodeQR(text, { ecl: 'M' });
    assert.equal(q.size, 17 + 4 * q.version);
    assert.ok(finderAt(q, 0, 0) && finderAt(q, q.size - 7, 0) && finderAt(q, 0, q.size - 7));
    for (let i = 8; i < q.size - 8; i++) {
      assert.equal(q.modules[6 * q.size + i], i % 2 === 0 ? 1 : 0);
      assert.equal(q.modules[i * q.size + 6], i % 2 === 0 ? 1 : 0);
    }
    assert.equal(q.modules[(q.size - 8) * q.size + 8], 1);
    // the format bits read around the top-left finder equal the code for (M, mask)
    const bits = formatBits('M', q.mask);
    const at = (x, y) => q.modules[y * q.size + x];
    const read = [0, 1, 2, 3, 4, 5].map((i) => at(8, i)).concat([at(8, 7), at(8, 8), at(7, 8)], [9, 10, 11, 12, 13, 14].map((i) => at(14 - i, 8)));
    read.forEach((b, i) => assert.equal(b, (bits >>> i) & 1, `format bit ${i}`));
  }
});

test('the smallest version that holds the text is used; too long is an error', () => {
  assert.equal(encodeQR('x'.repeat(14), { ecl: 'M' }).version, 1);
  assert.equal(encodeQR('x'.repeat(15), { ecl: 'M' }).version, 2);
  assert.equal(encodeQR('x'.repeat(271), { ecl: 'L' }).version, 10);
  assert.throws(() => encodeQR('x'.repeat(214), { ecl: 'M' }), /does not fit/);
  assert.throws(() => encodeQR('a', { ecl: 'H' }), /not supported/);
});

test('UTF-8: multi-byte text takes its byte length', () => {
  assert.equal(encodeQR('é'.repeat(7), { ecl: 'M' }).version, 1); // 14 bytes
  assert.equal(encodeQR('é'.repeat(8), { ecl: 'M' }).version, 2); // 16 bytes
});

test('the chosen mask has the lowest penalty of the eight', () => {
  const text = 'http://127.0.0.1:8123/watch.html#id=z7VjlAvFoaA58Bt4';
  const best = encodeQR(text);
  const scores = [0, 1, 2, 3, 4, 5, 6, 7].map((m) => penalty(encodeQR(text, { mask: m }).modules, best.size));
  assert.equal(Math.min(...scores), scores[best.mask]);
});

const VECTOR = [
  '#######.####.##.####..###.#######',
  '#.....#.##..##....#..###..#.....#',
  '#.###.#..###....##.....##.#.###.#',
  '#.###.#.##.##.#.#.....###.#.###.#',
  '#.###.#...##..#.....#...#.#.###.#',
  '#.....#..###.##..###..#...#.....#',
  '#######.#.#.#.#.#.#.#.#.#.#######',
  '........#.##..#..##.....#........',
  '#.##.###....#.#.#######...#..#.##',
  '....#....##.#...#..#.#.#####.##.#',
  '.##.###.##.#..#..#..#..#.#####.##',
  '.###.#..#.#..###..#......###.#..#',
  '.##...##.##.#.....#.###.##...#...',
  '..##...####.##..######.##..#.###.',
  '####..#....##..#####.#...#.#.#...',
  '.#..##.##.#.##..#...##.#.#...##..',
  '..#...#.##.#...#..#..#.##.#.###..',
  '.##..#..#.#.#..###.....#..#.##.##',
  '.##.#.####..#.##.#..##..#.#.#.#..',
  '####...##.#.........#.#.#..##...#',
  '#.##..##..#.####..#######..#.##.#',
  '#.#..#....###..#..######..##.##.#',
  '...#.##...#..#..##..#..##.#.##.##',
  '.#.#.#.#.#..#...#.#......##....#.',
  '#.###.###......#.#..#...######.#.',
  '........#.##.########.###...##...',
  '#######.####.......#...##.#.#....',
  '#.....#.#...#........##.#...#.##.',
  '#.###.#..#.#.#...#.###.######.##.',
  '#.###.#.#.##.#....####.###...##.#',
  '#.###.#.##.####........#####.##..',
  '#.....#..#.##.####..#..#.#..#...#',
  '#######.####..#####.####.#...##..',
];

test('regression vector: a watch link, decoded by zbarimg when it was recorded', () => {
  const q = encodeQR('http://127.0.0.1:8123/watch.html#id=z7VjlAvFoaA58Bt4', { ecl: 'M' });
  assert.equal(q.version, 4);
  assert.equal(q.mask, 3);
  const rows = [];
  for (let y = 0; y < q.size; y++) {
    let r = '';
    for (let x = 0; x < q.size; x++) r += q.modules[y * q.size + x] ? '#' : '.';
    rows.push(r);
  }
  assert.deepEqual(rows, VECTOR);
});
