"""Every invalid argument raises at construction, naming the argument, the value and the fix."""

from __future__ import annotations

import math
import warnings

import pytest

from lightning_warmup import WarmupCosLR
from tests.helpers import two_group_optimizer

BASE = dict(warmup_steps=10, total_steps=100)

CASES = [
    # (overrides, exception, message pattern)
    (dict(warmup_steps=-1), ValueError, r"warmup_steps must be >= 0, got warmup_steps=-1"),
    (dict(total_steps=0, warmup_steps=0), ValueError, r"total_steps must be >= 1, got total_steps=0"),
    (dict(warmup_steps=math.nan), ValueError, r"warmup_steps must be finite, got warmup_steps=nan"),
    (dict(total_steps=math.inf), ValueError, r"total_steps must be finite, got total_steps=inf"),
    (dict(warmup_steps=True), TypeError, r"warmup_steps must be an int, got warmup_steps=True \(bool\)"),
    (dict(total_steps="100"), TypeError, r"total_steps must be an int, got total_steps='100' \(str\)"),
    (
        dict(warmup_steps=2.5),
        ValueError,
        r"warmup_steps must be a whole number of ticks, got warmup_steps=2.5\. "
        r"Round it, or give the length in epochs \(warmup_epochs\)",
    ),
    (
        dict(warmup_steps=100),
        ValueError,
        r"warmup_steps must be smaller than total_steps \(total_steps includes "
        r"warmup\), got warmup_steps=100, total_steps=100\. Lower the warmup",
    ),
    (dict(total_steps=None), ValueError, r"total_steps is required.*Give total_steps .* or epochs, or cycle_steps"),
    (
        dict(warmup_steps=None, warmup_epochs=-0.5, epochs=3, total_steps=None),
        ValueError,
        r"warmup_epochs must be >= 0, got warmup_epochs=-0.5",
    ),
    (dict(total_steps=None, epochs=0), ValueError, r"epochs must be > 0, got epochs=0"),
    (dict(total_steps=None, epochs=math.nan), ValueError, r"epochs must be finite, got epochs=nan"),
    (dict(steps_per_epoch=0), ValueError, r"steps_per_epoch must be >= 1, got steps_per_epoch=0"),
    (
        dict(warmup_steps=None, warmup_ratio=1.0),
        ValueError,
        r"warmup_ratio must be >= 0 and < 1, got warmup_ratio=1\.0\. It is the fraction of total_steps",
    ),
    (
        dict(warmup_steps=None, warmup_ratio=0.1, total_steps=None, cycle_steps=50),
        ValueError,
        r"warmup_ratio needs a total length, got warmup_ratio=0\.1",
    ),
    (dict(lr=math.nan), ValueError, r"lr must be finite, got lr=nan"),
    (dict(lr=math.inf), ValueError, r"lr must be finite, got lr=inf"),
    (dict(lr=-1e-3), ValueError, r"lr must be >= 0, got lr=-0\.001"),
    (dict(lr=[1e-3, -1e-3]), ValueError, r"lr\[1\] must be >= 0, got lr\[1\]=-0\.001"),
    (dict(lr="1e-3"), TypeError, r"lr must be a float or a sequence of floats \(one per param group\), got lr='1e-3'"),
    (
        dict(lr=[1e-3, 1e-3, 1e-3]),
        ValueError,
        r"lr has 3 values but the optimizer has 2 param groups.*Give one value for every group",
    ),
    (dict(min_lr=[1e-5]), ValueError, r"min_lr has 1 values but the optimizer has 2 param groups"),
    (
        dict(min_lr=1e-3),
        ValueError,
        r"min_lr must not exceed the peak LR of param group 1, got min_lr=0\.001, "
        r"peak=0\.0005\. Lower min_lr, or give one per group, or use min_lr_ratio",
    ),
    (dict(min_lr=-1.0), ValueError, r"min_lr must be >= 0, got min_lr=-1\.0"),
    (dict(min_lr_ratio=1.5), ValueError, r"min_lr_ratio must be >= 0 and <= 1, got min_lr_ratio=1\.5"),
    (dict(warmup_factor=-0.1), ValueError, r"warmup_factor must be >= 0 and <= 1, got warmup_factor=-0\.1"),
    (dict(warmup_factor=2), ValueError, r"warmup_factor must be >= 0 and <= 1, got warmup_factor=2"),
    (
        dict(warmup_start_lr=1.0),
        ValueError,
        r"warmup_start_lr must not exceed the peak LR of param group 0, "
        r"got warmup_start_lr=1\.0, peak=0\.001\. Lower warmup_start_lr",
    ),
    (dict(warmup_inclusive="yes"), TypeError, r"warmup_inclusive must be True or False, got warmup_inclusive='yes'"),
    (
        dict(warmup_epochs=1),
        ValueError,
        r"give at most one of warmup_steps, warmup_epochs, warmup_ratio: they set "
        r"the same thing, got warmup_steps=10, warmup_epochs=1\. Keep one of them",
    ),
    (dict(epochs=5), ValueError, r"give at most one of total_steps, epochs.*total_steps=100, epochs=5"),
    (dict(min_lr=0.0, min_lr_ratio=0.1), ValueError, r"give at most one of min_lr, min_lr_ratio"),
    (dict(warmup_factor=0.1, warmup_start_lr=0.0), ValueError, r"give at most one of warmup_factor, warmup_start_lr"),
    (dict(cycle_steps=20, cycle_epochs=2), ValueError, r"give at most one of cycle_steps, cycle_epochs"),
    (dict(lr=1e-3, learning_rate=1e-3), ValueError, r"give at most one of lr, learning_rate"),
    (dict(cycle_mult=0), ValueError, r"cycle_mult must be > 0, got cycle_mult=0\. Use 1\.0 to keep every cycle"),
    (dict(cycle_decay=-0.5), ValueError, r"cycle_decay must be > 0, got cycle_decay=-0\.5"),
    (dict(cycle_decay=math.nan), ValueError, r"cycle_decay must be finite, got cycle_decay=nan"),
    (
        dict(cycle_steps=10),
        ValueError,
        r"cycle_steps must be larger than warmup_steps \(a cycle includes its "
        r"warmup\), got cycle_steps=10, warmup_steps=10",
    ),
    (
        dict(cycle_steps=20, cycle_mult=0.5, total_steps=None),
        ValueError,
        r"cycle_mult < 1 shrinks the cycles to nothing, got cycle_mult=0\.5 with total_steps=None",
    ),
    (
        dict(cycle_steps=20, cycle_mult=0.5, total_steps=1000),
        ValueError,
        r"cycle 4 would have no annealing ticks before the end, got cycle_mult=0\.5, cycle_steps=20, total_steps=1000",
    ),
]


@pytest.mark.parametrize(("overrides", "error", "pattern"), CASES, ids=[p[:48] for _, _, p in CASES])
def test_invalid_argument_raises_at_construction(overrides: dict, error: type, pattern: str) -> None:
    optimizer = two_group_optimizer()
    before = [dict(group) for group in optimizer.param_groups]
    with pytest.raises(error, match=pattern):
        WarmupCosLR(optimizer, **{**BASE, **overrides})
    # Nothing is lost: the optimizer is left as it was.
    assert [dict(group) for group in optimizer.param_groups] == before


def test_not_an_optimizer() -> None:
    with pytest.raises(TypeError, match=r"optimizer must be a torch\.optim\.Optimizer, got list"):
        WarmupCosLR([], **BASE)  # type: ignore[arg-type]


def test_negative_initial_lr_of_a_group() -> None:
    optimizer = two_group_optimizer()
    optimizer.param_groups[0]["lr"] = -1.0  # optimizers check their own lr only at construction
    with pytest.raises(ValueError, match=r"the initial lr of param group 0 must be >= 0, got .*=-1\.0\. Set a finite"):
        WarmupCosLR(optimizer, **BASE)


def test_fractional_epochs_without_steps_per_epoch_warn_how_they_round() -> None:
    with pytest.warns(
        UserWarning,
        match=r"warmup_epochs=0\.5 is not a whole number of ticks with "
        r"steps_per_epoch=None .* it rounds to 1\. Pass steps_per_epoch",
    ):
        WarmupCosLR(two_group_optimizer(), warmup_epochs=0.5, epochs=10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        WarmupCosLR(two_group_optimizer(), warmup_epochs=0.5, epochs=10, steps_per_epoch=8)
