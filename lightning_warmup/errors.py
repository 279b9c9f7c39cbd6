"""The errors lightning-warmup raises for what a user asked for.

``SettingError`` (a ``ValueError``) and ``SettingTypeError`` (a ``TypeError``) name
the setting, the value and the fix, and are raised before training starts where
the settings allow. Code that catches ``ValueError`` / ``TypeError`` catches them
too; the ``lightning-warmup`` command shows them, and ``UsageError``, as one line
with exit code 2, while any other exception keeps its traceback.
"""

from __future__ import annotations

__all__ = ["SettingError", "SettingTypeError", "UsageError"]


class UsageError(Exception):
    """A mistake in how the ``lightning-warmup`` command was called: shown as one line, exit code 2."""


class SettingError(ValueError):
    """A schedule setting, or the run it meets, that cannot work."""


class SettingTypeError(TypeError):
    """A schedule setting of the wrong type."""
