"""The LR on the progress bar: the value the last optimizer step used, readable at any size."""

from __future__ import annotations

from typing import Any

__all__ = ["bar_values"]


def bar_values(keys: list[tuple[str, Any]], used: dict[int, list[float]]) -> dict[str, str]:
    """The LR the last optimizer step used, readable at any size (``3.0e-04``), per group where groups differ."""
    values = {}
    for key, scheduler in keys:
        lrs = [float(lr) for lr in used.get(id(scheduler.optimizer), scheduler.get_last_lr())]
        if len(set(lrs)) == 1:
            values[key] = f"{lrs[0]:.1e}"
        else:
            values.update({f"{key}/pg{i + 1}" if i else key: f"{lr:.1e}" for i, lr in enumerate(lrs)})
    return values
