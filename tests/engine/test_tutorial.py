"""``network.py`` is the tutorial: its parameters, forward and backward pass, against the
tutorial's own code (transcribed below from ``backprop-tutorial.md``), and the compiled loop
(``fast.py``) against ``network.py`` for every activation, loss and optimiser."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.engine import HIDDEN_ACTIVATIONS, LOSSES, OPTIMIZERS, Network, train

COMBOS = [(hidden, output, loss) for hidden in HIDDEN_ACTIVATIONS
          for loss, spec in LOSSES.items() for output in spec.outputs]


class DeepNeuralNetwork:
    """The tutorial's class (its ``__init__`` takes the weights instead of drawing them)."""

    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray],
                 learning_rate: float = 0.1) -> None:
        self.lr = learning_rate
        self.L = len(weights)
        self.weights = [w.copy() for w in weights]
        self.biases = [b.copy() for b in biases]

    def forward(self, X: np.ndarray) -> np.ndarray:
        self.activations = [X]
        self.z_values = []
        current_activation = X
        for i in range(self.L):
            z = self.weights[i] @ current_activation + self.biases[i]
            current_activation = 1 / (1 + np.exp(-z))
            self.z_values.append(z)
            self.activations.append(current_activation)
        return current_activation

    def backward(self, X: np.ndarray, Y: np.ndarray) -> None:
        m = X.shape[1]
        dW = [np.zeros_like(w) for w in self.weights]
        db = [np.zeros_like(b) for b in self.biases]
        dZ = (self.activations[-1] - Y) * self.activations[-1] * (1 - self.activations[-1])
        dW[-1] = (dZ @ self.activations[-2].T) / m
        db[-1] = np.sum(dZ, axis=1, keepdims=True) / m
        for l in range(self.L - 2, -1, -1):
            dA = self.weights[l + 1].T @ dZ
            dZ = dA * self.activations[l + 1] * (1 - self.activations[l + 1])
            dW[l] = (dZ @ self.activations[l].T) / m
            db[l] = np.sum(dZ, axis=1, keepdims=True) / m
        self.dW, self.db = dW, db
        for l in range(self.L):
            self.weights[l] -= self.lr * dW[l]
            self.biases[l] -= self.lr * db[l]


def xnor() -> tuple[np.ndarray, np.ndarray]:
    return np.array([[0, 0, 1, 1], [0, 1, 0, 1]], float), np.array([[0, 1, 1, 0]], float)


def test_parameters_are_plain_lists_in_the_tutorials_shapes() -> None:
    net = Network([2, 4, 3, 1], seed=0)
    assert [w.shape for w in net.W] == [(4, 2), (3, 4), (1, 3)]
    assert [b.shape for b in net.b] == [(4, 1), (3, 1), (1, 1)]
    assert all(not b.any() for b in net.b)  # biases start at zero
    # He initialisation, drawn layer by layer from the seeded generator
    rng = np.random.default_rng(0)
    for w, (n_out, n_in) in zip(net.W, [(4, 2), (3, 4), (1, 3)], strict=True):
        assert np.array_equal(w, rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in))
    assert all(np.array_equal(a, b) for a, b in zip(net.weights, net.W, strict=True))


@pytest.mark.parametrize("layers", [[2, 2, 1], [2, 4, 3, 1], [2, 8, 8, 8, 1]])
def test_forward_and_backward_are_the_tutorials(layers: list[int]) -> None:
    X, Y = xnor()
    net = Network(layers, seed=1, learning_rate=0.1)
    tut = DeepNeuralNetwork(net.W, net.b, learning_rate=0.1)
    fp = net.forward_pass(X)
    tut.forward(X)
    for ours, theirs in zip(fp.z + fp.a, tut.z_values + tut.activations, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=0)
    g = net.backward(fp, Y)
    tut.backward(X, Y)
    for ours, theirs in zip(g.dW + g.db, tut.dW + tut.db, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-17)


@pytest.mark.parametrize("path", ["step", "train"])
def test_training_equals_the_tutorials_training(path: str) -> None:
    """The tutorial's XNOR example, 3000 epochs, by ``Network.step`` and by ``train``."""
    X, Y = xnor()
    net = Network([2, 4, 3, 1], seed=3, learning_rate=1.0)
    tut = DeepNeuralNetwork(net.W, net.b, learning_rate=1.0)
    losses = []
    for _ in range(3000):
        losses.append(np.mean((Y - tut.forward(X)) ** 2))
        tut.backward(X, Y)
    if path == "step":
        ours = [net.step(X, Y).loss for _ in range(3000)]
    else:
        ours = list(train(net, X, Y, 3000).loss)
    np.testing.assert_allclose(ours, losses, rtol=1e-13, atol=1e-15)
    for a, b in zip(net.W + net.b, tut.weights + tut.biases, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-14)
    assert losses[-1] < losses[0] / 10  # it learned: the comparison is not of two stuck runs


@pytest.mark.parametrize(("hidden", "output", "loss"), COMBOS)
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_the_compiled_loop_equals_network_step(hidden: str, output: str, loss: str,
                                               optimizer: str) -> None:
    """One epoch of ``train`` against one ``Network.step`` from the same state, for every
    combination: the same loss, parameters and optimiser state to 1e-12."""
    n_out = 3 if output == "softmax" else 1
    rng = np.random.default_rng(5)
    X = rng.normal(size=(2, 11))
    Y = (np.eye(3)[:, rng.integers(0, 3, 11)] if n_out == 3
         else rng.integers(0, 2, (1, 11)).astype(float))
    options = {"hidden_activation": hidden, "output_activation": output, "loss": loss,
               "optimizer": optimizer, "learning_rate": 0.05 if optimizer == "adam" else 0.5,
               "regularization": "l2", "reg_rate": 0.001}
    fast, ref = (Network([2, 5, 4, n_out], seed=3, **options) for _ in range(2))
    for _ in range(4):  # the optimiser's state goes into the compiled loop and back each time
        (loss_fast,) = train(fast, X, Y, 1).loss
        assert ref.step(X, Y).loss == pytest.approx(loss_fast, rel=1e-12, abs=0)
        for a, b in zip(fast.W + fast.b, ref.W + ref.b, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
        state, expected = fast.optimizer.state(), ref.optimizer.state()
        assert state.keys() == expected.keys()
        for key in state:
            np.testing.assert_allclose(flat(state[key]), flat(expected[key]), rtol=1e-12,
                                       atol=1e-15)
        ref.weights, ref.biases = fast.W, fast.b  # the next epoch starts from the same state
        ref.optimizer.load_state(state)


def flat(value: object) -> np.ndarray:
    """An optimiser state's entry (a count, or a list of arrays) as one array."""
    if isinstance(value, list):
        return np.concatenate([np.ravel(x) for x in value])
    return np.atleast_1d(np.asarray(value, dtype=float))
