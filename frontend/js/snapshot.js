// snapshot.js — the display stream's binary snapshot frames (docs/protocol.md, detail=display)
// into the page's snapshot: {epoch, version, domain, weights, biases, boundary, neurons}, with
// weights W[l] (n_l rows of n_{l-1}) and biases b[l] ([[b_0], [b_1], ...]) as nested arrays in
// the tutorial's shapes and grids as grid.js decodes them ({shape, min, max, values}). A frame
// is: uint32 little-endian header length, the JSON header, float32 little-endian W, b and each
// grid's min and max, then one zlib stream of the grids' uint8 values as residuals of the
// prediction left + up - upleft (mod 256). Inflating is asynchronous (DecompressionStream), so
// SnapshotFrames hands on decoded frames in arrival order and drops a frame that finishes after
// a newer one was handed on. Pure apart from DecompressionStream (browsers and node 18+).
// snapshotFromJson does the same for a JSON snapshot (REST snapshot?epoch=E).
// Leaves out: the WebSocket (stream.js) and what the snapshot is drawn into (views/).

import { decodeGrid, quantisedGrid } from './grid.js';

/** The parts of a frame before inflating: {header, weights, biases, ranges, compressed}. */
export function parseFrame(buffer) {
  const view = new DataView(buffer);
  const size = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, size)));
  let at = 4 + size;
  const float = () => {
    const v = view.getFloat32(at, true);
    at += 4;
    return v;
  };
  const { layers } = header;
  const weights = [];
  for (let l = 1; l < layers.length; l++) {
    weights.push(Array.from({ length: layers[l] }, () => Array.from({ length: layers[l - 1] }, float)));
  }
  const biases = layers.slice(1).map((n) => Array.from({ length: n }, () => [float()]));
  const ranges = header.grids.map(() => [float(), float()]);
  return { header, weights, biases, ranges, compressed: new Uint8Array(buffer, at) };
}

/**
 * Undo the 2-D gradient prediction in place: `bytes` holds grids of `shapes` (each
 * [..., rows, cols], every leading axis a separate 2-D grid), one after another.
 */
export function unpredict(bytes, shapes) {
  let at = 0;
  for (const shape of shapes) {
    const rows = shape[shape.length - 2];
    const cols = shape[shape.length - 1];
    const planes = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    for (let p = 0; p < planes; p++, at += rows * cols) {
      for (let r = 0; r < rows; r++) {
        const row = at + r * cols;
        for (let c = 0; c < cols; c++) {
          let predicted = 0;
          if (r && c) predicted = bytes[row + c - 1] + bytes[row - cols + c] - bytes[row - cols + c - 1];
          else if (c) predicted = bytes[row + c - 1];
          else if (r) predicted = bytes[row - cols];
          bytes[row + c] = (bytes[row + c] + predicted) & 255;
        }
      }
    }
  }
  if (at !== bytes.length) throw new Error(`a snapshot frame holds ${bytes.length} grid values, its shapes need ${at}`);
  return bytes;
}

/** Inflate a zlib stream (RFC 1950) with the platform's DecompressionStream. */
export async function inflate(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Decode one frame (an ArrayBuffer) into a snapshot. */
export async function decodeFrame(buffer, { inflater = inflate } = {}) {
  const { header, weights, biases, ranges, compressed } = parseFrame(buffer);
  const bytes = unpredict(await inflater(compressed), header.grids);
  let at = 0;
  const grids = header.grids.map((shape, k) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const grid = quantisedGrid(bytes.subarray(at, at + n), shape, ranges[k][0], ranges[k][1]);
    at += n;
    return grid;
  });
  return {
    epoch: header.epoch,
    version: header.version,
    domain: header.domain,
    weights,
    biases,
    boundary: grids[0] || null,
    neurons: grids.slice(1),
  };
}

/**
 * Frames in, snapshots out in arrival order: `push(buffer)` decodes, and `onSnapshot(snap)` is
 * called for it unless a frame that arrived later was handed on first (or `drop()` was called
 * after it arrived, e.g. on a reset). Decoding errors go to `onError`.
 */
export class SnapshotFrames {
  constructor(onSnapshot, { onError = () => {}, decode = decodeFrame } = {}) {
    this.onSnapshot = onSnapshot;
    this.onError = onError;
    this.decode = decode;
    this.arrived = 0; // frames pushed so far
    this.shown = 0; // the arrival number of the last frame handed on (or dropped up to)
  }

  push(buffer) {
    const n = ++this.arrived;
    return this.decode(buffer).then((snap) => {
      if (n <= this.shown) return false;
      this.shown = n;
      this.onSnapshot(snap);
      return true;
    }, (err) => {
      this.onError(err);
      return false;
    });
  }

  /** Forget the frames still being decoded. */
  drop() {
    this.shown = this.arrived;
  }
}

/**
 * A snapshot as REST's GET /snapshot?epoch=E (and the full stream's `snapshot` message) has it
 * (grids as base64 JSON) into the page's snapshot, the same shape decodeFrame gives.
 */
export function snapshotFromJson(msg) {
  return {
    epoch: msg.epoch,
    version: msg.version,
    domain: msg.domain,
    weights: msg.weights,
    biases: msg.biases,
    boundary: msg.boundary ? decodeGrid(msg.boundary) : null,
    neurons: (msg.neurons || []).map(decodeGrid),
  };
}

/** Whether every number of a snapshot is finite (weights, biases, the grids' ranges). */
export function finiteSnapshot(snap) {
  const finite = (v) => Number.isFinite(v);
  const params = [...snap.weights, ...snap.biases].every((M) => M.every((row) => row.every(finite)));
  const grids = [snap.boundary, ...snap.neurons].every((g) => !g || (finite(g.min) && finite(g.max)));
  return params && grids;
}
