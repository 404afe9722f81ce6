// grid.js — decoding the server's quantised grids (uint8 q, value = min + q (max - min) / 255,
// row-major, first row at the top, i.e. x2 = x2max; in JSON {shape, min, max, data} with data
// base64, in a binary frame as bytes) and painting grids into RGBA pixel buffers through a
// colour function.
// Pure (uses only atob, present in browsers and node). Leaves out: canvases and ImageData, and
// the binary frame's own layout (snapshot.js).

/** Decode base64 to bytes. */
export function base64Bytes(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * A quantised grid as numbers: `{shape, min, max, values: Float32Array}` where `shape` is
 * [channels, rows, cols] (a missing channel axis counts as 1).
 */
export function decodeGrid(grid) {
  return quantisedGrid(base64Bytes(grid.data), grid.shape, grid.min, grid.max);
}

/** Bytes `q` of a grid of `shape` quantised over [min, max] as a decoded grid (as above). */
export function quantisedGrid(bytes, gridShape, min, max) {
  const shape = gridShape.length === 2 ? [1, ...gridShape] : gridShape.slice();
  const n = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== n) {
    throw new Error(`grid data holds ${bytes.length} values, shape ${shape.join('x')} needs ${n}`);
  }
  const step = (max - min) / 255;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = min + bytes[i] * step;
  return { shape, min, max, values };
}

/** The values of channel `c` of a decoded grid (a view, no copy). */
export function channel(grid, c) {
  const size = grid.shape[1] * grid.shape[2];
  return grid.values.subarray(c * size, (c + 1) * size);
}

/**
 * Paint `size` pixels into `out` (RGBA bytes): pixel i gets `color(i)` ([r, g, b]), alpha 255.
 */
export function paint(out, size, color) {
  for (let i = 0; i < size; i++) {
    const [r, g, b] = color(i);
    const o = i * 4;
    out[o] = r; out[o + 1] = g; out[o + 2] = b; out[o + 3] = 255;
  }
  return out;
}
