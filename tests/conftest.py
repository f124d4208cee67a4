"""Shared pytest set-up: the ``oracle`` marker and the ``gbt`` (pygambit) fixture.

Tests marked ``oracle`` cross-check our solvers with a live pygambit
(``pip install '.[oracle]'``). Without pygambit each of them is skipped, with
the reason; every other test (including the comparisons with Gambit's answers
recorded in ``tests/fixtures/``) runs.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed sequence of examples (derandomized), so that a
# run's verdict does not depend on luck; locally they explore new random examples.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

HAVE_PYGAMBIT = importlib.util.find_spec("pygambit") is not None
NO_PYGAMBIT = (
    "live cross-check against pygambit, which is not installed "
    "(pip install '.[oracle]'); the recorded answers in tests/fixtures/ are checked instead"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if HAVE_PYGAMBIT:
        return
    skip = pytest.mark.skip(reason=NO_PYGAMBIT)
    for item in items:
        if "oracle" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def gbt() -> Any:
    """The pygambit module (the test is skipped where it is not installed)."""
    return pytest.importorskip("pygambit", reason=NO_PYGAMBIT)
