"""``LightningCLI`` with ``WarmupCosLR``: what ``lightning-warmup fit`` and ``plot`` build, and what a user's own
``LightningCLI`` can borrow.

- ``WarmupCosLRCallback`` is added when the trainer has none.
- LightningCLI's own route, ``optimizer:`` + ``lr_scheduler: {class_path: lightning_warmup.WarmupCosLR}``
  on a module without ``configure_optimizers``, steps the schedule per optimizer step
  (:func:`configure_optimizers`; LightningCLI's default would step it once per epoch), and the callback
  sizes it from the run when no total is given.
- ``optimizer:`` on a ``WarmupCosLRMixin`` module composes: the mixin's schedule on that optimizer.
  ``lr_scheduler:`` there would replace the mixin's schedule, and stops with one line.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

__all__ = ["WarmupCosLRCLIMixin", "configure_optimizers", "make_cli", "without_lightning_noise"]


def configure_optimizers(lightning_module: Any, optimizer: Any, lr_scheduler: Any = None) -> Any:
    """LightningCLI's ``configure_optimizers``, with a ``WarmupCosLR`` stepped at every optimizer step.

    Use it in your own ``LightningCLI``::

        class MyCLI(LightningCLI):
            configure_optimizers = staticmethod(lightning_warmup.lightning_cli.configure_optimizers)
    """
    from lightning.pytorch.cli import LightningCLI

    from lightning_warmup.scheduler import WarmupCosLR

    if isinstance(lr_scheduler, WarmupCosLR):
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": lr_scheduler, "interval": "step"}}
    return LightningCLI.configure_optimizers(lightning_module, optimizer, lr_scheduler)


class _DropTips(logging.Filter):
    """Drops Lightning's promotional "💡 Tip:" lines (litlogger, litmodels)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("💡 Tip:")


@contextlib.contextmanager
def without_lightning_noise() -> Iterator[None]:
    """While the command runs: no promotional tips, no deprecation Lightning causes in torch's ``_pytree``.

    Scoped to the ``with`` block, on Lightning's own logger only; levels are left alone.
    """
    logger = logging.getLogger("lightning.pytorch.utilities.rank_zero")
    tips = _DropTips()
    logger.addFilter(tips)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)", category=FutureWarning)
            yield
    finally:
        logger.removeFilter(tips)


class WarmupCosLRCLIMixin:
    """Mix into a ``LightningCLI`` subclass: ``class MyCLI(WarmupCosLRCLIMixin, LightningCLI)``.

    ``lr_scheduler: lightning_warmup.WarmupCosLR`` then steps per optimizer step and may leave
    out its total (the run's length is used), ``optimizer:`` composes with a ``WarmupCosLRMixin``
    module, and ``WarmupCosLRCallback`` is added when the trainer has none.
    """

    configure_optimizers = staticmethod(configure_optimizers)

    def before_instantiate_classes(self) -> None:
        """A ``WarmupCosLRMixin`` model's schedule settings, checked as soon as the config is read."""
        super().before_instantiate_classes()  # type: ignore[misc]
        _check_schedule_settings(self)

    def instantiate_classes(self) -> None:
        from lightning_warmup.mixin import WarmupCosLRMixin
        from lightning_warmup.scheduler import sized_by_the_trainer

        with sized_by_the_trainer(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            super().instantiate_classes()  # type: ignore[misc]
        composes = isinstance(getattr(self, "model", None), WarmupCosLRMixin)
        for warning in caught:
            # With a WarmupCosLRMixin module, optimizer: composes (said below), so "will be overridden" is not so.
            if composes and "configure_optimizers` will be overridden by" in str(warning.message):
                continue
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)

    def instantiate_trainer(self, **kwargs: Any) -> Any:
        from lightning_warmup.callback import WarmupCosLRCallback

        _compose_optimizer(self)
        trainer = super().instantiate_trainer(**kwargs)  # type: ignore[misc]
        if not any(isinstance(c, WarmupCosLRCallback) for c in trainer.callbacks):
            trainer.callbacks.append(WarmupCosLRCallback())
        return trainer


def make_cli(args: Sequence[str] | None = None, run: bool = True) -> Any:
    """Build (and by default run) the ``LightningCLI`` for ``args`` (``None``: the command line)."""
    from lightning.pytorch.cli import LightningCLI, SaveConfigCallback

    from lightning_warmup.errors import UsageError

    class NoOverwrite(SaveConfigCallback):
        """LightningCLI's config saving, refusing an existing file in one line (the user's own config.yaml)."""

        def setup(self, trainer: Any, pl_module: Any, stage: str) -> None:
            path = Path(trainer.log_dir or trainer.default_root_dir) / self.config_filename
            if self.save_to_log_dir and not self.overwrite and path.is_file():
                raise UsageError(
                    f"{str(path)!r} exists, and fit saves its resolved config there: it is left as it is. Move it, "
                    "or give the trainer a logger or another default_root_dir"
                )
            super().setup(trainer, pl_module, stage)

    class WarmupCLI(WarmupCosLRCLIMixin, LightningCLI):
        pass

    with without_lightning_noise():
        return _build(WarmupCLI, args, run, NoOverwrite)


def _build(cli_class: Any, args: Sequence[str] | None, run: bool, save_config: Any) -> Any:

    return cli_class(
        None,  # any LightningModule, by class_path
        None,  # any LightningDataModule, or none for a module with its own dataloaders
        args=None if args is None else list(args),
        run=run,
        parser_kwargs={"exit_on_error": False},
        save_config_callback=save_config,
    )


def _config_value(cli: Any, key: str) -> Any:
    """``key`` of the parsed config, inside the subcommand's section when there is one."""
    config = cli.config
    section = config.get(str(cli.subcommand), config) if cli.subcommand else config
    return section.get(key)


def _compose_optimizer(cli: Any) -> None:
    """``optimizer:`` given for a ``WarmupCosLRMixin`` module: the mixin's schedule on that optimizer."""
    from lightning.pytorch.utilities import rank_zero_info

    from lightning_warmup.errors import UsageError
    from lightning_warmup.internals import cli_replaced_configure_optimizers, restore_configure_optimizers
    from lightning_warmup.mixin import WarmupCosLRMixin

    model = cli.model
    if _config_value(cli, "lr_scheduler") and not _config_value(cli, "optimizer"):
        raise UsageError(
            "lr_scheduler is given without optimizer, and LightningCLI would ignore it: add optimizer "
            "(e.g. --optimizer=torch.optim.AdamW --optimizer.lr=1e-3), or give the schedule to a "
            "WarmupCosLRMixin module"
        )
    if not isinstance(model, WarmupCosLRMixin) or not cli_replaced_configure_optimizers(model):
        return
    name = type(model).__name__
    if _config_value(cli, "lr_scheduler"):
        raise UsageError(
            f"lr_scheduler would replace {name}'s own schedule (WarmupCosLRMixin): give the schedule in "
            "model.init_args (warmup_epochs, min_lr, ...) and leave lr_scheduler out"
        )
    chosen = _config_value(cli, "optimizer")
    init_args = chosen.get("init_args")
    spec = {"class_path": chosen.class_path, "init_args": init_args.as_dict() if init_args is not None else {}}
    restore_configure_optimizers(model)  # the mixin's own again
    model.hparams["optimizer"] = spec
    ignored = " (its lr is the schedule's peak, model lr)" if "lr" in spec["init_args"] else ""
    rank_zero_info(f"WarmupCosLRMixin: {name}'s schedule runs on the optimizer given, {spec['class_path']}{ignored}.")


def _check_schedule_settings(cli: Any) -> None:
    """Bounds, conflicts and lengths against the trainer's limits, before any class is built."""
    import importlib

    from lightning_warmup.hparams import check_known, schedule_from_hparams
    from lightning_warmup.mixin import WarmupCosLRMixin
    from lightning_warmup.plan import check_before_training

    model = _config_value(cli, "model")
    class_path = getattr(model, "class_path", None)
    if not isinstance(class_path, str):
        return
    module, _, name = class_path.rpartition(".")
    cls = getattr(importlib.import_module(module), name, None)
    if not (isinstance(cls, type) and issubclass(cls, WarmupCosLRMixin)):
        return
    init_args = model.get("init_args")
    hparams = init_args.as_dict() if init_args is not None else {}
    check_known(hparams, owner=name)
    settings, _ = schedule_from_hparams(hparams)
    trainer = _config_value(cli, "trainer") or {}
    limits = trainer.get("max_epochs"), trainer.get("max_steps")
    check_before_training(settings, *limits, smoke=bool(trainer.get("fast_dev_run")))
