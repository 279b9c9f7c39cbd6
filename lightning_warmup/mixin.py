"""``WarmupCosLRMixin``: ``configure_optimizers`` for a LightningModule, from its hyperparameters."""

from __future__ import annotations

import difflib
import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any

import lightning.pytorch as pl
import torch
from lightning.pytorch.callbacks import Callback
from lightning.pytorch.utilities import rank_zero_warn
from torch.optim import Optimizer

from lightning_warmup.callback import WarmupCosLRCallback
from lightning_warmup.config import ScheduleConfig
from lightning_warmup.errors import SettingError, SettingTypeError
from lightning_warmup.hparams import HYDRA_KEYS, KNOWN_KEYS, check_known, peak_lr, schedule_from_hparams
from lightning_warmup.plan import check_before_training
from lightning_warmup.scheduler import WarmupCosLR
from lightning_warmup.sizing import apply_plans, check_settings

__all__ = ["WarmupCosLRMixin", "optimizer_factory"]


def resolve_optimizer_class(name: str) -> type[Optimizer]:
    """An optimizer class from a ``torch.optim`` name (any case) or a dotted class path.

    Examples:
        >>> resolve_optimizer_class("adamw").__name__, resolve_optimizer_class("torch.optim.SGD").__name__
        ('AdamW', 'SGD')
        >>> resolve_optimizer_class("adamv")
        Traceback (most recent call last):
        ...
        lightning_warmup.errors.SettingError: optimizer must be a torch.optim class name or a dotted class path, got
        optimizer='adamv'. Did you mean 'Adam'?
    """
    if not isinstance(name, str):
        raise SettingTypeError(f"optimizer must be a string, got optimizer={name!r} ({type(name).__name__}).")
    if "." in name:
        module_name, _, class_name = name.rpartition(".")
        try:
            found = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError) as error:
            raise SettingError(
                f"optimizer class path cannot be imported, got optimizer={name!r} ({error}). "
                "Check the module and class name."
            ) from None
    else:
        by_name = {
            n.lower(): getattr(torch.optim, n)
            for n in dir(torch.optim)
            if isinstance(getattr(torch.optim, n), type) and issubclass(getattr(torch.optim, n), Optimizer)
        }
        found = by_name.get(name.lower())
        if found is None:
            close = difflib.get_close_matches(name.lower(), by_name, n=1)
            hint = f" Did you mean {by_name[close[0]].__name__!r}?" if close else " For example 'adamw' or 'sgd'."
            raise SettingError(
                f"optimizer must be a torch.optim class name or a dotted class path, got optimizer={name!r}.{hint}"
            )
    if not (isinstance(found, type) and issubclass(found, Optimizer)):
        raise SettingTypeError(f"optimizer must name a torch.optim.Optimizer subclass, got optimizer={name!r}.")
    return found


def optimizer_factory(spec: Any) -> tuple[Callable[..., Optimizer], dict[str, Any], type | None]:
    """What the ``optimizer`` hparam names: a callable taking the param groups, the arguments it already fixes,
    and the optimizer class where it is known.

    ``spec`` may be a ``torch.optim`` name or dotted class path, an optimizer class, a callable that takes
    the param groups (``functools.partial(torch.optim.SGD, momentum=0.9)``, LightningCLI's
    ``OptimizerCallable``, what Hydra's ``_partial_: true`` instantiates), LightningCLI's
    ``{class_path, init_args}`` form, or Hydra's ``{_target_, _partial_: true, ...}`` form.

    Examples:
        >>> import functools
        >>> make, fixed, cls = optimizer_factory({"class_path": "torch.optim.SGD", "init_args": {"momentum": 0.9}})
        >>> cls.__name__, fixed
        ('SGD', {'momentum': 0.9})
        >>> optimizer_factory(functools.partial(torch.optim.SGD, momentum=0.5))[1:]
        ({'momentum': 0.5}, <class 'torch.optim.sgd.SGD'>)
    """
    if isinstance(spec, str):
        cls = resolve_optimizer_class(spec)
        return cls, {}, cls
    if isinstance(spec, Mapping):
        if "class_path" in spec:
            cls = resolve_optimizer_class(str(spec["class_path"]))
            return cls, dict(spec.get("init_args") or {}), cls
        if "_target_" in spec:
            cls = resolve_optimizer_class(str(spec["_target_"]))
            return cls, {k: v for k, v in spec.items() if k not in HYDRA_KEYS}, cls
        raise SettingTypeError(
            f"optimizer given as a mapping needs class_path (LightningCLI) or _target_ (Hydra), got optimizer={spec!r}."
        )
    if isinstance(spec, type) and issubclass(spec, Optimizer):
        return spec, {}, spec
    if callable(spec):
        func = getattr(spec, "func", None)
        known = func if isinstance(func, type) and issubclass(func, Optimizer) else None
        return spec, dict(getattr(spec, "keywords", None) or {}), known
    raise SettingTypeError(
        f"optimizer must be a torch.optim name, a class path, an optimizer class or a callable taking the param "
        f"groups, got optimizer={spec!r} ({type(spec).__name__})."
    )


class WarmupCosLRMixin:
    """Gives a LightningModule a ``configure_optimizers`` with ``WarmupCosLR``, from ``self.hparams``.

    Put it before ``LightningModule`` in the bases and call ``save_hyperparameters()``.
    Flat keys read from ``self.hparams``:

    - ``lr`` (or ``learning_rate``): the peak LR (required).
    - ``interval``: ``"step"`` (default) or ``"epoch"``.
    - every length/shape argument of :class:`~lightning_warmup.WarmupCosLR` under
      the same name (``warmup_epochs``, ``epochs``, ``warmup_steps``, ``min_lr``, ...).
      With no total (``epochs``/``total_steps``/restarts), the schedule spans the
      whole run the trainer makes (``max_epochs`` / ``max_steps``).
    - ``optimizer`` (default ``"adamw"``): a ``torch.optim`` name or dotted class path;
      ``weight_decay``; ``optimizer_kwargs`` (dict).
    - ``exclude_bias_and_norm`` (default ``True``): with weight decay, biases and
      normalisation weights (every parameter with fewer than 2 dimensions) go to a
      group ``"no_decay"`` with ``weight_decay=0``; the rest to ``"decay"``.

    Override :meth:`build_param_groups` (e.g. a lower LR for a backbone: a group's
    own ``"lr"`` is its peak) or :meth:`build_optimizer` to change them without
    rewriting ``configure_optimizers``. The mixin adds a
    :class:`~lightning_warmup.WarmupCosLRCallback` when the trainer has none.

    Examples:
        >>> import lightning as L
        >>> class LitModel(WarmupCosLRMixin, L.LightningModule):
        ...     def __init__(self, lr=1e-3, warmup_epochs=1, interval="step"):
        ...         super().__init__()
        ...         self.save_hyperparameters()
        ...         self.layer = torch.nn.Linear(4, 2)
    """

    #: hparams that are yours and only look like schedule settings (kept out of the typo check).
    warmup_ignore_hparams: tuple[str, ...] = ()

    # The mixin is used with LightningModule; these are for type checkers only.
    hparams: Any
    trainer: pl.Trainer

    # ----------------------------------------------------------------- hparams
    def schedule_hparams(self) -> dict[str, Any]:
        """The hparams the mixin reads; raises for a key spelt almost like one of them."""
        hparams: Mapping[str, Any] = dict(self.hparams)
        check_known(hparams, self.warmup_ignore_hparams, owner=type(self).__name__)
        return {k: v for k, v in hparams.items() if k in KNOWN_KEYS}

    # ------------------------------------------------------------------- hooks
    def build_param_groups(self) -> list[dict[str, Any]]:
        """The optimizer's param groups. Override to customise (a group's own ``"lr"`` is its peak).

        By default, with weight decay, parameters with fewer than 2 dimensions (biases,
        normalisation weights) go to group ``"no_decay"`` without weight decay.
        """
        hparams = self.schedule_hparams()
        params = [p for p in self.parameters() if p.requires_grad]  # type: ignore[attr-defined]
        if not hparams.get("exclude_bias_and_norm", True) or self._weight_decay(hparams) == 0:
            return [{"params": params}]
        groups: list[dict[str, Any]] = [
            {"params": [p for p in params if p.ndim >= 2], "name": "decay"},
            {"params": [p for p in params if p.ndim < 2], "name": "no_decay", "weight_decay": 0.0},
        ]
        return [group for group in groups if group["params"]]

    def build_optimizer(self, param_groups: list[dict[str, Any]]) -> Optimizer:
        """The optimizer over ``param_groups``, from the ``optimizer``, ``lr``, ``weight_decay`` and
        ``optimizer_kwargs`` hparams. Override to build it another way."""
        hparams = self.schedule_hparams()
        make, fixed, _ = optimizer_factory(hparams.get("optimizer", "adamw"))
        kwargs = dict(hparams.get("optimizer_kwargs") or {})
        if hparams.get("weight_decay") is not None:
            kwargs["weight_decay"] = hparams["weight_decay"]
        if isinstance(make, type):
            fixed.pop("lr", None)  # the peak is the schedule's: hparams lr
            kwargs = {**fixed, **kwargs}  # a class with LightningCLI's init_args or Hydra's keys
        return make(param_groups, lr=peak_lr(hparams), **kwargs)

    def _weight_decay(self, hparams: Mapping[str, Any]) -> float:
        """The weight decay the optimizer will use: the hparam, ``optimizer_kwargs``, or the class default."""
        if hparams.get("weight_decay") is not None:
            return float(hparams["weight_decay"])
        _, fixed, cls = optimizer_factory(hparams.get("optimizer", "adamw"))
        kwargs = {**fixed, **(hparams.get("optimizer_kwargs") or {})}
        if "weight_decay" in kwargs:
            return float(kwargs["weight_decay"])
        if cls is None:
            return 0.0
        parameter = inspect.signature(cls).parameters.get("weight_decay")
        default = parameter.default if parameter is not None else 0.0
        return float(default) if isinstance(default, (int, float)) else 0.0

    # ------------------------------------------------------------- Lightning
    def schedule_config(self) -> tuple[ScheduleConfig, str]:
        """The schedule settings from ``self.hparams`` (in the user's units) and the interval.

        Nothing here loads data: the callback completes the settings from the
        trainer's run at train start.

        Raises:
            SettingError: a setting that makes no sense for the interval, a look-alike
                key, or a warmup that cannot fit the run's epochs.
        """
        config, interval = schedule_from_hparams(self.schedule_hparams())
        trainer = getattr(self, "_trainer", None)
        if trainer is not None:
            smoke = bool(getattr(trainer, "fast_dev_run", False))
            check_before_training(config, trainer.max_epochs, trainer.max_steps, smoke)
        return config, interval

    def configure_optimizers(self) -> dict[str, Any]:
        """The optimizer and a ``WarmupCosLR`` in Lightning's dict form, with the chosen interval."""
        config, interval = self.schedule_config()
        optimizer = self.build_optimizer(self.build_param_groups())
        scheduler = WarmupCosLR.sized_by_trainer(optimizer, config)
        return {
            "optimizer": optimizer,
            "lr_scheduler": {"scheduler": scheduler, "interval": interval, "frequency": 1},
        }

    def configure_callbacks(self) -> list[Callback]:
        """Adds a :class:`~lightning_warmup.WarmupCosLRCallback` unless the trainer has one."""
        callbacks = getattr(self.trainer, "callbacks", [])
        if any(isinstance(c, WarmupCosLRCallback) for c in callbacks):
            return []
        return [WarmupCosLRCallback()]

    def on_train_start(self) -> None:
        """Without :class:`~lightning_warmup.WarmupCosLRCallback` (a ``configure_callbacks`` of your own left it
        out), the schedule is still sized from the run, and one warning says the LR is not logged."""
        super_hook = getattr(super(), "on_train_start", None)
        if super_hook is not None:
            super_hook()
        trainer = self.trainer
        if any(isinstance(c, WarmupCosLRCallback) for c in trainer.callbacks):  # type: ignore[attr-defined]
            return
        rank_zero_warn(
            f"{type(self).__name__} has no WarmupCosLRCallback among the trainer's callbacks (configure_callbacks "
            "of your own?), so the LR is not logged and plan changes on resume are kept as the checkpoint has "
            "them. Add WarmupCosLRCallback() to the Trainer's callbacks."
        )
        check_settings(trainer)
        apply_plans(trainer, "keep", {})
