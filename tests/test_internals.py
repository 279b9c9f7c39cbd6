"""Each private PyTorch / Lightning attribute ``lightning_warmup.internals`` touches still means what it did.

When a release moves one of them, the test here fails and names it.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import lightning as L
import torch
from lightning.pytorch.callbacks import TQDMProgressBar

from lightning_warmup.internals import batches_done_in_epoch, mark_optimizer_stepped, wrap_progress_bar_metrics
from tests.lit import TinyModel, trainer


def test_pytorch_reads_optimizer_opt_called_for_its_order_warning() -> None:
    def stepped_before_optimizer(mark: bool) -> bool:
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1.0)
        if mark:
            mark_optimizer_stepped(optimizer)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            scheduler.step()
        return any("before `optimizer.step()`" in str(w.message) for w in caught)

    assert stepped_before_optimizer(mark=False), "torch no longer warns: the order check moved"
    assert not stepped_before_optimizer(mark=True), "torch.optim.Optimizer._opt_called is no longer what it reads"


def test_lightning_batch_progress_counts_the_batches_done_in_the_epoch(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []

    class Watch(L.Callback):
        def on_train_batch_end(self, trainer: L.Trainer, *args: Any) -> None:
            seen.append((args[-1], batches_done_in_epoch(trainer)))

    trainer(tmp_path, callbacks=[Watch()], max_epochs=2).fit(TinyModel())
    # fit_loop.epoch_loop.batch_progress.current.processed counts the batches whose step ran, per epoch;
    # at the epoch's last batch that is all of them, which for the epoch about to run means none.
    assert [done for _, done in seen] == [1, 2, 3, 4, 5, 6, 7, 0] * 2
    assert [batch for batch, _ in seen] == list(range(8)) * 2


def test_the_progress_bar_shows_what_is_added_to_its_metrics(tmp_path: Path) -> None:
    bar = TQDMProgressBar()
    undo = wrap_progress_bar_metrics(bar, lambda: {"shown": "yes"})
    fitted = trainer(tmp_path, callbacks=[bar], enable_progress_bar=True, max_epochs=1)
    fitted.fit(TinyModel())
    assert bar.get_metrics(fitted, fitted.lightning_module)["shown"] == "yes"
    assert "shown=yes" in str(bar.train_progress_bar), "Lightning's bar no longer shows get_metrics()"
    undo()
    assert "shown" not in bar.get_metrics(fitted, fitted.lightning_module)


def test_lightning_cli_replaces_configure_optimizers_by_an_instance_attribute(monkeypatch: Any, recwarn: Any) -> None:
    from lightning.pytorch.cli import LightningCLI

    from lightning_warmup.internals import cli_replaced_configure_optimizers, restore_configure_optimizers

    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    cli = LightningCLI(
        args=["--config", "configs/digits_step.yaml", "--optimizer=torch.optim.SGD", "--trainer.logger=false"],
        run=False,
        parser_kwargs={"exit_on_error": False},
    )
    assert cli_replaced_configure_optimizers(cli.model), "LightningCLI no longer sets model.configure_optimizers"
    restore_configure_optimizers(cli.model)
    assert not cli_replaced_configure_optimizers(cli.model)
    assert cli.model.configure_optimizers.__func__ is type(cli.model).configure_optimizers
