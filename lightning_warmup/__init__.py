"""Warmup + cosine learning-rate schedules for PyTorch and PyTorch Lightning.

Each name is imported the first time it is used: ``WarmupCosLR`` needs only
PyTorch, ``WarmupCosLRMixin`` and ``WarmupCosLRCallback`` import Lightning, and
``lightning-warmup plot`` of a config imports neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lightning_warmup.callback import WarmupCosLRCallback
    from lightning_warmup.hparams import schedule_arguments
    from lightning_warmup.mixin import WarmupCosLRMixin
    from lightning_warmup.scheduler import WarmupCosLR

__all__ = ["WarmupCosLR", "WarmupCosLRCallback", "WarmupCosLRMixin", "schedule_arguments"]
__version__ = "0.1.0"

_LAZY = {
    "WarmupCosLR": "lightning_warmup.scheduler",
    "WarmupCosLRCallback": "lightning_warmup.callback",
    "WarmupCosLRMixin": "lightning_warmup.mixin",
    "schedule_arguments": "lightning_warmup.hparams",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lightning_warmup' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
