"""The documented formula at its interesting points, and the behaviours of API.md section 2."""

from __future__ import annotations

import math

import pytest
import torch

from lightning_warmup import WarmupCosLR
from lightning_warmup.plan import Plan
from tests.helpers import group_lrs, lr_sequence, two_group_optimizer

P, M, S = 1e-3, 1e-5, 1e-4  # peak, floor, warmup start (warmup_factor 0.1)
W, T = 1000, 101_000


def cosine(t: int, peak: float = P, floor: float = M, warmup: int = W, total: int = T) -> float:
    return floor + (peak - floor) * (1 + math.cos(math.pi * (t - warmup) / (total - warmup))) / 2


# (tick, expected LR): start, mid-warmup, last warmup tick, the peak, the cosine quarter points,
# the last tick, the end and far past it. An off-by-one anywhere moves these by more than 1e-12.
REFERENCE = [
    (0, S),
    (500, S + (P - S) * 0.5),
    (999, S + (P - S) * 999 / 1000),
    (1000, P),
    (1001, cosine(1001)),
    (26_000, M + (P - M) * (1 + math.cos(math.pi / 4)) / 2),
    (51_000, (P + M) / 2),
    (76_000, M + (P - M) * (1 - math.cos(math.pi / 4)) / 2),
    (100_999, cosine(100_999)),
    (101_000, M),
    (10**9, M),
]


@pytest.mark.parametrize(("tick", "expected"), REFERENCE, ids=[f"t={t}" for t, _ in REFERENCE])
def test_reference_table_on_a_long_schedule(tick: int, expected: float) -> None:
    scheduler = WarmupCosLR(two_group_optimizer(lr=P), warmup_steps=W, total_steps=T, min_lr=M)
    assert scheduler.lr_at(tick)[0] == pytest.approx(expected, rel=1e-12, abs=0)


def test_reference_table_when_stepped_from_a_checkpointed_tick() -> None:
    """Building with last_epoch resumes the closed form at that tick (PyTorch's convention)."""
    optimizer = two_group_optimizer(lr=P)
    for group in optimizer.param_groups:
        group["initial_lr"] = P if not isinstance(group["lr"], torch.Tensor) else group["lr"].clone()
    scheduler = WarmupCosLR(optimizer, warmup_steps=W, total_steps=T, min_lr=M, lr=P, last_epoch=50_999)
    assert scheduler.last_epoch == 51_000
    assert group_lrs(optimizer) == pytest.approx([(P + M) / 2] * 2, rel=1e-12)


def test_inclusive_warmup_reaches_the_peak_one_tick_earlier() -> None:
    exclusive = WarmupCosLR(two_group_optimizer(), warmup_steps=4, total_steps=20, warmup_factor=0.0)
    inclusive = WarmupCosLR(
        two_group_optimizer(), warmup_steps=4, total_steps=20, warmup_factor=0.0, warmup_inclusive=True
    )
    assert [exclusive.lr_at(t)[0] for t in range(5)] == pytest.approx([0, 0.25e-3, 0.5e-3, 0.75e-3, 1e-3])
    assert [inclusive.lr_at(t)[0] for t in range(5)] == pytest.approx([0, 1e-3 / 3, 2e-3 / 3, 1e-3, 1e-3])


def test_inclusive_warmup_of_one_tick_is_the_peak_not_a_division_by_zero() -> None:
    scheduler = WarmupCosLR(two_group_optimizer(), warmup_steps=1, total_steps=5, warmup_inclusive=True)
    assert scheduler.lr_at(0) == pytest.approx([1e-3, 5e-4])


def test_first_step_is_never_zero_with_the_default_warmup_factor() -> None:
    scheduler = WarmupCosLR(two_group_optimizer(), warmup_steps=100, total_steps=1000)
    assert group_lrs(scheduler.optimizer) == pytest.approx([1e-4, 5e-5], rel=1e-12)


def test_lr_none_keeps_the_ratio_between_groups() -> None:
    seen = lr_sequence(
        WarmupCosLR(two_group_optimizer(lr=1e-3, second_lr=1e-4), warmup_steps=10, total_steps=100, min_lr_ratio=0.01),
        101,
    )
    for t, (first, second) in enumerate(seen):
        assert first == pytest.approx(10 * second, rel=1e-12), f"ratio lost at tick {t}"
    assert seen[-1] == pytest.approx([1e-5, 1e-6], rel=1e-12)


def test_lr_float_and_sequence_and_the_learning_rate_alias() -> None:
    every = WarmupCosLR(two_group_optimizer(), total_steps=10, lr=0.5)
    each = WarmupCosLR(two_group_optimizer(), total_steps=10, lr=[0.5, 0.25])
    alias = WarmupCosLR(two_group_optimizer(), total_steps=10, learning_rate=[0.5, 0.25])
    assert group_lrs(every.optimizer) == [0.5, 0.5]
    assert group_lrs(each.optimizer) == group_lrs(alias.optimizer) == [0.5, 0.25]


def test_warmup_start_lr_per_group_and_min_lr_per_group() -> None:
    scheduler = WarmupCosLR(
        two_group_optimizer(), warmup_steps=2, total_steps=4, warmup_start_lr=[1e-4, 0.0], min_lr=[1e-5, 2e-5]
    )
    assert scheduler.lr_at(0) == pytest.approx([1e-4, 0.0])
    assert scheduler.lr_at(1) == pytest.approx([5.5e-4, 2.5e-4])
    assert scheduler.lr_at(4) == pytest.approx([1e-5, 2e-5])


def test_warmup_ratio_and_epochs_resolve_to_ticks() -> None:
    by_ratio = WarmupCosLR(two_group_optimizer(), warmup_ratio=0.1, total_steps=250)
    by_epochs = WarmupCosLR(two_group_optimizer(), warmup_epochs=0.5, epochs=10, steps_per_epoch=37)
    assert (by_ratio.plan.shape.warmup_steps, by_ratio.plan.shape.total_steps) == (25, 250)
    assert (by_epochs.plan.shape.warmup_steps, by_epochs.plan.shape.total_steps) == (19, 370)


def test_tensor_lr_is_updated_in_place_never_replaced() -> None:
    optimizer = two_group_optimizer()
    tensor = optimizer.param_groups[1]["lr"]
    scheduler = WarmupCosLR(optimizer, warmup_steps=3, total_steps=10)
    lr_sequence(scheduler, 5)
    assert optimizer.param_groups[1]["lr"] is tensor
    assert float(tensor) == pytest.approx(scheduler.lr_at(5)[1], rel=1e-12)


def test_restarts_without_rewarming_and_with_decay_never_below_the_floor() -> None:
    scheduler = WarmupCosLR(
        two_group_optimizer(),
        lr=1.0,
        warmup_steps=2,
        cycle_steps=6,
        cycle_warmup=False,
        cycle_decay=0.1,
        min_lr=0.05,
        warmup_factor=0.0,
    )
    lrs = [scheduler.lr_at(t)[0] for t in range(6 + 4 + 4 + 4)]
    assert lrs[:3] == pytest.approx([0.0, 0.5, 1.0])
    assert lrs[6] == pytest.approx(0.1)  # cycle 1 starts at its peak: no warmup
    assert lrs[10] == pytest.approx(0.05)  # cycle 2's peak 0.01 is below the floor: held at the floor
    assert min(lrs[3:]) >= 0.05


def test_restarts_end_at_total_steps_and_stay_at_the_floor() -> None:
    scheduler = WarmupCosLR(two_group_optimizer(), cycle_steps=10, total_steps=25, min_lr=1e-6)
    assert [scheduler.lr_at(t)[0] for t in (0, 10, 20)] == pytest.approx([1e-3, 1e-3, 1e-3])
    assert {scheduler.lr_at(t)[0] for t in range(25, 200)} == {1e-6}


def test_constant_cycles_are_found_without_walking_every_cycle() -> None:
    scheduler = WarmupCosLR(two_group_optimizer(lr=1.0), warmup_steps=1, cycle_steps=3, warmup_factor=0.0)
    t = 3 * 10**12 + 1  # one tick into cycle 10**12: the peak again
    assert scheduler.lr_at(t)[0] == 1.0


def test_a_group_initial_lr_from_an_earlier_scheduler_is_the_peak_throughout() -> None:
    """lr=None takes each group's initial LR (PyTorch's initial_lr), before and after re-sizing."""
    optimizer = two_group_optimizer(lr=1e-3, second_lr=5e-4)
    earlier = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    optimizer.step()
    earlier.step()  # the groups' lr is halved; their initial_lr is not
    scheduler = WarmupCosLR(optimizer, warmup_steps=2, total_steps=10, warmup_factor=0.0)
    assert [levels.peak for levels in scheduler.plan.levels] == scheduler.base_lrs == [1e-3, 5e-4]
    settings = scheduler.plan.settings.replace(total_steps=20)
    scheduler.follow(Plan.from_settings(settings, scheduler.base_lrs))
    assert [levels.peak for levels in scheduler.plan.levels] == [1e-3, 5e-4]
