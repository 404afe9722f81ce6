// What a real app answered, for the page's pure modules under node: test_node.py writes
// GET /api/limits, /api/datasets and /api/presets of the app, the engine's value of every
// feature at a few points, and what a session streamed to a detail=display client (with its
// REST history), a lesson's class (GET /forks and each fork's GET /challenge) to the file named by NNP_FRONTEND_FIXTURE. Importing this module hands the limits to meta.js, as
// the page does at boot. Leaves out: the tests themselves (*.test.mjs).
import { readFileSync } from 'node:fs';
import { setMeta } from '../../frontend/js/meta.js';

const path = process.env.NNP_FRONTEND_FIXTURE;
if (!path) {
  throw new Error('NNP_FRONTEND_FIXTURE is not set: run these tests through tests/frontend/test_node.py');
}

/**
 * {limits, features: {points, values}, datasets, presets, display: {frame, snapshot, replay,
 * epochs, history}, class: {rows, challenges}} (test_node.py)
 */
export const FIXTURE = JSON.parse(readFileSync(path, 'utf8'));
setMeta(FIXTURE.limits);
