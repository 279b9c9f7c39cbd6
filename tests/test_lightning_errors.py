"""Bad settings end with a clear error before the first optimizer step; soft problems warn once."""

from __future__ import annotations

from typing import Any

import lightning as L
import pytest
import torch

from lightning_warmup import WarmupCosLR, WarmupCosLRCallback
from tests.lit import RecordLR, TinyModel, trainer


def fit_fails(tmp_path: Any, error: type, pattern: str, model: L.LightningModule, **trainer_kwargs: Any) -> None:
    record = RecordLR()
    with pytest.raises(error, match=pattern):
        trainer(tmp_path, callbacks=[record, WarmupCosLRCallback()], **trainer_kwargs).fit(model)
    assert record.steps == [], "the error must come before the first optimizer step"


MIXIN_CASES = {
    "missing lr": (
        dict(lr=None),
        {},
        r"hparams has no lr: the mixin needs the peak learning rate.*save_hyperparameters",
    ),
    "unknown optimizer": (
        dict(optimizer="adamv"),
        {},
        r"optimizer must be a torch\.optim class name .* "
        r"got optimizer='adamv'\. Did you mean 'Adam'",
    ),
    "bad class path": (
        dict(optimizer="torch.optim.Nope"),
        {},
        r"optimizer class path cannot be imported, "
        r"got optimizer='torch\.optim\.Nope'",
    ),
    "unknown interval": (dict(interval="steps"), {}, r"interval must be 'step' or 'epoch', got interval='steps'"),
    "fractional epochs with interval epoch": (
        dict(interval="epoch", warmup_epochs=0.5),
        {},
        r"warmup_epochs must be a whole number of epochs with interval='epoch'.*"
        r"got warmup_epochs=0\.5\. Use interval='step'",
    ),
    "warmup_steps with interval epoch": (
        dict(interval="epoch", warmup_steps=10),
        {},
        r"warmup_steps counts optimizer steps, but interval='epoch' ticks once per "
        r"epoch, got warmup_steps=10\. Use warmup_epochs",
    ),
    "misspelt key": (
        dict(warmup_epoch=1),
        {},
        r"hparams has 'warmup_epoch', which is not a schedule setting.*"
        r"Did you mean 'warmup_epochs'",
    ),
    "endless training, no total": (
        dict(warmup_steps=2),
        dict(max_epochs=-1),
        r"training has no end \(max_epochs=-1, "
        r"max_steps=-1\) and no total is given",
    ),
    "endless epochs, no total": (
        dict(interval="epoch"),
        dict(max_epochs=-1, max_steps=-1),
        r"interval='epoch' needs a number of epochs, got epochs=None, max_epochs=-1, "
        r"max_steps=-1",
    ),
    "unsized dataloader with epochs": (
        dict(iterable=True, warmup_epochs=1),
        dict(max_steps=10),
        r"the train dataloader has no length \(an IterableDataset\?\), so "
        r"warmup_epochs=1 cannot be turned into optimizer steps",
    ),
    "warmup longer than the run": (
        dict(warmup_epochs=5),
        dict(max_epochs=4),
        r"the warmup must end before the schedule does, got warmup_epochs=5 with "
        r"max_epochs=4 \(the schedule spans the run\)\. Lower warmup_epochs, or raise "
        r"max_epochs",
    ),
    "lr and learning_rate": (dict(learning_rate=1e-3), {}, r"give at most one of lr, learning_rate in hparams"),
}


@pytest.mark.parametrize(("model_kwargs", "trainer_kwargs", "pattern"), MIXIN_CASES.values(), ids=MIXIN_CASES)
def test_mixin_error(tmp_path: Any, model_kwargs: dict, trainer_kwargs: dict, pattern: str) -> None:
    settings = {"lr": 1e-2, **model_kwargs}
    fit_fails(tmp_path, (ValueError, TypeError), pattern, TinyModel(**settings), **trainer_kwargs)


def test_unsized_dataloader_works_with_step_settings(tmp_path: Any) -> None:
    record = RecordLR()
    trainer(tmp_path, callbacks=[record], max_steps=6).fit(
        TinyModel(lr=1e-2, iterable=True, warmup_steps=2, total_steps=6)
    )
    assert [round(lrs[0], 6) for _, _, lrs in record.steps][:3] == [0.001, 0.0055, 0.01]


class HandBuilt(TinyModel):
    """configure_optimizers written by hand, with WarmupCosLR in epochs."""

    def __init__(self, frequency: int = 1, interval: str = "step", **schedule: Any) -> None:
        super().__init__(lr=1e-2)
        self.frequency, self.interval, self.schedule = frequency, interval, schedule

    def configure_optimizers(self):
        optimizer = torch.optim.SGD(self.parameters(), lr=1e-2)
        scheduler = WarmupCosLR(optimizer, **self.schedule)
        return {
            "optimizer": optimizer,
            "lr_scheduler": {"scheduler": scheduler, "interval": self.interval, "frequency": self.frequency},
        }


def test_hand_built_frequency_other_than_one(tmp_path: Any) -> None:
    fit_fails(
        tmp_path,
        ValueError,
        r"WarmupCosLR counts one tick per step, got frequency=2\. Use frequency=1",
        HandBuilt(frequency=2, warmup_epochs=1, epochs=4),
    )


def test_hand_built_fractional_epochs_with_interval_epoch(tmp_path: Any) -> None:
    model = HandBuilt(interval="epoch", warmup_epochs=0.5, epochs=4)
    with pytest.warns(UserWarning, match="not a whole number of ticks"):
        fit_fails(tmp_path, ValueError, r"warmup_epochs must be a whole number of epochs with interval='epoch'", model)


def test_hand_built_epochs_with_an_unsized_dataloader(tmp_path: Any) -> None:
    model = HandBuilt(warmup_epochs=1, epochs=4)
    model.hparams.iterable = True
    fit_fails(
        tmp_path,
        ValueError,
        r"the train dataloader has no length .* so warmup_epochs=1, epochs=4 cannot be "
        r"turned into optimizer steps",
        model,
        max_steps=5,
    )


def test_callback_argument_is_checked() -> None:
    with pytest.raises(
        ValueError, match=r"on_plan_change must be 'keep', 'adopt' or 'stretch', got on_plan_change='new'"
    ):
        WarmupCosLRCallback(on_plan_change="new")  # type: ignore[arg-type]


def test_warns_when_the_schedule_ends_before_the_run(tmp_path: Any) -> None:
    with pytest.warns(
        UserWarning,
        match=r"The schedule ends at optimizer step 16 but the trainer runs to 32: the "
        r"last 16 optimizer steps stay at min_lr",
    ):
        trainer(tmp_path, max_epochs=4).fit(TinyModel(lr=1e-2, epochs=2))


def test_warns_when_the_run_ends_before_the_schedule(tmp_path: Any) -> None:
    with pytest.warns(
        UserWarning,
        match=r"The trainer stops at optimizer step 10, before the schedule ends at 32: "
        r"the LR never reaches min_lr",
    ):
        trainer(tmp_path, max_epochs=10, max_steps=10).fit(TinyModel(lr=1e-2, epochs=4))


def test_no_logger_is_said_once_and_the_schedule_still_works(tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    record = RecordLR()
    with caplog.at_level(logging.INFO):
        trainer(tmp_path, callbacks=[record], max_epochs=1, logger=False).fit(TinyModel(lr=1e-2, warmup_steps=4))
    assert (
        sum(
            "the trainer has no logger (logger=False), so the LR is not logged" in r.getMessage()
            for r in caplog.records
        )
        == 1
    )
    assert [round(lrs[0], 6) for _, _, lrs in record.steps[:5]] == [0.001, 0.00325, 0.0055, 0.00775, 0.01]


def test_lightning_errors_for_two_optimizers_are_not_masked(tmp_path: Any) -> None:
    class TwoOptimizers(TinyModel):
        def configure_optimizers(self):
            first = torch.optim.SGD([self.layer.weight], lr=0.1)
            second = torch.optim.SGD([self.layer.bias], lr=0.1)
            return [first, second], [WarmupCosLR(first, total_steps=10), WarmupCosLR(second, total_steps=10)]

    with pytest.raises(RuntimeError, match="multiple optimizers"):
        trainer(tmp_path, max_epochs=1).fit(TwoOptimizers(lr=0.1))
