"""``LightningCLI`` with ``WarmupCosLRCallback`` added: what ``lightning-warmup fit`` and ``plot`` build."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["make_cli"]


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

    return WarmupCLI(
        L.LightningModule,
        L.LightningDataModule,
        subclass_mode_model=True,
        subclass_mode_data=True,
        args=None if args is None else list(args),
        run=run,
        parser_kwargs={"exit_on_error": False},
    )
