"""The lexicons' stored analyses: kept outside the package and the lexicon folders, as
JSON, so that a file planted where a cache lives can never run code."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rhetoric
from rhetoric import lexicon

REPO = Path(rhetoric.__file__).resolve().parents[1]
LEXICONS = Path(rhetoric.__file__).resolve().parent / "lexicons"

TEXT = ("If Russia invades Ukraine, it will face swift and severe consequences; "
        "we will never accept it, and reportedly they may perhaps respond. Will they?")

# Loads every lexicon of RHETORIC_LEXICONS and prints its rules and its matches in TEXT.
_SCRIPT = f"""
import json, sys
from pathlib import Path
from rhetoric import lexicon
out = {{}}
for path in sorted(lexicon.lexicon_dir().glob("*.tsv")):
    lex = lexicon.load(path.stem)
    out[path.stem] = {{
        "rules": [[r.name, r.weight, r.pattern, sorted(r.flags), r.group] for r in lex.rules],
        "matches": [[rule.name, s, e] for rule, s, e in lex.finditer({TEXT.lower()!r})],
    }}
print(json.dumps(out, sort_keys=True))
"""


class _Planted:
    """Unpickling this creates ``marker``: proof that a planted file ran code."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


@pytest.fixture()
def env(tmp_path):
    """A copy of the lexicons, a private cache, and caches allowed to be written (byte
    code goes to a private prefix, not into the checkout)."""
    copy = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "XDG_CACHE_HOME")}
    environ.update(RHETORIC_LEXICONS=str(copy), RHETORIC_CACHE=str(tmp_path / "cache"),
                   PYTHONPYCACHEPREFIX=str(tmp_path / "pycache"))
    return environ


def _run(environ) -> dict:
    proc = subprocess.run([sys.executable, "-c", _SCRIPT], env=environ, capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def _old_cache_paths(folder: Path) -> list[Path]:
    """Where rhetoric up to issue 9 read each lexicon's pickled analysis: beside it, in
    ``__pycache__``, keyed on the file's bytes (and, later, those of the named patterns'
    files), the source of lexicon.py and _patterns.py, and the Python version."""
    from rhetoric import _patterns

    version = Path(lexicon.__file__).read_bytes() + Path(_patterns.__file__).read_bytes() + sys.version.encode()
    names = b"\0".join((folder / f"{n}.tsv").read_bytes() if (folder / f"{n}.tsv").is_file() else b""
                       for n in ("targets", "actors"))
    paths = []
    for tsv in sorted(folder.glob("*.tsv")):
        data = tsv.read_bytes()
        for key in (data, data + b"\0" + names):
            digest = hashlib.sha256(key + b"\0" + version).hexdigest()[:20]
            paths.append(folder / "__pycache__" / f"{tsv.stem}.{digest}.lexicon.pickle")
    return paths


def test_a_pickle_planted_where_the_old_cache_lived_is_never_loaded(env, tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Planted(marker))
    folder = Path(env["RHETORIC_LEXICONS"])
    for path in _old_cache_paths(folder):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(payload)
    proc = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, cwd=REPO)
    assert not marker.exists(), "a planted pickle was unpickled"
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["boosters"]["matches"]  # the lexicons were read from their files


def test_the_cache_is_json_outside_the_lexicon_folder_and_gives_the_same_lexicons(env, tmp_path):
    fresh = _run(dict(env, PYTHONDONTWRITEBYTECODE="1"))  # nothing stored: every file read
    assert not (tmp_path / "cache").exists()
    first = _run(env)  # reads the files, stores the analyses
    stored = sorted((tmp_path / "cache" / "lexicons").glob("*.json"))
    assert {p.name.split("-")[0] for p in stored} == {p.stem for p in LEXICONS.glob("*.tsv")}
    assert not (Path(env["RHETORIC_LEXICONS"]) / "__pycache__").exists()
    assert not (LEXICONS / "__pycache__").exists() or not any((LEXICONS / "__pycache__").glob("*.json"))
    before = {p: p.stat().st_mtime_ns for p in stored}
    second = _run(env)  # reads the stored analyses
    assert fresh == first == second
    assert {p: p.stat().st_mtime_ns for p in stored} == before  # read, not rewritten
    for p in stored:
        json.loads(p.read_text(encoding="utf-8"))  # plain JSON


def test_a_planted_or_damaged_entry_is_ignored_and_runs_nothing(env, tmp_path):
    expected = _run(env)
    stored = sorted((tmp_path / "cache" / "lexicons").glob("*.json"))
    marker = tmp_path / "pwned"
    for i, p in enumerate(stored):
        if i % 3 == 0:
            p.write_bytes(pickle.dumps(_Planted(marker)))  # a pickle under the JSON name
        elif i % 3 == 1:
            doc = json.loads(p.read_text(encoding="utf-8"))
            doc["rules"][0]["flags"] = {"py/object": "os.system"}  # not what is written
            p.write_text(json.dumps(doc), encoding="utf-8")
        else:
            p.write_text(p.read_text(encoding="utf-8")[:1000], encoding="utf-8")  # cut short
    assert _run(env) == expected
    assert not marker.exists()


def test_an_edited_lexicon_is_read_again(env, tmp_path):
    _run(env)
    boosters = Path(env["RHETORIC_LEXICONS"]) / "boosters.tsv"
    lines = boosters.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    lines.insert(header + 1, "zzz_test\t0.5\t-\tswift\ta test rule, listed first")
    boosters.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run(env)
    assert result["boosters"]["rules"][0][0] == "zzz_test"
    assert ["zzz_test"] == [m[0] for m in result["boosters"]["matches"] if m[0] in ("zzz_test", "swift")]
    assert len(list((tmp_path / "cache" / "lexicons").glob("boosters-*.json"))) == 1  # the old entry replaced


def test_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("RHETORIC_CACHE", str(tmp_path / "c"))
    assert lexicon.analysis_cache_dir() == tmp_path / "c" / "lexicons"
    monkeypatch.delenv("RHETORIC_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert lexicon.analysis_cache_dir() == tmp_path / "xdg" / "rhetoric" / "lexicons"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert lexicon.analysis_cache_dir() == Path.home() / ".cache" / "rhetoric" / "lexicons"
