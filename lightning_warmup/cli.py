"""The ``lightning-warmup`` command: ``fit`` (Lightning's own CLI) and ``plot`` (no training).

``lightning-warmup fit --config configs/digits_step.yaml`` is ``LightningCLI``:
every ``Trainer`` flag and model argument works from YAML or the command line,
``WarmupCosLRCallback`` is added when missing, and TensorBoard logs by default.
``lightning-warmup plot CONFIG...`` draws the schedule a config will follow.
Bad configs end with a one-line error and exit code 2.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence

from lightning_warmup.errors import SettingError, SettingTypeError, UsageError

USAGE = """usage: lightning-warmup {fit,validate,test,predict} --config CONFIG.yaml [--trainer.FLAG VALUE ...]
       lightning-warmup plot CONFIG.yaml [CONFIG.yaml ...] [--steps-per-epoch N] [--out PNG] [--csv CSV]
                                         [--compare CLASS_PATH[:key=value,...]] [--lr LR] [--log-scale]
       lightning-warmup plot --logdir DIR [--out PNG]   (each run's logged LR over its plan)"""


#: The packages each extra brings, by the name they are imported as.
EXTRAS = {
    "plot": ("matplotlib", "numpy", "yaml", "tensorboard"),
    "cli": ("jsonargparse", "yaml", "tensorboard", "docstring_parser", "typeshed_client"),
}


def _one_line(error: BaseException) -> str:
    """The error's own text, its lines joined into one."""
    return " ".join(line.strip() for line in str(error).strip().splitlines() if line.strip())


def _argument_errors() -> tuple[type[BaseException], ...]:
    """jsonargparse's parse-time error class, where jsonargparse is installed."""
    try:
        from jsonargparse import ArgumentError
    except ImportError:
        return ()
    return (ArgumentError,)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lightning-warmup`` command. Returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if args else 2
    extra = "plot" if args[0] == "plot" else "cli"
    try:
        with _working_directory_importable():
            return _run(args, argv is None)
    except ModuleNotFoundError as error:
        missing = (error.name or "").partition(".")[0]
        if missing not in EXTRAS[extra]:
            raise
        print(
            f"lightning-warmup: error: {args[0]} needs {missing}, which is not installed: "
            f"pip install 'lightning-warmup[{extra}]'",
            file=sys.stderr,
        )
        return 2
    except (UsageError, SettingError, SettingTypeError, *_argument_errors()) as error:  # type: ignore[misc]
        print(f"lightning-warmup: error: {_one_line(error)}", file=sys.stderr)
        return 2


def _run(args: list[str], from_command_line: bool) -> int:
    if args[0] == "plot":
        from lightning_warmup.plot import plot_main

        plot_main(args[1:])
    else:
        import jsonargparse  # noqa: F401 - the cli extra, checked before Lightning's slow import

        from lightning_warmup.lightning_cli import make_cli

        make_cli(None if from_command_line else args)
    return 0


@contextlib.contextmanager
def _working_directory_importable() -> Iterator[None]:
    """While the command runs, class paths in configs (``examples.digits.DigitsClassifier``) resolve from the
    working directory, as they do under ``python -m``; ``sys.path`` is as it was afterwards."""
    cwd = os.getcwd()
    added = cwd not in sys.path
    if added:
        sys.path.insert(0, cwd)
    try:
        yield
    finally:
        if added and cwd in sys.path:
            sys.path.remove(cwd)


if __name__ == "__main__":
    sys.exit(main())
