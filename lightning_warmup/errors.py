"""The errors lightning-warmup raises for what a user asked for.

``SettingError`` (a ``ValueError``) and ``SettingTypeError`` (a ``TypeError``) name
the setting, the value and the fix, and are raised before training starts where
the settings allow. Code that catches ``ValueError`` / ``TypeError`` catches them
too; the ``lightning-warmup`` command shows them, and ``UsageError``, as one line
with exit code 2, while any other exception keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SettingError", "SettingTypeError", "UsageError", "check_ckpt_path"]


class UsageError(Exception):
    """A mistake in how the ``lightning-warmup`` command was called: shown as one line, exit code 2."""


class SettingError(ValueError):
    """A schedule setting, or the run it meets, that cannot work."""


class SettingTypeError(TypeError):
    """A schedule setting of the wrong type."""


def check_ckpt_path(value: object, given_as: str) -> None:
    """A checkpoint path that names no file (Lightning's 'last', 'best', 'hpc', 'registry' and URLs aside).

    Raises:
        UsageError: ``value`` is a path that does not exist; ``given_as`` says where the user wrote it.
    """
    if not isinstance(value, str) or value in ("last", "best", "hpc", "registry", "null", "") or "://" in value:
        return
    if not Path(value).exists():
        raise UsageError(f"{given_as} {value!r} does not exist: give a checkpoint file, or 'last' / 'best'")
