"""The README table "Coming from ...": each row's WarmupCosLR arguments reproduce the other schedule."""

from __future__ import annotations

import math

from torch.optim.lr_scheduler import CosineAnnealingLR, CosineAnnealingWarmRestarts, LinearLR, SequentialLR

from benchmarks.peers import timm_scheduler, transformers_optimization
from lightning_warmup import WarmupCosLR
from tests.helpers import assert_sequence, lr_sequence, two_group_optimizer

# The peers themselves (the dev extras install them; timm is loaded without torchvision).
transformers = transformers_optimization()
timm = timm_scheduler()


def by_group(seen: list[list[float]], group: int) -> list[float]:
    return [lrs[group] for lrs in seen]


def test_pytorch_sequential_linear_then_cosine() -> None:
    """SequentialLR(LinearLR(start_factor=f, total_iters=W), CosineAnnealingLR(T_max=T-W, eta_min=m), [W])."""
    warmup, total, factor, eta_min = 30, 400, 0.25, 1e-6
    reference_optimizer = two_group_optimizer()
    reference = SequentialLR(
        reference_optimizer,
        [
            LinearLR(reference_optimizer, start_factor=factor, end_factor=1.0, total_iters=warmup),
            CosineAnnealingLR(reference_optimizer, T_max=total - warmup, eta_min=eta_min),
        ],
        milestones=[warmup],
    )
    expected = lr_sequence(reference, total)  # type: ignore[arg-type]
    ours = lr_sequence(
        WarmupCosLR(
            two_group_optimizer(), warmup_steps=warmup, total_steps=total, warmup_factor=factor, min_lr=eta_min
        ),
        total,
    )
    for group in range(2):
        # PyTorch's recursive cosine drifts by rounding; 1e-9 still exposes any off-by-one.
        assert_sequence(by_group(ours, group), lambda t, g=group: expected[t][g], rel=1e-9)


def test_pytorch_cosine_annealing_warm_restarts() -> None:
    """CosineAnnealingWarmRestarts(T_0, T_mult, eta_min) = cycle_steps=T_0, cycle_mult=T_mult, no warmup."""
    t_0, t_mult, eta_min, ticks = 20, 2, 1e-4, 20 + 40 + 80 + 30
    reference = CosineAnnealingWarmRestarts(two_group_optimizer(), T_0=t_0, T_mult=t_mult, eta_min=eta_min)
    expected = lr_sequence(reference, ticks)  # type: ignore[arg-type]
    ours = lr_sequence(WarmupCosLR(two_group_optimizer(), cycle_steps=t_0, cycle_mult=t_mult, min_lr=eta_min), ticks)
    for group in range(2):
        assert_sequence(by_group(ours, group), lambda t, g=group: expected[t][g], rel=1e-12)


def test_transformers_get_cosine_schedule_with_warmup() -> None:
    """transformers' own schedule: warmup from 0, cosine to 0 over the training steps."""
    num_warmup_steps, num_training_steps = 10, 250
    reference = transformers.get_cosine_schedule_with_warmup(
        two_group_optimizer(lr=2e-5, second_lr=1e-4), num_warmup_steps, num_training_steps
    )
    expected = lr_sequence(reference, num_training_steps + 10)  # type: ignore[arg-type]
    ours = lr_sequence(
        WarmupCosLR(
            two_group_optimizer(lr=2e-5, second_lr=1e-4),
            warmup_steps=num_warmup_steps,
            total_steps=num_training_steps,
            warmup_factor=0.0,
        ),
        num_training_steps + 10,
    )
    for group in range(2):
        assert_sequence(by_group(ours, group)[:num_training_steps], lambda t, g=group: expected[t][g], rel=1e-12)
        # Past the end transformers' cosine climbs again; ours stays at the floor.
        assert by_group(ours, group)[num_training_steps:] == [0.0] * 10
        assert expected[-1][group] > expected[num_training_steps][group]


def test_transformers_get_wsd_schedule_with_a_cosine_decay() -> None:
    """get_wsd_schedule(W, num_stable_steps=S, num_decay_steps=D, min_lr_ratio=r) = warmup, hold, cosine."""
    warmup, stable, decay, ratio = 20, 60, 120, 0.05
    reference = transformers.get_wsd_schedule(
        two_group_optimizer(),
        num_warmup_steps=warmup,
        num_stable_steps=stable,
        num_decay_steps=decay,
        min_lr_ratio=ratio,
        decay_type="cosine",
    )
    ticks = warmup + stable + decay + 15  # past the end both stay at the floor
    expected = lr_sequence(reference, ticks)  # type: ignore[arg-type]
    ours = lr_sequence(
        WarmupCosLR(
            two_group_optimizer(),
            warmup_steps=warmup,
            hold_steps=stable,
            total_steps=warmup + stable + decay,
            min_lr_ratio=ratio,
            warmup_factor=ratio,
        ),
        ticks,
    )
    for group in range(2):
        assert_sequence(by_group(ours, group), lambda t, g=group: expected[t][g], rel=1e-12)


def test_timm_cosine_lr_scheduler_with_warmup_prefix() -> None:
    """timm's own CosineLRScheduler(t_initial, lr_min, warmup_t, warmup_lr_init, warmup_prefix=True), per update."""
    t_initial, lr_min, warmup_t, warmup_lr_init, base = 300, 1e-5, 20, 1e-6, 5e-4
    total = warmup_t + t_initial
    reference_optimizer = two_group_optimizer(lr=base, second_lr=base)
    reference = timm.CosineLRScheduler(
        reference_optimizer,
        t_initial=t_initial,
        lr_min=lr_min,
        warmup_t=warmup_t,
        warmup_lr_init=warmup_lr_init,
        warmup_prefix=True,
        t_in_epochs=False,
    )
    expected = []
    for t in range(total + 20):
        reference.step_update(t)
        expected.append([float(group["lr"]) for group in reference_optimizer.param_groups])
    ours = lr_sequence(
        WarmupCosLR(
            two_group_optimizer(lr=base, second_lr=base),
            warmup_steps=warmup_t,
            total_steps=total,
            warmup_start_lr=warmup_lr_init,
            min_lr=lr_min,
        ),
        total + 20,
    )
    for group in range(2):
        assert_sequence(by_group(ours, group), lambda t, g=group: expected[t][g], rel=1e-12)


def test_lightning_bolts_linear_warmup_cosine_annealing() -> None:
    """Bolts LinearWarmupCosineAnnealingLR(warmup_epochs, max_epochs, warmup_start_lr, eta_min): inclusive warmup."""
    warmup_epochs, max_epochs, warmup_start_lr, eta_min, base = 5, 60, 1e-4, 1e-6, 1e-2

    def bolts_closed_form(epoch: int) -> float:
        if epoch < warmup_epochs:
            return warmup_start_lr + epoch * (base - warmup_start_lr) / max(1, warmup_epochs - 1)
        return eta_min + 0.5 * (base - eta_min) * (
            1 + math.cos(math.pi * (epoch - warmup_epochs) / (max_epochs - warmup_epochs))
        )

    ours = lr_sequence(
        WarmupCosLR(
            two_group_optimizer(lr=base),
            lr=base,
            warmup_steps=warmup_epochs,
            total_steps=max_epochs,
            warmup_start_lr=warmup_start_lr,
            min_lr=eta_min,
            warmup_inclusive=True,
        ),
        max_epochs,
    )
    for group in range(2):
        assert_sequence(by_group(ours, group), bolts_closed_form)
