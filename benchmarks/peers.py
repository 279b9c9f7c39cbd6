"""The peer schedulers, loaded where they are installed (the benchmark and the tests share this).

timm's schedulers need only torch, but ``import timm`` imports torchvision, which on
CPU-only machines is often missing or built for another torch. ``timm_scheduler``
loads ``timm.scheduler.<module>`` under a stub ``timm`` package (a module object
whose ``__path__`` is the installed package's directory), so ``timm/__init__`` never
runs. Each loader returns ``None`` where the peer cannot be imported.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

__all__ = ["timm_scheduler", "transformers_optimization"]


def timm_scheduler(module: str = "cosine_lr") -> Any | None:
    """``timm.scheduler.<module>`` without running ``timm/__init__``, or ``None`` when timm is not installed."""
    name = f"timm.scheduler.{module}"
    if name in sys.modules:
        return sys.modules[name]
    if "timm" not in sys.modules:
        spec = importlib.util.find_spec("timm")  # finds the package without importing it
        if spec is None or not spec.submodule_search_locations:
            return None
        stub = types.ModuleType("timm")
        stub.__path__ = list(spec.submodule_search_locations)
        sys.modules["timm"] = stub
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def transformers_optimization() -> Any | None:
    """``transformers.optimization`` (its schedules), or ``None`` when transformers cannot be imported."""
    try:
        return importlib.import_module("transformers.optimization")
    except ImportError:
        return None
