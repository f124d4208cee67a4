"""``sim copy`` and the folder line of ``sim list``."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli.main import main
from sim.scenario.bundled import bundled_dir
from sim.scenario.loader import load_scenario


def test_copy_writes_a_loadable_identical_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["copy", "chicken"]) == 0
    copy = tmp_path / "chicken.yaml"
    assert copy.read_text() == (bundled_dir() / "chicken.yaml").read_text()
    assert load_scenario(copy).name == load_scenario("chicken").name


def test_copy_never_overwrites_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "mine.yaml"
    dest.write_text("keep me")
    assert main(["copy", "chicken", str(dest)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert dest.read_text() == "keep me"
    assert main(["copy", "chicken", str(dest), "--force"]) == 0
    assert dest.read_text() == (bundled_dir() / "chicken.yaml").read_text()


def test_copy_into_folder_and_unknown_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["copy", "chicken", str(tmp_path)]) == 0
    assert (tmp_path / "chicken.yaml").is_file()
    assert main(["copy", "no_such_game", str(tmp_path)]) == 2
    assert "sim list" in capsys.readouterr().err


def test_list_says_where_the_files_are(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--paths"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(len(line.split("  ")) == 2 for line in lines)
    assert {line.split("  ")[1] for line in lines} == {str(p) for p in bundled_dir().glob("*.yaml")}
