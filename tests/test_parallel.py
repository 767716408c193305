"""featurise on every backend, and scoring a whole corpus (rhetoric.data.parallel,
rhetoric.data.score_corpus)."""

from __future__ import annotations

import os
import random

import pandas as pd
import pytest

import rhetoric
from rhetoric.data import featurise
from rhetoric.data.corpora import CRISIS_FILE
from rhetoric.data.parallel import Featuriser, default_chunksize, resolve_n_jobs
from rhetoric.data.sample import SAMPLE_UNGDC, write_sample_root
from rhetoric.data.score_corpus import _parse_years, score_corpus, write_table
from rhetoric.paths import data_root

# Sentences in the corpora's styles, written for these tests; combined at random (seeded)
# into 200 texts of different lengths, so the chunks are uneven.
SENTENCES = [
    "If Russia invades, it will face swift and severe consequences.",
    "Moscow can choose diplomacy, or it can choose confrontation and its consequences.",
    "We will defend every inch of our land.",
    "They discussed the sanctions question.",
    "We may consider new proposals.",
    "Troops are massing at the border.",
    "Any attack would bring a devastating response, the minister warned.",
    "The President thanked the delegation.\n\nThe meeting ended at noon.",
    "We \u201cwill never accept\u201d aggression \u2014 under no circumstances.",
    "Sanctions were imposed in 2014.",
]


def _texts(n: int = 200, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choices(SENTENCES, k=rng.randint(0, 6))) for _ in range(n)]


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RHETORIC_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        yield client


def test_featurise_matches_score_and_keeps_the_order():
    texts = _texts(30)
    out = featurise(texts, backend="serial", cache=False)
    assert list(out.columns) == list(rhetoric.feature_names())
    assert out.index.tolist() == list(range(30))
    for i in (0, 7, 29):
        assert out.iloc[i].to_dict() == pytest.approx(rhetoric.score(texts[i]).features)
    assert out["n_sentences"].dtype == "int64" and out["threat"].dtype == "float64"


def test_every_backend_gives_identical_results(dask_client):
    texts = pd.Series(_texts(200), index=[f"t{i}" for i in range(200)])
    serial = featurise(texts, backend="serial", cache=False)
    processes = featurise(texts, backend="processes", n_jobs=2, cache=False, chunksize=7)
    dask = featurise(texts, backend="dask", cache=False, chunksize=9)
    auto = featurise(texts, cache=False)  # a Client is running: auto means dask
    assert serial.index.tolist() == texts.index.tolist()
    pd.testing.assert_frame_equal(serial, processes)
    pd.testing.assert_frame_equal(serial, dask)
    pd.testing.assert_frame_equal(serial, auto)


def test_every_backend_passes_the_engine_on(dask_client):
    texts = _texts(60, seed=1)
    expected = featurise(texts, backend="serial", cache=False, engine="rules")
    rows = pd.DataFrame.from_records(rhetoric.feature_rows(texts, engine="rules"), columns=list(rhetoric.feature_names()))
    pd.testing.assert_frame_equal(expected, rows, check_dtype=False)
    trained = featurise(texts, backend="serial", cache=False, engine="trained")
    assert not expected[list(rhetoric.CONSTRUCTS)].equals(trained[list(rhetoric.CONSTRUCTS)])
    for backend, extra in [("processes", {"n_jobs": 2, "chunksize": 7}), ("dask", {"chunksize": 9})]:
        out = featurise(texts, backend=backend, cache=False, engine="rules", **extra)
        pd.testing.assert_frame_equal(expected, out)
    with Featuriser("serial", engine="rules") as f:
        assert [row for rows in f.imap([texts[:3], texts[3:5]]) for row in rows] == rhetoric.feature_rows(
            texts[:5], engine="rules")
    with pytest.raises(ValueError, match="'neural'"):
        Featuriser("serial", engine="neural")
    with pytest.raises(ValueError, match="'neural'"):
        featurise(texts, cache=False, engine="neural")


def test_split_false_scores_each_text_as_one_sentence():
    out = featurise(["One. Two. Three."], split=False, backend="serial", cache=False)
    assert out.loc[0, "n_sentences"] == 1


def test_empty_input_gives_an_empty_frame_with_the_columns():
    out = featurise([], backend="serial", cache=False)
    assert out.shape == (0, len(rhetoric.feature_names()))
    assert out["n_sentences"].dtype == "int64"


def test_bad_input_is_named():
    with pytest.raises(TypeError, match=r"featurise\(\[text\]\)"):
        featurise("one text", cache=False)
    with pytest.raises(TypeError, match="position 1"):
        featurise(["a", None], cache=False)
    with pytest.raises(TypeError, match="index 'b'"):
        featurise(pd.Series(["a", 3.0], index=["a", "b"]), cache=False)
    with pytest.raises(ValueError, match="backend"):
        featurise(["a"], backend="threads", cache=False)
    with pytest.raises(ValueError, match="n_jobs=0"):
        featurise(["a", "b"], n_jobs=0, cache=False)


def test_dask_without_a_client_says_how_to_start_one(monkeypatch):
    from rhetoric.data import parallel

    monkeypatch.setattr(parallel, "_current_dask_client", lambda: None)
    with pytest.raises(RuntimeError, match="Client"):
        featurise(["a", "b"], backend="dask", cache=False)


def test_n_jobs_and_chunksize_conventions():
    cores = resolve_n_jobs(-1)
    assert cores >= 1 and resolve_n_jobs(None) == 1 and resolve_n_jobs(3) == 3
    assert resolve_n_jobs(-2) == max(1, cores - 1)
    assert default_chunksize(10, 2) == 1 and default_chunksize(10**6, 2) == 256


def test_featuriser_needs_a_context_for_a_pool():
    with pytest.raises(RuntimeError, match="context manager"):
        list(Featuriser("processes", n_jobs=2).imap([["a"]]))


# -- whole corpora ------------------------------------------------------------------------


@pytest.fixture()
def sample_root(tmp_path, monkeypatch):
    root = write_sample_root(tmp_path / "data")
    monkeypatch.setenv("RHETORIC_DATA", str(root))
    monkeypatch.setenv("RHETORIC_MANIFEST", str(root / "manifest.json"))
    return root


def test_score_corpus_writes_metadata_and_features(sample_root, tmp_path):
    out = tmp_path / "out" / "ungdc.csv.gz"
    frame = score_corpus("ungdc", out, n_jobs=1, chunksize=3, progress=False)
    assert frame["doc_id"].tolist() == [d["doc_id"] for d in SAMPLE_UNGDC]
    assert "text" not in frame.columns
    assert list(frame.columns[-len(rhetoric.feature_names()) :]) == list(rhetoric.feature_names())
    assert frame["n_words"].tolist() == [len(d["text"].split()) for d in SAMPLE_UNGDC]
    for i, doc in enumerate(SAMPLE_UNGDC):
        assert frame.loc[i, "threat"] == pytest.approx(rhetoric.score(doc["text"]).threat)
    back = pd.read_csv(out)
    assert back["doc_id"].tolist() == frame["doc_id"].tolist()
    assert [p.name for p in out.parent.iterdir()] == ["ungdc.csv.gz"]  # no temporary left


def test_score_corpus_is_the_same_serially_in_processes_and_on_dask(sample_root, dask_client):
    serial = score_corpus("crisis", n_jobs=1, chunksize=1, cache=False, progress=False)
    local = score_corpus("crisis", n_jobs=2, chunksize=1, cache=False, progress=False)
    dask = score_corpus("crisis", dask_scheduler=dask_client.scheduler.address, chunksize=2, cache=False, progress=False)
    pd.testing.assert_frame_equal(serial, local)
    pd.testing.assert_frame_equal(serial, dask)
    assert pd.api.types.is_datetime64_any_dtype(serial["date"])


def test_score_corpus_resumes_from_the_cache(sample_root, monkeypatch):
    from rhetoric.data import parallel

    first = score_corpus("ungdc", n_jobs=1, chunksize=2, years=range(2000, 2030), progress=False)
    monkeypatch.setattr(parallel, "featurise_chunk", lambda *a, **k: pytest.fail("scored again"))
    again = score_corpus("ungdc", n_jobs=1, chunksize=2, years=range(2000, 2030), progress=False)
    pd.testing.assert_frame_equal(first, again)
    assert again["year"].tolist() == [2020, 2020]


def test_score_corpus_scores_with_the_engine_asked_for(sample_root, tmp_path, capsys):
    from rhetoric.data.score_corpus import main

    rules = score_corpus("ungdc", n_jobs=1, chunksize=3, progress=False, engine="rules")
    for i, doc in enumerate(SAMPLE_UNGDC):
        assert rules.loc[i, "threat"] == pytest.approx(rhetoric.score(doc["text"], engine="rules").threat)
    trained = score_corpus("ungdc", n_jobs=1, chunksize=3, progress=False)  # not the rules' cache entries
    for i, doc in enumerate(SAMPLE_UNGDC):
        assert trained.loc[i, "threat"] == pytest.approx(rhetoric.score(doc["text"]).threat)
    out = tmp_path / "rules.csv"
    assert main(["ungdc", "-o", str(out), "--n-jobs", "1", "--engine", "rules", "--no-progress"]) == 0
    pd.testing.assert_series_equal(pd.read_csv(out)["threat"], rules["threat"], check_exact=False)
    with pytest.raises(SystemExit):
        main(["ungdc", "-o", str(out), "--engine", "neural"])
    assert "invalid choice: 'neural'" in capsys.readouterr().err


def test_score_corpus_refuses_a_bad_output_before_scoring(sample_root, tmp_path):
    with pytest.raises(ValueError, match=r"\.xlsx"):
        score_corpus("crisis", tmp_path / "out.xlsx", n_jobs=1)
    with pytest.raises(ValueError, match="corpus"):
        score_corpus("annotations", n_jobs=1)


def test_write_table_by_suffix(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    for name in ("t.csv", "t.pkl"):
        write_table(frame, tmp_path / name)
    assert pd.read_csv(tmp_path / "t.csv").equals(frame)
    assert pd.read_pickle(tmp_path / "t.pkl").equals(frame)
    # the usual permissions, not those of the private temporary file
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv", "t.pkl"]


def test_years_option():
    assert _parse_years("1990-1992,2000") == [1990, 1991, 1992, 2000]
    assert _parse_years(None) is None


def test_the_command_line_on_the_sample(sample_root, tmp_path, capsys):
    from rhetoric.data.score_corpus import main

    out = tmp_path / "c.pkl"
    assert main(["crisis", "-o", str(out), "--n-jobs", "1", "--no-progress", "--measure"]) == 0
    err = capsys.readouterr().err
    assert "wrote 3 documents" in err and "measured: wall" in err
    assert len(pd.read_pickle(out)) == 3


@pytest.mark.slow
def test_the_whole_un_corpus(tmp_path):
    """About half an hour on 2 cores: every speech is scored, in order."""
    if not (data_root(required=False) / CRISIS_FILE).is_file():
        pytest.skip("the shared data is not there")
    frame = score_corpus("ungdc", tmp_path / "ungdc.pkl", n_jobs=-1, progress=False)
    assert len(frame) == 10_952 and frame["doc_id"].is_unique
    assert (frame["n_sentences"] > 0).mean() > 0.99
    assert os.path.getsize(tmp_path / "ungdc.pkl") > 0
