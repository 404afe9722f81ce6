"""The classic 2-2-2 worked example: one update at learning rate 0.5 from fixed weights."""

from __future__ import annotations

import numpy as np
import pytest

from nnplayground.engine import Network, train

X = np.array([[0.05], [0.10]])
Y = np.array([[0.01], [0.99]])
W1_AFTER = [[0.14978072, 0.19956143], [0.24975114, 0.29950229]]
W2_AFTER = [[0.35891648, 0.40866619], [0.51130127, 0.56137012]]


def worked_example() -> Network:
    net = Network([2, 2, 2], learning_rate=0.5)
    net.weights = [[[0.15, 0.20], [0.25, 0.30]], [[0.40, 0.45], [0.50, 0.55]]]
    net.biases = [[[0.35], [0.35]], [[0.60], [0.60]]]
    return net


def test_loss_before_the_update():
    assert worked_example().loss(X, Y) == pytest.approx(0.2983711088, abs=1e-10)


@pytest.mark.parametrize("path", ["reference", "fast"])
def test_weights_after_one_update(path):
    net = worked_example()
    if path == "reference":
        net.step(X, Y)
    else:
        history = train(net, X, Y, 1)
        assert history.loss[0] == pytest.approx(0.2983711088, abs=1e-10)
    np.testing.assert_allclose(net.weights[0], W1_AFTER, atol=1e-8)
    np.testing.assert_allclose(net.weights[1], W2_AFTER, atol=1e-8)
    assert net.epoch == 1
