// thumbs.js — preview points for the dataset picker's thumbnails, generated on the page from
// a seeded PRNG so the picker needs no request per dataset. They illustrate the shape of each
// built-in dataset; the real points always come from the session (GET /dataset).
// Pure. Leaves out: drawing (views/datasets.js) and any dataset it does not know (those get
// an empty preview and show their title).

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(rand) {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const CORNERS = [[0, 0], [0, 1], [1, 0], [1, 1]];
const table = (labels) => CORNERS.map(([x1, x2], i) => ({ x1, x2, label: labels[i] }));

const GENERATORS = {
  circle(rand) {
    const pts = [];
    for (let i = 0; i < 120; i++) {
      const inner = i % 2 === 0;
      const r = inner ? rand() * 2.5 : 3.5 + rand() * 1.5;
      const a = rand() * 2 * Math.PI;
      pts.push({ x1: r * Math.sin(a), x2: r * Math.cos(a), label: inner ? 1 : 0 });
    }
    return pts;
  },
  xor(rand) {
    const pts = [];
    for (let i = 0; i < 120; i++) {
      let x1 = rand() * 10 - 5;
      let x2 = rand() * 10 - 5;
      x1 += x1 > 0 ? 0.3 : -0.3;
      x2 += x2 > 0 ? 0.3 : -0.3;
      pts.push({ x1, x2, label: x1 * x2 >= 0 ? 1 : 0 });
    }
    return pts;
  },
  gaussians(rand) {
    const pts = [];
    for (let i = 0; i < 120; i++) {
      const c = i % 2;
      const m = c ? 2 : -2;
      pts.push({ x1: m + gauss(rand), x2: m + gauss(rand), label: c });
    }
    return pts;
  },
  spiral(rand) {
    const pts = [];
    for (let i = 0; i < 60; i++) {
      for (const [label, delta] of [[1, 0], [0, Math.PI]]) {
        const r = (i / 60) * 5;
        const t = 1.75 * (i / 60) * 2 * Math.PI + delta;
        pts.push({ x1: r * Math.sin(t) + (rand() - 0.5) * 0.2, x2: r * Math.cos(t), label });
      }
    }
    return pts;
  },
  plane(rand) {
    const pts = [];
    for (let i = 0; i < 120; i++) {
      const x1 = rand() * 12 - 6;
      const x2 = rand() * 12 - 6;
      pts.push({ x1, x2, label: Math.max(-1, Math.min(1, (x1 + x2) / 10)) });
    }
    return pts;
  },
  multi_gaussian(rand) {
    const centers = [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]];
    const pts = [];
    for (let i = 0; i < 120; i++) {
      const x1 = rand() * 12 - 6;
      const x2 = rand() * 12 - 6;
      let label = 0;
      for (const [cx, cy, s] of centers) label += s * Math.exp(-((x1 - cx) ** 2 + (x2 - cy) ** 2) / 2);
      pts.push({ x1, x2, label: Math.max(-1, Math.min(1, label)) });
    }
    return pts;
  },
  moons(rand) {
    const pts = [];
    for (let i = 0; i < 120; i++) {
      const t = rand() * Math.PI;
      if (i % 2) pts.push({ x1: 3 * Math.cos(t) - 1.5, x2: 3 * Math.sin(t) - 0.75 + gauss(rand) * 0.2, label: 0 });
      else pts.push({ x1: 3 * (1 - Math.cos(t)) - 1.5, x2: -3 * Math.sin(t) + 0.75 + gauss(rand) * 0.2, label: 1 });
    }
    return pts;
  },
  blobs3(rand) {
    const centers = [[-3, -2], [3, -2], [0, 3]];
    const pts = [];
    for (let i = 0; i < 150; i++) {
      const c = i % 3;
      pts.push({ x1: centers[c][0] + gauss(rand), x2: centers[c][1] + gauss(rand), label: c });
    }
    return pts;
  },
  and: () => table([0, 0, 0, 1]),
  or: () => table([0, 1, 1, 1]),
  xor_table: () => table([0, 1, 1, 0]),
  circle_unit(rand) {
    const pts = [];
    for (let i = 0; i < 40; i++) {
      const x1 = rand();
      const x2 = rand();
      pts.push({ x1, x2, label: x1 * x1 + x2 * x2 > 0.5 ? 1 : 0 });
    }
    return pts;
  },
  sin_regression(rand) {
    const pts = [];
    for (let i = 0; i < 40; i++) {
      const x1 = rand();
      const x2 = rand();
      pts.push({ x1, x2, label: Math.sin(Math.PI * x1) * x2 });
    }
    return pts;
  },
  worked_example: () => [{ x1: 0.05, x2: 0.1, label: 0.5 }],
};

/** Preview points `[{x1, x2, label}]` for a dataset name (empty when unknown). */
export function previewPoints(name, seed = 1) {
  const gen = GENERATORS[name];
  return gen ? gen(mulberry32(seed)) : [];
}
