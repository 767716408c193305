"""The featurisation cache: hits, misses, invalidation, atomic files, the command line."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rhetoric.data import cache, featurise, parallel
from rhetoric.lexicon import lexicon_dir

TEXTS = [
    "If Russia invades, it will face swift and severe consequences.",
    "We will defend every inch of our land.",
    "They discussed the sanctions question.",
    "Thank you.",
]


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RHETORIC_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture()
def scored(monkeypatch):
    """Counts the texts actually scored (not read from the cache)."""
    counted: list[str] = []
    real = parallel.featurise_chunk

    def counting(texts, split=True, engine=None):
        counted.extend(texts)
        return real(texts, split, engine)

    monkeypatch.setattr(parallel, "featurise_chunk", counting)
    return counted


def test_a_second_call_reads_the_cache(scored):
    first = featurise(TEXTS, backend="serial")
    assert len(scored) == len(TEXTS)
    second = featurise(TEXTS, backend="serial")
    assert len(scored) == len(TEXTS)  # nothing scored again
    pd.testing.assert_frame_equal(first, second)


def test_a_hit_carries_the_callers_index(scored):
    featurise(TEXTS, backend="serial")
    series = pd.Series(TEXTS, index=["a", "b", "c", "d"])
    out = featurise(series, backend="serial")
    assert len(scored) == len(TEXTS)
    assert out.index.tolist() == ["a", "b", "c", "d"]


def test_other_texts_order_or_split_flag_miss(scored):
    featurise(TEXTS, backend="serial")
    featurise(TEXTS[::-1], backend="serial")
    featurise(TEXTS, split=False, backend="serial")
    featurise(TEXTS[:3], backend="serial")
    assert len(scored) == 4 * len(TEXTS) - 1


def test_each_engine_has_its_own_entry(scored, isolated_cache):
    import rhetoric

    rules = featurise(TEXTS, backend="serial", engine="rules")
    trained = featurise(TEXTS, backend="serial", engine="trained")
    assert len(scored) == 2 * len(TEXTS)
    assert len(list(isolated_cache.rglob("*.npz"))) == 2
    expected = pd.DataFrame.from_records(rhetoric.feature_rows(TEXTS, engine="rules"),
                                         columns=list(rhetoric.feature_names()))
    pd.testing.assert_frame_equal(rules, expected, check_dtype=False)
    constructs = list(rhetoric.CONSTRUCTS)
    assert not np.array_equal(rules[constructs].to_numpy(), trained[constructs].to_numpy())
    # each read back from its own entry; None is the default engine's entry
    pd.testing.assert_frame_equal(featurise(TEXTS, backend="serial", engine="rules"), rules)
    pd.testing.assert_frame_equal(featurise(TEXTS, backend="serial"), trained)
    assert len(scored) == 2 * len(TEXTS)


def test_the_input_key_names_the_engine():
    from rhetoric.scoring import DEFAULT_ENGINE

    assert cache.input_key(TEXTS, True) == cache.input_key(TEXTS, True, DEFAULT_ENGINE)
    assert cache.input_key(TEXTS, True, "rules") != cache.input_key(TEXTS, True, "trained")
    with pytest.raises(ValueError, match="'neural'"):
        cache.input_key(TEXTS, True, "neural")


def test_a_new_extractor_version_recomputes(scored, monkeypatch):
    featurise(TEXTS, backend="serial")
    monkeypatch.setattr(cache, "extractor_version", lambda: "f" * 64)
    featurise(TEXTS, backend="serial")
    assert len(scored) == 2 * len(TEXTS)
    featurise(TEXTS, backend="serial")
    assert len(scored) == 2 * len(TEXTS)
    assert len(cache.cache_info()["versions"]) == 2


def test_cache_false_neither_reads_nor_writes(scored, isolated_cache):
    featurise(TEXTS, backend="serial", cache=False)
    featurise(TEXTS, backend="serial", cache=False)
    assert len(scored) == 2 * len(TEXTS)
    assert not isolated_cache.exists()


def test_the_version_follows_the_lexicons(tmp_path, monkeypatch):
    before = cache.extractor_version()
    assert before == cache.extractor_version()
    copy = tmp_path / "lexicons"
    shutil.copytree(lexicon_dir(), copy)
    monkeypatch.setenv("RHETORIC_LEXICONS", str(copy))
    assert cache.extractor_version() == before  # same bytes, same version
    threat = copy / "threat.tsv"
    threat.write_text(threat.read_text() + "# a comment is a change too\n")
    assert cache.extractor_version() != before


def test_the_version_follows_the_package_version(monkeypatch):
    import rhetoric

    before = cache.extractor_version()
    monkeypatch.setattr(rhetoric, "__version__", "99.0")
    assert cache.extractor_version() != before


def test_entries_are_written_whole_and_a_damaged_one_is_rewritten(scored, isolated_cache):
    featurise(TEXTS, backend="serial")
    entries = list(isolated_cache.rglob("*"))
    assert [p.suffix for p in entries if p.is_file()] == [".npz"]  # no temporary file left
    (entry,) = [p for p in entries if p.is_file()]
    entry.write_bytes(b"not an archive")
    featurise(TEXTS, backend="serial")
    assert len(scored) == 2 * len(TEXTS)
    assert cache._read_frame(entry).shape == (len(TEXTS), len(parallel._dtypes()))


def test_clear_and_prune(scored, monkeypatch):
    featurise(TEXTS, backend="serial")
    monkeypatch.setattr(cache, "extractor_version", lambda: "e" * 64)
    featurise(TEXTS, backend="serial")
    assert cache.prune_cache() == 1  # the other version's entry
    assert list(cache.cache_info()["versions"]) == ["e" * 16]
    assert cache.clear_cache() == 1
    assert cache.cache_info()["versions"] == {}


def test_the_command_line(scored, capsys):
    featurise(TEXTS, backend="serial")
    assert cache.main(["info"]) == 0
    out = capsys.readouterr().out
    assert "1 entries" in out and "<- current" in out
    assert cache.main(["clear"]) == 0
    assert "removed 1" in capsys.readouterr().out
    cache.main(["info"])
    assert "(empty)" in capsys.readouterr().out


# --- what the version covers ------------------------------------------------------------

@pytest.fixture()
def package_copy(tmp_path, monkeypatch):
    """A copy of the package's sources (and models, if any) that extractor_version reads
    instead of the real package, so a test can edit them."""
    real = cache._package_dir()
    copy = tmp_path / "pkg"
    shutil.copytree(real, copy, ignore=shutil.ignore_patterns("__pycache__", "lexicons"))
    monkeypatch.setattr(cache, "_package_dir", lambda: copy)
    return copy


@pytest.mark.parametrize("module", ["_matching.py", "_patterns.py", "scoring.py", "constructs/threat.py",
                                    "constructs/_base.py", "cues.py", "text.py"])
def test_the_version_follows_every_module_scores_depend_on(package_copy, module):
    before = cache.extractor_version()
    path = package_copy / module
    path.write_text(path.read_text() + "\n# changed\n")
    assert cache.extractor_version() != before, module


def test_the_version_follows_a_new_module(package_copy):
    before = cache.extractor_version()
    (package_copy / "constructs" / "new_construct.py").write_text("BIAS = -3.0\n")
    assert cache.extractor_version() != before


def test_the_version_follows_the_trained_models_files(package_copy, tmp_path, monkeypatch):
    monkeypatch.delenv("RHETORIC_MODEL", raising=False)
    scorer = package_copy / "models" / "scorer"
    scorer.mkdir(parents=True, exist_ok=True)
    (scorer / "weights.tsv").write_text("feature\tweight\nrule:x\t1.5\n")
    (scorer / "model.json").write_text('{"intercepts": {"threat": -3.0}}\n')
    before = cache.extractor_version()
    (scorer / "weights.tsv").write_text("feature\tweight\nrule:x\t1.25\n")
    after_weights = cache.extractor_version()
    assert after_weights != before
    (scorer / "extra" ).mkdir()
    (scorer / "extra" / "vocabulary.json").write_text("[]\n")  # nested files count too
    assert cache.extractor_version() != after_weights
    # RHETORIC_MODEL: a model elsewhere is hashed too
    other = tmp_path / "other_model"
    shutil.copytree(scorer, other)
    monkeypatch.setenv("RHETORIC_MODEL", str(other))
    with_other = cache.extractor_version()
    (other / "model.json").write_text('{"intercepts": {"threat": -2.0}}\n')
    assert cache.extractor_version() != with_other


def test_the_version_ignores_byte_code(package_copy):
    before = cache.extractor_version()
    (package_copy / "__pycache__").mkdir()
    (package_copy / "__pycache__" / "scoring.cpython-311.pyc").write_bytes(b"\0" * 16)
    assert cache.extractor_version() == before


# --- the file format: no pickle -------------------------------------------------------------

class _Planted:
    """Unpickling this creates ``marker``: proof that a planted file ran code."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_planted_pickle_is_never_loaded(scored, isolated_cache, tmp_path):
    marker = tmp_path / "pwned"
    key = cache.input_key(TEXTS, True)
    version = cache.extractor_version()
    entry = cache.entry_path(key, version)
    entry.parent.mkdir(parents=True)
    payload = pickle.dumps(_Planted(marker))
    # where earlier versions kept the entry (a pandas pickle), and under the current name
    entry.with_suffix(".pkl").write_bytes(payload)
    entry.write_bytes(payload)
    out = featurise(TEXTS, backend="serial")
    assert not marker.exists()
    assert len(scored) == len(TEXTS)  # a planted file is a miss: scored afresh
    assert out.shape == (len(TEXTS), len(parallel._dtypes()))


def test_an_archive_holding_a_pickled_object_is_a_miss_and_runs_nothing(isolated_cache, tmp_path):
    marker = tmp_path / "pwned"
    key = cache.input_key(TEXTS, True)
    entry = cache.entry_path(key)
    entry.parent.mkdir(parents=True)
    evil = np.empty(1, dtype=object)
    evil[0] = _Planted(marker)
    with open(entry, "wb") as fh:  # an object array is stored as a pickle inside the .npz
        np.savez(fh, columns=np.array(["threat"]), c0=evil, index=np.array([], dtype=np.int64))
    assert cache.load(key) is None
    assert not marker.exists()


def test_store_and_load_keep_columns_types_and_index(isolated_cache):
    frame = pd.DataFrame({"threat": [0.25, 0.75, 0.5], "n_sentences": np.array([1, 2, 3], dtype="int64"),
                          "flag": [True, False, True]})
    for index in (None, pd.Index(["a", "b", "c"]), pd.Index([10, 20, 30])):
        f = frame if index is None else frame.set_axis(index)
        cache.store(f, "k" * 64)
        pd.testing.assert_frame_equal(cache.load("k" * 64), f)
    empty = parallel._to_frame([])
    cache.store(empty, "e" * 64)
    pd.testing.assert_frame_equal(cache.load("e" * 64), empty)
    with pytest.raises(TypeError, match="not numbers"):
        cache.store(pd.DataFrame({"text": ["a"]}), "t" * 64)


def test_old_pickle_entries_are_counted_and_removed(scored, monkeypatch):
    featurise(TEXTS, backend="serial")
    current = cache.entry_path(cache.input_key(TEXTS, True))
    stale = current.with_name("0" * 32 + ".pkl")
    stale.write_bytes(b"old")
    older = cache.cache_dir() / ("d" * 16) / ("1" * 32 + ".pkl")
    older.parent.mkdir()
    older.write_bytes(b"old")
    assert sum(v["entries"] for v in cache.cache_info()["versions"].values()) == 3
    assert cache.prune_cache() == 2
    assert not stale.exists() and not older.exists() and current.exists()


def test_no_module_of_the_package_loads_a_pickle():
    """Caches live in user-writable folders: nothing the package reads back may be a
    pickle (score_corpus may *write* .pkl outputs for the user; it never loads one)."""
    import re

    pkg = cache._package_dir()
    loads = re.compile(r"read_pickle\(|pickle\.loads?\(|Unpickler\(|allow_pickle\s*=\s*True|joblib\.load\(")
    found = [f"{p.relative_to(pkg)}:{i}" for p in sorted(pkg.rglob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if loads.search(line)]
    assert found == []
