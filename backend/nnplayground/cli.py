"""The ``nnplayground`` command: train a network in the terminal, list presets, start the server.

``nnplayground train`` runs a preset or a network built from options and prints what the
tutorial prints: ``Epoch N - Loss: x`` at intervals, the predictions, the expected output, the
accuracy and the "DETAILED NETWORK PARAMETERS". ``nnplayground presets`` lists the presets and
``nnplayground serve`` starts the web server (``nnplayground.api.app.serve``, imported only then).
Bad options end with a one-line message and exit status 2, never a traceback. What it leaves
out: the training loop itself (the engine's) and the server (``api/app.py``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from . import __version__
from .datasets import DATASETS, DatasetError, DatasetSpec, default_spec, generate
from .engine import (
    FEATURES,
    HIDDEN_ACTIVATIONS,
    INITIALIZERS,
    LOSSES,
    OPTIMIZERS,
    OUTPUT_ACTIVATIONS,
    DivergenceError,
    EngineError,
    Network,
    feature_matrix,
    predictions,
)
from .engine import train as train_network
from .presets import PRESETS, Preset, build_network, preset_summary
from .sessions.spec import SessionSpec

if TYPE_CHECKING:
    from .config import Settings

BASE = SessionSpec()
"""What ``train`` starts from without ``--preset``: the session defaults."""
DEFAULT_EPOCHS = 1000

_BASE_LAYERS = ",".join(map(str, BASE.hidden_layers))
TRAIN_EPILOG = "\n\n".join([
    *(textwrap.fill(paragraph, 78) for paragraph in (
        f"Without --preset the run starts from the session defaults: hidden layers "
        f"{_BASE_LAYERS}, {BASE.hidden_activation} hidden neurons, output activation and loss "
        f"'auto' (sigmoid + MSE for two classes, softmax + cross-entropy for more, linear + MSE "
        f"for regression), {BASE.init} initialisation, learning rate {BASE.learning_rate}, full "
        f"batch, seed {BASE.seed}, dataset {BASE.dataset.name}, {DEFAULT_EPOCHS} epochs. With "
        f"--preset the preset's values are the defaults; every option given overrides one.",
        "--layers gives every layer size, input and output included (the tutorial's "
        "layer_sizes): the first must equal the number of --features, the last the number of "
        "outputs the dataset needs (1 for two classes and for regression, the class count "
        "for more classes, 2 for worked_example).",
        "Output: 'Epoch N - Loss: x' every --print-every epochs (the loss at the weights the "
        "epoch started from, as in the tutorial), then the predictions (0/1 classes, or raw "
        "outputs for regression), the expected output, the accuracy (or final loss), the test "
        "accuracy when there are test points, and every layer's weights and biases. Exit "
        "status: 0 done, 1 training diverged, 2 bad options.",
    )),
    "examples:\n"
    "  nnplayground train --preset xnor\n"
    "  nnplayground train --layers 2,4,3,1 --dataset xnor --lr 1 --epochs 10000 "
    "--print-every 2500\n"
    "  nnplayground train --dataset circle --features x1^2,x2^2 --layers 2,3,1 "
    "--activation tanh",
])


class UsageError(Exception):
    """An option that cannot be used; reported like an argparse error (exit status 2)."""


MAIN_EPILOG = """\
commands:
  train    Train a preset (--preset xnor) or a network given by options (--layers 2,4,3,1
           --dataset circle --epochs N --lr X ...) and print the tutorial's report: the loss
           every --print-every epochs, predictions, expected output, accuracy, and the
           detailed network parameters.
  presets  List the presets: every tutorial example (xnor, xnor_deep, sin_regression,
           circle, or, and), the 2-2-2 worked_example, and TensorFlow Playground's default.
  serve    Start the server (--host, --port, --store, --data-dir, --workers); options not
           given come from NNP_* environment variables or .env.

Run 'nnplayground COMMAND --help' for every option of a command.
Exit status: 0 success, 1 training diverged, 2 bad options (with a one-line message).
"""


# ----- argument types --------------------------------------------------------------------------
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _layer_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if len(sizes) < 2 or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive sizes, input to output (e.g. 2,4,3,1), got {text!r}"
        )
    return sizes


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _batch_size(text: str) -> int:
    """A mini-batch size; ``full`` (or 0) becomes 0, which means full batch."""
    if text.strip().lower() in ("full", "0"):
        return 0
    return _positive_int(text)


def _port(text: str) -> int:
    value = _positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {text!r}")
    return value


# ----- the parser ------------------------------------------------------------------------------
def _one_of(names: Iterable[str]) -> str:
    return "one of " + ", ".join(sorted(names))


def build_parser() -> argparse.ArgumentParser:
    """The ``nnplayground`` argument parser with its ``train``, ``presets`` and ``serve``."""
    parser = argparse.ArgumentParser(
        prog="nnplayground",
        description="Watch backpropagation happen: train the tutorial's networks in the "
                    "terminal, or serve the live playground page.",
        epilog=MAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    train = sub.add_parser(
        "train", help="train a preset or a network given by options and print the results",
        description="Train a network by backpropagation and print the losses, predictions, "
                    "accuracy and parameters in the tutorial's format.",
        epilog=TRAIN_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument("--preset", choices=sorted(PRESETS), metavar="NAME",
                       help=f"start from this preset: {_one_of(PRESETS)}")
    net = train.add_argument_group("network")
    net.add_argument("--layers", type=_layer_sizes, metavar="N,N,...",
                     help="every layer size, input to output, e.g. 2,4,3,1")
    net.add_argument("--features", type=_names, metavar="F,F,...",
                     help=f"input features, from {', '.join(FEATURES)} (default x1,x2)")
    net.add_argument("--activation", choices=HIDDEN_ACTIVATIONS, metavar="NAME",
                     help=f"activation of the hidden layers: {_one_of(HIDDEN_ACTIVATIONS)}")
    outputs = ("auto", *OUTPUT_ACTIVATIONS)
    net.add_argument("--output-activation", choices=outputs, metavar="NAME",
                     help=f"activation of the output layer: {_one_of(outputs)}")
    losses = ("auto", *LOSSES)
    net.add_argument("--loss", choices=losses, metavar="NAME",
                     help=f"loss function: {_one_of(losses)}")
    net.add_argument("--init", choices=tuple(INITIALIZERS), metavar="NAME",
                     help=f"weight initialisation: {_one_of(INITIALIZERS)}")
    net.add_argument("--seed", type=_non_negative_int, help="seed of the initial weights")
    run = train.add_argument_group("training")
    run.add_argument("--epochs", type=_positive_int, help="epochs to train")
    run.add_argument("--lr", "--learning-rate", dest="lr", type=_number, metavar="RATE",
                     help="learning rate")
    run.add_argument("--optimizer", choices=tuple(OPTIMIZERS), metavar="NAME",
                     help=f"update rule: {_one_of(OPTIMIZERS)}")
    run.add_argument("--batch-size", type=_batch_size, metavar="N|full",
                     help="mini-batch size, or 'full' for full batch (the tutorial)")
    run.add_argument("--print-every", type=_positive_int, metavar="N",
                     help="print the loss every N epochs (default: the preset's, or epochs/5)")
    data = train.add_argument_group("data")
    data.add_argument("--dataset", choices=sorted(DATASETS), metavar="NAME",
                      help=f"built-in dataset: {_one_of(DATASETS)}")
    data.add_argument("--points", type=_positive_int, metavar="N",
                      help="number of points (default: the dataset's; ignored by truth tables)")
    data.add_argument("--noise", type=_number, metavar="FRACTION",
                      help="noise from 0 to 0.5 (0.3 = Playground's 30%%)")
    data.add_argument("--ratio", type=_number, metavar="FRACTION",
                      help="training fraction from 0.1 to 1 (the rest is the test set)")
    data.add_argument("--data-seed", type=_non_negative_int, metavar="SEED",
                      help="seed of the generated points (default: the preset's, or 0)")

    presets = sub.add_parser("presets", help="list the presets",
                             description="List the presets that train --preset accepts.")
    presets.add_argument("--json", action="store_true", help="print JSON instead of a table")

    serve = sub.add_parser(
        "serve", help="start the web server",
        description="Start the REST/WebSocket server and the live page. Options override the "
                    "NNP_* environment variables and .env; those not given keep them.",
    )
    serve.add_argument("--host", help="interface to listen on (NNP_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=_port, help="TCP port (NNP_PORT, default 8000)")
    serve.add_argument("--store", help="sqlite, memory, or redis://host:port/db (NNP_STORE)")
    serve.add_argument("--data-dir", help="directory of the sqlite store (NNP_DATA_DIR)")
    serve.add_argument("--workers", type=_non_negative_int,
                       help="training processes, 0 = one per core (NNP_WORKERS)")
    for command in (train, presets, serve):
        command.set_defaults(usage=command.format_usage())
    return parser


# ----- train -----------------------------------------------------------------------------------
@dataclasses.dataclass
class Run:
    """A resolved ``train`` request."""

    spec: SessionSpec
    epochs: int
    print_every: int
    title: str | None
    weights: Sequence[Any] | None
    biases: Sequence[Any] | None


def resolve(args: argparse.Namespace) -> Run:
    """Turn ``train``'s options into a :class:`Run`; :class:`UsageError` if they do not fit."""
    preset: Preset | None = PRESETS[args.preset] if args.preset else None
    spec = preset.spec if preset else BASE
    changes: dict[str, Any] = {}
    for option, name in (("activation", "hidden_activation"),
                         ("output_activation", "output_activation"), ("loss", "loss"),
                         ("init", "init"), ("seed", "seed"), ("lr", "learning_rate"),
                         ("optimizer", "optimizer"), ("features", "features")):
        if getattr(args, option) is not None:
            changes[name] = getattr(args, option)
    if args.batch_size is not None:
        changes["batch_size"] = args.batch_size or None
    if args.layers is not None:
        changes["hidden_layers"] = args.layers[1:-1]
    try:
        changes["dataset"] = _dataset(args, spec.dataset)
        spec = dataclasses.replace(spec, **changes)
    except DatasetError as exc:
        raise UsageError(_with_option(exc.message, DATA_OPTIONS.get(exc.field or ""))) from None
    except EngineError as exc:
        raise UsageError(_with_option(exc.message, NET_OPTIONS.get(exc.field or ""))) from None
    if args.layers is not None and tuple(args.layers) != spec.layers:
        raise UsageError(_layers_mismatch(args.layers, spec))
    epochs = args.epochs or (preset.epochs if preset else DEFAULT_EPOCHS)
    print_every = args.print_every or (
        preset.print_every if preset and epochs == preset.epochs else max(1, epochs // 5))
    weights = biases = None
    if preset and preset.weights is not None and spec.layers == preset.spec.layers:
        weights, biases = preset.weights, preset.biases
    elif preset and preset.weights is not None:
        print(f"note: the layers changed, so preset {preset.name}'s fixed weights are not used",
              file=sys.stderr)
    return Run(spec, epochs, print_every, preset.title if preset else None, weights, biases)


NET_OPTIONS = {
    "hidden_activation": "--activation", "output_activation": "--output-activation",
    "loss": "--loss", "init": "--init", "optimizer": "--optimizer", "learning_rate": "--lr",
    "batch_size": "--batch-size", "seed": "--seed", "features": "--features",
    "layers": "--layers",
}  # fmt: skip
DATA_OPTIONS = {"name": "--dataset", "n_points": "--points", "noise": "--noise",
                "ratio": "--ratio", "seed": "--data-seed"}  # fmt: skip


def _with_option(message: str, option: str | None) -> str:
    return f"{option}: {message}" if option else message


def _dataset(args: argparse.Namespace, base: DatasetSpec) -> DatasetSpec:
    seed = base.seed if args.data_seed is None else args.data_seed
    if args.dataset is not None and args.dataset != base.name:
        return default_spec(args.dataset, n_points=args.points, noise=args.noise or 0.0,
                            ratio=args.ratio, seed=seed)
    values = {"n_points": args.points, "noise": args.noise, "ratio": args.ratio, "seed": seed}
    return dataclasses.replace(base, **{k: v for k, v in values.items() if v is not None})


def _layers_mismatch(layers: Sequence[int], spec: SessionSpec) -> str:
    if layers[0] != spec.layers[0]:
        return (f"--layers starts with {layers[0]} inputs but there are {spec.layers[0]} "
                f"features ({','.join(spec.features)}); change --layers or --features")
    return (f"--layers ends with {layers[-1]} outputs but dataset {spec.dataset.name} needs "
            f"{spec.layers[-1]}")


def train(run: Run) -> int:
    """Train and print like the tutorial; returns the exit status."""
    net = build_network(run.spec, run.weights, run.biases)
    data = generate(run.spec.dataset)
    X, Y = feature_matrix(run.spec.features, data.X_train), data.Y_train
    if run.title:
        print(run.title)
    print(f"Network Architecture: {list(net.layers)}")
    done = 0
    try:
        while done < run.epochs:
            history = train_network(net, X, Y, min(run.print_every, run.epochs - done))
            done = net.epoch
            if done % run.print_every == 0:
                print(f"Epoch {done} - Loss: {history.loss[-1]:.6f}")
    except DivergenceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    regression = data.problem == "regression"
    if regression:
        print("\nPredictions (raw outputs):")
        print(net.forward(X))
        print("Expected:")
        print(Y)
        print(f"Loss: {net.loss(X, Y):.6f}")
    else:
        print("\nPredictions:")
        print(net.predict(X).reshape(1, -1))
        print("Expected:")
        print(predictions(Y).reshape(1, -1))
        print(f"Accuracy: {net.accuracy(X, Y) * 100:.1f}%")
    if data.X_test.shape[1]:
        X_test = feature_matrix(run.spec.features, data.X_test)
        if regression:
            print(f"Test loss: {net.loss(X_test, data.Y_test):.6f}")
        else:
            print(f"Test accuracy: {net.accuracy(X_test, data.Y_test) * 100:.1f}%")
    print_parameters(net)
    return 0


def print_parameters(net: Network) -> None:
    """The tutorial's ``print_parameters``: every layer's shape, weights and biases."""
    print("\n" + "=" * 50)
    print("DETAILED NETWORK PARAMETERS")
    print("=" * 50)
    sizes = net.layers
    for i, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        print(f"\nLayer {i + 1}:")
        print("-" * 20)
        print(f"Shape: {sizes[i]} → {sizes[i + 1]}")
        print(f"\nWeights W{i + 1}:")
        print(W)
        print(f"\nBiases b{i + 1}:")
        print(b)


# ----- presets and serve -----------------------------------------------------------------------
def list_presets(as_json: bool) -> int:
    if as_json:
        print(json.dumps([preset_summary(p) for p in PRESETS.values()], indent=2))
        return 0
    for p in PRESETS.values():
        layers = "[" + ",".join(map(str, p.spec.layers)) + "]"
        epochs = f"{p.epochs} epoch{'s' if p.epochs != 1 else ''}"
        print(f"{p.name:<15} {layers:<13} {epochs:>12}  {p.title}")
        print(f"{'':<15} outcome: {p.outcome}")
    return 0


def serve(args: argparse.Namespace) -> int:
    """Build the settings from the given options and hand them to ``nnplayground.api.app.serve``."""
    from pydantic import ValidationError

    from .config import Settings

    names = ("host", "port", "store", "data_dir", "workers")
    overrides = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors())
        raise UsageError(f"invalid settings: {problems}") from None
    from .api.app import serve as run_server  # lazy: fastapi and uvicorn only when serving

    banner = classroom_banner(settings)
    encoding = sys.stdout.encoding or "utf-8"
    print(banner.encode(encoding, "replace").decode(encoding), flush=True)  # a QR needs UTF-8
    run_server(settings)
    return 0


def classroom_banner(settings: Settings) -> str:
    """What ``serve`` prints first: the address students open and its QR code (the public URL,
    or the LAN address when listening on the network), or how to listen on the network."""
    from . import qr, reach

    here = "127.0.0.1" if settings.host.strip("[]") in reach.WILDCARDS else settings.host
    local = reach.http_url(here.strip("[]"), settings.port)
    address = reach.lan_address(settings.host)
    if settings.public_url:
        students = settings.public_url
    elif reach.is_loopback(settings.host):
        return (f"Only this computer can open {local}. For a classroom, listen on the "
                f"network: nnplayground serve --host 0.0.0.0 (or make classroom)")
    elif address is None:
        return (f"Listening on the network at port {settings.port}, but this computer has no "
                f"network address (is it connected?). On this computer: {local}")
    else:
        students = reach.http_url(address, settings.port)
    note = ("\nThis runs in a container: if students cannot open that address (the container's "
            "own), set NNP_PUBLIC_URL to the host's address and published port."
            if not settings.public_url and reach.in_container() else "")
    return f"Students open: {students}\n{qr.terminal(students)}On this computer: {local}{note}"


# ----- entry point -----------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else 2
    try:
        if args.command == "train":
            return train(resolve(args))
        if args.command == "presets":
            return list_presets(args.json)
        return serve(args)
    except UsageError as exc:
        print(args.usage, end="", file=sys.stderr)
        print(f"{parser.prog} {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `nnplayground train | head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
