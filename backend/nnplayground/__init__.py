"""nnplayground: watch backpropagation happen (engine, datasets, sessions, API, CLI)."""

__version__ = "0.1.0"
