"""Shared pytest set-up: the ``oracle`` marker and the ``gbt`` (pygambit) fixture.

Tests marked ``oracle`` cross-check our solvers with a live pygambit
(``pip install '.[oracle]'``). Without pygambit each of them is skipped, with
the reason; every other test (including the comparisons with Gambit's answers
recorded in ``tests/fixtures/``) runs.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

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
