"""A training process killed with SIGKILL and resumed from its last checkpoint continues the exact LR sequence."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.lit import formula

pytestmark = pytest.mark.slow  # processes started, or real training: see pyproject's markers

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ["-m", "tests.killable_fit"]  # run from ROOT


def test_sigkill_then_resume_continues_the_exact_sequence(tmp_path: Path) -> None:
    env = {**os.environ, "LW_PAUSE_AT": "13"}
    child = subprocess.Popen(
        [sys.executable, *SCRIPT, str(tmp_path)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )
    deadline = time.monotonic() + 120
    while not (tmp_path / "paused").exists():
        assert child.poll() is None, child.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "the run never reached step 13"
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL
    child.stderr.close()  # type: ignore[union-attr]

    before = (tmp_path / "lrs.txt").read_text().splitlines()
    assert len(before) == 13, "steps 0..12 ran before the kill"
    resumed = subprocess.run(
        [sys.executable, *SCRIPT, str(tmp_path), "--resume"], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]

    lines = [line.split() for line in (tmp_path / "lrs.txt").read_text().splitlines()]
    steps = [int(step) for step, _ in lines]
    assert steps == list(range(32)), f"each optimizer step once, in order: {steps}"
    for step, lr in lines:
        want = formula(int(step), 1e-2, 1e-4, 1e-3, 8, 32)
        assert math.isclose(float(lr), want, rel_tol=1e-12), f"LR wrong at step {step}: expected {want}, got {lr}"
