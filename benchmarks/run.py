"""What the schedule costs, measured side by side in one run: ``make bench`` (``python -m benchmarks.run``).

Every figure is a ratio of contenders timed in the same run, median of
interleaved repeats (these machines are noisy). Prints one table, writes it to
``benchmarks/results.md`` and puts it in the README between its bench markers.
Peers are measured where they are installed (timm without ``timm/__init__``, see
``benchmarks/peers.py``); one that cannot be imported is reported as not measured.
"""

from __future__ import annotations

import functools
import math
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LambdaLR, LinearLR, SequentialLR

from benchmarks.peers import timm_scheduler, transformers_optimization
from lightning_warmup import WarmupCosLR

ROOT = Path(__file__).resolve().parents[1]
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
STEP_TARGET = 0.7  # step() at most this times the fastest peer

WARMUP, TOTAL = 1_000, 10_000_000
ROWS: list[tuple[str, str, str, str]] = []  # (measure, result, target, verdict)


def say(*parts: object) -> None:
    print(*parts, flush=True)


def interleaved(
    contenders: dict[str, Callable[[], float]], repeats: int, samples: dict[str, list[float]] | None = None
) -> dict[str, float]:
    """Median seconds of each contender, the contenders taking turns ``repeats`` times.

    Each round starts with the next contender, so that no one always runs first (cold) or last.
    """
    seen: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for round_ in range(repeats):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            seen[name].append(contenders[name]())
    if samples is not None:
        samples.update(seen)
    return {name: statistics.median(times) for name, times in seen.items()}


# --------------------------------------------------------------------------- 1. per tick
def closed_form(t: int) -> float:
    if t < WARMUP:
        return 0.1 + 0.9 * t / WARMUP
    return (1 + math.cos(math.pi * (t - WARMUP) / (TOTAL - WARMUP))) / 2


def optimizer(groups: int) -> torch.optim.Optimizer:
    return torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))]} for _ in range(groups)], lr=0.1)


def timed_ticks(make: Callable[[torch.optim.Optimizer], Any], groups: int, ticks: int) -> Callable[[], float]:
    def run() -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scheduler = make(optimizer(groups))
            step = scheduler.step
            start = time.perf_counter()
            for _ in range(ticks):
                step()
            return (time.perf_counter() - start) / ticks

    return run


class PlainAssignment:
    """The floor: write a precomputed LR into every param group."""

    def __init__(self, opt: torch.optim.Optimizer) -> None:
        self.groups, self.t = opt.param_groups, 0

    def step(self) -> None:
        self.t += 1
        lr = 0.1
        for group in self.groups:
            group["lr"] = lr


def per_tick() -> None:
    say("\n[1] per-tick cost of scheduler.step()")
    transformers, timm = transformers_optimization(), timm_scheduler()
    for groups in (1, 8):
        contenders = {
            "plain assignment (floor)": timed_ticks(PlainAssignment, groups, 20_000),
            "WarmupCosLR": timed_ticks(
                lambda o: WarmupCosLR(o, warmup_steps=WARMUP, total_steps=TOTAL), groups, 20_000
            ),
            "LambdaLR, same closed form": timed_ticks(lambda o: LambdaLR(o, closed_form), groups, 20_000),
            "SequentialLR(LinearLR, CosineAnnealingLR)": timed_ticks(
                lambda o: SequentialLR(
                    o, [LinearLR(o, 0.1, 1.0, WARMUP), CosineAnnealingLR(o, TOTAL - WARMUP)], [WARMUP]
                ),
                groups,
                20_000,
            ),
        }
        if transformers is not None:
            contenders["transformers get_cosine_schedule_with_warmup"] = timed_ticks(
                lambda o: transformers.get_cosine_schedule_with_warmup(o, WARMUP, TOTAL), groups, 20_000
            )
        if timm is not None:

            def timm_scheduler_stepped(o: torch.optim.Optimizer) -> Any:
                scheduler = timm.CosineLRScheduler(
                    o, t_initial=TOTAL - WARMUP, warmup_t=WARMUP, warmup_prefix=True, t_in_epochs=False
                )
                counter = iter(range(1, 10**9))
                scheduler.step = lambda: scheduler.step_update(next(counter))
                return scheduler

            contenders["timm CosineLRScheduler.step_update"] = timed_ticks(timm_scheduler_stepped, groups, 20_000)
        medians = interleaved(contenders, repeats=9)
        floor = medians["plain assignment (floor)"]
        ours = medians["WarmupCosLR"]
        peers = {k: v for k, v in medians.items() if k not in ("WarmupCosLR", "plain assignment (floor)")}
        fastest_name, fastest = min(peers.items(), key=lambda kv: kv[1])
        for name, seconds in medians.items():
            say(f"    {groups} group(s)  {name:<48} {seconds * 1e6:7.2f} us  ({seconds / floor:5.1f}x the floor)")
        missing = [name for name, found in (("transformers", transformers), ("timm", timm)) if found is None]
        note = f"; {', '.join(missing)} could not be imported, not measured" if missing else ""
        ROWS.append(
            (
                f"step() cost, {groups} param group{'s' if groups > 1 else ''}",
                f"{ours / fastest:.2f}x the fastest peer ({fastest_name}, {fastest * 1e6:.2f} us); "
                f"{ours / floor:.1f}x a plain assignment of the LR{note}",
                f"<= {STEP_TARGET:.2f}x the fastest peer",
                "met" if ours <= STEP_TARGET * fastest else "NOT met",
            )
        )


# --------------------------------------------------------------------- 2. training loop
def training_overhead() -> None:
    import lightning as L
    from lightning.pytorch.callbacks import LearningRateMonitor
    from lightning.pytorch.loggers import TensorBoardLogger

    from lightning_warmup import WarmupCosLRCallback
    from tests.lit import TinyModel

    say("\n[2] training-loop overhead on a real Trainer (tiny model, 1,600 optimizer steps)")

    class NoScheduler(TinyModel):
        def configure_optimizers(self) -> Any:
            return torch.optim.AdamW(self.build_param_groups(), lr=1e-2)

    class HandLambda(TinyModel):
        def configure_optimizers(self) -> Any:
            opt = torch.optim.AdamW(self.build_param_groups(), lr=1e-2)
            lam = functools.partial(hand_lambda, warmup=8, total=1600)
            return {"optimizer": opt, "lr_scheduler": {"scheduler": LambdaLR(opt, lam), "interval": "step"}}

    class LoopClock(L.Callback):
        """The training loop's time: from the first batch to the end of training (fit start is its own row)."""

        def __init__(self) -> None:
            self.first: float | None = None
            self.loop = 0.0

        def on_train_batch_start(self, *args: Any) -> None:
            if self.first is None:
                self.first = time.perf_counter()

        def on_train_end(self, *args: Any) -> None:
            assert self.first is not None
            self.loop = time.perf_counter() - self.first

    starts: dict[str, list[float]] = {"a": [], "b": [], "c": []}

    def fit(name: str, model_cls: type, callbacks: list, every: int, root: str) -> Callable[[], float]:
        def run() -> float:
            model = model_cls(lr=1e-2, warmup_epochs=1, n=64, batch_size=8, weight_decay=0.01)
            clock = LoopClock()
            trainer = L.Trainer(
                max_epochs=200,
                logger=TensorBoardLogger(root, name="bench"),
                log_every_n_steps=every,
                callbacks=[*(c() for c in callbacks), clock],
                enable_checkpointing=False,
                enable_progress_bar=False,
                enable_model_summary=False,
                accelerator="cpu",
            )
            start = time.perf_counter()
            trainer.fit(model)
            assert clock.first is not None
            starts[name].append(clock.first - start)
            return clock.loop

        return run

    import logging

    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    # The tiny regression converges to an exact fit; denormal gradients would then slow
    # whichever run reaches them first and swamp the differences being measured.
    torch.set_flush_denormal(True)
    with tempfile.TemporaryDirectory() as root, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for every in (1, 50):
            samples: dict[str, list[float]] = {}
            medians = interleaved(
                {
                    "a": fit("a", NoScheduler, [], every, root),
                    "b": fit("b", HandLambda, [LearningRateMonitor], every, root),
                    "c": fit("c", TinyModel, [WarmupCosLRCallback], every, root),
                },
                repeats=8,
                samples=samples,
            )
            base = medians["a"]
            over_b, over_c = medians["b"] - base, medians["c"] - base
            # The noise: how far the repeats of one and the same run stray from their median.
            spread = max(statistics.median(abs(x - medians[k]) for x in v) for k, v in samples.items()) / base
            say(
                f"    log_every_n_steps={every:<3} (a) no scheduler {base:.2f} s; (b) LambdaLR + LearningRateMonitor "
                f"{over_b / base:+.1%}; (c) WarmupCosLRMixin + WarmupCosLRCallback {over_c / base:+.1%}; "
                f"repeats stray by {spread:.1%}"
            )
            verdict = (
                "met" if over_c <= over_b else ("met within noise" if over_c - over_b <= spread * base else "NOT met")
            )
            ROWS.append(
                (
                    f"training-loop overhead over no scheduler, log_every_n_steps={every}",
                    f"(c) {over_c / base:+.1%} vs (b) {over_b / base:+.1%} of {base:.2f} s "
                    f"(repeats stray by {spread:.1%})",
                    "(c) <= (b)",
                    verdict,
                )
            )
        start = {name: statistics.median(times) for name, times in starts.items()}
        say(
            f"    fit start to the first batch: (a) {start['a']:.2f} s, (b) {start['b']:.2f} s, (c) {start['c']:.2f} s "
            "((c) resolves the plan and writes it to TensorBoard: hyperparameters and one point per tick)"
        )
        ROWS.append(
            (
                "fit start, once per fit (plan resolved and logged, API.md 5.4)",
                f"(c) {start['c'] - start['a']:+.2f} s vs (b) {start['b'] - start['a']:+.2f} s over (a) "
                f"{start['a']:.2f} s, for a 1,600-tick plan",
                "reported",
                "reported",
            )
        )


def hand_lambda(t: int, warmup: int, total: int) -> float:
    if t < warmup:
        return 0.1 + 0.9 * t / warmup
    return (1 + math.cos(math.pi * min(t - warmup, total - warmup) / (total - warmup))) / 2


# ---------------------------------------------------------------------- 3. preview
def preview() -> None:
    import numpy as np

    from lightning_warmup.preview import lr_curve

    say("\n[3] the LR of 1,000,000 ticks for a plot")
    ticks = 1_000_000
    scheduler = WarmupCosLR(optimizer(1), warmup_steps=WARMUP, total_steps=ticks)

    def vectorised() -> float:
        start = time.perf_counter()
        lr_curve(scheduler._timeline, scheduler._levels[0], np.arange(ticks))
        return time.perf_counter() - start

    def stepped() -> float:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fresh = WarmupCosLR(optimizer(1), warmup_steps=WARMUP, total_steps=ticks)
            lrs = []
            start = time.perf_counter()
            for _ in range(ticks):
                lrs.append(fresh.optimizer.param_groups[0]["lr"])
                fresh.step()
            return time.perf_counter() - start

    medians = interleaved({"vectorised": vectorised, "stepped": stepped}, repeats=3)
    ratio = medians["stepped"] / medians["vectorised"]
    say(
        f"    vectorised {medians['vectorised'] * 1e3:.1f} ms, stepping a scheduler {medians['stepped']:.2f} s: "
        f"{ratio:.0f}x faster"
    )
    ROWS.append(
        (
            "1,000,000-tick preview vs stepping the scheduler",
            f"{ratio:.0f}x faster ({medians['vectorised'] * 1e3:.0f} ms vs {medians['stepped']:.1f} s)",
            ">= 50x",
            "met" if ratio >= 50 else "NOT met",
        )
    )

    from lightning_warmup.plot import plot_main

    def in_process(steps_per_epoch: int) -> Callable[[], float]:
        def run() -> float:
            out = Path(tempfile.mkdtemp()) / "long.png"
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                plot_main(["configs/digits_step.yaml", "--steps-per-epoch", str(steps_per_epoch), "--out", str(out)])
            return time.perf_counter() - start

        return run

    def whole_command() -> float:
        out = Path(tempfile.mkdtemp()) / "long.png"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "lightning_warmup", "plot", "configs/digits_step.yaml",
             "--steps-per-epoch", "33334", "--out", str(out)],
            cwd=ROOT, capture_output=True, check=True,
        )  # fmt: skip
        return time.perf_counter() - start

    def import_lightning() -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import lightning"], cwd=ROOT, capture_output=True, check=True)
        return time.perf_counter() - start

    import contextlib
    import io
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            in_process(1)()  # imports and first-use costs, not counted
            medians = interleaved(
                {"1M": in_process(33334), "1k": in_process(1), "command": whole_command, "lightning": import_lightning},
                repeats=5,
            )
    finally:
        os.chdir(cwd)
    ratio = medians["command"] / medians["lightning"]
    say(
        f"    `lightning-warmup plot` of a 1,000,020-step config: {medians['1M']:.2f} s in a warm process "
        f"({medians['1k']:.2f} s for 1,020 steps); {medians['command']:.1f} s as a whole command, "
        f"{ratio:.2f}x `python -c 'import lightning'` ({medians['lightning']:.1f} s)"
    )
    ROWS.append(
        (
            "`plot CONFIG --steps-per-epoch N` of a 1,000,000-step schedule, whole command",
            f"{ratio:.2f}x `python -c 'import lightning'` ({medians['command']:.1f} s vs "
            f"{medians['lightning']:.1f} s); {medians['1M']:.2f} s once imported",
            "<= 0.40x `import lightning`",
            "met" if ratio <= 0.4 else "NOT met",
        )
    )


# ------------------------------------------------------------------------ 4. import
def import_cost() -> None:
    say("\n[4] import cost after `import lightning`")
    # Lightning itself may import matplotlib: look at what *our* import adds.
    code = (
        "import sys, time, lightning; before = set(sys.modules); t = time.perf_counter(); import {module}; "
        "print(time.perf_counter() - t, any(m.split('.')[0] == 'matplotlib' for m in set(sys.modules) - before))"
    )

    def child(module: str) -> Callable[[], float]:
        def run() -> float:
            out = subprocess.run(
                [sys.executable, "-c", code.format(module=module)], capture_output=True, text=True, check=True, cwd=ROOT
            ).stdout.split()
            assert out[1] == "False", f"{module} imported matplotlib"
            return float(out[0])

        return run

    alone = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, lightning_warmup; print('matplotlib' in sys.modules, 'lightning' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert alone.stdout.split() == ["False", "False"], alone.stdout
    say("    without Lightning: `import lightning_warmup` imports neither Lightning nor matplotlib")
    medians = interleaved(
        {"package": child("lightning_warmup"), "with the mixin and callback": child("lightning_warmup.mixin")},
        repeats=7,
    )
    for name, seconds in medians.items():
        say(f"    import lightning_warmup ({name}): {seconds * 1e3:.1f} ms, no plotting library imported")
    worst = max(medians.values())
    ROWS.append(
        (
            "`import lightning_warmup` after `import lightning`",
            f"{medians['package'] * 1e3:.1f} ms "
            f"({medians['with the mixin and callback'] * 1e3:.1f} ms with the mixin and callback); "
            "no plotting library",
            "< 50 ms, no plotting library",
            "met" if worst < 0.05 else "NOT met",
        )
    )


# -------------------------------------------------------------------- 5. conversion
def conversion_cost() -> None:
    import logging

    import lightning as L
    from torch.utils.data import DataLoader, Dataset

    from lightning_warmup import WarmupCosLRCallback
    from tests.lit import TinyModel

    say("\n[5] epoch -> step conversion at two dataset sizes")
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)

    class Counting(Dataset):
        def __init__(self, n: int) -> None:
            self.n, self.reads = n, 0

        def __len__(self) -> int:
            return self.n

        def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
            self.reads += 1
            return torch.zeros(4), torch.zeros(1)

    def run(n: int) -> Callable[[], float]:
        def once() -> float:
            data = Counting(n)
            spent: list[float] = []
            reads: list[int] = []

            class Timed(TinyModel):
                def train_dataloader(self) -> DataLoader:
                    return DataLoader(data, batch_size=8)

                def configure_optimizers(self) -> Any:
                    start = time.perf_counter()
                    result = super().configure_optimizers()
                    spent.append(time.perf_counter() - start)
                    reads.append(data.reads)
                    return result

            class TimedCallback(WarmupCosLRCallback):
                def on_train_start(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
                    start = time.perf_counter()
                    super().on_train_start(trainer, pl_module)
                    spent.append(time.perf_counter() - start)
                    reads.append(data.reads)

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                L.Trainer(
                    max_steps=1,
                    logger=False,
                    enable_checkpointing=False,
                    enable_progress_bar=False,
                    enable_model_summary=False,
                    callbacks=[TimedCallback()],
                ).fit(Timed(lr=1e-2, warmup_epochs=1, epochs=10))
            assert reads == [0, 0], f"the conversion read {reads} items"
            return sum(spent)

        return once

    medians = interleaved({"1,000 samples": run(1_000), "1,000,000 samples": run(1_000_000)}, repeats=5)
    for name, seconds in medians.items():
        say(f"    {name}: {seconds * 1e3:.2f} ms, no item read")
    ratio = medians["1,000,000 samples"] / medians["1,000 samples"]
    ROWS.append(
        (
            "epoch -> step conversion, 1,000 vs 1,000,000 samples",
            f"{medians['1,000 samples'] * 1e3:.1f} ms vs {medians['1,000,000 samples'] * 1e3:.1f} ms "
            f"({ratio:.2f}x); no item read",
            "does not grow with the data",
            "met" if ratio < 2 else "NOT met",
        )
    )


SECTIONS = {
    "tick": lambda: per_tick(),
    "preview": lambda: preview(),
    "import": lambda: import_cost(),
    "conversion": lambda: conversion_cost(),
    "fit": lambda: training_overhead(),
}


def main() -> None:
    """Run every section, or those named on the command line (tick, preview, import, conversion, fit)."""
    started = time.perf_counter()
    say(f"lightning-warmup benchmarks: torch {torch.__version__}, Python {sys.version.split()[0]}")
    for name in sys.argv[1:] or SECTIONS:
        SECTIONS[name]()
    lines = ["| measure | result | target | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in ROWS]
    table = "\n".join(lines)
    say("\n" + table)
    header = (
        f"Measured by `make bench` ({time.strftime('%Y-%m-%d')}, torch {torch.__version__}, "
        f"{__import__('os').cpu_count()} CPU cores); medians of interleaved repeats.\n\n"
    )
    if not sys.argv[1:]:  # only a full run replaces the quoted table
        (ROOT / "benchmarks" / "results.md").write_text(header + table + "\n")
        readme = ROOT / "README.md"
        text = readme.read_text()
        before, _, rest = text.partition(README_START)
        _, _, after = rest.partition(README_END)
        readme.write_text(f"{before}{README_START}\n{header}{table}\n{README_END}{after}")
    say(f"\nwrote benchmarks/results.md and the README's table in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
