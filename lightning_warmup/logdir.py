"""``lightning-warmup plot --logdir DIR``: the LR each run logged, drawn over the plan it recorded.

A run is a directory holding TensorBoard event files. Its LR series are the
``LearningRateMonitor`` tags (``lr-AdamW``, ``lr-AdamW/pg1``, a scheduler's own
``name``); its plan is the ``NAME/plan`` series ``WarmupCosLRCallback`` writes at
fit start (API.md 5.4), in ticks of the scheduler's interval. The LR is logged
against optimizer steps, so a plan in epochs is drawn held for each epoch's
steps (``lr_plan/NAME/steps_per_epoch`` says how many); which unit the plan is
in is read off the logged values: the one they agree with.

Only TensorBoard and NumPy are needed: neither Lightning nor jsonargparse is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lightning_warmup.errors import UsageError
from lightning_warmup.plan import plural

__all__ = ["LoggedRun", "draw_runs", "read_runs", "summary"]

PLAN_SUFFIX = "/plan"
FLOAT32_MATCH = 1e-6  # TensorBoard stores float32: a logged LR on the plan is this close to it


@dataclass
class LoggedRun:
    """One run: its logged LR (optimizer step -> LR, per tag) and its plans (tick -> LR, per scheduler name)."""

    directory: Path
    logged: dict[str, tuple[np.ndarray, np.ndarray]]
    plans: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    steps_per_tick: dict[str, int] = field(default_factory=dict)

    def plan_unit(self, name: str) -> str:
        """``"epoch"`` when ``name``'s plan counts epochs, else ``"optimizer step"``."""
        return "epoch" if self.steps_per_tick.get(name, 1) > 1 else "optimizer step"

    def planned_per_step(self, name: str) -> np.ndarray:
        """The plan as the LR of every optimizer step, held per epoch when it counts epochs."""
        ticks, lrs = self.plans[name]
        dense = np.interp(np.arange(int(ticks[-1]) + 1), ticks, lrs)  # the series may hold at most 2,000 ticks
        return np.repeat(dense, self.steps_per_tick.get(name, 1))

    def worst_difference(self, name: str) -> float | None:
        """Largest relative difference of group 0's logged LR from the plan, at the plan's recorded ticks."""
        agreement = self.agreement(name)
        return None if agreement is None else agreement[0]

    def agreement(self, name: str) -> tuple[float, int] | None:
        """The worst relative difference of group 0's logged LR from the plan, and at how many logged points."""
        tag = _first_group_tag(name, self.logged)
        if name not in self.plans or tag is None:
            return None
        ticks, lrs = self.plans[name]
        steps, values = self.logged[tag]
        at = steps // self.steps_per_tick.get(name, 1)
        index = np.clip(np.searchsorted(ticks, at), 0, len(ticks) - 1)
        recorded = ticks[index] == at
        if not recorded.any():
            return None
        want = lrs[index[recorded]]
        worst = float(np.max(np.abs(values[recorded] - want) / np.maximum(np.abs(want), 1e-30)))
        return worst, int(recorded.sum())


def _first_group_tag(name: str, logged: dict[str, tuple[np.ndarray, np.ndarray]]) -> str | None:
    """``NAME`` itself (one group) or the first ``NAME/<group>`` tag that LearningRateMonitor wrote."""
    if name in logged:
        return name
    groups = sorted(tag for tag in logged if tag.startswith(name + "/"))
    return groups[0] if groups else None


def _hparams(directory: Path) -> dict[str, float]:
    """The numeric hyperparameters the run's loggers recorded (the last ``session_start_info`` wins)."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    from tensorboard.plugins.hparams import plugin_data_pb2

    found: dict[str, float] = {}
    for path in sorted(directory.glob("events.out.tfevents.*")):
        for event in EventFileLoader(str(path)).Load():
            for value in event.summary.value:
                if value.tag == "_hparams_/session_start_info":
                    info = plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
                    for key, item in info.session_start_info.hparams.items():
                        if item.HasField("number_value"):
                            found[key] = item.number_value
    return found


def _read_run(directory: Path) -> LoggedRun | None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(directory), size_guidance={"scalars": 0})
    events.Reload()
    series = {
        tag: (
            np.array([e.step for e in events.Scalars(tag)], dtype=np.int64),
            np.array([e.value for e in events.Scalars(tag)], dtype=np.float64),
        )
        for tag in events.Tags()["scalars"]
    }
    names = [tag[: -len(PLAN_SUFFIX)] for tag in series if tag.endswith(PLAN_SUFFIX)]
    logged = {
        tag: values
        for tag, values in series.items()
        if not tag.endswith(PLAN_SUFFIX)
        and (tag.startswith("lr-") or any(tag == n or tag.startswith(n + "/") for n in names))
    }
    if not logged and not names:
        return None
    run = LoggedRun(directory, logged)
    hparams = _hparams(directory) if names else {}
    for name in names:
        run.plans[name] = series[name + PLAN_SUFFIX]
        per_epoch = int(hparams.get(f"lr_plan/{name}/steps_per_epoch", 1))
        scores = {}
        for steps_per_tick in {1, per_epoch}:
            run.steps_per_tick[name] = steps_per_tick
            worst, points = run.agreement(name) or (np.inf, 0)
            scores[steps_per_tick] = (worst > FLOAT32_MATCH, -points, worst, steps_per_tick)
        run.steps_per_tick[name] = min(scores, key=scores.__getitem__)
    return run


def read_runs(logdir: Path) -> list[LoggedRun]:
    """Every run under ``logdir`` that logged an LR, in path order.

    Raises:
        UsageError: ``logdir`` does not exist, or no run under it logged an LR.
    """
    if not logdir.is_dir():
        raise UsageError(
            f"--logdir {str(logdir)!r} is not a directory: pass the directory TensorBoard reads "
            "(the logger's save_dir, e.g. lightning_logs)"
        )
    directories = sorted({path.parent for path in logdir.rglob("events.out.tfevents.*")})
    runs = [run for run in map(_read_run, directories) if run is not None]
    if not runs:
        raise UsageError(
            f"--logdir {str(logdir)!r} holds no LR ({plural(len(directories), 'TensorBoard run')}, "
            "none with an lr-* or NAME/plan series): train with WarmupCosLRCallback and a TensorBoardLogger"
        )
    return runs


def draw_runs(runs: list[LoggedRun], out: Path, root: Path | None = None) -> None:
    """One panel per run: the planned LR as a wide grey line, every logged LR series as dots over it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, all_axes = plt.subplots(len(runs), 1, figsize=(10, 3.6 * len(runs)), squeeze=False)
    for run, axes in zip(runs, all_axes[:, 0]):
        for name in run.plans:
            plan = run.planned_per_step(name)
            axes.plot(
                np.arange(len(plan)),
                plan,
                color="0.6",
                linewidth=3,
                drawstyle="steps-post",
                label=f"planned: {name} (in {run.plan_unit(name)}s)",
            )
        for tag, (steps, values) in sorted(run.logged.items()):
            axes.plot(steps, values, ".", markersize=4, label=f"logged: {tag}")
        label = run.directory if root is None else run.directory.relative_to(root)
        axes.set_title(f"{label}: the LR the run used over its plan")
        axes.set_xlabel("optimizer step")
        axes.set_ylabel("learning rate")
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize=8)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)


def summary(runs: list[LoggedRun], root: Path) -> str:
    """What was found, a line per run and series: points logged, plan length and unit, worst difference."""
    lines = []
    for run in runs:
        lines.append(f"{run.directory.relative_to(root) if run.directory != root else run.directory}:")
        for tag, (steps, _) in sorted(run.logged.items()):
            lines.append(f"  logged {tag}: {len(steps)} points, optimizer steps {steps.min()}..{steps.max()}")
        for name, (ticks, _) in run.plans.items():
            worst = run.worst_difference(name)
            agreement = "no logged point on it" if worst is None else f"worst relative difference {worst:.1e}"
            lines.append(f"  planned {name}: ticks 0..{ticks[-1]} in {run.plan_unit(name)}s, {agreement}")
        if not run.plans:
            lines.append("  no plan recorded (WarmupCosLRCallback writes NAME/plan): logged LR only")
        if not run.logged:
            lines.append("  no LR logged: the plan only (was the run shorter than Trainer(log_every_n_steps)?)")
    return "\n".join(lines)
