"""Properties over the whole argument space (Hypothesis)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from lightning_warmup.config import ScheduleConfig
from lightning_warmup.schedule import Timeline, lrs_at


class Curve:
    """One param group's schedule: the timeline and the group's levels."""

    def __init__(self, config: ScheduleConfig, peak: float) -> None:
        self.timeline = Timeline(config.shape())
        (self.levels,) = config.levels([peak])
        self.floor = self.levels.floor

    def lr_at(self, t: int) -> float:
        return lrs_at(self.timeline, [self.levels], t)[0]


lrs = st.floats(min_value=1e-8, max_value=10.0)
fractions = st.floats(min_value=0.0, max_value=1.0)


@st.composite
def schedules(draw: st.DrawFn, cycles: bool = False) -> tuple[ScheduleConfig, float]:
    total = draw(st.integers(min_value=1, max_value=5000))
    warmup = draw(st.integers(min_value=0, max_value=total - 1))
    peak = draw(lrs)
    floor = peak * draw(fractions)
    kwargs = dict(warmup_steps=warmup, total_steps=total, min_lr=floor, warmup_inclusive=draw(st.booleans()))
    if draw(st.booleans()):
        kwargs["warmup_factor"] = draw(fractions)
    else:
        kwargs["warmup_start_lr"] = peak * draw(fractions)
    if cycles:
        kwargs.update(
            cycle_steps=draw(st.integers(min_value=warmup + 1, max_value=warmup + 500)),
            cycle_mult=draw(st.floats(min_value=1.0, max_value=3.0)),
            cycle_decay=draw(st.floats(min_value=0.1, max_value=1.0)),
            cycle_warmup=draw(st.booleans()),
            total_steps=None,
        )
    return ScheduleConfig(**kwargs), peak


@settings(max_examples=200, deadline=None)
@given(schedules())
def test_single_cycle_properties(case: tuple[ScheduleConfig, float]) -> None:
    config, peak = case
    curve = Curve(config, peak)
    warmup, _, total, _ = config.lengths()
    lrs_ = [curve.lr_at(t) for t in range(total + 3)]
    start = lrs_[0] if warmup else peak
    low = min(start, curve.floor)
    for t, lr in enumerate(lrs_):
        assert math.isfinite(lr), f"not finite at tick {t}"
        assert low * (1 - 1e-12) <= lr <= peak * (1 + 1e-12), f"out of [{low}, {peak}] at tick {t}: {lr}"
    for t in range(1, warmup):
        assert lrs_[t] >= lrs_[t - 1], f"warmup not monotone at tick {t}"
    for t in range(warmup + 1, len(lrs_)):
        assert lrs_[t] <= lrs_[t - 1] * (1 + 1e-12), f"decay not monotone at tick {t}"
    peak_tick = warmup - 1 if config.warmup_inclusive and warmup else warmup
    assert math.isclose(lrs_[peak_tick], peak, rel_tol=1e-12), f"peak not at tick {peak_tick}"
    assert all(curve.lr_at(t) == curve.floor for t in (total, total + 1, total * 7 + 13)), "floor not held past the end"


@settings(max_examples=100, deadline=None)
@given(schedules(cycles=True))
def test_restart_properties(case: tuple[ScheduleConfig, float]) -> None:
    config, peak = case
    curve = Curve(config, peak)
    previous_peak = math.inf
    for t in range(3000):
        cycle = curve.timeline.cycle_at(t)
        cycle_peak = curve.levels.cycle_peak(cycle.index, config.cycle_decay)
        lr = curve.lr_at(t)
        assert math.isfinite(lr) and lr <= cycle_peak * (1 + 1e-12), f"above the cycle's peak at tick {t}"
        assert lr >= min(curve.floor, curve.levels.start(cycle_peak)) * (1 - 1e-12), f"below bounds at tick {t}"
        tau = t - cycle.start
        if tau == cycle.warmup:
            assert math.isclose(lr, cycle_peak, rel_tol=1e-12), f"peak missing at tick {t}"
        if tau == 0:
            assert cycle_peak <= previous_peak, f"cycle {cycle.index} peaks higher than the one before"
            previous_peak = cycle_peak
        if tau > cycle.warmup:
            assert lr <= curve.lr_at(t - 1) * (1 + 1e-12), f"decay not monotone at tick {t}"
        assert cycle.anneal >= 1


@settings(max_examples=60, deadline=None)
@given(schedules(cycles=True))
def test_vectorised_preview_equals_the_scheduler_tick_by_tick(case: tuple[ScheduleConfig, float]) -> None:
    import numpy as np

    from lightning_warmup.preview import lr_curve

    config, peak = case
    curve = Curve(config, peak)
    ticks = np.arange(0, 4000)
    assert np.allclose(
        lr_curve(curve.timeline, curve.levels, ticks), [curve.lr_at(int(t)) for t in ticks], rtol=1e-12, atol=0
    )


@settings(max_examples=60, deadline=None)
@given(schedules())
def test_vectorised_preview_of_single_cycles(case: tuple[ScheduleConfig, float]) -> None:
    import numpy as np

    from lightning_warmup.preview import lr_curve

    config, peak = case
    curve = Curve(config, peak)
    ticks = np.arange(0, config.lengths().total_steps + 10)
    assert np.allclose(
        lr_curve(curve.timeline, curve.levels, ticks), [curve.lr_at(int(t)) for t in ticks], rtol=1e-12, atol=0
    )


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=20.0),
    st.floats(min_value=0.5, max_value=50.0),
    st.integers(min_value=1, max_value=500),
)
def test_epochs_resolve_to_the_nearest_tick(warmup_epochs: float, epochs: float, steps_per_epoch: int) -> None:
    import pytest

    from lightning_warmup.config import epochs_to_ticks

    warmup = epochs_to_ticks(warmup_epochs, steps_per_epoch)
    total = epochs_to_ticks(epochs, steps_per_epoch)
    assert abs(warmup - warmup_epochs * steps_per_epoch) <= 0.5 or (warmup == 1 and warmup_epochs > 0)
    assert abs(total - epochs * steps_per_epoch) <= 0.5 or total == 1
    if warmup < total:
        lengths = ScheduleConfig(warmup_epochs=warmup_epochs, epochs=epochs, steps_per_epoch=steps_per_epoch).lengths()
        assert (lengths.warmup_steps, lengths.total_steps) == (warmup, total)
    else:
        with pytest.raises(ValueError, match="warmup_steps must be smaller than total_steps"):
            ScheduleConfig(warmup_epochs=warmup_epochs, epochs=epochs, steps_per_epoch=steps_per_epoch)


@settings(max_examples=150, deadline=None)
@given(
    total=st.integers(min_value=2, max_value=3000),
    warmup_share=fractions,
    hold_share=fractions,
    inclusive=st.booleans(),
    peaks=st.lists(lrs, min_size=1, max_size=3),
    floor_share=fractions,
    start_share=fractions,
)
def test_the_stepping_fast_path_equals_the_formula_bit_for_bit(
    total: int,
    warmup_share: float,
    hold_share: float,
    inclusive: bool,
    peaks: list[float],
    floor_share: float,
    start_share: float,
) -> None:
    """``lr_function`` (what ``step()`` calls) returns exactly ``lrs_at``'s values, at every tick and past the end."""
    from lightning_warmup.schedule import Levels, Shape, lr_function

    warmup = int(warmup_share * (total - 1))
    hold = int(hold_share * (total - 1 - warmup))
    timeline = Timeline(Shape(warmup, hold, total, warmup_inclusive=inclusive))
    levels = [Levels(p, p * floor_share, warmup_factor=start_share) for p in peaks]
    fast = lr_function(timeline, levels)
    for t in range(total + 3):
        assert fast(t) == lrs_at(timeline, levels, t), f"tick {t}"
