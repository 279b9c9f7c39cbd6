"""The main job: train the digits classifier from a config, then draw the LR TensorBoard logged over the plan.

    python -m examples.demo [--config configs/digits_step.yaml] [--out demo_output] [extra fit flags...]

Runs ``lightning-warmup fit`` in this process, reads the logged LR back from the
TensorBoard event file, draws it over the planned curve to a PNG, and prints the
validation accuracy and where the logs and the picture are.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from lightning_warmup.lightning_cli import make_cli
from lightning_warmup.logdir import draw_runs, read_runs


def main(argv: list[str] | None = None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="configs/digits_step.yaml")
    parser.add_argument("--out", default="demo_output", help="where logs and the picture go")
    args, extra = parser.parse_known_args(argv)
    started = time.perf_counter()
    print(f"Training from {args.config} (lightning-warmup fit) ...", flush=True)
    cli = make_cli(["fit", "--config", args.config, f"--trainer.default_root_dir={args.out}", *extra])
    trainer = cli.trainer
    accuracy = float(trainer.callback_metrics["val_acc"])

    # What `lightning-warmup plot --logdir` does for any run: read the event files back, draw logged over planned.
    log_dir = Path(trainer.logger.log_dir)
    (run,) = read_runs(log_dir)
    name = next(iter(run.plans))
    tag = sorted(run.logged)[0]
    worst = run.worst_difference(name)
    picture = Path(args.out) / "lr_logged_vs_planned.png"
    draw_runs([run], picture)

    print(
        f"\nValidation accuracy: {accuracy:.2%} after {trainer.current_epoch} epochs "
        f"({time.perf_counter() - started:.0f} s)"
    )
    print(
        f"Logged LR ({tag}, {len(run.logged[tag][0])} points) matches the plan: worst relative difference "
        f"{worst:.1e} (TensorBoard stores float32)"
    )
    print(f"TensorBoard logs: {log_dir}   (tensorboard --logdir {args.out})")
    print(f"Picture:          {picture}   (lightning-warmup plot --logdir {args.out} draws it for any run)")
    return accuracy


if __name__ == "__main__":
    main()
