"""The lightning-warmup command: fit from every config, plot without training, one-line errors."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from lightning_warmup.cli import main
from tests.lit import formula

ROOT = Path(__file__).resolve().parents[1]
FIT_CONFIGS = sorted(p.name for p in (ROOT / "configs").glob("*.yaml") if "model:" in p.read_text())


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


# Shortened to 3 epochs here: a config with its own total is told that its run stops before the schedule ends.
@pytest.mark.filterwarnings(r"ignore:WarmupCosLR \(lr-[^)]*\). The trainer stops at:UserWarning")
@pytest.mark.parametrize("config", FIT_CONFIGS)
def test_every_fit_config_trains_and_logs_the_lr(tmp_path: Path, config: str) -> None:
    code = main(
        [
            "fit",
            "--config",
            f"configs/{config}",
            f"--trainer.default_root_dir={tmp_path}",
            "--trainer.max_epochs=3",
            "--trainer.limit_train_batches=4",
            "--trainer.limit_val_batches=1",
            "--trainer.log_every_n_steps=1",
            "--trainer.enable_progress_bar=false",
        ]
    )
    assert code == 0
    (version,) = (tmp_path / "lightning_logs").iterdir()
    events = EventAccumulator(str(version))
    events.Reload()
    assert [tag for tag in events.Tags()["scalars"] if tag.startswith(("lr-AdamW", "lr-Adam"))]


@pytest.mark.parametrize("config", FIT_CONFIGS)
def test_every_fit_config_survives_a_smoke_run(tmp_path: Path, config: str) -> None:
    """``--trainer.fast_dev_run true``: one step, whatever the config's warmup (clamped, said in one info line)."""
    assert (
        main(
            [
                "fit",
                "--config",
                f"configs/{config}",
                "--trainer.fast_dev_run",
                "true",
                f"--trainer.default_root_dir={tmp_path}",
                "--trainer.enable_progress_bar=false",
            ]
        )
        == 0
    )


def read_csv(path: Path) -> dict[str, list[float]]:
    with path.open() as f:
        rows = list(csv.DictReader(f))
    return {key: [float(row[key]) for row in rows if row[key] != ""] for key in rows[0]}


def test_plot_draws_the_config_schedule_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png, table = tmp_path / "digits.png", tmp_path / "digits.csv"
    assert main(["plot", "configs/digits_step.yaml", "--out", str(png), "--csv", str(table)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    columns = read_csv(table)
    # 1,437 training images in batches of 64: 23 steps per epoch; 30 epochs; warmup 1 epoch.
    for label in ("digits_step [decay]", "digits_step [no_decay]"):
        for t, lr in enumerate(columns[label]):
            want = formula(t, 3e-3, 3e-5, 3e-4, 23, 690)
            assert math.isclose(lr, want, rel_tol=1e-12), f"{label}: LR wrong at step {t}: expected {want}, got {lr}"
    out = capsys.readouterr().out
    import re

    assert re.search(r"peak\s+23\s+3\.0000e-03", out) and re.search(r"end \(floor\)\s+690\s+3\.0000e-05", out), out


def test_plot_steps_per_epoch_flag_and_compare(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "lr.csv"
    code = main(
        [
            "plot",
            "configs/digits_warmup_ratio.yaml",
            "--steps-per-epoch",
            "10",
            "--csv",
            str(table),
            "--out",
            str(tmp_path / "lr.png"),
            "--compare",
            "torch.optim.lr_scheduler.StepLR:step_size=100,gamma=0.5",
        ]
    )
    assert code == 0
    assert "its class defines build_param_groups, so its own param groups are drawn when the model is built" in (
        capsys.readouterr().out
    )
    columns = read_csv(table)
    # 10 steps per epoch, 30 epochs: total 300, warmup 10% = 30.
    assert [round(v, 12) for v in columns["digits_warmup_ratio"][:31:10]] == [
        round(formula(t, 3e-3, 1e-5, 3e-4, 30, 300), 12) for t in (0, 10, 20, 30)
    ]
    step_lr = columns["StepLR"]
    assert step_lr[0] == pytest.approx(3e-3) and step_lr[100] == pytest.approx(1.5e-3)


def test_plot_with_steps_per_epoch_imports_neither_lightning_nor_jsonargparse(tmp_path: Path) -> None:
    """The preview of a fit config from its settings: a fresh process, what it imported."""
    code = (
        "import sys; from lightning_warmup.cli import main; "
        f"code = main(['plot', 'configs/digits_step.yaml', '--steps-per-epoch', '23', '--out', r'{tmp_path / 'p.png'}',"
        f" '--csv', r'{tmp_path / 'p.csv'}']); "
        "print(code, sorted(m for m in ('lightning', 'jsonargparse', 'torch') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout[-2000:] + done.stderr[-2000:]
    columns = read_csv(tmp_path / "p.csv")
    for t, lr in enumerate(columns["digits_step"][:700]):  # the same curve the built model gives (see above)
        assert math.isclose(lr, formula(t, 3e-3, 3e-5, 3e-4, 23, 690), rel_tol=1e-12), f"step {t}"


def test_plot_seed_004_standard_schedulers_side_by_side(tmp_path: Path) -> None:
    table = tmp_path / "seed004.csv"
    assert (
        main(
            [
                "plot",
                "configs/seed004_torch_schedulers.yaml",
                "--csv",
                str(table),
                "--out",
                str(tmp_path / "seed004.png"),
            ]
        )
        == 0
    )
    columns = read_csv(table)
    assert set(columns) == {"tick", "Step Decay", "Exponential Decay", "Cosine Annealing", "WarmupCosLR"}
    for t in range(100):
        assert columns["Step Decay"][t] == pytest.approx(0.1 * 0.5 ** (t // 25), rel=1e-12), f"StepLR at {t}"
        assert columns["Exponential Decay"][t] == pytest.approx(0.1 * 0.95**t, rel=1e-9), f"ExponentialLR at {t}"
        assert columns["WarmupCosLR"][t] == pytest.approx(formula(t, 0.1, 0.0, 0.01, 5, 100), rel=1e-12, abs=1e-300)


def test_plot_restarts_marks_every_restart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lightning_warmup.plot import plot_main

    series = plot_main(["configs/digits_restarts.yaml", "--out", str(tmp_path / "r.png")])
    # 23 steps per epoch: cycles of 115 steps (warmup 12), annealing parts 103, 154, 231, ...
    assert series[0].marks["restart"] == [115, 115 + 12 + 154, 115 + 12 + 154 + 12 + 231]


BAD = {
    "unknown key": (
        "model:\n  class_path: examples.digits.DigitsClassifier\n  init_args:\n    warmup_epoch: 1\n",
        r"class_path 'examples\.digits\.DigitsClassifier': Option 'warmup_epoch' is not accepted",
    ),
    "wrong type": (
        "model:\n  class_path: examples.digits.DigitsClassifier\n  init_args:\n    lr: fast\n",
        r"Parser key \"lr\": Expected a <class 'float'>",
    ),
    "impossible lengths": (
        "model:\n  class_path: examples.digits.DigitsClassifier\n  init_args:\n    warmup_epochs: 5\n"
        "data:\n  class_path: examples.digits.DigitsDataModule\ntrainer:\n  max_epochs: 3\n",
        r"the warmup must end before the schedule does, got warmup_epochs=5.0 with max_epochs=3 "
        r"\(the schedule spans the run\). Lower warmup_epochs, or raise max_epochs.",
    ),
    "unknown class": ("model:\n  class_path: examples.digits.Nope\n", r"Nope"),
}


@pytest.mark.parametrize("command", ["fit", "plot"])
@pytest.mark.parametrize(("text", "pattern"), BAD.values(), ids=BAD)
def test_bad_config_is_one_line_and_exit_code_2(
    tmp_path: Path, command: str, text: str, pattern: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """In this process (the console script is run as a subprocess below): the exit code and the one line."""
    import re

    path = tmp_path / "bad.yaml"
    path.write_text(
        text + f"trainer:\n  default_root_dir: {tmp_path}\n  logger: false\n"
        if "trainer:" not in text
        else text.replace("trainer:\n", f"trainer:\n  default_root_dir: {tmp_path}\n  logger: false\n")
    )
    args = ["fit", "--config", str(path)] if command == "fit" else ["plot", str(path), "--out", str(tmp_path / "x.png")]
    assert main(args) == 2
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("lightning-warmup: error:")]
    assert len(errors) == 1 and re.search(pattern, errors[0]), err[-2000:]


def test_console_script_and_missing_file() -> None:
    script = Path(sys.executable).parent / "lightning-warmup"
    done = subprocess.run(
        [str(script), "plot", "configs/missing.yaml"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == "lightning-warmup: error: cannot read config 'configs/missing.yaml': No such file or directory"
    )


@pytest.mark.parametrize(
    ("blocked", "args", "extra"),
    [
        ("matplotlib", ["plot", "configs/digits_step.yaml", "--steps-per-epoch", "5"], "plot"),
        ("jsonargparse", ["fit", "--config", "configs/digits_step.yaml"], "cli"),
    ],
)
def test_a_missing_extra_is_one_line_naming_it(tmp_path: Path, blocked: str, args: list[str], extra: str) -> None:
    """As after a plain `pip install lightning-warmup`: the package cannot be imported (sys.modules[name] = None)."""
    if extra == "plot":
        args = [*args, "--out", str(tmp_path / "x.png")]
    code = (
        f"import sys; sys.modules[{blocked!r}] = None; from lightning_warmup.cli import main; "
        f"print('help', main(['--help'])); print('exit', main({args!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "help 0" in done.stdout and "exit 2" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("lightning-warmup: error:")]
    want = f"{args[0]} needs {blocked}, which is not installed: pip install 'lightning-warmup[{extra}]'"
    assert errors == [f"lightning-warmup: error: {want}"], done.stderr[-2000:]
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_the_command_output_has_no_promotional_tips_or_third_party_deprecations(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lightning_warmup", "fit", "--config", "configs/digits_step.yaml",
         "--trainer.fast_dev_run", "true", f"--trainer.default_root_dir={tmp_path}"],
        capture_output=True, text=True, cwd=ROOT, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    output = done.stdout + done.stderr
    assert "Tip:" not in output and "LeafSpec" not in output, output[-3000:]
    assert "WarmupCosLR plan (lr-AdamW, interval='step')" in output, "the plan is still said once"


def test_plot_reads_a_hydra_target_config_as_hydra_does(tmp_path: Path) -> None:
    """configs/seed000_hydra.yaml: `1e-3` is a float to Hydra (OmegaConf), and the curve is seed 000's."""
    from lightning_warmup.plot import plot_main

    (series,) = plot_main(["configs/seed000_hydra.yaml", "--out", str(tmp_path / "h.png")])
    assert series.label == "seed000_hydra [scheduler]" and len(series.lrs) == 525_000
    for t in (0, 1, 999, 1000, 1001, 250_000, 499_999, 500_000, 524_999):
        want = formula(t, 1e-3, 1e-6, 1e-4, 1000, 500_000)
        assert math.isclose(series.lrs[t], want, rel_tol=1e-12), f"tick {t}"


PLOT_MISTAKES = {
    "plot: as a list": ("plot:\n  - a\n", [], r"plot: in .* must be a mapping .* got list"),
    "no schedulers": ("plot:\n  lr: 0.1\n", [], r"lists no schedulers: add schedulers:"),
    "a bad init_args key": (
        "plot:\n  schedulers:\n    - class_path: torch.optim.lr_scheduler.StepLR\n      init_args: {step_siz: 3}\n",
        [],
        r"StepLR: .*unexpected keyword argument 'step_siz'",
    ),
    "--csv into a directory": (None, ["--csv", "{tmp}"], r"--csv .* is a directory: give a file name"),
    "--out unwritable": (None, ["--out", "/proc/no/such/lr.png"], r"cannot write --out '/proc/no/such/lr.png'"),
    "--lr nan": (None, ["--lr", "nan"], r"--lr must be a positive number, got --lr nan"),
}


@pytest.mark.parametrize(("text", "extra", "pattern"), PLOT_MISTAKES.values(), ids=PLOT_MISTAKES)
def test_every_plot_mistake_is_one_line_and_exit_2(
    tmp_path: Path, text: str | None, extra: list[str], pattern: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    config = "configs/seed004_torch_schedulers.yaml"
    if text is not None:
        config = str(tmp_path / "bad.yaml")
        Path(config).write_text(text)
    args = ["plot", config, "--out", str(tmp_path / "lr.png"), *(a.replace("{tmp}", str(tmp_path)) for a in extra)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and re.search(pattern, err), err


def test_a_peer_that_stops_at_its_length_is_drawn_to_its_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from lightning_warmup.plot import plot_main

    series = plot_main(["configs/digits_step.yaml", "--steps-per-epoch", "10", "--out", str(tmp_path / "p.png"),
                        "--compare", "torch.optim.lr_scheduler.OneCycleLR:max_lr=0.003,total_steps=100"])  # fmt: skip
    one_cycle = series[-1]
    assert one_cycle.label == "OneCycleLR" and len(one_cycle.lrs) == 101
    assert "OneCycleLR: drawn to tick 100, where it stops" in capsys.readouterr().out


def test_pictures_tell_the_truth(tmp_path: Path) -> None:
    """Epochs drawn held (steps), groups with the same curve each visible, a log axis on request."""
    import matplotlib.pyplot as plt

    from lightning_warmup.plot import figure, series_from_config

    epoch = series_from_config(ROOT / "configs/digits_epoch.yaml", None)
    drawn = figure(epoch, log_scale=True)
    axes = drawn.axes[0]
    assert [line.get_drawstyle() for line in axes.get_lines() if line.get_label().startswith("digits_epoch")] == [
        "steps-post",
        "steps-post",
    ]
    assert axes.get_yscale() == "log"
    labels = {t.get_text() for t in axes.get_legend().get_texts()}
    assert {"digits_epoch [decay]", "digits_epoch [no_decay] (same curve as above)"} <= labels, labels
    decay, no_decay = (line for line in axes.get_lines() if line.get_label().startswith("digits_epoch"))
    assert decay.get_linestyle() != no_decay.get_linestyle(), "the second stays visible over the first"
    plt.close(drawn)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("", r"--config '.*' is empty: a fit config needs at least model: \(e\.g\. configs/digits_step\.yaml\)"),
        ("model:\n  lr: 0.1\n", r"model: in '.*' has no class_path: write model: \{class_path: your\.module\.Model"),
        (
            "model:\n  class_path: examples.digits.DigitsClassifier\n",
            r"cannot import model class_path 'examples\.digits\.DigitsClassifier' \(No module named 'examples'\): "
            r"run from the directory that holds 'examples', or add that directory to PYTHONPATH",
        ),
    ],
    ids=["empty", "no class_path", "run from another directory"],
)
def test_fit_config_mistakes_are_one_line_with_the_fix(tmp_path: Path, text: str, pattern: str) -> None:
    """Run from a directory that is not the repository's, as a user who copied a config would."""
    import re

    (tmp_path / "my.yaml").write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "lightning_warmup", "fit", "--config", "my.yaml"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("lightning-warmup: error:")]
    assert len(errors) == 1 and re.search(pattern, errors[0]), done.stderr[-2000:]


def test_help_points_at_the_mixin_keys_and_print_config(capsys: pytest.CaptureFixture[str]) -> None:
    from lightning_warmup.hparams import KNOWN_KEYS

    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(key in out for key in KNOWN_KEYS) and "--print_config" in out and "hold_ratio" in out


def test_shrinking_restarts_the_scheduler_accepts_are_drawn(tmp_path: Path) -> None:
    from lightning_warmup.plot import plot_main

    config = tmp_path / "shrink.yaml"
    config.write_text(
        "plot:\n  ticks: 200\n  schedulers:\n    - class_path: lightning_warmup.WarmupCosLR\n"
        "      init_args: {warmup_steps: 5, cycle_steps: 100, cycle_mult: 0.7, total_steps: 190}\n"
    )
    (series,) = plot_main([str(config), "--out", str(tmp_path / "s.png")])
    # Cycles of 100, then 5 + floor(95 * 0.7) = 71: the restarts at 100 and 171 are marked, the end at 190.
    assert series.marks["restart"][:2] == [100, 171] and series.marks["end"] == [190]
    assert series.lrs[100] < series.lrs[104] and series.lrs[199] == 0.0


@pytest.mark.parametrize("flags", [[], ["--steps-per-epoch", "23"]], ids=["datamodule built", "steps given"])
def test_plot_draws_lightning_cli_lr_scheduler_configs(tmp_path: Path, flags: list[str]) -> None:
    from lightning_warmup.plot import plot_main

    (series,) = plot_main(["configs/digits_cli_scheduler.yaml", "--out", str(tmp_path / "c.png"), *flags])
    assert len(series.lrs) == 230 + 11
    for t in range(0, 241, 7):
        assert math.isclose(series.lrs[t], formula(t, 3e-3, 3e-5, 3e-4, 23, 230), rel_tol=1e-12), f"tick {t}"


@pytest.mark.parametrize("flags", [[], ["--steps-per-epoch", "23"]], ids=["model built", "from the settings"])
def test_plot_takes_fits_own_overrides(tmp_path: Path, flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from lightning_warmup.plot import plot_main

    out = str(tmp_path / "o.png")
    series = plot_main(["configs/digits_step.yaml", *flags, "--trainer.max_epochs", "5", "--model.init_args.lr=0.01",
                        "--out", out])  # fmt: skip
    for t in (0, 23, 60, 114, 115):
        assert math.isclose(series[0].lrs[t], formula(t, 1e-2, 1e-4, 1e-3, 23, 115), rel_tol=1e-12), f"tick {t}"
    assert main(["plot", "configs/seed004_torch_schedulers.yaml", "--trainer.max_epochs=5", "--out", out]) == 2
    assert "flags apply to fit configs" in capsys.readouterr().err


def test_a_billion_tick_schedule_is_drawn_from_sampled_ticks(tmp_path: Path) -> None:
    from lightning_warmup.plot import MAX_DRAWN_TICKS, plot_main

    config = tmp_path / "huge.yaml"
    config.write_text(
        "plot:\n  ticks: 1000000000\n  schedulers:\n    - class_path: lightning_warmup.WarmupCosLR\n"
        "      init_args: {warmup_steps: 1000, total_steps: 1000000000}\n"
    )
    (series,) = plot_main([str(config), "--out", str(tmp_path / "h.png")])
    assert series.length == 10**9 and series.ticks is not None and len(series.ticks) < MAX_DRAWN_TICKS + 100
    for t in (0, 999, 1000, 1001, 500_000_500, 10**9 - 1):  # the key points and their neighbours are kept
        assert math.isclose(series.at(t), formula(t, 0.1, 0.0, 0.01, 1000, 10**9), rel_tol=1e-9, abs_tol=1e-18)
    assert (tmp_path / "h.png").stat().st_size > 10_000


def test_fit_leaves_a_users_config_yaml_alone_and_says_so_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "config.yaml"
    mine.write_text("# my own notes, not a Lightning config\n")
    args = ["fit", "--config", "configs/digits_step.yaml", "--trainer.logger=false", "--trainer.max_epochs=2"]
    code = main([*args, f"--trainer.default_root_dir={tmp_path}", "--trainer.limit_train_batches=2"])
    assert code == 2 and mine.read_text() == "# my own notes, not a Lightning config\n"
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("lightning-warmup: error: ") and "exists, and fit saves its resolved config" in err[-1]


def test_a_missing_ckpt_path_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["fit", "--config", "configs/digits_step.yaml", "--ckpt_path", str(tmp_path / "nope.ckpt")])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        f"lightning-warmup: error: --ckpt_path '{tmp_path / 'nope.ckpt'}' does not exist: give a checkpoint file, "
        "or 'last' / 'best'"
    )


def test_schedule_settings_are_checked_when_the_config_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before LightningCLI builds the model, the data or the trainer: one line, in the config's own words."""
    import lightning_warmup.recipes.digits as digits

    built: list[str] = []
    monkeypatch.setattr(digits.DigitsDataModule, "setup", lambda self, stage=None: built.append("data"))
    for flag, said in (
        ("--model.init_args.warmup_steps=5", "give at most one of warmup_steps, warmup_epochs, warmup_ratio"),
        ("--model.init_args.warmup_epochs=40", "got warmup_epochs=40.0 with max_epochs=30"),
    ):
        assert (
            main(["fit", "--config", "configs/digits_step.yaml", flag, f"--trainer.default_root_dir={tmp_path}"]) == 2
        )
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith("lightning-warmup: error: ") and said in err[-1], err
    assert built == [], "nothing was set up"


def test_a_fit_config_with_ckpt_path_plots_and_a_missing_one_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "configs" / "digits_step.yaml").read_text()
    (tmp_path / "saved.ckpt").write_bytes(b"")
    config = tmp_path / "resumed.yaml"
    config.write_text(text + f"ckpt_path: {tmp_path / 'saved.ckpt'}\n")
    assert main(["plot", str(config), "--out", str(tmp_path / "r.png")]) == 0
    config.write_text(text + f"ckpt_path: {tmp_path / 'missing.ckpt'}\n")
    for command in (["plot", str(config), "--out", str(tmp_path / "r.png")], ["fit", "--config", str(config)]):
        assert main(command) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith(f"lightning-warmup: error: ckpt_path in '{config}'") and "does not exist" in err[-1]
