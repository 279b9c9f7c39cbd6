"""The main job: train the digits classifier from a config, then draw the LR TensorBoard logged over the plan.

    python examples/demo.py [--config configs/digits_step.yaml] [--out demo_output] [extra fit flags...]

Runs ``lightning-warmup fit`` in this process, reads the logged LR back from the
TensorBoard event file, draws it over the planned curve to a PNG, and prints the
validation accuracy and where the logs and the picture are.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lightning_warmup.lightning_cli import make_cli  # noqa: E402
from lightning_warmup.preview import Timeline, lr_curve  # noqa: E402


def logged_lr(log_dir: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every ``lr-*`` scalar of the event files in ``log_dir``: steps and values."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(log_dir, size_guidance={"scalars": 0})
    events.Reload()
    return {tag: (np.array([e.step for e in events.Scalars(tag)]), np.array([e.value for e in events.Scalars(tag)]))
            for tag in events.Tags()["scalars"] if tag.startswith("lr-")}


def draw(planned: np.ndarray, logged: dict[str, tuple[np.ndarray, np.ndarray]], unit: str, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(10, 4))
    axes.plot(np.arange(len(planned)), planned, color="0.6", linewidth=3, label="planned (WarmupCosLR)")
    for tag, (steps, values) in logged.items():
        axes.plot(steps, values, ".", markersize=4, label=f"logged to TensorBoard: {tag}")
    axes.set_xlabel(unit)
    axes.set_ylabel("learning rate")
    axes.set_title("The LR the run used, read back from TensorBoard, over the planned schedule")
    axes.grid(True, alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(out, dpi=110)
    plt.close(figure)


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

    config = trainer.lr_scheduler_configs[0]
    plan = config.scheduler.plan
    timeline, first_group = Timeline(plan.shape), plan.levels[0]
    steps_per_epoch = -(-trainer.num_training_batches // trainer.accumulate_grad_batches)

    def planned_at(steps: np.ndarray) -> np.ndarray:
        """The planned LR of each optimizer step: ticks are steps, or epochs for interval='epoch'."""
        return lr_curve(timeline, first_group, steps if config.interval == "step" else steps // steps_per_epoch)

    logged = logged_lr(trainer.logger.log_dir)
    first_tag = sorted(logged)[0]
    steps, values = logged[first_tag]
    worst = float(np.max(np.abs(values - planned_at(steps)) / planned_at(steps)))
    picture = Path(args.out) / "lr_logged_vs_planned.png"
    draw(planned_at(np.arange(trainer.global_step)), logged, "optimizer step", picture)

    print(f"\nValidation accuracy: {accuracy:.2%} after {trainer.current_epoch} epochs "
          f"({time.perf_counter() - started:.0f} s)")
    print(f"Logged LR ({first_tag}, {len(values)} points) matches the plan: worst relative difference "
          f"{worst:.1e} (TensorBoard stores float32)")
    print(f"TensorBoard logs: {trainer.logger.log_dir}   (tensorboard --logdir {args.out})")
    print(f"Picture:          {picture}")
    return accuracy


if __name__ == "__main__":
    main()
