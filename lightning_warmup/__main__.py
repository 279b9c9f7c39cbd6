"""``python -m lightning_warmup`` is the ``lightning-warmup`` command."""

import sys

from lightning_warmup.cli import main

sys.exit(main())
