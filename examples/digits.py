"""The digits classifier and data (scikit-learn's handwritten digits), as the configs in ``configs/`` name them.

They live in the package, :mod:`lightning_warmup.recipes.digits`, so that they also work from an
installed package; this module keeps the ``examples.digits.*`` class paths of the configs.
"""

from lightning_warmup.recipes.digits import DigitsClassifier, DigitsDataModule, DigitsNet

__all__ = ["DigitsClassifier", "DigitsDataModule", "DigitsNet"]
