"""The suggested setups: epochs and seconds to learn each dataset, against the tutorial's
defaults on the same data.

For each built-in dataset, a session with its suggested setup (``nnplayground.setups``) and
one with the tutorial's defaults (sigmoid everywhere, learning rate 0.1, [4, 2]: what the page
offered before) train on the same points until the dataset's goal holds (test accuracy >= 95%,
or a test loss, or the tutorial's train figures where a set has no test split), up to a cap.
Prints, per dataset: the setup, the epochs to the goal for both, the seconds it takes at the
setup's pace (what a visitor watches) and the ratio of epochs. README's table is this output.

    python bench/setups.py            # cap 200,000 epochs (about a minute)
    python bench/setups.py --cap 20000
"""

from __future__ import annotations

import argparse

from nnplayground.api.schemas import ConfigIn
from nnplayground.sessions.session import Session
from nnplayground.sessions.spec import SessionSpec
from nnplayground.setups import GOALS, epoch_at_goal, page_config

TUTORIAL = {"hidden_layers": [4, 2], "hidden_activation": "sigmoid", "learning_rate": 0.1}


def epochs_to_goal(dataset: str, changes: dict[str, object], cap: int) -> int | None:
    config = ConfigIn.model_validate({**changes, "dataset": {"name": dataset}}).changes()
    s = Session("bench", "-", SessionSpec().with_changes(config))
    while s.epoch < cap and epoch_at_goal(dataset, s.history) is None:
        s.train(min(2000, cap - s.epoch))
        if s.status == "diverged":
            return None
    return epoch_at_goal(dataset, s.history)


def describe(config: dict[str, object]) -> str:
    features = list(config["features"])  # type: ignore[call-overload]
    extra = "" if features == ["x1", "x2"] else f", {len(features)} features"
    opt = "" if config["optimizer"] == "sgd" else f", {config['optimizer']}"
    return (f"{config['hidden_activation']} {config['hidden_layers']}, "
            f"lr {config['learning_rate']:g}{opt}{extra}")


def shown(epochs: int | None, cap: int) -> str:
    return f"{epochs:,}" if epochs else f">{cap:,}"


def ratio(base: int | None, ours: int | None, cap: int) -> str:
    """How many times fewer epochs the setup needs than the tutorial's defaults."""
    if not ours:
        return "-"
    return f"{base / ours:.1f}x" if base else f">{cap / ours:.0f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cap", type=int, default=200_000, help="epochs at most per run")
    cap = parser.parse_args().cap
    print(f"{'dataset':16} {'setup':38} {'goal':22} {'epochs':>8} {'pace/s':>7} {'seconds':>8}"
          f" {'tutorial':>9} {'ratio':>7}")
    for dataset, (series, value) in GOALS.items():
        config = page_config(dataset)
        ours = epochs_to_goal(dataset, config, cap)
        base = epochs_to_goal(dataset, TUTORIAL, cap)
        pace = float(config["pace"])  # type: ignore[arg-type]
        seconds = f"{ours / pace:.1f}" if ours else "-"
        goal = f"{series.replace('_', ' ')} {'>=' if 'acc' in series else '<='} {value:g}"
        print(f"{dataset:16} {describe(config):38} {goal:22} {shown(ours, cap):>8} {pace:7g} "
              f"{seconds:>8} {shown(base, cap):>9} {ratio(base, ours, cap):>7}")


if __name__ == "__main__":
    main()
