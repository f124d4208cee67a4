"""``sim export``: Gambit .nfg / .efg files, read back by pygambit where installed."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from sim.cli.main import main
from sim.games.gambit_nfg import to_nfg
from sim.games.normal_form import NormalFormGame, build_game
from sim.scenario.bundled import bundled_scenarios
from sim.scenario.loader import load_scenario

SIMULTANEOUS = [p for p in bundled_scenarios() if load_scenario(p).kind != "sequential"]


def _payoff_list(text: str) -> list[float]:
    return [float(Fraction(x)) for x in text.strip().splitlines()[-1].split()]


@pytest.mark.parametrize("path", SIMULTANEOUS, ids=lambda p: p.stem)
def test_nfg_payoffs_in_gambit_order(path: Path) -> None:
    game = build_game(load_scenario(path))
    numbers = _payoff_list(to_nfg(game))
    n = len(game.players)
    # Gambit: first player's strategy fastest, i.e. Fortran order over the profile axes
    expected = [game.payoffs[i].flatten(order="F") for i in range(n)]
    got = np.array(numbers).reshape(-1, n).T
    np.testing.assert_allclose(got, np.array(expected), rtol=0, atol=1e-9)


def test_nfg_quotes_awkward_labels() -> None:
    game = NormalFormGame(('a "q"', "b\\c"), (("x", "y"), ("u", "v")), np.zeros((2, 2, 2)))
    assert '{ "a \\"q\\"" "b\\\\c" }' in to_nfg(game)


def test_export_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pd.nfg"
    assert main(["export", "prisoners_dilemma", "--to", "nfg", "-o", str(out)]) == 0
    first = out.read_text()
    assert main(["export", "chicken", "--to", "nfg", "-o", str(out)]) == 2
    assert out.read_text() == first and "already exists" in capsys.readouterr().err
    assert main(["export", "chicken", "--to", "nfg", "-o", str(out), "--force"]) == 0
    assert main(["export", "prisoners_dilemma", "--to", "efg"]) == 2


@pytest.mark.oracle
@pytest.mark.parametrize("path", SIMULTANEOUS, ids=lambda p: p.stem)
def test_pygambit_reads_our_nfg(path: Path, gbt) -> None:  # type: ignore[no-untyped-def]
    game = build_game(load_scenario(path))
    g = gbt.read_nfg(io.StringIO(to_nfg(game)))
    assert [p.label for p in g.players] == list(game.players)
    for i, player in enumerate(g.players):
        for profile in np.ndindex(*game.payoffs.shape[1:]):
            labels = [game.moves[k][j] for k, j in enumerate(profile)]
            assert float(g[labels][player]) == pytest.approx(game.payoffs[(i, *profile)], abs=1e-9)
