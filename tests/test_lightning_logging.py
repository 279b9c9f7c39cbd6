"""What users see: the LR in TensorBoard event files, on the progress bar, and the plan at fit start."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import pytest
from lightning.pytorch.loggers import CSVLogger, TensorBoardLogger
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from tests.lit import RecordLR, TinyModel, trainer


def scalars(log_dir: str) -> dict[str, list[tuple[int, float]]]:
    events = EventAccumulator(log_dir, size_guidance={"scalars": 0})
    events.Reload()
    return {tag: [(e.step, e.value) for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}


def used_lrs(record: RecordLR) -> dict[int, list[float]]:
    return {step: lrs for step, _, lrs in record.steps}


@pytest.mark.parametrize("every", [1, 3])
def test_tensorboard_gets_the_lr_each_step_uses_on_the_logging_cadence(tmp_path: Path, every: int) -> None:
    record = RecordLR()
    logger = TensorBoardLogger(tmp_path, name="run")
    trainer(tmp_path, callbacks=[record], logger=logger, log_every_n_steps=every, max_epochs=2).fit(
        TinyModel(lr=1e-2, warmup_steps=5, weight_decay=0.01)
    )
    logged = scalars(logger.log_dir)
    used = used_lrs(record)
    assert {"lr-AdamW/decay", "lr-AdamW/no_decay"} <= set(logged)
    for group, tag in enumerate(("lr-AdamW/decay", "lr-AdamW/no_decay")):
        steps = [step for step, _ in logged[tag]]
        assert steps == [s for s in range(16) if (s + 1) % every == 0], f"cadence of {tag}"
        for step, value in logged[tag]:
            assert math.isclose(value, used[step][group], rel_tol=1e-6), f"{tag} wrong at step {step}"


def test_every_logger_gets_it_and_momentum_and_weight_decay_on_request(tmp_path: Path) -> None:
    from lightning_warmup import WarmupCosLRCallback

    csv = CSVLogger(tmp_path, name="csv")
    tb = TensorBoardLogger(tmp_path, name="tb")
    trainer(
        tmp_path,
        logger=[tb, csv],
        log_every_n_steps=1,
        max_epochs=1,
        callbacks=[WarmupCosLRCallback(log_momentum=True, log_weight_decay=True)],
    ).fit(TinyModel(lr=1e-2, warmup_steps=5, weight_decay=0.01))
    tags = set(scalars(tb.log_dir))
    assert {"lr-AdamW/decay", "lr-AdamW/decay-momentum", "lr-AdamW/no_decay-weight_decay"} <= tags
    header = (Path(csv.log_dir) / "metrics.csv").read_text().splitlines()[0].split(",")
    assert {"lr-AdamW/decay", "lr-AdamW/no_decay"} <= set(header)


def test_single_group_and_scheduler_name_use_lr_monitor_keys(tmp_path: Path) -> None:
    import torch

    from lightning_warmup import WarmupCosLR

    class Named(TinyModel):
        def configure_optimizers(self):
            optimizer = torch.optim.SGD(self.parameters(), lr=0.1)
            return {
                "optimizer": optimizer,
                "lr_scheduler": {
                    "scheduler": WarmupCosLR(optimizer, total_steps=8),
                    "interval": "step",
                    "name": "my-schedule",
                },
            }

    logger = TensorBoardLogger(tmp_path, name="run")
    trainer(tmp_path, logger=logger, log_every_n_steps=1, max_epochs=1).fit(Named(lr=0.1))
    logged = scalars(logger.log_dir)
    assert "my-schedule" in logged
    assert logged["my-schedule"][0] == (0, pytest.approx(0.1))


def test_progress_bar_shows_the_lr_the_last_step_used_readably(tmp_path: Path) -> None:
    import lightning as L

    class ReadBar(L.Callback):
        def __init__(self) -> None:
            self.shown: list[tuple[str, str]] = []
            self.used = 0.0

        def on_before_optimizer_step(self, trainer, pl_module, optimizer) -> None:
            self.used = float(optimizer.param_groups[0]["lr"])

        def on_train_batch_end(self, trainer, pl_module, *args) -> None:  # when the bar refreshes
            metrics = trainer.progress_bar_callback.get_metrics(trainer, pl_module)
            self.shown.append((metrics["lr"], f"{self.used:.1e}"))

    reader = ReadBar()
    fitted = trainer(tmp_path, callbacks=[reader], max_epochs=1, enable_progress_bar=True)
    fitted.fit(TinyModel(lr=1e-2, warmup_steps=5))
    assert len(reader.shown) == 8
    for step, (shown, used) in enumerate(reader.shown):
        assert shown == used, f"progress bar LR wrong at step {step}: shows {shown}, the step uses {used}"
    assert "lr" not in fitted.progress_bar_callback.get_metrics(fitted, fitted.lightning_module), "unwrapped after fit"


def test_the_plan_is_said_once_at_fit_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        trainer(tmp_path, max_epochs=4, accumulate_grad_batches=3).fit(
            TinyModel(lr=1e-2, warmup_epochs=1, min_lr=1e-4, weight_decay=0.01)
        )
    plans = [r.getMessage() for r in caplog.records if "WarmupCosLR plan" in r.getMessage()]
    assert len(plans) == 1
    assert (
        "3 optimizer steps per epoch (8 batches on this rank / accumulate_grad_batches=3" in plans[0]
        and "warmup 3 optimizer steps from 0.001 to the peak 0.01" in plans[0]
        and "ending at optimizer step 12" in plans[0]
        and "floor 0.0001" in plans[0]
    ), plans[0]


def test_the_mixin_adds_the_callback_once(tmp_path: Path) -> None:
    from lightning_warmup import WarmupCosLRCallback

    alone = trainer(tmp_path, max_epochs=1)
    alone.fit(TinyModel(lr=1e-2, warmup_steps=2))
    assert sum(isinstance(c, WarmupCosLRCallback) for c in alone.callbacks) == 1

    mine = WarmupCosLRCallback(log_momentum=True)
    given = trainer(tmp_path, max_epochs=1, callbacks=[mine])
    given.fit(TinyModel(lr=1e-2, warmup_steps=2))
    assert [c for c in given.callbacks if isinstance(c, WarmupCosLRCallback)] == [mine]


def test_rich_progress_bar_shows_the_lr_readably(tmp_path: Path) -> None:
    """Rich formats numbers with 3 decimals (an LR of 3e-4 would show as 0.000); the callback gives it text."""
    import lightning as L
    from lightning.pytorch.callbacks import RichProgressBar

    class ReadBar(L.Callback):
        def __init__(self) -> None:
            self.shown: list[str] = []

        def on_train_batch_end(self, trainer, pl_module, *args) -> None:
            self.shown.append(trainer.progress_bar_callback.get_metrics(trainer, pl_module)["lr"])

    reader = ReadBar()
    fitted = trainer(tmp_path, callbacks=[RichProgressBar(), reader], max_epochs=1, enable_progress_bar=True)
    fitted.fit(TinyModel(lr=3e-4, warmup_steps=5))
    assert reader.shown[0] == "3.0e-05" and reader.shown[5] == "3.0e-04", reader.shown
