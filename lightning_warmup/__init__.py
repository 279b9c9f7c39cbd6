"""Warmup + cosine learning-rate schedules for PyTorch and PyTorch Lightning.

``WarmupCosLR`` needs only PyTorch. ``WarmupCosLRMixin`` and ``WarmupCosLRCallback``
import Lightning the first time they are used, so plain PyTorch users never pay
for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lightning_warmup.hparams import schedule_arguments
from lightning_warmup.scheduler import WarmupCosLR

if TYPE_CHECKING:
    from lightning_warmup.callback import WarmupCosLRCallback
    from lightning_warmup.mixin import WarmupCosLRMixin

__all__ = ["WarmupCosLR", "WarmupCosLRCallback", "WarmupCosLRMixin", "schedule_arguments"]
__version__ = "0.1.0"

_LAZY = {"WarmupCosLRCallback": "lightning_warmup.callback", "WarmupCosLRMixin": "lightning_warmup.mixin"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lightning_warmup' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
