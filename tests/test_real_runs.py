"""Where a user's own setup meets the library: smoke runs, changed resumes, migrations, their own callbacks."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from lightning.pytorch.callbacks import GradientAccumulationScheduler, LearningRateMonitor, ModelCheckpoint
from torch.utils.data import DataLoader

from lightning_warmup import WarmupCosLR
from tests.lit import RecordLR, TinyModel, dataset, formula, trainer

PEAK = 1e-2


def fit(
    tmp_path: Path, model: Any, callbacks: list | None = None, ckpt_path: str | None = None, **trainer_kwargs: Any
) -> RecordLR:
    record = RecordLR()
    trainer(tmp_path, callbacks=[record, *(callbacks or [])], **trainer_kwargs).fit(
        model, ckpt_path=ckpt_path, weights_only=True if ckpt_path else None
    )
    return record


@pytest.mark.parametrize("max_epochs", [8, -1])
def test_interval_epoch_spans_max_steps(tmp_path: Path, max_epochs: int) -> None:
    # 8 batches, accumulate 3: 3 optimizer steps per epoch; max_steps=9 is 3 epochs.
    record = fit(
        tmp_path,
        TinyModel(lr=PEAK, interval="epoch", warmup_epochs=1),
        max_epochs=max_epochs,
        max_steps=9,
        accumulate_grad_batches=3,
    )
    assert len(record.steps) == 9
    for step, epoch, lrs in record.steps:
        assert math.isclose(lrs[0], formula(epoch, PEAK, 0.0, PEAK / 10, 1, 3), rel_tol=1e-12), f"step {step}"


@pytest.mark.parametrize("fast_dev_run", [True, 3])
def test_smoke_runs_clamp_the_warmup_with_one_line(
    tmp_path: Path, fast_dev_run: Any, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    with caplog.at_level(logging.INFO):
        record = fit(tmp_path, TinyModel(lr=PEAK, warmup_epochs=1), fast_dev_run=fast_dev_run)
    steps = 1 if fast_dev_run is True else 3
    assert len(record.steps) == steps
    assert sum("fast_dev_run: the schedule's warmup" in r.getMessage() for r in caplog.records) == 1
    assert record.steps[-1][2][0] > 0


def test_smoke_run_of_the_cli(tmp_path: Path) -> None:
    from lightning_warmup.cli import main

    assert (
        main(
            [
                "fit",
                "--config",
                "configs/digits_step.yaml",
                "--trainer.fast_dev_run",
                "true",
                f"--trainer.default_root_dir={tmp_path}",
            ]
        )
        == 0
    )


def test_gradient_accumulation_scheduler_with_epochs_is_refused_before_training(tmp_path: Path) -> None:
    record = RecordLR()
    accumulation = GradientAccumulationScheduler(scheduling={0: 4, 2: 1})
    with pytest.raises(
        ValueError,
        match=r"GradientAccumulationScheduler changes accumulate_grad_batches during the "
        r"run.*Give warmup_steps and total_steps",
    ):
        trainer(tmp_path, callbacks=[record, accumulation], max_epochs=4).fit(TinyModel(lr=PEAK, warmup_epochs=1))
    assert record.steps == []


def test_gradient_accumulation_scheduler_with_steps_counts_the_real_steps(tmp_path: Path) -> None:
    accumulation = GradientAccumulationScheduler(scheduling={0: 4, 2: 1})
    record = fit(tmp_path, TinyModel(lr=PEAK, warmup_steps=2, total_steps=20), callbacks=[accumulation], max_epochs=4)
    assert len(record.steps) == 20  # 2 + 2 + 8 + 8
    for step, _, lrs in record.steps:
        assert math.isclose(lrs[0], formula(step, PEAK, 0.0, PEAK / 10, 2, 20), rel_tol=1e-12), f"step {step}"


class Resumable(DataLoader):
    """A loader that keeps its place, like torchdata's StatefulDataLoader."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.skip = 0
        self.served: list[int] = []

    def __iter__(self):  # type: ignore[override]
        for index, batch in enumerate(super().__iter__()):
            if index >= self.skip:
                self.served.append(index)
                yield batch
        self.skip = 0

    def state_dict(self) -> dict[str, int]:
        return {"position": len(self.served) % len(self)}

    def load_state_dict(self, state: dict[str, int]) -> None:
        self.skip = state["position"]


class ResumableModel(TinyModel):
    def train_dataloader(self) -> DataLoader:
        self.loader = Resumable(dataset(64), batch_size=8)
        return self.loader


def test_a_stateful_dataloader_resumes_at_its_saved_batch(tmp_path: Path) -> None:
    every = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=11, save_top_k=-1, filename="{step}")
    fit(tmp_path / "a", ResumableModel(lr=PEAK, warmup_epochs=1), callbacks=[every], enable_checkpointing=True)
    model = ResumableModel(lr=PEAK, warmup_epochs=1)
    record = fit(tmp_path / "b", model, ckpt_path=str(tmp_path / "ckpt" / "step=11.ckpt"), enable_checkpointing=True)
    assert model.loader.served[:5] == [3, 4, 5, 6, 7], "the resumed epoch starts at the saved batch"
    for step, _, lrs in record.steps:
        assert math.isclose(lrs[0], formula(step, PEAK, 0.0, PEAK / 10, 8, 32), rel_tol=1e-12), f"step {step}"


def test_a_checkpoint_without_scheduler_state_aligns_the_tick_and_says_so(tmp_path: Path) -> None:
    class NoScheduler(TinyModel):
        def configure_optimizers(self):
            return torch.optim.AdamW(self.build_param_groups(), lr=PEAK)

    every = ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=12, save_top_k=-1, filename="{step}")
    fit(tmp_path / "a", NoScheduler(lr=PEAK), callbacks=[every], enable_checkpointing=True, max_epochs=2)
    with pytest.warns(
        UserWarning,
        match=r"WarmupCosLR was at tick 0 but the trainer has made 12 optimizer steps.*"
        r"continues from tick 12",
    ):
        record = fit(
            tmp_path / "b",
            TinyModel(lr=PEAK, warmup_epochs=1),
            enable_checkpointing=True,
            ckpt_path=str(tmp_path / "ckpt" / "step=12.ckpt"),
        )
    for step, _, lrs in record.steps:
        assert math.isclose(lrs[0], formula(step, PEAK, 0.0, PEAK / 10, 8, 32), rel_tol=1e-12), f"step {step}"


def test_fit_again_on_the_same_trainer_continues_where_the_trainer_is(tmp_path: Path) -> None:
    record = RecordLR()
    fitted = trainer(tmp_path, callbacks=[record], max_epochs=2)
    model = TinyModel(lr=PEAK, warmup_epochs=1)
    fitted.fit(model)
    fitted.fit_loop.max_epochs = 4
    with pytest.warns(UserWarning, match=r"WarmupCosLR was at tick 0 but the trainer has made 16 optimizer steps"):
        fitted.fit(model)
    assert record.steps[16][0] == 16
    for step, _, lrs in record.steps[16:]:
        assert math.isclose(lrs[0], formula(step, PEAK, 0.0, PEAK / 10, 8, 32), rel_tol=1e-12), f"step {step}"


FOREIGN = {
    "LambdaLR state": ({"lr_lambdas": [None], "last_epoch": 3, "base_lrs": [0.1]}, r"a LambdaLR state"),
    "missing key": ({"version": 2, "plan": {}, "_step_count": 1, "base_lrs": [0.1, 0.1]}, r"no 'last_epoch'"),
    "other version": ({"version": 99, "plan": {}}, r"version 99"),
    "negative last_epoch": (None, r"last_epoch must be an int >= 0, got last_epoch=-5"),
    "other group count": (None, r"the checkpoint's scheduler has 3 param groups but this optimizer has 2"),
    "wrong type": ("not a dict", r"the scheduler state is a str"),
}


@pytest.mark.parametrize(("state", "pattern"), FOREIGN.values(), ids=FOREIGN)
def test_foreign_or_damaged_state_is_one_clear_error(state: Any, pattern: str) -> None:
    from tests.helpers import two_group_optimizer

    scheduler = WarmupCosLR(two_group_optimizer(), warmup_steps=2, total_steps=10)
    if state is None:
        state = scheduler.state_dict()
        if "negative" in pattern or "last_epoch" in pattern:
            state["last_epoch"] = -5
        else:
            state["base_lrs"] = [0.1, 0.1, 0.1]
    with pytest.raises(
        ValueError, match=r"cannot resume WarmupCosLR from this checkpoint: .*" + pattern + r".*load the weights only"
    ):
        WarmupCosLR(two_group_optimizer(), warmup_steps=2, total_steps=10).load_state_dict(state)


def test_a_users_learning_rate_monitor_keeps_its_options_and_nothing_is_logged_twice(tmp_path: Path) -> None:
    from lightning.pytorch.loggers import CSVLogger

    monitor = LearningRateMonitor(logging_interval="step", log_momentum=True)
    logger = CSVLogger(tmp_path, name="", version="v")
    fitted = trainer(tmp_path, callbacks=[monitor], logger=logger, max_epochs=2, log_every_n_steps=1)
    fitted.fit(TinyModel(lr=PEAK, warmup_epochs=1, weight_decay=0.01))
    assert monitor in fitted.callbacks, "the user's LearningRateMonitor is kept"
    header = (tmp_path / "v" / "metrics.csv").read_text().splitlines()[0].split(",")
    assert "lr-AdamW/pg1-momentum" in header or "lr-AdamW/decay-momentum" in header
    assert len([h for h in header if h == "lr-AdamW/decay"]) == 1


@pytest.mark.parametrize(
    "lr",
    [np.logspace(-3, -1, 3)[2], torch.tensor(0.1, dtype=torch.float64), np.float32(0.1)],
    ids=["numpy float64", "0-d tensor", "numpy float32"],
)
def test_numbers_of_every_kind_make_plain_state(tmp_path: Path, lr: Any) -> None:
    from tests.helpers import lr_sequence, two_group_optimizer

    scheduler = WarmupCosLR(two_group_optimizer(), lr=lr, min_lr=lr / 100, warmup_steps=np.int64(2), total_steps=10)
    lr_sequence(scheduler, 4)
    torch.save(scheduler.state_dict(), tmp_path / "state.pt")
    other = WarmupCosLR(two_group_optimizer(), warmup_steps=1, total_steps=3)
    other.load_state_dict(torch.load(tmp_path / "state.pt", weights_only=True))
    assert lr_sequence(other, 3) == lr_sequence(scheduler, 3)


LOOKALIKES = {
    "warmup": r"Did you mean warmup_steps or warmup_epochs",
    "eta_min": r"Did you mean 'min_lr'",
    "scheduler_interval": r"Did you mean 'interval'",
    "steps_per_epoch": r"the callback measures it",
}


@pytest.mark.parametrize(("key", "pattern"), LOOKALIKES.items(), ids=LOOKALIKES)
def test_lookalike_hparams_are_flagged(tmp_path: Path, key: str, pattern: str) -> None:
    with pytest.raises(ValueError, match=rf"hparams has '{key}', which is not a schedule setting.*{pattern}"):
        fit(tmp_path, TinyModel(lr=PEAK, **{key: 5}))


def test_the_users_own_names_pass(tmp_path: Path) -> None:
    record = fit(tmp_path, TinyModel(lr=PEAK, n_epochs=3, warmup_steps=2), max_epochs=1)
    assert len(record.steps) == 8


@pytest.mark.parametrize(
    ("settings", "pattern"),
    [
        (dict(lr="1e-3"), r"lr must be a number, got lr='1e-3' \(str\)\. YAML 1\.1"),
        (dict(lr=True), r"lr must be a number, got lr=True"),
        (dict(lr=float("nan")), r"lr must be finite"),
        (dict(lr=-1.0), r"lr must be >= 0"),
        (
            dict(lr=PEAK, exclude_bias_and_norm="no"),
            r"exclude_bias_and_norm must be True or False, got "
            r"exclude_bias_and_norm='no'",
        ),
    ],
    ids=["yaml string", "bool", "nan", "negative", "bool as string"],
)
def test_bad_lr_and_bools_in_the_users_words(tmp_path: Path, settings: dict, pattern: str) -> None:
    with pytest.raises((ValueError, TypeError), match=pattern):
        fit(tmp_path, TinyModel(**settings))


def test_resuming_an_end_of_epoch_checkpoint_with_more_epochs_measures_the_whole_run(tmp_path: Path) -> None:
    """A checkpoint saved at an epoch's end: the next epoch starts from its first batch, and the run is measured so."""
    import warnings

    from lightning_warmup import WarmupCosLRCallback

    per_epoch = ModelCheckpoint(dirpath=tmp_path / "ckpt", filename="{epoch}", save_top_k=-1)
    fit(tmp_path / "a", TinyModel(lr=PEAK, warmup_epochs=1), [per_epoch], enable_checkpointing=True, max_epochs=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        resumed = fit(
            tmp_path / "b",
            TinyModel(lr=PEAK, warmup_epochs=1),
            [WarmupCosLRCallback(on_plan_change="adopt")],
            str(tmp_path / "ckpt" / "epoch=1.ckpt"),
            max_epochs=6,
        )
    said = [str(w.message) for w in caught if "WarmupCosLR" in str(w.message)]
    assert len(said) == 1 and "total_steps 32 -> 48" in said[0], said
    assert [step for step, _, _ in resumed.steps] == list(range(16, 48))
    for step, _, lrs in resumed.steps:
        assert math.isclose(lrs[0], formula(step, PEAK, 0.0, 1e-3, 8, 48), rel_tol=1e-12), f"step {step}"


def test_resuming_without_initial_lr_is_pytorchs_own_keyerror() -> None:
    """last_epoch >= 0 on an optimizer whose groups lack initial_lr: PyTorch's message, not another one."""
    from tests.helpers import two_group_optimizer

    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
        WarmupCosLR(two_group_optimizer(), warmup_steps=2, total_steps=10, last_epoch=5)


def test_configure_callbacks_of_your_own_leaving_the_callback_out_warns_once(tmp_path: Path) -> None:
    import warnings

    from lightning.pytorch.callbacks import EarlyStopping

    class OwnCallbacks(TinyModel):
        def configure_callbacks(self) -> list:
            return [EarlyStopping(monitor="loss", check_on_train_epoch_end=True)]  # without WarmupCosLRCallback

        def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
            loss = super().training_step(batch, batch_idx)
            self.log("loss", loss)
            return loss

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record = fit(tmp_path, OwnCallbacks(lr=PEAK, warmup_epochs=1), max_epochs=2)
    said = [str(w.message) for w in caught if "WarmupCosLRCallback" in str(w.message)]
    assert len(said) == 1 and "the LR is not logged" in said[0], said
    for step, _, lrs in record.steps:  # the schedule is still sized from the run: 16 steps
        assert math.isclose(lrs[0], formula(step, PEAK, 0.0, 1e-3, 8, 16), rel_tol=1e-12), f"step {step}"
