"""nnplayground's engine: the tutorial's backpropagation for multilayer perceptrons, NumPy only.

>>> from nnplayground.engine import Network
>>> net = Network([2, 4, 3, 1], seed=0)         # sigmoid everywhere, MSE, He init: the tutorial
>>> out = net.forward(X)                         # X: (n_inputs, m) -> (n_out, m)
>>> g = net.gradients(X, Y)                      # g.delta, g.dW, g.db per layer
>>> history = net.train(X, Y, epochs=1000)       # history.loss: one figure per epoch

Imports nothing from the web side (fastapi, pydantic, the api); see each module's docstring.
"""

from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation
from .config import LIVE_FIELDS, NetworkConfig
from .errors import ConfigError, DivergenceError, EngineError
from .features import DEFAULT_FEATURES, FEATURES, feature_matrix
from .gradcheck import GradientCheck, gradient_check, relative_error
from .initializers import INITIALIZERS
from .losses import LOSSES, Loss
from .network import ForwardPass, Gradients, History, Network, predictions
from .optimizers import OPTIMIZERS

__all__ = [
    "ACTIVATIONS",
    "DEFAULT_FEATURES",
    "FEATURES",
    "HIDDEN_ACTIVATIONS",
    "INITIALIZERS",
    "LIVE_FIELDS",
    "LOSSES",
    "OPTIMIZERS",
    "OUTPUT_ACTIVATIONS",
    "Activation",
    "ConfigError",
    "DivergenceError",
    "EngineError",
    "ForwardPass",
    "GradientCheck",
    "Gradients",
    "History",
    "Loss",
    "Network",
    "NetworkConfig",
    "feature_matrix",
    "gradient_check",
    "predictions",
    "relative_error",
]
