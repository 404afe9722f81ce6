"""The ``nnplayground`` command, run in-process: train output, errors, presets, serve, help."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from typing import Any

import pytest

from nnplayground.cli import build_parser, main, resolve
from nnplayground.config import Settings
from nnplayground.engine import train
from nnplayground.presets import PRESETS, network_for, preset_summary

EPOCH_LINE = re.compile(r"^Epoch (\d+) - Loss: (\d+\.\d{6})$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def epoch_lines(out: str) -> list[tuple[int, str]]:
    return [(int(m[1]), m[2]) for line in out.splitlines() if (m := EPOCH_LINE.match(line))]


# ----- train -----------------------------------------------------------------------------------
def test_train_preset_prints_like_the_tutorial(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "train", "--preset", "xnor")
    assert code == 0 and err == ""
    assert "Network Architecture: [2, 2, 1]\nEpoch 2500 - Loss: " in out
    epochs = epoch_lines(out)
    assert [e for e, _ in epochs] == [2500, 5000, 7500, 10000]
    # the printed losses are the engine's, for the preset's pinned seed
    p = PRESETS["xnor"]
    net, X, Y = network_for(p)
    history = train(net, X, Y, p.epochs)
    assert [loss for _, loss in epochs] == [f"{history.loss[e - 1]:.6f}" for e, _ in epochs]
    assert "\nPredictions:\n[[0 1 1 0]]\nExpected:\n[[0 1 1 0]]\nAccuracy: 100.0%\n" in out
    assert "=" * 50 + "\nDETAILED NETWORK PARAMETERS\n" + "=" * 50 in out
    for layer, shape in ((1, "2 → 2"), (2, "2 → 1")):
        assert f"\nLayer {layer}:\n--------------------\nShape: {shape}\n" in out
        assert f"\nWeights W{layer}:\n[[" in out and f"\nBiases b{layer}:\n[[" in out
    assert "Layer 3:" not in out
    assert "Test accuracy" not in out  # the truth table has no test points


def test_explicit_options_match_the_equivalent_preset(capsys: pytest.CaptureFixture[str]) -> None:
    code, explicit, _ = run(
        capsys, "train", "--layers", "2,4,3,1", "--dataset", "xnor", "--activation", "sigmoid",
        "--output-activation", "sigmoid", "--loss", "mse", "--init", "he", "--lr", "1.0",
        "--seed", "1", "--epochs", "300", "--print-every", "100", "--batch-size", "full",
    )  # fmt: skip
    assert code == 0
    assert [e for e, _ in epoch_lines(explicit)] == [100, 200, 300]
    assert explicit.startswith("Network Architecture: [2, 4, 3, 1]\n")
    assert re.search(r"^Accuracy: \d{1,3}\.\d%$", explicit, re.MULTILINE)
    assert "Shape: 3 → 1" in explicit
    code, preset, _ = run(capsys, "train", "--preset", "xnor_deep", "--epochs", "300",
                          "--print-every", "100")  # fmt: skip
    assert code == 0
    assert preset == PRESETS["xnor_deep"].title + "\n" + explicit


def test_train_with_a_test_set_and_mini_batches(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "train", "--dataset", "circle", "--points", "40", "--ratio", "0.5", "--noise",
        "0.1", "--layers", "2,3,1", "--activation", "tanh", "--batch-size", "10", "--epochs",
        "30", "--data-seed", "3",
    )  # fmt: skip
    assert code == 0
    assert [e for e, _ in epoch_lines(out)] == [6, 12, 18, 24, 30]  # default: epochs / 5
    assert re.search(r"^Accuracy: \d{1,3}\.\d%\nTest accuracy: \d{1,3}\.\d%$", out, re.MULTILINE)
    predictions = out.split("Predictions:\n")[1].split("\nExpected:")[0]
    assert len(re.findall(r"\b[01]\b", predictions)) == 20


def test_epochs_not_a_multiple_print_only_full_intervals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "train", "--preset", "and", "--epochs", "25", "--print-every",
                       "10")  # fmt: skip
    assert code == 0 and [e for e, _ in epoch_lines(out)] == [10, 20]


def test_regression_prints_raw_outputs_and_loss(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "train", "--preset", "worked_example")
    assert code == 0
    assert epoch_lines(out) == [(1, "0.298371")]
    assert "\nPredictions (raw outputs):\n[[0.7284" in out
    assert "Expected:\n[[0.01]\n [0.99]]\nLoss: " in out and "Accuracy" not in out
    assert "[[0.14978072 0.19956143]\n [0.24975114 0.29950229]]" in out
    assert "[[0.35891648 0.40866619]\n [0.51130127 0.56137012]]" in out


def test_changing_the_worked_example_layers_drops_its_weights(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "train", "--preset", "worked_example", "--dataset", "xnor")
    assert code == 0 and "fixed weights are not used" in err
    assert "Network Architecture: [2, 2, 1]" in out


def test_divergence_is_reported_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "train", "--dataset", "plane", "--layers", "2,8,1", "--activation", "relu",
        "--output-activation", "linear", "--lr", "1000", "--epochs", "50",
    )  # fmt: skip
    assert code == 1
    assert "diverged" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--batch-size", "full"], None),
        (["--batch-size", "0"], None),
        (["--batch-size", "7"], 7),
        ([], 10),
    ],
)
def test_batch_size_option(argv: list[str], expected: int | None) -> None:
    args = build_parser().parse_args(["train", "--preset", "playground", *argv])
    assert resolve(args).spec.batch_size == expected


def test_options_override_the_preset_and_keep_the_rest() -> None:
    args = build_parser().parse_args(["train", "--preset", "circle", "--seed", "9", "--lr", "2"])
    run_ = resolve(args)
    base = PRESETS["circle"].spec
    assert run_.spec.seed == 9 and run_.spec.learning_rate == 2.0
    assert run_.spec.dataset == base.dataset and run_.spec.hidden_layers == base.hidden_layers
    assert (run_.epochs, run_.print_every) == (60000, 10000)


# ----- bad options -----------------------------------------------------------------------------
BAD = [
    (["train", "--epochs", "0"], "--epochs"),
    (["train", "--epochs", "many"], "--epochs"),
    (["train", "--lr", "-1"], "--lr"),
    (["train", "--lr", "nan"], "--lr"),
    (["train", "--layers", "3,2,1"], "features"),
    (["train", "--layers", "2,2,2", "--dataset", "xnor"], "needs 1"),
    (["train", "--layers", "2,,1"], "--layers"),
    (["train", "--layers", "2"], "--layers"),
    (["train", "--layers", "2,0,1"], "--layers"),
    (["train", "--dataset", "nope"], "--dataset"),
    (["train", "--preset", "nope"], "--preset"),
    (["train", "--noise", "0.9"], "--noise"),
    (["train", "--ratio", "0"], "--ratio"),
    (["train", "--points", "1000000"], "--points"),
    (["train", "--features", "x1,foo"], "unknown feature"),
    (["train", "--features", "x1,x1"], "--features"),
    (["train", "--loss", "cce"], "--loss"),
    (["train", "--activation", "softmax"], "--activation"),
    (["train", "--batch-size", "-3"], "--batch-size"),
    (["train", "--seed", "-1"], "--seed"),
    (["train", "--bogus"], "unrecognized arguments"),
    (["bogus"], "invalid choice"),
    ([], "required"),
    (["serve", "--port", "70000"], "--port"),
    (["serve", "--workers", "100"], "workers"),
]


@pytest.mark.parametrize(("argv", "fragment"), BAD, ids=[" ".join(a) or "none" for a, _ in BAD])
def test_bad_options_exit_2_with_a_message(
    argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str], fake_server: list[Any]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == "" and fake_server == []
    assert "error:" in err and fragment in err
    assert err.startswith("usage: nnplayground")
    assert "Traceback" not in err


# ----- help, presets, serve --------------------------------------------------------------------
def test_help_documents_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for word in ("train", "presets", "serve", "COMMAND --help", "Exit status"):
        assert word in out


def test_train_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "train", "--help")
    assert code == 0
    for option in ("--preset", "--layers", "--dataset", "--epochs", "--lr", "--seed",
                   "--activation", "--output-activation", "--loss", "--batch-size",
                   "--print-every", "--noise", "--points", "--features", "--ratio", "--init",
                   "--optimizer", "--data-seed", "xnor_deep", "circle_unit", "examples:"):
        assert option in out


def test_serve_help_and_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "serve", "--help")
    assert code == 0
    for option in ("--host", "--port", "--store", "--workers", "--data-dir", "NNP_"):
        assert option in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and re.fullmatch(r"nnplayground \d+\.\d+\.\d+\n", out)


def test_presets_lists_every_preset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "presets")
    assert code == 0
    for name, p in PRESETS.items():
        assert re.search(rf"^{name}\s+\[{','.join(map(str, p.spec.layers))}\]", out, re.MULTILINE)
        assert p.outcome in out


def test_presets_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "presets", "--json")
    assert code == 0
    assert json.loads(out) == [preset_summary(p) for p in PRESETS.values()]


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> list[Any]:
    """Replace ``nnplayground.api.app`` by a module whose ``serve`` records its settings; run in an
    empty directory (no .env) with no NNP_* variables."""
    calls: list[Any] = []
    module = types.ModuleType("nnplayground.api.app")
    module.serve = calls.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "nnplayground.api.app", module)
    monkeypatch.chdir(tmp_path)
    for name in ("NNP_HOST", "NNP_PORT", "NNP_STORE", "NNP_WORKERS", "NNP_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    return calls


def test_serve_passes_the_given_options(
    capsys: pytest.CaptureFixture[str], fake_server: list[Any]
) -> None:
    code, _, _ = run(capsys, "serve", "--host", "0.0.0.0", "--port", "9001", "--store", "memory",
                     "--workers", "2", "--data-dir", "store")  # fmt: skip
    assert code == 0 and len(fake_server) == 1
    settings = fake_server[0]
    assert isinstance(settings, Settings)
    assert (settings.host, settings.port, settings.store, settings.workers) == (
        "0.0.0.0", 9001, "memory", 2,
    )  # fmt: skip
    assert str(settings.data_dir) == "store"


def test_serve_options_not_given_keep_environment_and_defaults(
    capsys: pytest.CaptureFixture[str], fake_server: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NNP_PORT", "1234")
    monkeypatch.setenv("NNP_STORE", "memory")
    code, _, _ = run(capsys, "serve", "--port", "4321")
    assert code == 0
    settings = fake_server[0]
    assert settings.port == 4321  # the option beats the environment
    assert settings.store == "memory"  # the environment stays where no option is given
    assert settings.host == Settings.model_fields["host"].default
    assert settings.workers == Settings.model_fields["workers"].default


def test_importing_the_cli_does_not_import_the_server() -> None:
    code = "import sys, nnplayground.cli; print(sorted({'fastapi', 'uvicorn'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)  # fmt: skip
    assert result.stdout.strip() == "[]"
