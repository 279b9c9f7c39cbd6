"""A real Trainer: the LR each optimizer step uses equals the documented formula, under every trainer setting."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.helpers import warned
from tests.lit import RecordLR, TinyModel, formula, trainer

PEAK, FLOOR = 1e-2, 1e-4
START = 0.1 * PEAK


def fit(tmp_path: Any, model_kwargs: dict, **trainer_kwargs: Any) -> RecordLR:
    record = RecordLR()
    model = TinyModel(lr=PEAK, min_lr=FLOOR, weight_decay=0.01, **model_kwargs)
    trainer(tmp_path, callbacks=[record], **trainer_kwargs).fit(model)
    return record


def assert_steps(record: RecordLR, expected_steps: int, lr_of: Any) -> None:
    assert len(record.steps) == expected_steps, f"expected {expected_steps} optimizer steps, got {len(record.steps)}"
    for step, epoch, lrs in record.steps:
        assert len(lrs) == 2, "the model's optimizer has two param groups (decay, no_decay)"
        want = lr_of(step, epoch)
        for group, got in enumerate(lrs):
            assert math.isclose(got, want, rel_tol=1e-12), (
                f"LR wrong at step {step} (group {group}): expected {want}, got {got}"
            )


# 64 samples, batch 8: 8 batches per epoch on one device.
CASES = {
    # name: (model settings, trainer settings, optimizer steps made, warmup W, total T)
    "warmup_epochs, accumulate 1": (dict(warmup_epochs=1), dict(max_epochs=4), 32, 8, 32),
    "warmup_epochs, accumulate 3": (dict(warmup_epochs=1), dict(max_epochs=4, accumulate_grad_batches=3), 12, 3, 12),
    "limit_train_batches int": (dict(warmup_epochs=1), dict(max_epochs=4, limit_train_batches=5), 20, 5, 20),
    "limit_train_batches fraction": (
        dict(warmup_epochs=1, epochs=3),
        dict(max_epochs=3, limit_train_batches=0.5),
        12,
        4,
        12,
    ),
    "max_steps ends first": (dict(warmup_ratio=0.2), dict(max_epochs=4, max_steps=10), 10, 2, 10),
    "warmup_steps, total from max_epochs": (dict(warmup_steps=5), dict(max_epochs=3), 24, 5, 24),
    "fractional warmup_epochs": (dict(warmup_epochs=0.5, epochs=3), dict(max_epochs=3), 24, 4, 24),
    "drop_last": (dict(warmup_epochs=1, n=60, drop_last=True), dict(max_epochs=2), 14, 7, 14),
    "no drop_last keeps the short batch": (dict(warmup_epochs=1, n=60), dict(max_epochs=2), 16, 8, 16),
    "accumulate 3 with a short last window": (
        dict(warmup_epochs=1, n=56),
        dict(max_epochs=2, accumulate_grad_batches=3),
        6,
        3,
        6,
    ),
}


@pytest.mark.parametrize(("model_kwargs", "trainer_kwargs", "steps", "warmup", "total"), CASES.values(), ids=CASES)
def test_interval_step(
    tmp_path: Any, model_kwargs: dict, trainer_kwargs: dict, steps: int, warmup: int, total: int
) -> None:
    record = fit(tmp_path, model_kwargs, **trainer_kwargs)
    assert_steps(record, steps, lambda step, epoch: formula(step, PEAK, FLOOR, START, warmup, total))


def test_interval_epoch_holds_the_lr_for_a_whole_epoch(tmp_path: Any) -> None:
    record = fit(tmp_path, dict(warmup_epochs=1, interval="epoch"), max_epochs=5, accumulate_grad_batches=2)
    assert_steps(record, 20, lambda step, epoch: formula(epoch, PEAK, FLOOR, START, 1, 5))


def test_interval_epoch_with_explicit_epochs_inclusive_warmup(tmp_path: Any) -> None:
    """Seed 001 inside Lightning: 3.3e-4, 6.7e-4, 1e-3, then the cosine from epoch 3 of 25 (here 6 epochs run)."""
    record = RecordLR()
    model = TinyModel(
        lr=1e-3, min_lr=1e-5, warmup_epochs=3, epochs=25, interval="epoch", warmup_inclusive=True, warmup_factor=1 / 3
    )
    with warned(r"The trainer stops at epoch 6, before the schedule ends at 25"):
        trainer(tmp_path, callbacks=[record], max_epochs=6).fit(model)
    firsts = {epoch: lrs[0] for _, epoch, lrs in record.steps}
    assert [f"{firsts[e]:.1e}" for e in range(3)] == ["3.3e-04", "6.7e-04", "1.0e-03"]
    assert_steps(record, 48, lambda step, epoch: formula(epoch, 1e-3, 1e-5, 1e-3 / 3, 3, 25, inclusive=True))


def test_two_param_groups_with_their_own_peaks(tmp_path: Any) -> None:
    """A lower LR for part of the model through build_param_groups: each group keeps its own peak."""

    class Backbone(TinyModel):
        def build_param_groups(self):
            return [
                {"params": [self.layer.weight], "name": "head"},
                {"params": [self.layer.bias], "name": "backbone", "lr": PEAK / 10},
            ]

    record = RecordLR()
    trainer(tmp_path, callbacks=[record], max_epochs=2).fit(Backbone(lr=PEAK, warmup_epochs=1, min_lr_ratio=0.01))
    for step, _, (head, backbone) in record.steps:
        assert math.isclose(head, formula(step, PEAK, PEAK / 100, START, 8, 16), rel_tol=1e-12), f"head at step {step}"
        assert math.isclose(backbone, formula(step, PEAK / 10, PEAK / 1000, START / 10, 8, 16), rel_tol=1e-12), (
            f"backbone at step {step}"
        )


def test_hand_built_scheduler_in_epochs_is_converted_to_steps(tmp_path: Any) -> None:
    """configure_optimizers written by hand: the callback sets steps_per_epoch before the first step."""
    import torch

    from lightning_warmup import WarmupCosLR, WarmupCosLRCallback

    class HandBuilt(TinyModel):
        def configure_optimizers(self):
            optimizer = torch.optim.SGD(
                [{"params": [self.layer.weight]}, {"params": [self.layer.bias], "lr": PEAK / 2}], lr=PEAK
            )
            scheduler = WarmupCosLR(optimizer, warmup_epochs=1, epochs=3, min_lr_ratio=0.01)
            return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}

    record = RecordLR()
    trainer(tmp_path, callbacks=[record, WarmupCosLRCallback()], max_epochs=3, accumulate_grad_batches=2).fit(
        HandBuilt(lr=PEAK)
    )
    assert len(record.steps) == 12
    for step, _, (first, second) in record.steps:
        assert math.isclose(first, formula(step, PEAK, PEAK / 100, START, 4, 12), rel_tol=1e-12), f"step {step}"
        assert math.isclose(second, formula(step, PEAK / 2, PEAK / 200, START / 2, 4, 12), rel_tol=1e-12), (
            f"step {step}"
        )
