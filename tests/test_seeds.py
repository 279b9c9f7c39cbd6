"""Each seed's schedule, reproduced at every tick from the seed's own formula (relative error <= 1e-12)."""

from __future__ import annotations

import math

import numpy as np
import torch

from lightning_warmup import WarmupCosLR
from tests.helpers import assert_sequence, lr_sequence, two_group_optimizer


def test_seed_000_step_based_warmup_factor_and_min_lr() -> None:
    """Seed 000: linear warmup from learning_rate * warmup_factor, cosine to min_lr, every group at learning_rate."""
    warmup_steps, total_steps, learning_rate, min_lr, warmup_factor = 100, 1000, 1e-3, 1e-6, 0.1

    def seed_000(step: int) -> float:  # the seed's step(), current_step = step
        initial_lr = learning_rate * warmup_factor
        if step < warmup_steps:
            return initial_lr + (learning_rate - initial_lr) * (step / warmup_steps)
        progress = (step - warmup_steps) / (total_steps - warmup_steps)
        return min_lr + (learning_rate - min_lr) * (1 + math.cos(math.pi * progress)) / 2

    optimizer = two_group_optimizer()
    scheduler = WarmupCosLR(
        optimizer,
        warmup_steps=warmup_steps,
        total_steps=total_steps,
        learning_rate=learning_rate,
        min_lr=min_lr,
        warmup_factor=warmup_factor,
    )
    seen = lr_sequence(scheduler, total_steps + 50)
    for group in range(2):
        assert_sequence([lrs[group] for lrs in seen[:total_steps]], seed_000)
        # Past the end the seed's cosine would rise again; the LR stays at the floor instead.
        assert all(lrs[group] == min_lr for lrs in seen[total_steps:])


def test_seed_001_epoch_based_table_and_cosine() -> None:
    """Seed 001: lr*(e+1)/3 for epochs 0..2 (3.3e-4, 6.7e-4, 1e-3), then the cosine from epoch 3 of 25."""
    lr, min_lr, warmup_epochs, epochs = 1e-3, 1e-5, 3, 25

    def seed_001(epoch: int) -> float:  # the seed's get_lr(), last_epoch = epoch
        if epoch < warmup_epochs:
            return lr * (epoch + 1) / warmup_epochs
        return min_lr + 0.5 * (lr - min_lr) * (
            1 + math.cos(math.pi * (epoch - warmup_epochs) / (epochs - warmup_epochs))
        )

    optimizer = two_group_optimizer()
    scheduler = WarmupCosLR(
        optimizer,
        min_lr=min_lr,
        lr=lr,
        warmup_epochs=warmup_epochs,
        epochs=epochs,
        warmup_inclusive=True,
        warmup_factor=1 / warmup_epochs,
    )
    seen = lr_sequence(scheduler, epochs + 5)
    assert [f"{lrs[0]:.1e}" for lrs in seen[:3]] == ["3.3e-04", "6.7e-04", "1.0e-03"]
    for group in range(2):
        assert_sequence([lrs[group] for lrs in seen[:epochs]], seed_001)
        assert all(lrs[group] == min_lr for lrs in seen[epochs:])


def test_seed_002_warm_up_lr_lambda() -> None:
    """Seed 002's per-epoch ``warm_up_lr`` passed to LambdaLR: warmup from 0, cosine to 0, groups keep their ratio."""
    warm_up_epochs, max_epochs = 5, 40

    def warm_up_lr(epoch: int) -> float:
        if epoch < warm_up_epochs:
            return epoch / warm_up_epochs
        return 0.5 * (math.cos((epoch - warm_up_epochs) / (max_epochs - warm_up_epochs) * math.pi) + 1)

    reference = two_group_optimizer()
    lambda_lr = torch.optim.lr_scheduler.LambdaLR(reference, lr_lambda=warm_up_lr)
    expected = lr_sequence(lambda_lr, max_epochs)  # type: ignore[arg-type]

    scheduler = WarmupCosLR(
        two_group_optimizer(), warmup_steps=warm_up_epochs, total_steps=max_epochs, warmup_factor=0.0
    )
    seen = lr_sequence(scheduler, max_epochs)
    for group in range(2):
        assert_sequence([lrs[group] for lrs in seen], lambda t, g=group: expected[t][g])


def convnext_cosine_scheduler(
    base_value, final_value, epochs, niter_per_ep, warmup_epochs=0, start_warmup_value=0, warmup_steps=-1
):
    """ConvNeXt's ``utils.cosine_scheduler`` as quoted in seed 002: one LR per iteration."""
    warmup_schedule = np.array([])
    warmup_iters = warmup_epochs * niter_per_ep
    if warmup_steps > 0:
        warmup_iters = warmup_steps
    if warmup_epochs > 0:
        warmup_schedule = np.linspace(start_warmup_value, base_value, warmup_iters)
    iters = np.arange(epochs * niter_per_ep - warmup_iters)
    schedule = np.array(
        [final_value + 0.5 * (base_value - final_value) * (1 + math.cos(math.pi * i / (len(iters)))) for i in iters]
    )
    schedule = np.concatenate((warmup_schedule, schedule))
    assert len(schedule) == epochs * niter_per_ep
    return schedule


def test_seed_002_convnext_per_iteration_cosine_scheduler() -> None:
    """ConvNeXt's array indexed by iteration = WarmupCosLR per step with niter_per_ep as steps_per_epoch."""
    base, final, epochs, niter_per_ep, warmup_epochs, start = 4e-3, 1e-6, 12, 17, 2, 1e-5
    array = convnext_cosine_scheduler(base, final, epochs, niter_per_ep, warmup_epochs, start)

    scheduler = WarmupCosLR(
        two_group_optimizer(),
        lr=base,
        min_lr=final,
        warmup_epochs=warmup_epochs,
        epochs=epochs,
        steps_per_epoch=niter_per_ep,
        warmup_start_lr=start,
        warmup_inclusive=True,
    )
    seen = lr_sequence(scheduler, len(array))
    for group in range(2):
        assert_sequence([lrs[group] for lrs in seen], lambda t: float(array[t]))


class Seed003Restarts:
    """Seed 003's CosineAnnealingWarmupRestarts, stepped the recursive way it is written."""

    def __init__(self, first_cycle_steps, cycle_mult, max_lr, min_lr, warmup_steps, gamma):
        self.first_cycle_steps, self.cycle_mult = first_cycle_steps, cycle_mult
        self.base_max_lr, self.max_lr, self.min_lr = max_lr, max_lr, min_lr
        self.warmup_steps, self.gamma = warmup_steps, gamma
        self.cur_cycle_steps, self.cycle, self.step_in_cycle = first_cycle_steps, 0, 0

    def lr(self) -> float:
        base_lr = self.min_lr
        if self.step_in_cycle < self.warmup_steps:
            return (self.max_lr - base_lr) * self.step_in_cycle / self.warmup_steps + base_lr
        return (
            base_lr
            + (self.max_lr - base_lr)
            * (
                1
                + math.cos(
                    math.pi * (self.step_in_cycle - self.warmup_steps) / (self.cur_cycle_steps - self.warmup_steps)
                )
            )
            / 2
        )

    def step(self) -> None:
        self.step_in_cycle += 1
        if self.step_in_cycle >= self.cur_cycle_steps:
            self.cycle += 1
            self.step_in_cycle -= self.cur_cycle_steps
            self.cur_cycle_steps = int((self.cur_cycle_steps - self.warmup_steps) * self.cycle_mult) + self.warmup_steps
        self.max_lr = self.base_max_lr * self.gamma**self.cycle


def test_seed_003_restarts_with_cycle_mult_and_gamma() -> None:
    """Seed 003: every cycle warms up from min_lr, cycles grow by cycle_mult, peaks shrink by gamma."""
    first_cycle_steps, cycle_mult, max_lr, min_lr, warmup_steps, gamma = 50, 1.5, 0.1, 0.001, 10, 0.5
    reference = Seed003Restarts(first_cycle_steps, cycle_mult, max_lr, min_lr, warmup_steps, gamma)
    expected = []
    for _ in range(600):
        expected.append(reference.lr())
        reference.step()
    assert reference.cycle >= 4, "the reference should cover several restarts"

    scheduler = WarmupCosLR(
        two_group_optimizer(),
        lr=max_lr,
        min_lr=min_lr,
        warmup_steps=warmup_steps,
        warmup_start_lr=min_lr,
        cycle_steps=first_cycle_steps,
        cycle_mult=cycle_mult,
        cycle_decay=gamma,
    )
    seen = lr_sequence(scheduler, 600)
    for group in range(2):
        assert_sequence([lrs[group] for lrs in seen], lambda t: expected[t])
