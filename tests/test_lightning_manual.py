"""Manual optimization with two optimizers: each WarmupCosLR counts its own optimizer's steps."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch

from lightning_warmup import WarmupCosLR, WarmupCosLRCallback
from tests.lit import TinyModel, formula, trainer


class TwoOptimizers(TinyModel):
    """The first optimizer steps every batch, the second every other batch (a GAN-style loop)."""

    def __init__(self) -> None:
        super().__init__(lr=1e-2)
        self.automatic_optimization = False
        self.other = torch.nn.Linear(4, 1)
        self.used: dict[str, list[float]] = {"every": [], "every_other": []}

    def configure_optimizers(self):
        every = torch.optim.SGD(self.layer.parameters(), lr=1e-2)
        every_other = torch.optim.SGD(self.other.parameters(), lr=1e-3)
        return (
            [every, every_other],
            [
                {"scheduler": WarmupCosLR(every, warmup_epochs=1, epochs=3), "interval": "step"},
                {"scheduler": WarmupCosLR(every_other, warmup_steps=2, total_steps=12), "interval": "step"},
            ],
        )

    def training_step(self, batch: Any, batch_idx: int) -> None:
        x, y = batch
        (every, every_other), (first, second) = self.optimizers(), self.lr_schedulers()
        self.used["every"].append(float(every.param_groups[0]["lr"]))
        every.zero_grad()
        self.manual_backward(torch.nn.functional.mse_loss(self.layer(x), y))
        every.step()
        first.step()
        if batch_idx % 2 == 1:
            self.used["every_other"].append(float(every_other.param_groups[0]["lr"]))
            every_other.zero_grad()
            self.manual_backward(torch.nn.functional.mse_loss(self.other(x), y))
            every_other.step()
            second.step()


def test_each_scheduler_counts_its_own_optimizer_steps(tmp_path: Path) -> None:
    model = TwoOptimizers()
    trainer(tmp_path, callbacks=[WarmupCosLRCallback()], max_epochs=3).fit(model)
    assert len(model.used["every"]) == 24 and len(model.used["every_other"]) == 12
    for t, got in enumerate(model.used["every"]):
        want = formula(t, 1e-2, 0.0, 1e-3, 8, 24)
        assert math.isclose(got, want, rel_tol=1e-12), f"first optimizer's LR wrong at its step {t}: {got} != {want}"
    for t, got in enumerate(model.used["every_other"]):
        want = formula(t, 1e-3, 0.0, 1e-4, 2, 12)
        assert math.isclose(got, want, rel_tol=1e-12), f"second optimizer's LR wrong at its step {t}: {got} != {want}"
