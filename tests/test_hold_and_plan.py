"""Hold phase (API.md 5.1), stretched resumes (5.2), groups added mid-run (5.3), the plan for loggers (5.4)."""

from __future__ import annotations

import inspect
import math
from pathlib import Path
from typing import Any

import pytest
import torch
from lightning.pytorch.callbacks import BackboneFinetuning, ModelCheckpoint

from lightning_warmup import WarmupCosLR, WarmupCosLRCallback
from lightning_warmup.schema import SCHEMA
from tests.helpers import lr_sequence, two_group_optimizer, warned
from tests.lit import RecordLR, TinyModel, formula, trainer


def held(t: int, peak: float, floor: float, start: float, warmup: int, hold: int, total: int) -> float:
    """API.md 5.1 written out again."""
    if t >= total:
        return floor
    if t < warmup:
        return start + (peak - start) * t / warmup
    if t < warmup + hold:
        return peak
    return floor + (peak - floor) * (1 + math.cos(math.pi * (t - warmup - hold) / (total - warmup - hold))) / 2


def test_the_signature_agrees_with_the_schema() -> None:
    parameters = inspect.signature(WarmupCosLR).parameters
    names = [n for n in parameters if n not in ("optimizer", "learning_rate", "last_epoch")]
    assert sorted(names) == sorted(s.name for s in SCHEMA)
    for setting in SCHEMA:
        assert parameters[setting.name].default == setting.default, setting.name


def test_a_module_taking_schedule_kwargs_shows_every_setting_to_lightning_cli(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The digits example lists no schedule setting; LightningCLI still knows each one, typed, from the schema."""
    from lightning_warmup.hparams import SCHEDULE_KEYS
    from lightning_warmup.lightning_cli import make_cli

    monkeypatch.chdir(Path(__file__).parents[1])
    cli = make_cli(
        ["--config", "configs/digits_step.yaml", "--model.init_args.hold_ratio=0.2", "--trainer.logger=false"],
        run=False,
    )
    assert set(SCHEDULE_KEYS) <= set(cli.model.hparams)
    assert cli.model.hparams["hold_ratio"] == 0.2 and cli.model.hparams["cycle_mult"] == 1.0
    with pytest.raises(Exception, match="hold_ratio"):
        make_cli(["--config", "configs/digits_step.yaml", "--model.init_args.hold_ratio=soon"], run=False)


def test_readme_argument_table_is_the_schema() -> None:
    from lightning_warmup.schema import markdown_table

    assert markdown_table() in (Path(__file__).parents[1] / "README.md").read_text()


@pytest.mark.parametrize(
    "hold_kwargs", [dict(hold_steps=7), dict(hold_epochs=0.7), dict(hold_ratio=0.07)], ids=["steps", "epochs", "ratio"]
)
def test_hold_phase_every_tick(hold_kwargs: dict) -> None:
    scheduler = WarmupCosLR(
        two_group_optimizer(lr=1e-3, second_lr=5e-4),
        warmup_steps=5,
        total_steps=100,
        steps_per_epoch=10,
        min_lr=1e-5,
        **hold_kwargs,
    )
    for t, (first, second) in enumerate(lr_sequence(scheduler, 110)):
        assert math.isclose(first, held(t, 1e-3, 1e-5, 1e-4, 5, 7, 100), rel_tol=1e-12), f"LR wrong at tick {t}"
        assert math.isclose(second, held(t, 5e-4, 1e-5, 5e-5, 5, 7, 100), rel_tol=1e-12), f"LR wrong at tick {t}"


def test_hold_with_restarts_each_cycle_holds_after_its_warmup() -> None:
    scheduler = WarmupCosLR(
        two_group_optimizer(lr=1.0), warmup_steps=2, hold_steps=3, cycle_steps=10, cycle_mult=2.0, warmup_factor=0.0
    )
    lrs = [lrs[0] for lrs in lr_sequence(scheduler, 30)]
    # cycle 0: ticks 0-9 (anneal 5); cycle 1: ticks 10-24 (2 + 3 + floor(5 * 2) = 15)
    assert lrs[2:5] == [1.0, 1.0, 1.0] and lrs[12:15] == [1.0, 1.0, 1.0]
    assert lrs[10] == 0.0 and lrs[25] == 0.0
    assert math.isclose(lrs[17], (1 + math.cos(math.pi * 2 / 10)) / 2, rel_tol=1e-12)


def test_hold_without_cycle_warmup_only_the_first_cycle_holds() -> None:
    scheduler = WarmupCosLR(
        two_group_optimizer(lr=1.0), warmup_steps=2, hold_steps=3, cycle_steps=10, cycle_warmup=False, warmup_factor=0.0
    )
    lrs = [lrs[0] for lrs in lr_sequence(scheduler, 16)]
    assert lrs[10] == 1.0 and lrs[11] < 1.0  # cycle 1 is its 5 annealing ticks alone
    assert lrs[15] == 1.0


def test_hold_must_fit() -> None:
    with pytest.raises(ValueError, match=r"warmup_steps \+ hold_steps \(5 \+ 5\) must be smaller than total_steps"):
        WarmupCosLR(two_group_optimizer(), warmup_steps=5, hold_steps=5, total_steps=10)


SETTINGS = dict(lr=1e-2, min_lr=1e-4, warmup_epochs=1, weight_decay=0.01)


def run(
    tmp_path: Path,
    ckpt_path: str | None = None,
    callbacks: list | None = None,
    model: Any = None,
    **trainer_kwargs: Any,
) -> RecordLR:
    record = RecordLR()
    options: dict[str, Any] = dict(max_epochs=4, enable_checkpointing=True)
    options.update(trainer_kwargs)
    trainer(tmp_path, callbacks=[record, *(callbacks or [])], **options).fit(
        model or TinyModel(**SETTINGS), ckpt_path=ckpt_path, weights_only=True if ckpt_path else None
    )
    return record


def test_stretch_continues_without_a_jump_and_ends_at_the_floor(tmp_path: Path) -> None:
    every = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=16, save_top_k=-1, filename="{step}")
    run(tmp_path / "a", callbacks=[every])
    path = str(tmp_path / "ckpt" / "step=16.ckpt")
    with warned(r"total_steps 32 -> 48 .*Stretching the cosine from tick 16"):
        resumed = run(
            tmp_path / "b",
            path,
            callbacks=[WarmupCosLRCallback(on_plan_change="stretch")],
            max_epochs=6,
            enable_checkpointing=True,
        )
    p0 = (16 - 8) / (32 - 8)
    for step, _, lrs in resumed.steps:
        p = p0 + (1 - p0) * (step - 16) / (48 - 16)
        want = 1e-4 + (1e-2 - 1e-4) * (1 + math.cos(math.pi * p)) / 2
        assert math.isclose(lrs[0], want, rel_tol=1e-12), f"LR wrong at step {step}: expected {want}, got {lrs[0]}"
    assert resumed.steps[0][2][0] == pytest.approx(formula(16, 1e-2, 1e-4, 1e-3, 8, 32), rel=1e-12), "a jump at 16"
    # Its state resumes exactly after another interruption.
    again = ModelCheckpoint(dirpath=tmp_path / "ckpt2", every_n_train_steps=30, save_top_k=-1, filename="{step}")
    with warned(r"Stretching the cosine from tick 16"):
        run(tmp_path / "c", path, callbacks=[WarmupCosLRCallback(on_plan_change="stretch"), again], max_epochs=6)
    with warned():  # a mid-epoch checkpoint of a resumed run: Lightning's own step count may differ (README)
        third = run(tmp_path / "d", str(tmp_path / "ckpt2" / "step=30.ckpt"), max_epochs=6)
    expected = {step: lrs for step, _, lrs in resumed.steps}
    assert third.steps[0][0] == 30
    for step, _, lrs in third.steps:
        want = expected.get(step, [1e-4, 1e-4])  # past the plan's end: the floor
        assert lrs == pytest.approx(want, rel=1e-12), f"LR wrong at step {step} after a second resume"


def test_stretch_inside_the_warmup_acts_as_adopt(tmp_path: Path) -> None:
    every = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=4, save_top_k=-1, filename="{step}")
    with warned(r"The trainer stops at optimizer step 4, before the schedule ends at 32"):
        run(tmp_path / "a", callbacks=[every], max_steps=4, model=TinyModel(**SETTINGS, epochs=4))
    with warned(r"resumed inside the warmup or hold, 'stretch' acts as 'adopt'"):
        resumed = run(
            tmp_path / "b",
            str(tmp_path / "ckpt" / "step=4.ckpt"),
            callbacks=[WarmupCosLRCallback(on_plan_change="stretch")],
            max_epochs=6,
            model=TinyModel(**SETTINGS, epochs=6),
        )
    for step, _, lrs in resumed.steps:
        assert math.isclose(lrs[0], formula(step, 1e-2, 1e-4, 1e-3, 8, 48), rel_tol=1e-12), f"step {step}"


def test_backbone_finetuning_adds_a_group_that_joins_the_curve(tmp_path: Path) -> None:
    class Finetuned(TinyModel):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.backbone = torch.nn.Linear(4, 4)

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            x, y = batch
            return torch.nn.functional.mse_loss(self.layer(self.backbone(x)), y)

        def build_param_groups(self) -> list[dict[str, Any]]:
            return [{"params": list(self.layer.parameters())}]

    finetuning = BackboneFinetuning(unfreeze_backbone_at_epoch=2, backbone_initial_ratio_lr=0.1)
    every = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=20, save_top_k=-1, filename="{step}")
    record = run(tmp_path / "a", callbacks=[finetuning, every], model=Finetuned(lr=1e-2, warmup_epochs=1))
    joined = [(step, lrs) for step, _, lrs in record.steps if len(lrs) == 2]
    assert joined[0][0] == 16, "the backbone joins at epoch 2"
    for step, _, lrs in record.steps:
        head = formula(step, 1e-2, 0.0, 1e-3, 8, 32)
        assert math.isclose(lrs[0], head, rel_tol=1e-12), f"head LR wrong at step {step}"
    # The backbone follows the head's curve, scaled through the LR it was given (at joining, and at each epoch
    # start where BackboneFinetuning writes a new one): within an epoch the ratio stays.
    ratio = {step // 8: lrs[1] / lrs[0] for step, lrs in reversed(joined)}
    for step, lrs in joined:
        assert math.isclose(lrs[1], lrs[0] * ratio[step // 8], rel_tol=1e-9), f"backbone off the curve at step {step}"
    resumed = run(
        tmp_path / "b",
        str(tmp_path / "ckpt" / "step=20.ckpt"),
        callbacks=[BackboneFinetuning(unfreeze_backbone_at_epoch=2, backbone_initial_ratio_lr=0.1)],
        model=Finetuned(lr=1e-2, warmup_epochs=1),
    )
    expected = {step: lrs for step, _, lrs in record.steps}
    for step, _, lrs in resumed.steps:
        assert lrs == pytest.approx(expected[step], rel=1e-12), f"LR wrong at step {step} after resume"


def test_the_plan_is_in_tensorboard_hparams_and_as_a_curve(tmp_path: Path) -> None:
    from lightning.pytorch.loggers import TensorBoardLogger
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    logger = TensorBoardLogger(tmp_path, name="", version="v")
    trainer(tmp_path, logger=logger, max_epochs=4).fit(TinyModel(lr=1e-2, warmup_epochs=1, hold_steps=4))
    events = EventAccumulator(str(tmp_path / "v")).Reload()
    plan = [(e.step, e.value) for e in events.Scalars("lr-AdamW/plan")]
    assert [step for step, _ in plan] == list(range(32)), "ticks 0 to the run's last (before the floor)"
    for step, value in plan:
        want = held(step, 1e-2, 0.0, 1e-3, 8, 4, 32)
        assert math.isclose(value, want, rel_tol=1e-6, abs_tol=1e-12), f"plan wrong at tick {step}"
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    from tensorboard.plugins.hparams import plugin_data_pb2

    starts = [
        value.metadata.plugin_data.content
        for path in (tmp_path / "v").glob("events.out.tfevents.*")
        for event in EventFileLoader(str(path)).Load()
        for value in event.summary.value
        if value.tag == "_hparams_/session_start_info"
    ]
    logged = plugin_data_pb2.HParamsPluginData.FromString(starts[-1]).session_start_info.hparams
    shown = {key: value.number_value for key, value in logged.items() if key.startswith("lr_plan/")}
    assert shown == {
        "lr_plan/lr-AdamW/steps_per_epoch": 8,
        "lr_plan/lr-AdamW/warmup_steps": 8,
        "lr_plan/lr-AdamW/hold_steps": 4,
        "lr_plan/lr-AdamW/total_steps": 32,
        "lr_plan/lr-AdamW/peak": 0.01,
        "lr_plan/lr-AdamW/floor": 0.0,
    }


def test_the_plan_is_in_the_csv_loggers_hparams(tmp_path: Path) -> None:
    import yaml
    from lightning.pytorch.loggers import CSVLogger

    logger = CSVLogger(tmp_path, name="", version="v")
    trainer(tmp_path, logger=logger, max_epochs=2).fit(TinyModel(lr=1e-2, warmup_epochs=1))
    hparams = yaml.safe_load((tmp_path / "v" / "hparams.yaml").read_text())
    assert {k: v for k, v in hparams.items() if k.startswith("lr_plan/")} == {
        "lr_plan/lr-AdamW/steps_per_epoch": 8,
        "lr_plan/lr-AdamW/warmup_steps": 8,
        "lr_plan/lr-AdamW/hold_steps": 0,
        "lr_plan/lr-AdamW/total_steps": 16,
        "lr_plan/lr-AdamW/peak": 0.01,
        "lr_plan/lr-AdamW/floor": 0.0,
    }
