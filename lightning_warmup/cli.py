"""The ``lightning-warmup`` command: ``fit`` (Lightning's own CLI) and ``plot`` (no training).

``lightning-warmup fit --config configs/digits_step.yaml`` is ``LightningCLI``:
every ``Trainer`` flag and model argument works from YAML or the command line,
``WarmupCosLRCallback`` is added when missing, and TensorBoard logs by default.
``lightning-warmup plot CONFIG...`` draws the schedule a config will follow.
Bad configs end with a one-line error and exit code 2.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from lightning_warmup.errors import SettingError, SettingTypeError, UsageError, check_ckpt_path

USAGE = """usage: lightning-warmup {fit,validate,test,predict} --config CONFIG.yaml [--trainer.FLAG VALUE ...]
       lightning-warmup plot CONFIG.yaml [CONFIG.yaml ...] [--steps-per-epoch N] [--out PNG] [--csv CSV]
                                         [--compare CLASS_PATH[:key=value,...]] [--lr LR] [--log-scale]
       lightning-warmup plot --logdir DIR [--out PNG]   (each run's logged LR over its plan)"""


#: The packages each extra brings, by the name they are imported as.
EXTRAS = {
    "plot": ("matplotlib", "numpy", "yaml", "tensorboard"),
    "cli": ("jsonargparse", "yaml", "tensorboard", "docstring_parser", "typeshed_client"),
}


def _help_notes() -> str:
    """Where the settings are: the mixin's keys (from the schema) and LightningCLI's own help."""
    from lightning_warmup.hparams import KNOWN_KEYS

    keys = ", ".join(KNOWN_KEYS)
    return (
        "\nfit, validate, test, predict: LightningCLI. A WarmupCosLRMixin model reads these model.init_args:\n"
        f"  {keys}\n"
        "  (README: 'Config keys of the mixin'). `lightning-warmup fit --help` lists every flag;\n"
        "  `lightning-warmup fit --config CONFIG.yaml --print_config` shows the config as it resolves.\n"
        "plot: `lightning-warmup plot --help`."
    )


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
        if args:
            print(_help_notes())
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

        paths = _config_paths(args)
        for path in paths:
            _check_config(path, alone=len(paths) == 1)
        _check_ckpt_path(args)

        make_cli(None if from_command_line else args)
    return 0


def _config_paths(args: list[str]) -> list[Path]:
    """The files given with ``--config PATH`` or ``--config=PATH``."""
    paths = [Path(b) for a, b in itertools.pairwise(args) if a == "--config"]
    return paths + [Path(a.partition("=")[2]) for a in args if a.startswith("--config=")]


def _check_ckpt_path(args: list[str]) -> None:
    """``--ckpt_path FILE`` that does not exist: one line, before anything is built."""
    given = [b for a, b in itertools.pairwise(args) if a == "--ckpt_path"]
    for path in given + [a.partition("=")[2] for a in args if a.startswith("--ckpt_path=")]:
        check_ckpt_path(path, "--ckpt_path")


def _check_config(path: Path, alone: bool) -> None:
    """The mistakes a fit config can have before LightningCLI reads it, each in one line with its fix."""
    import importlib.util

    import yaml

    try:
        data = yaml.safe_load(path.read_text())
    except OSError as error:
        raise UsageError(f"cannot read --config {str(path)!r}: {error.strerror}") from None
    except yaml.YAMLError:
        return  # LightningCLI says where
    example = "e.g. configs/digits_step.yaml"
    if not data:
        raise UsageError(f"--config {str(path)!r} is empty: a fit config needs at least model: ({example})")
    if isinstance(data, dict):
        check_ckpt_path(data.get("ckpt_path"), f"ckpt_path in {str(path)!r}")
    model = data.get("model") if isinstance(data, dict) else None
    if alone and isinstance(model, dict) and "class_path" not in model:  # several configs merge: not a mistake
        raise UsageError(
            f"model: in {str(path)!r} has no class_path: write model: {{class_path: your.module.Model, "
            f"init_args: {{...}}}} ({example})"
        )
    class_path = model.get("class_path") if isinstance(model, dict) else None
    if isinstance(class_path, str) and "." in class_path:
        module = class_path.rpartition(".")[0]
        try:
            found = importlib.util.find_spec(module)
        except ImportError as error:
            found, reason = None, str(error)
        else:
            reason = f"No module named {module!r}"
        if found is None:
            raise UsageError(
                f"cannot import model class_path {class_path!r} ({reason}): run from the directory that holds "
                f"{module.partition('.')[0]!r}, or add that directory to PYTHONPATH"
            )


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
