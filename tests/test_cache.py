"""The featurisation cache: hits, misses, invalidation, atomic files, the command line."""

from __future__ import annotations

import shutil

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

    def counting(texts, split=True):
        counted.extend(texts)
        return real(texts, split)

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
    assert [p.suffix for p in entries if p.is_file()] == [".pkl"]  # no temporary file left
    (entry,) = [p for p in entries if p.is_file()]
    entry.write_bytes(b"not a pickle")
    featurise(TEXTS, backend="serial")
    assert len(scored) == 2 * len(TEXTS)
    assert pd.read_pickle(entry).shape == (len(TEXTS), len(parallel._dtypes()))


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
