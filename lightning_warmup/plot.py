"""``lightning-warmup plot``: the LR curve a config will follow, drawn without training.

Each CONFIG is either a ``lightning-warmup fit`` config (a ``WarmupCosLRMixin``
model: one curve per param group) or a plot config listing schedulers to draw
side by side (seed 004)::

    plot:
      lr: 0.1          # every scheduler's optimizer starts here
      ticks: 100       # how many scheduler steps to draw
      unit: epoch      # the x axis label
      schedulers:
        - class_path: torch.optim.lr_scheduler.StepLR
          init_args: {step_size: 25, gamma: 0.5}
        - class_path: lightning_warmup.WarmupCosLR
          init_args: {warmup_steps: 5, total_steps: 100}

The steps per epoch come from ``--steps-per-epoch`` or from the config's
datamodule (its train dataloader's length on one device, after
``limit_train_batches`` and ``accumulate_grad_batches``).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lightning_warmup.config import ScheduleConfig
from lightning_warmup.errors import UsageError, check_ckpt_path
from lightning_warmup.hparams import HYDRA_KEYS
from lightning_warmup.plan import Run, check_before_training, resolve
from lightning_warmup.preview import lr_curve
from lightning_warmup.schedule import Levels, Timeline

__all__ = ["Series", "draw", "figure", "plot_main", "series_from_config"]


@dataclass
class Series:
    """One curve to draw: its LR at ticks 0, 1, ... (or at ``ticks``, sampled, for a very long schedule),
    and where its phases change."""

    label: str
    unit: str
    lrs: np.ndarray
    marks: dict[str, list[int]] = field(default_factory=dict)
    points: list[tuple[str, int]] = field(default_factory=list)
    panel: str = ""
    ticks: np.ndarray | None = None

    @property
    def length(self) -> int:
        """Ticks the series spans."""
        return len(self.lrs) if self.ticks is None else int(self.ticks[-1]) + 1

    def x(self) -> np.ndarray:
        """The ticks of ``lrs``."""
        return np.arange(len(self.lrs)) if self.ticks is None else self.ticks

    def at(self, t: int) -> float:
        """The LR at tick ``t`` (a tick the series holds)."""
        if self.ticks is None:
            return float(self.lrs[t])
        return float(self.lrs[int(np.searchsorted(self.ticks, t))])


#: Longer schedules are drawn from this many sampled ticks (phase changes and key points included).
MAX_DRAWN_TICKS = 2_000_000


def _curve_series(label: str, unit: str, timeline: Timeline, levels: Levels, ticks: int) -> Series:
    shape = timeline.shape
    first = timeline.cycle_at(0)
    warmup, hold, anneal = first.warmup, first.hold, first.anneal
    peak_tick = warmup - 1 if shape.warmup_inclusive and warmup else warmup
    marks: dict[str, list[int]] = {"warmup end": [peak_tick] if warmup else []}
    if hold:
        marks["hold end"] = [warmup + hold]
    if shape.cycle_steps is not None:
        starts: list[int] = []
        t = first.end
        while t < ticks and len(starts) < 1000:
            starts.append(t)
            t = timeline.cycle_at(t).end
        marks["restart"] = starts
    end = shape.total_steps
    if end is not None and end <= ticks:
        marks["end"] = [end]
    points = [("start", 0)]
    if warmup:
        points.append(("end of warmup", warmup - 1))
    points.append(("peak", peak_tick))
    if hold:
        points.append(("end of hold", warmup + hold - 1))
    points += [(f"{q}% of the cosine", warmup + hold + math.floor(anneal * q / 100)) for q in (25, 50, 75)]
    last = (end if end is not None else ticks) - 1
    points.append(("last tick", last))
    if end is not None:
        points.append(("end (floor)", end))
    points = [(name, t) for name, t in points if t < ticks]
    if ticks <= MAX_DRAWN_TICKS:
        return Series(label, unit, lr_curve(timeline, levels, np.arange(ticks)), marks, points)
    kept = [t for ts in marks.values() for t in ts] + [t for _, t in points]
    around = np.array([u for t in kept for u in (t - 1, t, t + 1) if 0 <= u < ticks], dtype=np.int64)
    sampled = np.unique(np.concatenate([np.linspace(0, ticks - 1, MAX_DRAWN_TICKS).astype(np.int64), around]))
    return Series(label, unit, lr_curve(timeline, levels, sampled), marks, points, ticks=sampled)


def _load_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text())
    except OSError as error:
        raise UsageError(f"cannot read config {str(path)!r}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise UsageError(f"config {str(path)!r} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise UsageError(f"config {str(path)!r} must be a mapping with 'model:' or 'plot:', got {type(data).__name__}")
    return data


def _import(class_path: str) -> Any:
    module, _, name = class_path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as error:
        raise UsageError(f"cannot import class_path {class_path!r}: {error}") from None


def stepped_series(
    class_path: str, init_args: dict[str, Any], lr: float, ticks: int, unit: str, label: str | None = None
) -> Series:
    """Any ``torch.optim.lr_scheduler`` class, stepped ``ticks`` times over an SGD optimizer at ``lr``."""
    import torch

    from lightning_warmup.scheduler import WarmupCosLR

    cls = _import(class_path)
    label = label or cls.__name__
    if cls is WarmupCosLR:
        config = ScheduleConfig(
            **{k: v for k, v in init_args.items() if k not in ("lr", "learning_rate")},
            lr=init_args.get("lr", init_args.get("learning_rate")),
        )
        (levels,) = config.levels([lr])
        return _curve_series(label, unit, Timeline(config.shape()), levels, ticks)
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    try:
        scheduler = cls(optimizer, **init_args)
    except TypeError as error:
        raise UsageError(f"{class_path}: {error}") from None
    lrs = np.empty(ticks)
    for t in range(ticks):
        lrs[t] = optimizer.param_groups[0]["lr"]
        optimizer.step()
        try:
            scheduler.step()
        except ValueError as error:  # OneCycleLR refuses to step past its total_steps: drawn to its end
            print(f"{label}: drawn to tick {t}, where it stops ({error})")
            lrs = lrs[: t + 1]
            break
    return Series(label, unit, lrs, {}, [("start", 0), ("last tick", len(lrs) - 1)])


def _parse_compare(spec: str) -> tuple[str, dict[str, Any]]:
    """``torch.optim.lr_scheduler.StepLR:step_size=25,gamma=0.5`` -> class path and init args."""
    import yaml

    class_path, _, rest = spec.partition(":")
    args: dict[str, Any] = {}
    for item in filter(None, rest.split(",")):
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--compare takes CLASS_PATH:key=value,..., got {spec!r}")
        args[key.strip()] = yaml.safe_load(value)
    return class_path, args


def _run(interval: str, steps_per_epoch: int, max_epochs: int | None, max_steps: int | None) -> Run:
    """The run a trainer with these limits makes, on one device, as the callback would measure it."""
    if interval == "epoch":
        end = max_epochs
        if max_steps is not None:
            by_steps = math.ceil(max_steps / steps_per_epoch)
            end = by_steps if end is None else min(end, by_steps)
    else:
        candidates = [
            n for n in (None if max_epochs is None else max_epochs * steps_per_epoch, max_steps) if n is not None
        ]
        end = min(candidates) if candidates else None
    return Run(interval, steps_per_epoch, max_epochs, max_steps, end, 0)


def _measured_steps_per_epoch(cli: Any) -> int:
    """Optimizer steps per epoch on one device, from the config's datamodule (or model) train dataloader."""
    trainer = cli.trainer
    source = cli.datamodule if cli.datamodule is not None else cli.model
    if cli.datamodule is not None:
        cli.datamodule.prepare_data()
        cli.datamodule.setup("fit")
    try:
        batches = len(source.train_dataloader())
    except TypeError:
        raise UsageError("the train dataloader has no length: pass --steps-per-epoch N") from None
    limit = trainer.limit_train_batches
    batches = min(batches, int(limit)) if isinstance(limit, int) else int(batches * limit)
    return math.ceil(batches / int(trainer.accumulate_grad_batches))


_OWN_GROUPS = ("build_param_groups", "build_optimizer", "configure_optimizers")


def _class_source(class_path: str) -> tuple[dict[str, Any], list[str]] | None:
    """The literal defaults of a class's ``__init__`` and the group-building methods it defines, read from its
    source without importing its module (which would import Lightning); ``None`` where it cannot be found."""
    module, _, name = class_path.rpartition(".")
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    tree = ast.parse(Path(spec.origin).read_text())
    for node in tree.body:  # a re-export (from x.y import Model): read the class where it is defined
        if isinstance(node, ast.ImportFrom) and node.module and any(a.name == name for a in node.names):
            return _class_source(f"{node.module}.{name}") if node.level == 0 else None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            methods = {item.name: item for item in node.body if isinstance(item, ast.FunctionDef)}
            defaults: dict[str, Any] = {}
            init = methods.get("__init__")
            if init is not None:
                positional = init.args.posonlyargs + init.args.args
                pairs = list(zip(positional[len(positional) - len(init.args.defaults) :], init.args.defaults))
                pairs += [(a, d) for a, d in zip(init.args.kwonlyargs, init.args.kw_defaults) if d is not None]
                for arg, default in pairs:
                    try:
                        defaults[arg.arg] = ast.literal_eval(default)
                    except ValueError:
                        continue
            return defaults, [m for m in _OWN_GROUPS if m in methods]
    return None


def _settings_series(path: Path, data: dict[str, Any], steps_per_epoch: int) -> list[Series] | None:
    """A fit config's schedule from its settings alone (``--steps-per-epoch`` given): neither Lightning nor
    jsonargparse is imported. ``None`` where the model's class cannot be read without importing it."""
    from lightning_warmup.hparams import check_known, peak_lr, schedule_from_hparams

    model = data.get("model")
    if not isinstance(model, dict) or not isinstance(model.get("class_path"), str):
        return None
    found = _class_source(model["class_path"])
    if found is None:
        return None
    defaults, own_groups = found
    hparams = {**defaults, **(model.get("init_args") or {})}
    check_known(hparams, owner=model["class_path"].rpartition(".")[2])
    config, interval = schedule_from_hparams(hparams)
    run = _run(interval, steps_per_epoch, *_yaml_limits(data))
    check_before_training(config, run.max_epochs, run.max_steps)
    if own_groups:
        print(
            f"{path.name}: drawn from the settings (lr={peak_lr(hparams):g}) without building the model; "
            f"its class defines {', '.join(own_groups)}, so its own param groups are drawn when the model is "
            "built: leave out --steps-per-epoch for that"
        )
    return _plan_series(path, config, [peak_lr(hparams)], ["lr"], run, interval)


def _yaml_limits(data: dict[str, Any]) -> tuple[int | None, int | None]:
    """``max_epochs`` and ``max_steps`` as the config's trainer will have them (Lightning's defaults)."""
    trainer = data.get("trainer") or {}
    max_epochs, max_steps = trainer.get("max_epochs"), trainer.get("max_steps")
    max_steps = None if max_steps in (None, -1) else int(max_steps)
    if max_epochs in (None, -1):
        max_epochs = 1000 if max_steps is None else None  # Lightning's Trainer default
    return (None if max_epochs is None else int(max_epochs)), max_steps


_OURS = ("lightning_warmup.WarmupCosLR", "lightning_warmup.scheduler.WarmupCosLR")


def _cli_scheduler_series(
    path: Path, data: dict[str, Any], steps_per_epoch: int | None, flags: list[str]
) -> list[Series]:
    """LightningCLI's own route (``optimizer:`` + ``lr_scheduler: WarmupCosLR``), stepped per optimizer step."""
    spec, optimizer = data["lr_scheduler"], data.get("optimizer") or {}
    class_path = spec.get("class_path") if isinstance(spec, dict) else spec
    if class_path not in _OURS:
        raise UsageError(
            f"plot draws WarmupCosLR, and lr_scheduler in {str(path)!r} is {class_path!r}: "
            "draw it beside one with --compare"
        )
    init_args = dict(spec.get("init_args") or {}) if isinstance(spec, dict) else {}
    lr = (optimizer.get("init_args") or {}).get("lr", 1e-3) if isinstance(optimizer, dict) else 1e-3
    config = ScheduleConfig(**init_args)
    if steps_per_epoch is None:
        from lightning_warmup.lightning_cli import make_cli

        cli = make_cli(
            ["--config", str(path), *flags, "--trainer.logger=false", "--trainer.enable_checkpointing=false"],
            run=False,
        )
        steps_per_epoch = _measured_steps_per_epoch(cli)
    run = _run("step", steps_per_epoch, *_yaml_limits(data))
    check_before_training(config, run.max_epochs, run.max_steps)
    return _plan_series(path, config, [float(lr)], ["lr"], run, "step")


def _plan_series(
    path: Path, config: ScheduleConfig, lrs: list[float], names: list[str], run: Run, interval: str
) -> list[Series]:
    plan = resolve(config, lrs, run).plan
    timeline = Timeline(plan.shape)
    total = plan.shape.total_steps
    ticks = max(n for n in (total, run.end_tick, 1) if n is not None)
    if total is not None:
        ticks += max(1, total // 20)  # a little past the end, to show the floor is held
    unit = "optimizer step" if interval == "step" else "epoch"
    suffix = len(plan.levels) > 1
    return [
        _curve_series(f"{path.stem}{f' [{name}]' if suffix else ''}", unit, timeline, levels, ticks)
        for name, levels in zip(names, plan.levels)
    ]


def _hydra_series(path: Path, targets: dict[str, dict[str, Any]]) -> list[Series]:
    """A Hydra config's schedulers (``key: {_target_: lightning_warmup.WarmupCosLR, ...}``), read as Hydra reads
    them (OmegaConf: ``1e-3`` is a float), drawn over their own length."""
    try:
        from omegaconf import OmegaConf

        loaded = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
        assert isinstance(loaded, dict)
        targets = {key: loaded[key] for key in targets}
    except ImportError:
        pass  # plain YAML: a number written 1e-3 stays a string, and the setting says so
    series: list[Series] = []
    for key, spec in targets.items():
        init_args = {k: v for k, v in spec.items() if k not in HYDRA_KEYS and k != "optimizer"}
        peak = init_args.get("lr", init_args.get("learning_rate"))
        lr = float(peak) if isinstance(peak, (int, float)) else 0.1
        total = init_args.get("total_steps")
        ticks = int(total) + max(1, int(total) // 20) if isinstance(total, int) else 100
        item = stepped_series(str(spec["_target_"]), init_args, lr, ticks, "tick", f"{path.stem} [{key}]")
        item.panel = path.name
        series.append(item)
    return series


_OVERRIDABLE = ("trainer.", "model.", "data.", "optimizer.", "lr_scheduler.")


def _overrides(rest: list[str]) -> list[tuple[str, str]]:
    """``fit``'s own overrides (``--trainer.max_epochs 5``, ``--model.init_args.lr=0.01``) as (key, value)."""
    pairs: list[tuple[str, str]] = []
    items = iter(rest)
    for item in items:
        key, sep, value = item.partition("=")
        if not key.startswith("--") or not key[2:].startswith(_OVERRIDABLE):
            raise UsageError(f"unrecognized argument {item!r}: plot takes fit's --trainer.*, --model.*, --data.* flags")
        if not sep:
            value = next(items, "")
            if not value:
                raise UsageError(f"{key} needs a value, e.g. {key}=5")
        pairs.append((key[2:], value))
    return pairs


def _apply(data: dict[str, Any], overrides: list[tuple[str, str]]) -> None:
    """Each override into the config read from YAML, as LightningCLI applies it (``model.lr``: init_args)."""
    import yaml

    for key, value in overrides:
        parts = key.split(".")
        if parts[0] in ("model", "data", "optimizer", "lr_scheduler") and parts[1] not in ("class_path", "init_args"):
            parts = [parts[0], "init_args", *parts[1:]]
        node = data
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = yaml.safe_load(value)


def _without_ckpt_path(path: Path) -> Path:
    """A copy of the config without fit's ``ckpt_path`` (LightningCLI reads it only under ``fit``)."""
    import tempfile

    import yaml

    data = yaml.safe_load(path.read_text())
    data.pop("ckpt_path", None)
    copy = Path(tempfile.mkdtemp()) / path.name
    copy.write_text(yaml.safe_dump(data))
    return copy


def series_from_config(
    path: Path, steps_per_epoch: int | None, overrides: Sequence[tuple[str, str]] = ()
) -> list[Series]:
    """The curves a config will follow: one per param group, or one per listed scheduler.

    ``overrides`` are ``fit``'s own flags (``("trainer.max_epochs", "5")``), applied as ``fit`` would.
    """
    data = _load_yaml(path)
    flags = [f"--{key}={value}" for key, value in overrides]
    if overrides and ("plot" in data or "model" not in data):
        raise UsageError(f"--trainer.* / --model.* flags apply to fit configs; {str(path)!r} is not one")
    _apply(data, list(overrides))
    if "plot" in data:
        spec = data["plot"] or {}
        if not isinstance(spec, dict):
            raise UsageError(
                f"plot: in {str(path)!r} must be a mapping (lr, ticks, unit, schedulers), got {type(spec).__name__}"
            )
        schedulers = spec.get("schedulers") or []
        if not isinstance(schedulers, list) or not schedulers:
            raise UsageError(
                f"plot: in {str(path)!r} lists no schedulers: add schedulers: [{{class_path: ..., init_args: ...}}]"
            )
        lr, ticks, unit = float(spec.get("lr", 0.1)), int(spec.get("ticks", 100)), str(spec.get("unit", "tick"))
        for item in schedulers:
            if not isinstance(item, dict) or "class_path" not in item:
                raise UsageError(f"each scheduler under plot.schedulers needs a class_path, got {item!r}")
        return [
            stepped_series(s["class_path"], dict(s.get("init_args") or {}), lr, ticks, unit, s.get("label"))
            for s in schedulers
        ]
    targets = {key: value for key, value in data.items() if isinstance(value, dict) and "_target_" in value}
    if "model" not in data and targets:
        return _hydra_series(path, targets)
    if "model" not in data:
        raise UsageError(
            f"config {str(path)!r} has neither 'model:' (a fit config), 'plot:' (a plot config) nor a "
            "scheduler's '_target_:' (a Hydra config)"
        )
    if data.get("lr_scheduler"):
        return _cli_scheduler_series(path, data, steps_per_epoch, flags)
    if steps_per_epoch is not None:
        series = _settings_series(path, data, steps_per_epoch)
        if series is not None:
            return series
    from lightning_warmup.hparams import schedule_from_hparams
    from lightning_warmup.lightning_cli import make_cli
    from lightning_warmup.mixin import WarmupCosLRMixin

    if "ckpt_path" in data:  # fit's resume point: the plot shows the plan the settings give, from tick 0
        check_ckpt_path(data["ckpt_path"], f"ckpt_path in {str(path)!r}")
        path = _without_ckpt_path(path)
    cli = make_cli(
        ["--config", str(path), *flags, "--trainer.logger=false", "--trainer.enable_checkpointing=false"], run=False
    )
    model = cli.model
    if not isinstance(model, WarmupCosLRMixin):
        raise UsageError(f"{type(model).__name__} in {str(path)!r} is not a WarmupCosLRMixin: nothing to plot")
    config, interval = schedule_from_hparams(model.schedule_hparams())
    trainer = cli.trainer
    run = _run(
        interval,
        steps_per_epoch if steps_per_epoch is not None else _measured_steps_per_epoch(cli),
        trainer.max_epochs if trainer.max_epochs not in (None, -1) else None,
        trainer.max_steps if trainer.max_steps != -1 else None,
    )
    check_before_training(config, run.max_epochs, run.max_steps)
    optimizer = model.build_optimizer(model.build_param_groups())
    lrs = [float(group["lr"]) for group in optimizer.param_groups]
    names = [group.get("name", f"pg{i + 1}") for i, group in enumerate(optimizer.param_groups)]
    return _plan_series(path, config, lrs, names, run, interval)


def _table(series: Series) -> str:
    rows = [f"{series.label} (x axis: {series.unit}s)", f"  {'point':<20} {'tick':>10} {'lr':>12}"]
    rows += [f"  {name:<20} {t:>10} {series.at(t):>12.4e}" for name, t in series.points]
    return "\n".join(rows)


def figure(series: Sequence[Series], log_scale: bool = False) -> Any:
    """One panel per config, every series of it drawn, phase changes marked: a matplotlib ``Figure``.

    An epoch schedule is drawn held for each epoch (steps, as the LR really is); series
    that coincide get their own dash pattern so that each stays visible; ``log_scale``
    draws the LR on a log axis (a floor of 0 is then off the axis).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = list(dict.fromkeys(item.panel for item in series))
    drawn, all_axes = plt.subplots(len(panels), 1, figsize=(11, 3.6 * len(panels)), squeeze=False)
    styles = {
        "warmup end": ("tab:green", "--"),
        "hold end": ("tab:olive", "--"),
        "restart": ("tab:purple", ":"),
        "end": ("tab:red", "--"),
    }
    dashes = ["-", "--", ":", "-."]
    for panel, axes in zip(panels, all_axes[:, 0]):
        shown: set[str] = set()
        members = [item for item in series if item.panel == panel]
        for index, item in enumerate(members):
            same = any(np.array_equal(item.lrs, other.lrs) for other in members[:index])
            axes.plot(
                item.x(),
                item.lrs,
                label=item.label + (" (same curve as above)" if same else ""),
                linewidth=1.4 if not same else 2.2,
                linestyle=dashes[index % len(dashes)] if same else "-",
                drawstyle="steps-post" if item.unit == "epoch" else "default",
            )
            for kind, ticks in item.marks.items():
                color, style = styles[kind]
                for t in ticks:
                    axes.axvline(
                        t,
                        color=color,
                        linestyle=style,
                        linewidth=0.9,
                        alpha=0.6,
                        label=kind if kind not in shown else None,
                    )
                    shown.add(kind)
        axes.set_xlabel(" / ".join(sorted({item.unit for item in members})))
        axes.set_ylabel("learning rate" + (" (log scale)" if log_scale else ""))
        if log_scale:
            axes.set_yscale("log")
        axes.set_title(panel)
        axes.grid(True, alpha=0.3)
        axes.legend(loc="upper right", fontsize=8)
    drawn.tight_layout()
    return drawn


def draw(series: Sequence[Series], out: Path, log_scale: bool = False) -> None:
    """:func:`figure`, written to a PNG."""
    import matplotlib.pyplot as plt

    drawn = figure(series, log_scale)
    out.parent.mkdir(parents=True, exist_ok=True)
    drawn.savefig(out, dpi=110)
    plt.close(drawn)


def write_csv(series: Sequence[Series], path: Path) -> None:
    """One row per tick, one column per series (empty past a shorter series' end, or at a tick a sampled
    series does not hold)."""
    rows = np.unique(np.concatenate([item.x() for item in series]))
    columns = [dict(zip(item.x().tolist(), item.lrs.tolist())) for item in series]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        f.write(",".join(["tick", *(item.label.replace(",", ";") for item in series)]) + "\n")
        for t in rows.tolist():
            f.write(",".join([str(t), *(repr(column[t]) if t in column else "" for column in columns)]))
            f.write("\n")


def _plot_logdir(logdir: Path, out: Path) -> list[Series]:
    """``--logdir``: every run's logged LR over its plan, to ``out``, and a summary printed."""
    from lightning_warmup.logdir import draw_runs, read_runs, summary

    runs = read_runs(logdir)
    draw_runs(runs, out, root=logdir)
    print(summary(runs, logdir))
    print(f"\nwrote {out}")
    return []


def plot_main(argv: Sequence[str]) -> list[Series]:
    """``lightning-warmup plot``: parse ``argv``, draw, print the key points. Returns what it drew."""
    parser = argparse.ArgumentParser(
        prog="lightning-warmup plot",
        exit_on_error=False,
        description="Draw the LR schedule of configs without training.",
    )
    parser.add_argument("configs", nargs="*", type=Path, help="fit configs or plot configs (YAML)")
    parser.add_argument("--steps-per-epoch", type=int, help="optimizer steps per epoch (default: from the datamodule)")
    parser.add_argument("--out", type=Path, default=Path("lr_schedule.png"), help="the PNG to write")
    parser.add_argument("--csv", type=Path, help="also write the LR of every tick to this CSV file")
    parser.add_argument(
        "--compare",
        action="append",
        default=[],
        metavar="CLASS_PATH[:key=value,...]",
        help="a torch.optim.lr_scheduler class to draw beside (repeatable)",
    )
    parser.add_argument("--lr", type=float, help="initial LR of --compare schedulers (default: the first peak)")
    parser.add_argument("--log-scale", action="store_true", help="draw the LR on a log axis (small floors)")
    parser.add_argument(
        "--logdir",
        type=Path,
        help="draw the LR each run under this TensorBoard directory logged, over its plan (instead of CONFIGs)",
    )
    try:
        args, rest = parser.parse_known_args(list(argv))
    except argparse.ArgumentError as error:
        raise UsageError(str(error)) from None
    overrides = _overrides(rest)
    if args.logdir is not None:
        if args.configs or args.compare:
            raise UsageError("--logdir draws logged runs: give it without CONFIG or --compare")
        return _plot_logdir(args.logdir, args.out)
    if not args.configs and not args.compare:
        raise UsageError("plot needs at least one CONFIG, --compare or --logdir")
    if args.lr is not None and not (math.isfinite(args.lr) and args.lr > 0):
        raise UsageError(f"--lr must be a positive number, got --lr {args.lr}")
    if args.steps_per_epoch is not None and args.steps_per_epoch < 1:
        raise UsageError(f"--steps-per-epoch must be >= 1, got {args.steps_per_epoch}")
    series: list[Series] = []
    for path in args.configs:
        for item in series_from_config(path, args.steps_per_epoch, overrides):
            item.panel = path.name
            series.append(item)
    ticks = max((item.length for item in series), default=100)
    if ticks > MAX_DRAWN_TICKS and args.compare:
        print(f"--compare schedulers are stepped for their first {MAX_DRAWN_TICKS:,} ticks")
        ticks = MAX_DRAWN_TICKS
    lr = args.lr if args.lr is not None else (float(series[0].lrs.max()) if series else 0.1)
    unit = series[0].unit if series else "tick"
    for spec in args.compare:
        class_path, init_args = _parse_compare(spec)
        compared = stepped_series(class_path, init_args, lr, ticks, unit)
        compared.panel = series[0].panel if series else "compared"
        series.append(compared)
    for flag, target in (("--out", args.out), ("--csv", args.csv)):
        if target is not None and target.is_dir():
            name = "lr.png" if flag == "--out" else "lr.csv"
            raise UsageError(f"{flag} {str(target)!r} is a directory: give a file name, e.g. {target / name}")

    def draw_png(drawn: Sequence[Series], out: Path) -> None:
        draw(drawn, out, args.log_scale)

    for flag, target, write in (("--out", args.out, draw_png), ("--csv", args.csv, write_csv)):
        if target is None:
            continue
        try:
            write(series, target)
        except OSError as error:
            raise UsageError(f"cannot write {flag} {str(target)!r}: {error.strerror} ({error.filename})") from None
    print("\n\n".join(_table(item) for item in series))
    print(f"\nwrote {args.out}" + (f" and {args.csv}" if args.csv is not None else ""))
    return series
