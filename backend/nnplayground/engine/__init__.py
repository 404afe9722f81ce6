"""nnplayground's engine: the tutorial's backpropagation for multilayer perceptrons, NumPy only.

>>> from nnplayground.engine import Network, train
>>> net = Network([2, 4, 3, 1], seed=0)         # sigmoid everywhere, MSE, He init: the tutorial
>>> out = net.forward(X)                         # X: (n_inputs, m) -> (n_out, m)
>>> g = net.gradients(X, Y)                      # g.delta, g.dW, g.db per layer
>>> net.step(X, Y)                               # one epoch, by the tutorial's formulas
>>> history = train(net, X, Y, epochs=1000)      # many, compiled; history.loss: one per epoch

``network.py`` is the tutorial (``W``, ``b``, ``z``, ``a``, ``delta``, ``dW``, ``db``); ``fast.py``
trains it fast behind that face. Imports NumPy and nothing else; see each module's docstring.
"""

from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Activation
from .config import LIVE_FIELDS, NetworkConfig
from .errors import ConfigError, DivergenceError, EngineError
from .fast import History, train
from .features import DEFAULT_FEATURES, FEATURES, feature_matrix
from .gradcheck import GradientCheck, gradient_check, relative_error
from .initializers import INITIALIZERS
from .losses import LOSSES, Loss
from .network import ForwardPass, Gradients, Network, predictions
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
    "train",
]
