"""Every schedule setting, declared once: its unit, bounds, default and the settings it excludes.

This table drives the validation of :class:`~lightning_warmup.config.ScheduleConfig`,
the keys :class:`~lightning_warmup.WarmupCosLRMixin` reads from ``hparams``, the
look-alike check on those keys, the command's help and the README's argument
table (a test keeps the README and ``WarmupCosLR``'s signature in step with it).
Stdlib only.

Examples:
    >>> SETTINGS["hold_epochs"].unit, SETTINGS["hold_epochs"].exclusive
    ('epochs', ('hold_steps', 'hold_epochs', 'hold_ratio'))
    >>> [s.name for s in SCHEMA if s.unit == "ratio"]
    ['warmup_ratio', 'hold_ratio']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["EPOCH_SETTINGS", "EXCLUSIVE", "SCHEMA", "SETTINGS", "TOTAL_SETTINGS", "Setting"]

Unit = Literal["ticks", "epochs", "ratio", "lr", "fraction", "factor", "bool"]
"""``ticks``: a whole number of scheduler steps; ``epochs``: a (fractional) number of epochs;
``ratio``: a fraction of the total; ``lr``: a learning rate, one or one per param group;
``fraction``: a number in [0, 1]; ``factor``: a positive multiplier; ``bool``: True or False."""


@dataclass(frozen=True)
class Setting:
    """One setting of the schedule.

    Attributes:
        name: the argument name (``WarmupCosLR``'s, the mixin's hparam, the config key).
        unit: what the number counts (see :data:`Unit`).
        default: the value when it is not given; ``None`` where another setting of
            its group, or the run, decides.
        doc: one line for the README and the help.
        exclusive: the settings that say the same thing (at most one of them may be given).
        low: the smallest allowed value (``None``: no bound).
        low_open: whether ``low`` itself is refused.
        high: the largest allowed value.
        high_open: whether ``high`` itself is refused.
        epochs_twin: for a length in ticks, its name in epochs (used in hints).
    """

    name: str
    unit: Unit
    default: float | bool | None
    doc: str
    exclusive: tuple[str, ...] = ()
    low: float | None = None
    low_open: bool = False
    high: float | None = None
    high_open: bool = False
    epochs_twin: str | None = None

    @property
    def per_group(self) -> bool:
        """Whether one value per param group may be given."""
        return self.unit == "lr"


_WARMUP = ("warmup_steps", "warmup_epochs", "warmup_ratio")
_HOLD = ("hold_steps", "hold_epochs", "hold_ratio")
_TOTAL = ("total_steps", "epochs")
_FLOOR = ("min_lr", "min_lr_ratio")
_START = ("warmup_factor", "warmup_start_lr")
_CYCLE = ("cycle_steps", "cycle_epochs")

SCHEMA: tuple[Setting, ...] = (
    Setting(
        "warmup_steps", "ticks", None, "the warmup in ticks. Default 0.", _WARMUP, low=0, epochs_twin="warmup_epochs"
    ),
    Setting("warmup_epochs", "epochs", None, "the warmup in epochs (fractions allowed).", _WARMUP, low=0),
    Setting(
        "warmup_ratio", "ratio", None, "the warmup as a fraction of the total.", _WARMUP, low=0, high=1, high_open=True
    ),
    Setting(
        "hold_steps",
        "ticks",
        None,
        "ticks held at the peak after the warmup, before the cosine. Default 0.",
        _HOLD,
        low=0,
        epochs_twin="hold_epochs",
    ),
    Setting("hold_epochs", "epochs", None, "the hold in epochs (fractions allowed).", _HOLD, low=0),
    Setting("hold_ratio", "ratio", None, "the hold as a fraction of the total.", _HOLD, low=0, high=1, high_open=True),
    Setting(
        "total_steps",
        "ticks",
        None,
        "the whole schedule, warmup and hold included, in ticks.",
        _TOTAL,
        low=1,
        epochs_twin="epochs",
    ),
    Setting("epochs", "epochs", None, "the whole schedule in epochs.", _TOTAL, low=0, low_open=True),
    Setting(
        "steps_per_epoch",
        "ticks",
        None,
        'ticks per epoch. `None` means 1; the callback sets it from the trainer for `interval="step"`.',
        low=1,
    ),
    Setting(
        "lr",
        "lr",
        None,
        "the peak: `None` keeps each group's own LR (ratios kept), a float for every group, "
        "or one per group (alias `learning_rate`).",
        low=0,
    ),
    Setting("min_lr", "lr", None, "the floor, absolute (float or per group). Default 0.", _FLOOR, low=0),
    Setting("min_lr_ratio", "fraction", None, "the floor as a fraction of each group's peak.", _FLOOR, low=0, high=1),
    Setting(
        "warmup_factor",
        "fraction",
        None,
        "the warmup starts at `warmup_factor * peak`. Default 0.1.",
        _START,
        low=0,
        high=1,
    ),
    Setting(
        "warmup_start_lr", "lr", None, "the warmup starts at this absolute LR (float or per group).", _START, low=0
    ),
    Setting(
        "warmup_inclusive",
        "bool",
        False,
        "`True`: the last warmup tick is already at the peak (Bolts / ConvNeXt style).",
    ),
    Setting(
        "cycle_steps",
        "ticks",
        None,
        "cosine restarts: the first cycle's length in ticks, its warmup and hold included.",
        _CYCLE,
        low=1,
        epochs_twin="cycle_epochs",
    ),
    Setting("cycle_epochs", "epochs", None, "the first cycle's length in epochs.", _CYCLE, low=0, low_open=True),
    Setting(
        "cycle_mult",
        "factor",
        1.0,
        "each cycle's annealing part is the previous one's times this, rounded down.",
        low=0,
        low_open=True,
    ),
    Setting(
        "cycle_decay",
        "factor",
        1.0,
        "each cycle's peak is the previous one's times this (seed 003's `gamma`).",
        low=0,
        low_open=True,
    ),
    Setting("cycle_warmup", "bool", True, "`True`: every cycle warms up (and holds) again; `False`: only the first."),
)

SETTINGS: dict[str, Setting] = {setting.name: setting for setting in SCHEMA}
EXCLUSIVE: tuple[tuple[str, ...], ...] = tuple(dict.fromkeys(s.exclusive for s in SCHEMA if s.exclusive))
"""The groups of settings of which at most one may be given."""
EPOCH_SETTINGS: tuple[str, ...] = tuple(s.name for s in SCHEMA if s.unit == "epochs")
TOTAL_SETTINGS: tuple[str, ...] = ("total_steps", "epochs", "cycle_steps", "cycle_epochs")
"""Settings that give the schedule an end (or endless restarts): without one, the run's length is used."""


def markdown_table() -> str:
    """The README's argument table, made from the schema.

    Examples:
        >>> markdown_table().splitlines()[2]
        '| `warmup_steps` | ticks | the warmup in ticks. Default 0. |'
    """
    rows = ["| argument | unit | meaning |", "|---|---|---|"]
    rows += [f"| `{s.name}` | {s.unit} | {s.doc} |" for s in SCHEMA]
    return "\n".join(rows)
