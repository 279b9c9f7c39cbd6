"""``LightningCLI`` with ``WarmupCosLRCallback`` added: what ``lightning-warmup fit`` and ``plot`` build."""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

__all__ = ["make_cli", "without_lightning_noise"]


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


def make_cli(args: Sequence[str] | None = None, run: bool = True) -> Any:
    """Build (and by default run) the ``LightningCLI`` for ``args`` (``None``: the command line)."""
    import lightning as L
    from lightning.pytorch.cli import LightningCLI

    from lightning_warmup.callback import WarmupCosLRCallback

    class WarmupCLI(LightningCLI):
        def instantiate_trainer(self, **kwargs: Any) -> L.Trainer:
            trainer = super().instantiate_trainer(**kwargs)
            if not any(isinstance(c, WarmupCosLRCallback) for c in trainer.callbacks):  # type: ignore[attr-defined]
                trainer.callbacks.append(WarmupCosLRCallback())  # type: ignore[attr-defined]
            return trainer

    with without_lightning_noise():
        return _build(WarmupCLI, args, run)


def _build(cli_class: Any, args: Sequence[str] | None, run: bool) -> Any:
    import lightning as L

    return cli_class(
        L.LightningModule,
        L.LightningDataModule,
        subclass_mode_model=True,
        subclass_mode_data=True,
        args=None if args is None else list(args),
        run=run,
        parser_kwargs={"exit_on_error": False},
    )
