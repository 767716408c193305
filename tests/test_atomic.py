"""The project's one whole-or-nothing writer, rhetoric._atomic.atomic_path."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from rhetoric._atomic import atomic_path

REPO = Path(__file__).resolve().parents[1]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_success_replaces_the_target_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "sub" / "out.txt"  # the folder is created
    with atomic_path(target) as tmp:
        assert tmp.parent == target.parent and tmp != target
        tmp.write_text("new")
        assert not target.exists()  # nothing visible before the end
    assert target.read_text() == "new"
    assert [p.name for p in target.parent.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_failure_keeps_the_old_file_and_removes_the_temporary_one(tmp_path, exc):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(exc):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise exc
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_permissions_are_those_of_the_replaced_file_else_of_open(tmp_path):
    fresh = tmp_path / "fresh.txt"
    with atomic_path(fresh) as tmp:
        tmp.write_text("x")
    umask = os.umask(0)
    os.umask(umask)
    assert _mode(fresh) == 0o666 & ~umask  # not mkstemp's 0600
    kept = tmp_path / "kept.txt"
    kept.write_text("old")
    kept.chmod(0o640)
    with atomic_path(kept) as tmp:
        tmp.write_text("x")
    assert _mode(kept) == 0o640


def test_suffix_and_mkdir_false(tmp_path):
    with atomic_path(tmp_path / "t.csv.gz", suffix=".gz") as tmp:
        assert tmp.name.endswith(".gz")  # pandas infers compression from it
        tmp.write_bytes(b"")
    with pytest.raises(FileNotFoundError):
        with atomic_path(tmp_path / "missing" / "out.txt", mkdir=False):
            pass
    assert not (tmp_path / "missing").exists()


def test_old_import_path_is_the_same_helper():
    from rhetoric.data._atomic import atomic_path as old

    assert old is atomic_path


# Writers that rename a temporary file into place on their own, and why they may.
_OWN_RENAME = {
    "rhetoric/_atomic.py": "the helper itself",
    # A directory, not a file: the finished sweep folder replaces the old one.
    "paper/scripts/compute_classifiers.py": "directory swap",
    # Timed processes of the speed benchmark: importing the helper (its module, or
    # tempfile for the floor) would add to the start-up being measured.
    "bench/python_floor.py": "timed peer",
    "bench/vader_score.py": "timed peer",
}


def test_no_other_home_made_atomic_write():
    pattern = re.compile(r"os\.replace\(|os\.rename\(|mkstemp\(|NamedTemporaryFile\(")
    offenders = []
    for folder in ("rhetoric", "experiments", "paper", "bench"):
        for path in sorted((REPO / folder).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if rel not in _OWN_RENAME and pattern.search(path.read_text(encoding="utf-8")):
                offenders.append(rel)
    assert offenders == [], f"use rhetoric._atomic.atomic_path in {offenders}"
