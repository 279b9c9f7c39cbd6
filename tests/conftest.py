"""Shared fixtures."""

from __future__ import annotations

import pytest
import torch

from tests.helpers import two_group_optimizer


@pytest.fixture
def optimizer() -> torch.optim.Optimizer:
    return two_group_optimizer()
