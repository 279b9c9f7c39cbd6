"""Resume from a checkpoint on disk, mid-epoch included, continues the exact LR sequence."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
import torch
from lightning.pytorch.callbacks import ModelCheckpoint

from tests.lit import RecordLR, TinyModel, formula, trainer

PEAK, FLOOR, START = 1e-2, 1e-4, 1e-3
SETTINGS = dict(lr=PEAK, min_lr=FLOOR, warmup_epochs=1, weight_decay=0.01)


def run(
    tmp_path: Path,
    ckpt_path: str | None = None,
    *,
    callbacks: list | None = None,
    model_kwargs: dict | None = None,
    **trainer_kwargs: Any,
) -> RecordLR:
    record = RecordLR()
    options: dict[str, Any] = dict(max_epochs=4, enable_checkpointing=True)
    options.update(trainer_kwargs)
    model = TinyModel(**{**SETTINGS, **(model_kwargs or {})})
    trainer(tmp_path, callbacks=[record, *(callbacks or [])], **options).fit(
        model, ckpt_path=ckpt_path, weights_only=True if ckpt_path else None
    )
    return record


def checkpoint_every(tmp_path: Path, n: int) -> ModelCheckpoint:
    return ModelCheckpoint(dirpath=tmp_path / "ckpt", every_n_train_steps=n, save_top_k=-1, filename="{step}")


@pytest.mark.parametrize("resume_at", [3, 13, 30], ids=["mid-warmup", "mid-epoch-decay", "last-epoch"])
def test_resume_from_a_mid_epoch_checkpoint_continues_the_sequence(tmp_path: Path, resume_at: int) -> None:
    uninterrupted = {step: lrs for step, _, lrs in run(tmp_path / "a").steps}
    run(tmp_path / "b", callbacks=[checkpoint_every(tmp_path / "b", resume_at)])
    path = tmp_path / "b" / "ckpt" / f"step={resume_at}.ckpt"
    torch.load(path, weights_only=True)  # plain values only

    resumed = run(tmp_path / "c", str(path))
    assert [step for step, _, _ in resumed.steps] == list(range(resume_at, 32))
    for step, _, lrs in resumed.steps:
        for group, got in enumerate(lrs):
            want = uninterrupted[step][group]
            assert math.isclose(got, want, rel_tol=1e-12), f"LR wrong at step {step}: expected {want}, got {got}"
            assert math.isclose(got, formula(step, PEAK, FLOOR, START, 8, 32), rel_tol=1e-12), f"step {step}"


CHANGES = {
    # name: (new trainer settings, new model settings, warning pattern, the new plan's warmup and total)
    "more epochs": (dict(max_epochs=6), {}, r"total_steps 32 -> 48", 8, 48),
    # API.md 5.2: at tick 10 of 8 steps per epoch, 1.25 epochs are done; the warmup (1 epoch) is behind and keeps
    # its tick, the end (4 epochs) is 2.75 epochs of 4 steps ahead: 10 + 11 = 21.
    "another dataloader length": (
        dict(max_epochs=4),
        dict(batch_size=16),
        r"total_steps 32 -> 21 \(counted from the resumed tick 10\)",
        8,
        21,
    ),
}


@pytest.mark.parametrize("policy", ["keep", "adopt"])
@pytest.mark.parametrize(
    ("trainer_kwargs", "model_kwargs", "pattern", "warmup", "total"), CHANGES.values(), ids=CHANGES
)
def test_resume_with_settings_that_give_another_plan(
    tmp_path: Path, policy: str, trainer_kwargs: dict, model_kwargs: dict, pattern: str, warmup: int, total: int
) -> None:
    from lightning_warmup import WarmupCosLRCallback

    run(tmp_path / "b", callbacks=[checkpoint_every(tmp_path / "b", 10)])
    path = str(tmp_path / "b" / "ckpt" / "step=10.ckpt")
    expected = "Continuing the checkpoint's plan" if policy == "keep" else "Adopting the new plan from step 10"
    with pytest.warns(UserWarning) as caught:
        resumed = run(
            tmp_path / "c",
            path,
            callbacks=[WarmupCosLRCallback(on_plan_change=policy)],
            model_kwargs=model_kwargs,
            **trainer_kwargs,
        )
    said = [str(w.message) for w in caught]
    assert sum(bool(re.search(pattern + r".*" + expected, m)) for m in said) == 1, said
    plan = (8, 32) if policy == "keep" else (warmup, total)
    # Whatever else is said is the run against the plan it follows, once.
    others = [m for m in said if m.startswith("WarmupCosLR") and not re.search(pattern, m)]
    assert all("The schedule ends at" in m or "The trainer stops at" in m for m in others) and len(others) <= 1
    assert resumed.steps[0][0] == 10
    for step, _, lrs in resumed.steps:
        want = formula(step, PEAK, FLOOR, START, *plan)
        assert math.isclose(lrs[0], want, rel_tol=1e-12), f"LR wrong at step {step}: expected {want}, got {lrs[0]}"


def test_resume_with_the_same_settings_says_nothing(tmp_path: Path) -> None:
    import warnings

    run(tmp_path / "b", callbacks=[checkpoint_every(tmp_path / "b", 10)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(tmp_path / "c", str(tmp_path / "b" / "ckpt" / "step=10.ckpt"))
    assert not [w for w in caught if "plan" in str(w.message)]
