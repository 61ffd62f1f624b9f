"""Test jidi_docs._cache: entries round-trip, and a cache that cannot work is only a miss."""

from __future__ import annotations

from pathlib import Path

import pytest

from jidi_docs import _cache


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "jidi-docs"


def test_an_entry_is_read_back_and_keys_tell_inputs_apart(cache_home: Path) -> None:
    name = _cache.key("a", b"b")
    assert name != _cache.key("ab")
    assert name != _cache.key("a", b"c")
    assert _cache.read("kind", name) is None
    _cache.write("kind", name, b"data")
    assert _cache.read("kind", name) == b"data"
    assert sorted(p.name for p in (cache_home / "kind").iterdir()) == [name]  # no temp left


def test_a_folder_is_stored_once_and_found(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "user").mkdir(parents=True)
    (source / "user" / "f.txt").write_text("one")
    _cache.store_folder("dirs", "x", source)
    (source / "user" / "f.txt").write_text("two")
    _cache.store_folder("dirs", "x", source)  # already there: kept as it was
    found = _cache.folder("dirs", "x")
    assert found is not None
    assert (found / "user" / "f.txt").read_text() == "one"
    assert _cache.folder("dirs", "y") is None
    assert [p.name for p in (cache_home / "dirs").iterdir()] == ["x"]


def test_a_cache_folder_that_is_a_file_is_a_miss_not_an_error(cache_home: Path) -> None:
    cache_home.parent.mkdir()
    cache_home.write_text("not a folder")  # unwritable even for root
    _cache.write("kind", "n", b"data")
    _cache.store_folder("dirs", "x", cache_home.parent)
    assert _cache.read("kind", "n") is None
    assert _cache.folder("dirs", "x") is None


def test_a_folder_can_be_stored_in_part(cache_home: Path, tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "user" / "keep" / "deep").mkdir(parents=True)
    (source / "user" / "keep" / "deep" / "a").write_text("a")
    (source / "user" / "f.xcu").write_text("f")
    (source / "user" / "drop").mkdir()
    (source / "user" / "drop" / "b").write_text("b")

    _cache.store_folder("dirs", "x", source, only=["user/keep", "user/f.xcu", "user/missing"])

    found = _cache.folder("dirs", "x")
    assert found is not None
    assert sorted(p.relative_to(found).as_posix() for p in found.rglob("*")) == [
        "user",
        "user/f.xcu",
        "user/keep",
        "user/keep/deep",
        "user/keep/deep/a",
    ]
