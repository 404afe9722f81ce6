"""Bad configurations and data raise clear errors naming the field; the engine stays web-free."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nnplayground.engine import ConfigError, Network, NetworkConfig, train

BAD = [
    ({"layers": [2]}, "layers"),
    ({"layers": [2, 0, 1]}, "layers"),
    ({"layers": [2, -3, 1]}, "layers"),
    ({"layers": [2, 2.5, 1]}, "layers"),
    ({"layers": [2, 1], "hidden_activation": "swish"}, "hidden_activation"),
    ({"layers": [2, 1], "output_activation": "relu"}, "output_activation"),
    ({"layers": [2, 1], "loss": "hinge"}, "loss"),
    ({"layers": [2, 1], "loss": "cce"}, "loss"),
    ({"layers": [2, 1], "output_activation": "softmax"}, "output_activation"),
    ({"layers": [2, 2], "output_activation": "linear", "loss": "bce"}, "loss"),
    ({"layers": [2, 1], "init": "zeros"}, "init"),
    ({"layers": [2, 1], "optimizer": "rmsprop"}, "optimizer"),
    ({"layers": [2, 1], "learning_rate": 0}, "learning_rate"),
    ({"layers": [2, 1], "learning_rate": float("nan")}, "learning_rate"),
    ({"layers": [2, 1], "learning_rate": float("inf")}, "learning_rate"),
    ({"layers": [2, 1], "batch_size": 0}, "batch_size"),
    ({"layers": [2, 1], "regularization": "l3"}, "regularization"),
    ({"layers": [2, 1], "reg_rate": -1}, "reg_rate"),
    ({"layers": [2, 1], "momentum": 1.5}, "momentum"),
    ({"layers": [2, 1], "seed": -1}, "seed"),
    ({"layers": [2, 1], "dtype": "float16"}, "dtype"),
]


@pytest.mark.parametrize(("options", "field"), BAD)
def test_bad_configuration_names_the_field(options, field):
    with pytest.raises(ConfigError) as info:
        NetworkConfig(**options)
    assert info.value.field == field
    assert field.split("_")[0] in str(info.value)


def test_unknown_option_in_a_model_file():
    with pytest.raises(ConfigError) as info:
        NetworkConfig.from_dict({"layers": [2, 1], "colour": "red"})
    assert info.value.field == "colour"


@pytest.mark.parametrize(
    ("X", "Y", "field"),
    [
        (np.zeros((3, 4)), np.zeros((1, 4)), "X"),
        (np.zeros((2, 4)), np.zeros((1, 5)), "Y"),
        (np.array([[np.nan], [0.0]]), np.zeros((1, 1)), "X"),
        (np.zeros((2, 1)), np.array([[np.inf]]), "Y"),
        (np.zeros((2, 0)), np.zeros((1, 0)), "X"),
    ],
)
def test_mismatched_or_non_finite_data(X, Y, field):
    with pytest.raises(ConfigError) as info:
        train(Network([2, 3, 1]), X, Y, 1)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("X", "Y", "field"),
    [
        (np.array([[np.nan, 0.0], [0.0, 0.0]]), np.zeros((1, 2)), "X"),
        (np.full((3, 3), 0.5), np.zeros((1, 3)), "X"),
        (np.zeros((2, 2)), np.array([[0.0, np.inf]]), "Y"),
    ],
)
def test_new_data_is_checked_after_training_on_other_data(X, Y, field):
    """The checked data is remembered by identity: new arrays, even of the same shape, are
    checked again."""
    net = Network([2, 3, 1])
    train(net, np.zeros((2, 2)), np.zeros((1, 2)), 1)
    with pytest.raises(ConfigError) as info:
        train(net, X, Y, 1)
    assert info.value.field == field


def test_weights_of_the_wrong_shape_are_refused():
    net = Network([2, 3, 1])
    with pytest.raises(ConfigError, match=r"weights\[0\]"):
        net.weights = [np.zeros((2, 3)), np.zeros((1, 3))]
    with pytest.raises(ConfigError, match="NaN"):
        net.biases = [np.full((3, 1), np.nan), np.zeros((1, 1))]


def test_live_update_refuses_architecture_changes():
    with pytest.raises(ConfigError, match="reset"):
        Network([2, 1]).update(layers=(2, 3, 1))


def test_engine_imports_nothing_from_the_web_side():
    code = (
        "import sys, nnplayground.engine;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "{'fastapi', 'pydantic', 'starlette', 'uvicorn', 'httpx'} "
        "or m.startswith('nnplayground.api')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
