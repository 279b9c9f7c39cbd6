"""Flat hyperparameters (``self.hparams`` or a config file) to schedule settings.

The keys come from the schema (:mod:`lightning_warmup.schema`) plus the
optimizer's and the mixin's own. No Lightning objects here: the mixin and the
plot command read hparams the same way. The run's length is not needed: the
callback completes the settings from the trainer at train start.
"""

from __future__ import annotations

import difflib
import inspect
import math
from collections.abc import Mapping
from typing import Any

from lightning_warmup.config import ScheduleConfig, check_real, plain_number
from lightning_warmup.errors import SettingError, SettingTypeError
from lightning_warmup.schema import SCHEMA

__all__ = [
    "HYDRA_KEYS",
    "KNOWN_KEYS",
    "LOOKALIKES",
    "SCHEDULE_KEYS",
    "check_known",
    "interval_of",
    "peak_lr",
    "schedule_arguments",
    "schedule_from_hparams",
]

#: Settings passed to WarmupCosLR under the same names (the trainer measures steps_per_epoch).
SCHEDULE_KEYS: tuple[str, ...] = tuple(s.name for s in SCHEMA if s.name not in ("lr", "steps_per_epoch"))
#: Settings of the optimizer and of the mixin itself.
OPTIMIZER_KEYS = (
    "lr",
    "learning_rate",
    "interval",
    "optimizer",
    "weight_decay",
    "optimizer_kwargs",
    "exclude_bias_and_norm",
)
KNOWN_KEYS: tuple[str, ...] = SCHEDULE_KEYS + OPTIMIZER_KEYS
#: Keys Hydra reads from a ``_target_`` mapping itself; the rest are the target's arguments.
HYDRA_KEYS = ("_target_", "_partial_", "_recursive_", "_convert_", "_args_")
#: Names other schedulers use for our settings: an hparam with one of them would be ignored.
LOOKALIKES: dict[str, str] = {
    "warmup": "warmup_steps or warmup_epochs",
    "warmup_iters": "warmup_steps",
    "num_warmup_steps": "warmup_steps",
    "warmup_t": "warmup_steps",
    "warmup_lr_init": "warmup_start_lr",
    "warmup_start": "warmup_start_lr",
    "eta_min": "min_lr",
    "lr_min": "min_lr",
    "final_lr": "min_lr",
    "end_lr": "min_lr",
    "max_lr": "lr",
    "base_lr": "lr",
    "num_training_steps": "total_steps",
    "max_iters": "total_steps",
    "t_max": "total_steps",
    "t_initial": "total_steps",
    "t_0": "cycle_steps",
    "t_mult": "cycle_mult",
    "gamma": "cycle_decay",
    "scheduler_interval": "interval",
    "lr_interval": "interval",
    "schedule_interval": "interval",
    "steps_per_epoch": "nothing: the callback measures it from the trainer (remove it)",
    "hold": "hold_steps or hold_epochs",
    "stable_steps": "hold_steps",
    "num_stable_steps": "hold_steps",
}


def _looks_like(key: str) -> str | None:
    """The setting ``key`` is probably meant to be, or ``None`` for a name of the user's own."""
    folded = key.lower()
    if folded in LOOKALIKES:
        return LOOKALIKES[folded]
    if folded in KNOWN_KEYS:
        return folded  # another case: Warmup_Steps
    close = difflib.get_close_matches(folded, KNOWN_KEYS, n=1, cutoff=0.8)
    if not close:
        return None
    known = close[0]
    # A name that extends ours by whole words (n_epochs, epochs_total) is the user's own.
    if folded.endswith("_" + known) or folded.startswith(known + "_"):
        return None
    return known


def check_known(hparams: Mapping[str, Any], ignore: tuple[str, ...] = (), owner: str = "the module") -> None:
    """Raise for a key that is not a schedule setting but looks like one (and would be ignored).

    Examples:
        >>> check_known({"warmup_epoch": 1, "hidden": 64, "n_epochs": 3})
        Traceback (most recent call last):
        ...
        lightning_warmup.errors.SettingError: hparams has 'warmup_epoch', which is not a schedule setting and would
        be ignored, got warmup_epoch=1. Did you mean 'warmup_epochs'? Rename it, or list it in the
        module.warmup_ignore_hparams if it is your own.
    """
    for key in hparams:
        if key in KNOWN_KEYS or key in ignore:
            continue
        meant = _looks_like(key)
        if meant is not None:
            raise SettingError(
                f"hparams has {key!r}, which is not a schedule setting and would be ignored, got "
                f"{key}={hparams[key]!r}. Did you mean {meant if ' ' in meant else repr(meant)}? "
                "Rename it, or list it in "
                f"{owner}.warmup_ignore_hparams if it is your own."
            )


def interval_of(hparams: Mapping[str, Any]) -> str:
    """The ``interval`` setting, ``"step"`` by default."""
    interval = hparams.get("interval", "step")
    if interval not in ("step", "epoch"):
        raise SettingError(
            f"interval must be 'step' or 'epoch', got interval={interval!r}. 'step' ticks the schedule at "
            "every optimizer step, 'epoch' once per epoch."
        )
    return str(interval)


def peak_lr(hparams: Mapping[str, Any]) -> float:
    """The ``lr`` (or ``learning_rate``) setting, which must be there and be a valid LR."""
    if hparams.get("lr") is not None and hparams.get("learning_rate") is not None:
        raise SettingError(
            f"give at most one of lr, learning_rate in hparams, got lr={hparams['lr']!r}, "
            f"learning_rate={hparams['learning_rate']!r}. Keep one of them."
        )
    name = "lr" if hparams.get("lr") is not None else "learning_rate"
    lr = hparams.get(name)
    if lr is None:
        raise SettingError(
            "hparams has no lr: the mixin needs the peak learning rate, got lr=None. Add an lr argument to "
            "__init__ and call self.save_hyperparameters(), e.g. def __init__(self, lr=1e-3): ..."
        )
    value = check_real(name, lr, low=0, fix="It is the peak learning rate, e.g. 1.0e-3.")
    if value == 0 or not math.isfinite(value):
        raise SettingError(f"{name} must be > 0, got {name}={lr!r}. It is the peak learning rate, e.g. 1.0e-3.")
    return value


def schedule_from_hparams(hparams: Mapping[str, Any]) -> tuple[ScheduleConfig, str]:
    """Schedule settings in the user's units, and the interval.

    The total may be missing: the schedule then spans the run, which the callback
    measures at train start.

    Raises:
        SettingError: a setting that makes no sense for the interval, or a bad value.
    """
    interval = interval_of(hparams)
    peak_lr(hparams)
    exclude = hparams.get("exclude_bias_and_norm", True)
    if not isinstance(plain_number(exclude), bool):
        raise SettingTypeError(
            f"exclude_bias_and_norm must be True or False, got exclude_bias_and_norm={exclude!r} "
            f"({type(exclude).__name__}). Write true or false without quotes."
        )
    settings = {k: hparams[k] for k in SCHEDULE_KEYS if hparams.get(k) is not None}
    if interval == "epoch":
        for setting in SCHEMA:
            if setting.epochs_twin and setting.name in settings:
                raise SettingError(
                    f"{setting.name} counts optimizer steps, but interval='epoch' ticks once per epoch, got "
                    f"{setting.name}={settings[setting.name]!r}. Use {setting.epochs_twin} with interval='epoch', "
                    "or interval='step'."
                )
    return ScheduleConfig(**settings), interval


_ANNOTATIONS: dict[str, Any] = {
    "ticks": int | None,
    "epochs": float | None,
    "ratio": float | None,
    "fraction": float | None,
    "lr": float | list[float] | None,
}


def _schedule_signature() -> inspect.Signature:
    """The mixin's schedule keys (the schema's, less ``lr`` and ``steps_per_epoch``) with defaults and types."""
    parameters = []
    for setting in SCHEMA:
        if setting.name not in SCHEDULE_KEYS:
            continue
        if setting.unit == "bool":
            annotation: Any = bool
        elif setting.default is not None:
            annotation = float
        else:
            annotation = _ANNOTATIONS[setting.unit]
        parameters.append(
            inspect.Parameter(
                setting.name, inspect.Parameter.KEYWORD_ONLY, default=setting.default, annotation=annotation
            )
        )
    return inspect.Signature(parameters, return_annotation=dict[str, Any])


def schedule_arguments(**settings: Any) -> dict[str, Any]:
    """The schedule settings a module takes as ``**schedule``, checked by name; returns them.

    Its signature is the schema's (every setting with its default and type), so a module
    whose ``__init__`` takes ``**schedule`` and passes it here exposes every schedule
    setting to LightningCLI / jsonargparse, and to ``--help``, without listing them:

        def __init__(self, hidden: int = 128, lr: float = 3e-3, **schedule: Any) -> None:
            super().__init__()
            schedule_arguments(**schedule)
            self.save_hyperparameters()

    LightningCLI checks each value's type against the signature when it reads the config;
    bounds and settings that exclude each other are checked at fit start, before training.

    Raises:
        SettingTypeError: a name that is not a schedule setting.

    Examples:
        >>> schedule_arguments(warmup_epochs=1, hold_ratio=0.2)
        {'warmup_epochs': 1, 'hold_ratio': 0.2}
        >>> "hold_steps" in inspect.signature(schedule_arguments).parameters
        True
    """
    unknown = sorted(set(settings) - set(schedule_arguments.__signature__.parameters))  # type: ignore[attr-defined]
    if unknown:
        raise SettingTypeError(
            f"{unknown[0]!r} is not a schedule setting, got {unknown[0]}={settings[unknown[0]]!r}. "
            f"The settings are: {', '.join(SCHEDULE_KEYS)}."
        )
    return dict(settings)


schedule_arguments.__signature__ = _schedule_signature()  # type: ignore[attr-defined]
