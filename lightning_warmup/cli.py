"""The ``lightning-warmup`` command: ``fit`` (Lightning's own CLI) and ``plot`` (no training).

``lightning-warmup fit --config configs/digits_step.yaml`` is ``LightningCLI``:
every ``Trainer`` flag and model argument works from YAML or the command line,
``WarmupCosLRCallback`` is added when missing, and TensorBoard logs by default.
``lightning-warmup plot CONFIG...`` draws the schedule a config will follow.
Bad configs end with a one-line error and exit code 2.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from lightning_warmup.errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent
USAGE = """usage: lightning-warmup {fit,validate,test,predict} --config CONFIG.yaml [--trainer.FLAG VALUE ...]
       lightning-warmup plot CONFIG.yaml [CONFIG.yaml ...] [--steps-per-epoch N] [--out PNG] [--csv CSV]
                                         [--compare CLASS_PATH[:key=value,...]] [--lr LR]
       lightning-warmup plot --logdir DIR [--out PNG]   (each run's logged LR over its plan)"""


def _ours(error: BaseException) -> bool:
    """Raised by our validation or by the argument parser (not deep in a user's training code)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return True
    innermost = Path(frames[-1].filename).resolve()
    return PACKAGE_DIR in innermost.parents or "jsonargparse" in innermost.parts


def _one_line(message: str) -> str:
    """The error on one line; for jsonargparse's union errors, just the problem with the given class."""
    text = " ".join(line.strip() for line in str(message).strip().splitlines() if line.strip())
    found = re.search(r"Problem with given class_path '([^']+)': (.*?)(?: - Expected a <class 'NoneType'>.*)?$", text)
    return f"{found.group(1)}: {found.group(2)}" if found else text


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lightning-warmup`` command. Returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    # Class paths in configs (examples.digits.DigitsClassifier) resolve from the working directory,
    # as they do under ``python -m``.
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if args else 2
    try:
        if args[0] == "plot":
            from lightning_warmup.plot import plot_main  # noqa: PLC0415 - plotting is optional

            plot_main(args[1:])
        else:
            from lightning_warmup.lightning_cli import make_cli

            make_cli(None if argv is None else args)
    except UsageError as error:
        print(f"lightning-warmup: error: {_one_line(str(error))}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, KeyError, ImportError) as error:
        if not _ours(error):
            raise
        print(f"lightning-warmup: error: {_one_line(str(error))}", file=sys.stderr)
        return 2
    except Exception as error:  # jsonargparse's ArgumentError and friends
        if type(error).__name__ != "ArgumentError":
            raise
        print(f"lightning-warmup: error: {_one_line(str(error))}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
