"""Ready-made sessions: every example of the tutorial, the 2-2-2 worked example, and Playground.

Each :class:`Preset` pins a :class:`SessionSpec` (network seed and data seed included), the
number of epochs and the print interval the tutorial uses, optionally fixed initial weights,
and the outcome it reaches (the seeds were chosen so that the tutorial's outcome is met; the
tests hold them to it). :func:`network_for` builds the engine network and the training matrices
of a preset. The lessons (``LESSONS``) carry a challenge (``sessions/challenge.py``) that the
server checks on every student's fork: TensorFlow Playground's classic exercises and the
tutorial's. What it leaves out: running the training (the CLI and sessions do that) and
anything about the web.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .datasets import Dataset, FloatArray, default_spec, generate
from .engine import Network, feature_matrix
from .sessions.challenge import Challenge
from .sessions.spec import SessionSpec, StopAt

Matrix = tuple[tuple[float, ...], ...]


@dataclass(frozen=True, kw_only=True)
class Preset:
    """A named, fully pinned training run.

    ``weights[l]`` (shape ``(n_l, n_{l-1})``) and ``biases[l]`` (``n_l`` values) replace the
    seeded initialisation when given; ``outcome`` says in words what the run reaches.
    """

    name: str
    title: str
    description: str
    spec: SessionSpec
    epochs: int
    print_every: int
    weights: tuple[Matrix, ...] | None = None
    biases: tuple[tuple[float, ...], ...] | None = None
    outcome: str
    #: a lesson's goal, set on the preset's dataset (``None``: not a lesson)
    challenge: Challenge | None = None


def _tutorial(hidden: tuple[int, ...], lr: float, dataset: str, seed: int,
              data_seed: int = 0) -> SessionSpec:
    """The tutorial's defaults: sigmoid everywhere, MSE, He initialisation, full batch."""
    return SessionSpec(
        hidden_layers=hidden, hidden_activation="sigmoid", output_activation="sigmoid",
        loss="mse", init="he", optimizer="sgd", learning_rate=lr, batch_size=None, seed=seed,
        dataset=default_spec(dataset, seed=data_seed),
    )


_ALL = [
    Preset(
        name="xnor", title="Tutorial example 1: 'XNOR' with [2, 2, 1]",
        description="The tutorial's first network, one hidden layer of two sigmoid neurons, "
                    "learns Y = [0, 1, 1, 0] on the four corners of the unit square.",
        spec=_tutorial((2,), 1.0, "xnor", seed=0), epochs=10000, print_every=2500,
        outcome="100% accuracy on the four points",
    ),
    Preset(
        name="xnor_deep", title="Tutorial example 1: 'XNOR' with [2, 4, 3, 1]",
        description="The same truth table learnt by the tutorial's deeper architecture, two "
                    "hidden layers of four and three sigmoid neurons.",
        spec=_tutorial((4, 3), 1.0, "xnor", seed=1), epochs=10000, print_every=2500,
        outcome="100% accuracy on the four points",
    ),
    Preset(
        name="sin_regression", title="Tutorial example 2: y = sin(pi x1) x2",
        description="A [2, 16, 8, 4, 1] sigmoid network (sigmoid output, as in the tutorial) "
                    "fits eight random points of the surface sin(pi x1) x2 on the unit square.",
        spec=_tutorial((16, 8, 4), 1.0, "sin_regression", seed=0, data_seed=0),
        epochs=60000, print_every=10000,
        outcome="training loss (MSE) below 1e-3",
    ),
    Preset(
        name="circle", title="Tutorial example 3: circular boundary",
        description="A [2, 8, 4, 1] network separates eight random points of the unit square "
                    "by whether x1² + x2² > 0.5.",
        spec=_tutorial((8, 4), 1.0, "circle_unit", seed=4, data_seed=4),
        epochs=60000, print_every=10000,
        outcome="100% accuracy on the eight points",
    ),
    Preset(
        name="or", title="Tutorial example 4: OR (a single neuron)",
        description="A [2, 1] network, one sigmoid neuron, learns the OR truth table.",
        spec=_tutorial((), 0.3, "or", seed=0), epochs=10000, print_every=2000,
        outcome="100% accuracy on the four points",
    ),
    Preset(
        name="and", title="Tutorial example 4: AND (a single neuron)",
        description="A [2, 1] network, one sigmoid neuron, learns the AND truth table.",
        spec=_tutorial((), 0.3, "and", seed=0), epochs=5000, print_every=1000,
        outcome="100% accuracy on the four points",
    ),
    Preset(
        name="worked_example", title="The 2-2-2 worked example",
        description="The classic hand-worked backpropagation example: a 2-2-2 sigmoid network "
                    "with fixed weights, one point (0.05, 0.10) with targets (0.01, 0.99), one "
                    "update at learning rate 0.5.",
        spec=SessionSpec(
            hidden_layers=(2,), hidden_activation="sigmoid", output_activation="sigmoid",
            loss="mse", learning_rate=0.5, dataset=default_spec("worked_example"),
        ),
        epochs=1, print_every=1,
        weights=(((0.15, 0.20), (0.25, 0.30)), ((0.40, 0.45), (0.50, 0.55))),
        biases=((0.35, 0.35), (0.60, 0.60)),
        outcome="loss 0.2983711088 before the update; W1 = [[0.14978072, 0.19956143], "
                "[0.24975114, 0.29950229]], W2 = [[0.35891648, 0.40866619], "
                "[0.51130127, 0.56137012]] after it",
    ),
    Preset(
        name="playground", title="TensorFlow Playground's default",
        description="Playground's opening screen: the circle dataset (200 points, no noise, "
                    "half for training), features x1 and x2, hidden layers of 4 and 2 tanh "
                    "neurons, learning rate 0.03, batches of 10, weights uniform in "
                    "[-0.5, 0.5]; here with a sigmoid output and MSE.",
        spec=SessionSpec(
            hidden_layers=(4, 2), hidden_activation="tanh", output_activation="sigmoid",
            loss="mse", init="uniform", learning_rate=0.03, batch_size=10, seed=0,
            dataset=default_spec("circle", n_points=200, noise=0.0, ratio=0.5, seed=0),
        ),
        epochs=1000, print_every=100,
        outcome="100% training and test accuracy (a ring-shaped boundary)",
    ),
]  # fmt: skip



def _lesson(name: str, title: str, description: str, spec: SessionSpec, challenge: Challenge,
            outcome: str) -> Preset:
    return Preset(name=name, title=title, description=description, spec=spec, epochs=20000,
                  print_every=2000, outcome=outcome,
                  challenge=challenge.on(asdict(spec.dataset)))


def _tanh(dataset: str, hidden: tuple[int, ...], lr: float = 0.3) -> SessionSpec:
    return SessionSpec(hidden_layers=hidden, hidden_activation="tanh", learning_rate=lr,
                       features=("x1", "x2"), dataset=default_spec(dataset))


LESSONS = [
    _lesson("lesson_xor", "Lesson: XOR with one feature and no hidden layer",
            "TensorFlow Playground's exercise: a network without hidden layers cannot "
            "separate XOR from x1 and x2. Which single input feature makes it easy?",
            _tanh("xor", ()),
            Challenge(test_accuracy=0.95, max_hidden_neurons=0, max_features=1,
                      text="Solve XOR with one input feature and no hidden layer"),
            "the feature x1*x2 alone: 100% test accuracy within a few epochs"),
    _lesson("lesson_circle", "Lesson: the circle with the fewest neurons",
            "How few hidden neurons separate the circle from the ring, with x1 and x2 only? "
            "Start from eight and take them away.",
            _tanh("circle", (8,)),
            Challenge(test_accuracy=0.95, max_hidden_neurons=3, features=("x1", "x2"),
                      text="Separate the circle with at most 3 hidden neurons, x1 and x2 only"),
            "one hidden layer of 3 tanh neurons: 100% test accuracy after about 700 epochs"),
    _lesson("lesson_spiral", "Lesson: untangle the spiral",
            "The spiral is the hardest of Playground's datasets. Reach 90% test accuracy with "
            "at most 16 hidden neurons: more features may help.",
            _tanh("spiral", (8, 8)),
            Challenge(test_accuracy=0.9, max_hidden_neurons=16,
                      text="The spiral at 90% test accuracy, 16 hidden neurons at most"),
            "[8, 8] tanh with every feature: 90% test accuracy after about 1,000 epochs"),
    _lesson("lesson_xnor", "Lesson: the tutorial's XNOR with two hidden neurons",
            "The tutorial's first network [2, 2, 1]: train it until every point is right and "
            "the loss is below 0.01. Can a higher learning rate get there sooner?",
            _tutorial((2,), 1.0, "xnor", seed=0),
            Challenge(accuracy=1.0, train_loss=0.01, max_hidden_neurons=2,
                      text="XNOR with 2 hidden neurons: every point right, loss below 0.01"),
            "the tutorial's run: loss below 0.01 at epoch 2,862"),
    _lesson("lesson_or", "Lesson: OR with a single neuron",
            "The tutorial's fourth example: OR needs no hidden layer at all. Remove it and "
            "train the single output neuron.",
            _tutorial((2,), 0.3, "or", seed=0),
            Challenge(accuracy=1.0, max_hidden_neurons=0,
                      text="OR with one neuron: no hidden layer, every point right"),
            "no hidden layer: every point right after about 200 epochs"),
]

#: Each preset's Play stops where the tutorial's run ends (its ``epochs``), with its outcome.
PRESETS: dict[str, Preset] = {
    p.name: replace(p, spec=replace(p.spec, stop_at=StopAt(epoch=p.epochs)))
    for p in [*_ALL, *LESSONS]}


def dataset_for(preset: Preset) -> Dataset:
    """The preset's points (generated from its pinned dataset spec)."""
    return generate(preset.spec.dataset)


def build_network(spec: SessionSpec, weights: Sequence[Any] | None = None,
                  biases: Sequence[Any] | None = None) -> Network:
    """The engine network of ``spec``; ``weights`` (per layer ``(n_l, n_{l-1})``) and ``biases``
    (per layer ``n_l`` values) replace the seeded initialisation when given."""
    net = Network(config=spec.network_config())
    if weights is not None:
        net.weights = [np.array(w, dtype=np.float64) for w in weights]
    if biases is not None:
        net.biases = [np.array(b, dtype=np.float64).reshape(-1, 1) for b in biases]
    return net


def network_for(preset: Preset) -> tuple[Network, NDArray[np.floating[Any]], FloatArray]:
    """A fresh engine network with the preset's initial weights, and its training ``X``, ``Y``.

    ``X`` is the feature matrix ``(n_features, m)`` of the training points, ``Y`` the target
    matrix ``(n_outputs, m)``.
    """
    net = build_network(preset.spec, preset.weights, preset.biases)
    data = dataset_for(preset)
    return net, feature_matrix(preset.spec.features, data.X_train), data.Y_train


def preset_summary(preset: Preset) -> dict[str, Any]:
    """JSON-friendly description of a preset (no arrays, no dataclasses)."""
    return {
        "name": preset.name,
        "title": preset.title,
        "description": preset.description,
        "spec": preset.spec.to_dict(),
        "layers": list(preset.spec.layers),
        "epochs": preset.epochs,
        "print_every": preset.print_every,
        "outcome": preset.outcome,
        "fixed_weights": preset.weights is not None,
        "challenge": None if preset.challenge is None else {
            **preset.challenge.to_dict(), "goal": preset.challenge.goal()},
    }
