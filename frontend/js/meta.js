// meta.js — what the server said about itself in GET /api/limits, held once for the whole
// page: its limits, the engine's input features (names in the engine's order, with display
// labels) and its hidden and output activations. Both pages call loadMeta() first, before
// they read the URL hash or build a control; everything else reads the getters below, so the
// page holds no copy of those lists (the engine's are the only ones).
// Leaves out: every other request (api.js) and the session's own configuration (config.js).

let held = null;

/** Take in the JSON of GET /api/limits (node tests pass a real app's answer). */
export function setMeta(limits) {
  held = Object.freeze({
    raw: limits,
    limits: Object.freeze({
      maxLayers: limits.max_layers,
      maxNeurons: limits.max_neurons,
      maxEpochsPerCall: limits.max_epochs_per_call,
      maxPoints: limits.max_points,
      maxNicknameChars: limits.max_nickname_chars,
    }),
    features: Object.freeze(limits.features.map((f) => f.name)),
    labels: Object.freeze(Object.fromEntries(limits.features.map((f) => [f.name, f.label]))),
    hidden: Object.freeze([...limits.activations.hidden]),
    output: Object.freeze([...limits.activations.output]),
  });
}

/** Ask the server (GET /api/limits through `api`) and hold its answer. */
export async function loadMeta(api) {
  setMeta(await api.limits());
}

function meta() {
  if (!held) throw new Error('the server\'s limits are not loaded yet (loadMeta)');
  return held;
}

/** {maxLayers, maxNeurons, maxEpochsPerCall, maxPoints, maxNicknameChars}. */
export const limits = () => meta().limits;
/** The engine's input feature names, in its order. */
export const features = () => meta().features;
/** How the page writes a feature ("x1^2" -> "x₁²"). */
export const featureLabel = (name) => meta().labels[name] ?? name;
/** The activations a hidden layer may use. */
export const hiddenActivations = () => meta().hidden;
/** What a session's output_activation may be: 'auto' (chosen by the problem) or an activation. */
export const outputChoices = () => ['auto', ...meta().output];
