// views/markers.js — how a data point is drawn: a marker shape per class (circle, square,
// triangle, diamond, ...; WCAG 1.4.1: class is told by shape as well as colour), filled with its
// colour and outlined in a dark line so light fills (regression targets near the middle, faded
// class colours) stay visible on any background; test points get a second, white ring. Also
// the same shapes as small SVG icons for legends and pickers.
// Leaves out: which colour a point has and where it goes (heatmap.js).

export const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'triangle-down', 'pentagon', 'star', 'hexagon'];

const OUTLINE = 'rgba(25, 25, 25, 0.85)';

/** The marker of class `k` (regression points are circles). */
export function markerOf(k) {
  return MARKERS[((k % MARKERS.length) + MARKERS.length) % MARKERS.length];
}

function polygon(n, rotation = -Math.PI / 2, inner = null) {
  const pts = [];
  const count = inner ? 2 * n : n;
  for (let i = 0; i < count; i++) {
    const a = rotation + (i * 2 * Math.PI) / count;
    const r = inner && i % 2 ? inner : 1;
    pts.push([r * Math.cos(a), r * Math.sin(a)]);
  }
  return pts;
}

/** Unit outlines (radius 1 around 0, y down), scaled so each shape has about a circle's area. */
const SHAPES = {
  square: { pts: polygon(4, Math.PI / 4), scale: 1.25 },
  triangle: { pts: polygon(3), scale: 1.5, dy: 0.25 },
  diamond: { pts: polygon(4), scale: 1.3 },
  'triangle-down': { pts: polygon(3, Math.PI / 2), scale: 1.5, dy: -0.25 },
  pentagon: { pts: polygon(5), scale: 1.15 },
  star: { pts: polygon(5, -Math.PI / 2, 0.5), scale: 1.5 },
  hexagon: { pts: polygon(6), scale: 1.1 },
};

/** Trace marker `shape` of radius `r` at (x, y) as the context's current path. */
export function tracePath(ctx, shape, x, y, r) {
  ctx.beginPath();
  const s = SHAPES[shape];
  if (!s) {
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    return;
  }
  const k = r * s.scale;
  const dy = (s.dy || 0) * r;
  s.pts.forEach(([px, py], i) => (i ? ctx.lineTo(x + px * k, y + py * k + dy) : ctx.moveTo(x + px * k, y + py * k + dy)));
  ctx.closePath();
}

/** Draw one point: filled marker with a dark outline; test points also a white inner ring. */
export function drawMarker(ctx, { shape, x, y, r, fill, test = false }) {
  tracePath(ctx, shape, x, y, r);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineJoin = 'round';
  ctx.strokeStyle = OUTLINE;
  ctx.lineWidth = test ? 2.2 : 1.1;
  ctx.stroke();
  if (test) {
    tracePath(ctx, shape, x, y, Math.max(1, r - 1.6));
    ctx.strokeStyle = 'rgb(255, 255, 255)';
    ctx.lineWidth = 1.1;
    ctx.stroke();
  }
}

/** An inline SVG icon of marker `shape` in colour `fill` (for legends and pickers). */
export function markerIcon(shape, fill, size = 14) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '-1.65 -1.65 3.3 3.3');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.classList.add('marker-icon');
  const s = SHAPES[shape];
  let el;
  if (!s) {
    el = document.createElementNS(ns, 'circle');
    el.setAttribute('r', '1');
  } else {
    el = document.createElementNS(ns, 'polygon');
    const dy = s.dy || 0;
    el.setAttribute('points', s.pts.map(([px, py]) => `${(px * s.scale).toFixed(3)},${(py * s.scale + dy).toFixed(3)}`).join(' '));
  }
  el.setAttribute('fill', fill);
  el.setAttribute('stroke', OUTLINE);
  el.setAttribute('stroke-width', '0.22');
  el.setAttribute('stroke-linejoin', 'round');
  svg.append(el);
  return svg;
}
