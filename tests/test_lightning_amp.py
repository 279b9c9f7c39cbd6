"""Mixed precision: a step the grad scaler skips is counted, with no crash and no misleading warning."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import torch
from lightning.pytorch.plugins.precision import MixedPrecision

from tests.lit import RecordLR, TinyModel, formula, trainer


class SkipsFirstSteps(TinyModel):
    """Inf gradients on the first two optimizer steps: the scaler skips them."""

    def training_step(self, batch: Any, batch_idx: int) -> torch.Tensor:
        loss = super().training_step(batch, batch_idx)
        return loss * float("inf") if self.trainer.global_step < 2 else loss


class SkipsWithLambdaLR(SkipsFirstSteps):
    def configure_optimizers(self):
        optimizer = torch.optim.SGD(self.parameters(), lr=0.1)
        return {
            "optimizer": optimizer,
            "lr_scheduler": {
                "scheduler": torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1.0),
                "interval": "step",
            },
        }


def fit_with_scaler(tmp_path: Path, model: TinyModel, record: RecordLR) -> tuple[list[str], torch.amp.GradScaler]:
    scaler = torch.amp.GradScaler("cpu")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        trainer(
            tmp_path, callbacks=[record], max_epochs=2, plugins=[MixedPrecision("16-mixed", "cpu", scaler=scaler)]
        ).fit(model)
    return [str(w.message) for w in caught], scaler


def test_skipped_steps_count_and_do_not_warn(tmp_path: Path) -> None:
    record = RecordLR()
    messages, scaler = fit_with_scaler(tmp_path, SkipsFirstSteps(lr=1e-2, min_lr=1e-4, warmup_epochs=1), record)
    assert scaler.get_scale() < 2.0**16, "the scaler must have skipped steps (its scale went down)"
    assert not [m for m in messages if "before `optimizer.step()`" in m], messages
    assert [step for step, _, _ in record.steps] == list(range(16))
    for step, _, lrs in record.steps:
        want = formula(step, 1e-2, 1e-4, 1e-3, 8, 16)
        assert math.isclose(lrs[0], want, rel_tol=1e-12), f"LR wrong at step {step}: expected {want}, got {lrs[0]}"


def test_the_same_skip_makes_pytorch_warn_for_other_schedulers(tmp_path: Path) -> None:
    """The control: without WarmupCosLR the skipped first step triggers PyTorch's warning."""
    messages, _ = fit_with_scaler(tmp_path, SkipsWithLambdaLR(lr=0.1), RecordLR())
    assert [m for m in messages if "before `optimizer.step()`" in m]
