"""The recorded Gambit answers (tests/fixtures/gambit_*.json) still fit the test corpora.

Each fixture entry carries the hash of the game it was recorded for. If a
corpus generator, a bundled scenario or the .efg export changes, these tests
fail and say to re-record (``python tests/fixtures/record_gambit.py``, which
needs pygambit): the fixtures cannot drift silently from the games the tests
generate. The ``oracle`` test re-asks a live pygambit where it is installed.
"""

from __future__ import annotations

import importlib.util
import json
from typing import Any

import numpy as np
import pytest
from gambit_corpus import FIXTURES, MODULES, RECORD, corpus_hashes, fixture_path, load_fixture


@pytest.mark.parametrize("module", MODULES)
def test_fixture_exists_and_matches_the_corpus(module: str) -> None:
    path = fixture_path(module)
    assert path.is_file(), f"missing {path}: run `{RECORD} {module}` (needs pygambit)"
    data = load_fixture(module)
    assert data["pygambit"].startswith("16.")
    assert f"record_gambit.py {module}" in data["about"]
    recorded = {key: entry["hash"] for key, entry in data["entries"].items()}
    expected = dict(corpus_hashes(module))
    missing = sorted(set(expected) - set(recorded))
    extra = sorted(set(recorded) - set(expected))
    changed = sorted(k for k in set(expected) & set(recorded) if expected[k] != recorded[k])
    assert not (missing or extra or changed), (
        f"{path.name} does not match the corpus the tests generate "
        f"(missing {missing[:5]}, not in the corpus {extra[:5]}, other game {changed[:5]}): "
        f"run `{RECORD} {module}` with pygambit and review the diff"
    )


def test_fixture_files_are_exactly_the_recorded_modules() -> None:
    names = {p.name for p in FIXTURES.glob("gambit_*.json")}
    assert names == {fixture_path(m).name for m in MODULES}


def _close(a: Any, b: Any) -> bool:
    """Same JSON structure; numbers within 1e-6 (Gambit's float paths may differ by rounding)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return bool(np.isclose(float(a), float(b), rtol=0.0, atol=1e-6))
    return bool(a == b)


@pytest.mark.oracle
@pytest.mark.slow
@pytest.mark.parametrize("module", MODULES)
def test_fixture_is_what_pygambit_answers_now(gbt, module: str) -> None:  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("record_gambit", FIXTURES / "record_gambit.py")
    assert spec is not None and spec.loader is not None
    record_gambit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(record_gambit)  # imports pygambit
    now = json.loads(json.dumps(dict(record_gambit.RECORDERS[module]())))
    assert _close(now, load_fixture(module)["entries"]), (
        f"pygambit {gbt.__version__} now answers differently from {fixture_path(module).name}"
    )
