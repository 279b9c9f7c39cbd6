"""Flat hyperparameters (``self.hparams`` or a config file) to schedule settings, for a given run length.

No Lightning objects here: the mixin passes the trainer's length, the plot
command one read from a config file, and both get the same schedule.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any

from lightning_warmup.config import ScheduleConfig
from lightning_warmup.trainer_length import TrainerLength

__all__ = ["KNOWN_KEYS", "SCHEDULE_KEYS", "check_known", "interval_of", "peak_lr", "schedule_from_hparams"]

#: Settings passed to WarmupCosLR under the same names.
SCHEDULE_KEYS = (
    "warmup_steps", "total_steps", "warmup_epochs", "epochs", "warmup_ratio", "min_lr", "min_lr_ratio",
    "warmup_factor", "warmup_start_lr", "warmup_inclusive", "cycle_steps", "cycle_epochs", "cycle_mult",
    "cycle_decay", "cycle_warmup",
)
#: Settings of the optimizer and of the mixin itself.
OPTIMIZER_KEYS = ("lr", "learning_rate", "interval", "optimizer", "weight_decay", "optimizer_kwargs",
                  "exclude_bias_and_norm")
KNOWN_KEYS = SCHEDULE_KEYS + OPTIMIZER_KEYS
STEP_ONLY = ("warmup_steps", "total_steps", "cycle_steps")
EPOCH_KEYS = ("warmup_epochs", "epochs", "cycle_epochs")
TOTAL_KEYS = ("total_steps", "epochs", "cycle_steps", "cycle_epochs")


def check_known(hparams: Mapping[str, Any], ignore: tuple[str, ...] = (), owner: str = "the module") -> None:
    """Raise for a key that is not a schedule setting but is spelt almost like one.

    Examples:
        >>> check_known({"warmup_epoch": 1, "hidden": 64})
        Traceback (most recent call last):
        ...
        ValueError: hparams has 'warmup_epoch', which is not a schedule setting and would be ignored, got warmup_epoch=1. Did you mean 'warmup_epochs'? Rename it, or list it in the module.warmup_ignore_hparams if it is your own.
    """
    for key in hparams:
        if key in KNOWN_KEYS or key in ignore:
            continue
        close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.8)
        if close:
            raise ValueError(
                f"hparams has {key!r}, which is not a schedule setting and would be ignored, got "
                f"{key}={hparams[key]!r}. Did you mean {close[0]!r}? Rename it, or list it in "
                f"{owner}.warmup_ignore_hparams if it is your own."
            )


def interval_of(hparams: Mapping[str, Any]) -> str:
    """The ``interval`` setting, ``"step"`` by default."""
    interval = hparams.get("interval", "step")
    if interval not in ("step", "epoch"):
        raise ValueError(
            f"interval must be 'step' or 'epoch', got interval={interval!r}. 'step' ticks the schedule at "
            "every optimizer step, 'epoch' once per epoch."
        )
    return interval


def peak_lr(hparams: Mapping[str, Any]) -> float:
    """The ``lr`` (or ``learning_rate``) setting, which must be there."""
    if "lr" in hparams and "learning_rate" in hparams:
        raise ValueError(
            f"give at most one of lr, learning_rate in hparams, got lr={hparams['lr']!r}, "
            f"learning_rate={hparams['learning_rate']!r}. Keep one of them."
        )
    lr = hparams.get("lr", hparams.get("learning_rate"))
    if lr is None:
        raise ValueError(
            "hparams has no lr: the mixin needs the peak learning rate, got lr=None. Add an lr argument to "
            "__init__ and call self.save_hyperparameters(), e.g. def __init__(self, lr=1e-3): ..."
        )
    return lr


def require_whole_epochs(settings: Mapping[str, Any]) -> None:
    """With ``interval="epoch"`` the schedule ticks once per epoch: no fractions of one."""
    for key in EPOCH_KEYS:
        value = settings.get(key)
        if value is not None and not float(value).is_integer():
            raise ValueError(
                f"{key} must be a whole number of epochs with interval='epoch' (the schedule ticks once per "
                f"epoch), got {key}={value!r}. Use interval='step' for fractions of an epoch."
            )


def no_length_error(settings: Mapping[str, Any]) -> ValueError:
    """The error for epoch settings when the train dataloader has no length."""
    given = ", ".join(f"{k}={settings[k]!r}" for k in EPOCH_KEYS if settings.get(k) is not None)
    return ValueError(
        f"the train dataloader has no length (an IterableDataset?), so {given} cannot be turned into "
        "optimizer steps. Give warmup_steps and total_steps (or cycle_steps) instead, or give the dataset a __len__."
    )


def _shown(limit: int | None) -> int:
    return -1 if limit is None else limit


def schedule_from_hparams(hparams: Mapping[str, Any],
                          length_of: Callable[[bool], TrainerLength]) -> tuple[ScheduleConfig, str]:
    """Schedule settings in optimizer steps (``interval="step"``) or epochs, and the interval.

    Args:
        hparams: flat settings (see :class:`~lightning_warmup.WarmupCosLRMixin`).
        length_of: gives the run's length; its argument says whether the batches per
            epoch are needed (so that no dataloader is loaded when they are not).

    Raises:
        ValueError: a setting that makes no sense for the interval, or a run with no
            end and no total.
    """
    interval = interval_of(hparams)
    peak_lr(hparams)
    settings = {k: hparams[k] for k in SCHEDULE_KEYS if hparams.get(k) is not None}
    has_total = any(k in settings for k in TOTAL_KEYS)
    uses_epochs = any(k in settings for k in EPOCH_KEYS)
    if interval == "epoch":
        for key in STEP_ONLY:
            if key in settings:
                epochs_key = "epochs" if key == "total_steps" else key.replace("_steps", "_epochs")
                raise ValueError(
                    f"{key} counts optimizer steps, but interval='epoch' ticks once per epoch, got "
                    f"{key}={settings[key]!r}. Use {epochs_key} with interval='epoch', or interval='step'."
                )
        require_whole_epochs(settings)
        if not has_total:
            length = length_of(False)
            if length.max_epochs is None:
                raise ValueError(
                    f"interval='epoch' needs a number of epochs, got epochs=None and max_epochs="
                    f"{_shown(length.max_epochs)}. Give epochs, or set max_epochs on the Trainer."
                )
            settings["epochs"] = length.max_epochs
        return ScheduleConfig(**settings), interval
    need_batches = uses_epochs or not has_total
    length = length_of(need_batches)
    if need_batches:
        if length.steps_per_epoch is None and uses_epochs:
            raise no_length_error(settings)
        settings["steps_per_epoch"] = length.steps_per_epoch
    if not has_total:
        if length.run_steps is None:
            raise ValueError(
                f"training has no end (max_epochs={_shown(length.max_epochs)}, max_steps={_shown(length.max_steps)}"
                f"{', unsized train dataloader' if length.steps_per_epoch is None else ''}) and no total is "
                "given, so the cosine has nowhere to end. Give epochs or total_steps, set max_epochs or "
                "max_steps on the Trainer, or cycle_steps for endless restarts."
            )
        settings["total_steps"] = length.run_steps
    return ScheduleConfig(**settings), interval
