"""The mixin's ``optimizer`` as a callable: functools.partial, Hydra's ``_partial_``, LightningCLI's class_path form."""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import pytest
import torch

from lightning_warmup.errors import SettingTypeError
from tests.lit import RecordLR, TinyModel, formula, trainer


def hydra_partial() -> Any:
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    return instantiate(OmegaConf.create({"_target_": "torch.optim.SGD", "_partial_": True, "momentum": 0.9}))


FORMS = {
    "functools.partial": lambda: functools.partial(torch.optim.SGD, momentum=0.9),
    "Hydra _partial_, instantiated": hydra_partial,
    "Hydra _partial_, as a mapping": lambda: {"_target_": "torch.optim.SGD", "_partial_": True, "momentum": 0.9},
    "LightningCLI class_path + init_args": lambda: {"class_path": "torch.optim.SGD", "init_args": {"momentum": 0.9}},
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS)
def test_every_form_builds_the_optimizer_and_the_schedule_runs_exactly(tmp_path: Path, form: Any) -> None:
    record = RecordLR()
    fitted = trainer(tmp_path, callbacks=[record], max_epochs=2)
    fitted.fit(TinyModel(lr=1e-2, warmup_epochs=1, optimizer=form(), weight_decay=0.01))
    optimizer = fitted.optimizers[0]
    assert type(optimizer) is torch.optim.SGD
    assert [g["momentum"] for g in optimizer.param_groups] == [0.9, 0.9]
    assert [g["weight_decay"] for g in optimizer.param_groups] == [0.01, 0.0], "decay and no_decay groups"
    for step, _, lrs in record.steps:
        assert math.isclose(lrs[0], formula(step, 1e-2, 0.0, 1e-3, 8, 16), rel_tol=1e-12), f"step {step}"


def test_the_weight_decay_a_partial_fixes_is_the_decay_groups(tmp_path: Path) -> None:
    fitted = trainer(tmp_path, max_epochs=1)
    fitted.fit(TinyModel(lr=1e-2, warmup_steps=2, optimizer=functools.partial(torch.optim.AdamW, weight_decay=0.3)))
    assert [g["weight_decay"] for g in fitted.optimizers[0].param_groups] == [0.3, 0.0]


def test_a_mapping_of_neither_form_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingTypeError, match=r"optimizer given as a mapping needs class_path .* or _target_"):
        trainer(tmp_path, max_epochs=1).fit(TinyModel(lr=1e-2, warmup_steps=2, optimizer={"name": "sgd"}))
