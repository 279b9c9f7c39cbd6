"""Helpers for the plain-PyTorch tests: every optimizer has two param groups, one with a tensor LR."""

from __future__ import annotations

import contextlib
import math
import re
import warnings
from collections.abc import Callable, Iterator

import torch

from lightning_warmup import WarmupCosLR


def two_group_optimizer(lr: float = 1e-3, second_lr: float = 5e-4) -> torch.optim.Optimizer:
    """SGD over two param groups; the second holds its LR as a float64 tensor (updated in place)."""
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1))
    return torch.optim.SGD(
        [
            {"params": model[0].parameters()},
            {"params": model[1].parameters(), "lr": torch.tensor(second_lr, dtype=torch.float64)},
        ],
        lr=lr,
    )


def group_lrs(optimizer: torch.optim.Optimizer) -> list[float]:
    return [float(group["lr"]) for group in optimizer.param_groups]


def lr_sequence(scheduler: WarmupCosLR, ticks: int) -> list[list[float]]:
    """The LR of every group at ticks 0 .. ticks-1, stepping the optimizer then the scheduler."""
    seen = []
    for _ in range(ticks):
        seen.append(group_lrs(scheduler.optimizer))
        scheduler.optimizer.step()
        scheduler.step()
    return seen


def assert_sequence(actual: list[float], expected: Callable[[int], float], rel: float = 1e-12, start: int = 0) -> None:
    """Compare tick by tick; the message names the first wrong tick."""
    for offset, got in enumerate(actual):
        t = start + offset
        want = expected(t)
        assert math.isclose(got, want, rel_tol=rel, abs_tol=1e-300), (
            f"LR wrong at tick {t}: expected {want!r}, got {got!r}"
        )


@contextlib.contextmanager
def warned(*patterns: str) -> Iterator[list[str]]:
    """Record every warning said inside; each pattern must match one of them.

    For runs whose warnings are part of what they test (a resume with another plan, a run shorter
    than its schedule on purpose); everywhere else the suite turns warnings into errors.
    """
    said: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield said
    said.extend(str(w.message) for w in caught)
    for pattern in patterns:
        assert any(re.search(pattern, message) for message in said), (pattern, said)
