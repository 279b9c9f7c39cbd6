"""A plain `pip install` of the built wheel into a fresh virtual environment, used outside the repository.

Run by `make test-wheel` (a few minutes: it installs torch and Lightning afresh); `make test` leaves it out.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str | Path, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=900, check=check)


def test_the_wheel_installs_without_extras_and_says_which_extra_a_command_needs(tmp_path: Path) -> None:
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist", ROOT, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("lightning_warmup-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(name.endswith((".dist-info/licenses/LICENSE", ".dist-info/LICENSE")) for name in names)
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "torch==2.13.0", cwd=tmp_path)
    run(python, "-m", "pip", "install", "--quiet", wheel, cwd=tmp_path)
    installed = run(python, "-m", "pip", "list", "--format=freeze", cwd=tmp_path).stdout.lower()
    assert "matplotlib" not in installed and "jsonargparse" not in installed and "tensorboard" not in installed

    script = venv / "bin" / "lightning-warmup"
    assert run(script, "--help", cwd=tmp_path).returncode == 0
    (tmp_path / "plot.yaml").write_text(
        "plot:\n  schedulers:\n    - class_path: lightning_warmup.WarmupCosLR\n"
        "      init_args: {warmup_steps: 5, total_steps: 50}\n"
    )
    for command, extra in ((["plot", "plot.yaml"], "plot"), (["fit", "--config", "any.yaml"], "cli")):
        done = run(script, *command, cwd=tmp_path, check=False)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr[-2000:]
        assert f"pip install 'lightning-warmup[{extra}]'" in done.stderr.strip().splitlines()[-1]
    used = run(
        python,
        "-c",
        "import torch, lightning_warmup as lw; o = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1); "
        "s = lw.WarmupCosLR(o, warmup_steps=2, total_steps=10); o.step(); s.step(); print(s.get_last_lr()[0]); "
        "import lightning_warmup.mixin, lightning_warmup.callback; print(lw.__version__)",
        cwd=tmp_path,
    ).stdout.split()
    assert used == ["0.055", "0.1.0"], used
    # With the extras, the digits recipe and a config naming it train from the installed package alone.
    run(python, "-m", "pip", "install", "--quiet", f"{wheel}[cli,examples]", cwd=tmp_path)
    (tmp_path / "digits.yaml").write_text(
        "model:\n  class_path: lightning_warmup.recipes.digits.DigitsClassifier\n"
        "  init_args: {lr: 3.0e-3, warmup_epochs: 1, min_lr_ratio: 0.01}\n"
        "data:\n  class_path: lightning_warmup.recipes.digits.DigitsDataModule\n"
        "trainer:\n  max_epochs: 2\n  logger: false\n  enable_checkpointing: false\n"
    )
    done = run(script, "fit", "--config", "digits.yaml", cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WarmupCosLR plan (lr-AdamW, interval='step')" in done.stdout + done.stderr
