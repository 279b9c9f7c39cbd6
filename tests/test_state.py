"""State dicts: plain values, saved anywhere in the schedule, loaded into a differently built scheduler."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest
import torch

from lightning_warmup import WarmupCosLR
from tests.helpers import assert_sequence, group_lrs, lr_sequence, two_group_optimizer

SETTINGS = dict(warmup_epochs=2, epochs=12, steps_per_epoch=10, min_lr_ratio=0.05, warmup_inclusive=True)
TOTAL = 120


def plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(plain(v) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))


@pytest.mark.parametrize("saved_at", [7, 60, TOTAL + 5], ids=["mid-warmup", "mid-decay", "past-the-end"])
def test_state_continues_exactly_in_a_scheduler_built_with_other_arguments(saved_at: int, tmp_path: Path) -> None:
    uninterrupted = lr_sequence(WarmupCosLR(two_group_optimizer(), **SETTINGS), TOTAL + 20)

    first = WarmupCosLR(two_group_optimizer(), **SETTINGS)
    lr_sequence(first, saved_at)
    path = tmp_path / "scheduler.pt"
    torch.save(first.state_dict(), path)
    state = torch.load(path, weights_only=True)

    # Another optimizer with other LRs, another schedule: the checkpoint must win.
    other = WarmupCosLR(two_group_optimizer(lr=0.3, second_lr=0.2), warmup_steps=1, total_steps=3, min_lr=0.0)
    other.load_state_dict(state)
    assert group_lrs(other.optimizer) == pytest.approx(uninterrupted[saved_at], rel=1e-12)
    resumed = lr_sequence(other, TOTAL + 20 - saved_at)
    for group in range(2):
        assert_sequence([lrs[group] for lrs in resumed], lambda t, g=group: uninterrupted[t][g], start=saved_at)


def test_state_dict_is_plain_pickles_and_deep_copies() -> None:
    scheduler = WarmupCosLR(two_group_optimizer(), lr=[1e-3, 5e-4], **{k: v for k, v in SETTINGS.items()})
    lr_sequence(scheduler, 5)
    state = scheduler.state_dict()
    assert plain(state), state
    assert pickle.loads(pickle.dumps(state)) == state
    assert copy.deepcopy(state) == state


def test_the_scheduler_itself_pickles_and_deep_copies_and_continues() -> None:
    scheduler = WarmupCosLR(two_group_optimizer(), **SETTINGS)
    lr_sequence(scheduler, 15)
    for clone in (pickle.loads(pickle.dumps(scheduler)), copy.deepcopy(scheduler)):
        expected, seen = lr_sequence(copy.deepcopy(scheduler), 30), lr_sequence(clone, 30)
        for group in range(2):
            assert_sequence([lrs[group] for lrs in seen], lambda t, e=expected, g=group: e[t - 15][g], start=15)


def test_load_state_dict_rejects_a_corrupted_plan() -> None:
    scheduler = WarmupCosLR(two_group_optimizer(), **SETTINGS)
    state = scheduler.state_dict()
    state["plan"]["settings"]["warmup_epochs"] = 20
    with pytest.raises(
        ValueError,
        match="cannot resume WarmupCosLR from this checkpoint: its plan is damaged "
        r"\(warmup_steps must be smaller than total_steps.*load the weights only",
    ):
        WarmupCosLR(two_group_optimizer(), **SETTINGS).load_state_dict(state)
