"""Errors the ``lightning-warmup`` command shows as one line with exit code 2."""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(Exception):
    """A mistake in what the user asked for: shown as one line, exit code 2."""
