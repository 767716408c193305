"""Corpus loaders, data checks and sentence splitting (rhetoric.data)."""

from __future__ import annotations

import gzip
import json
import os

import pandas as pd
import pytest

import rhetoric
from rhetoric.data import checksums, corpora
from rhetoric.data import (
    ChecksumMismatch,
    DataFileMissing,
    DataFormatError,
    iter_documents,
    load_annotations,
    load_crisis,
    load_ungdc,
    to_sentences,
)
from rhetoric.data.sample import SAMPLE_ANNOTATIONS, SAMPLE_CRISIS, SAMPLE_UNGDC, write_sample_root
from rhetoric.paths import DataNotFound, data_root


def _real_root():
    root = data_root(required=False)
    return root if (root / corpora.CRISIS_FILE).is_file() else None


needs_data = pytest.mark.skipif(_real_root() is None, reason="the shared data is not there (set RHETORIC_DATA)")


@pytest.fixture()
def sample_root(tmp_path, monkeypatch):
    """A tiny data root in the real formats, verified against its own manifest."""
    root = write_sample_root(tmp_path / "data")
    monkeypatch.setenv("RHETORIC_DATA", str(root))
    monkeypatch.setenv("RHETORIC_MANIFEST", str(root / "manifest.json"))
    monkeypatch.delenv("RHETORIC_SKIP_CHECKSUM", raising=False)
    monkeypatch.setattr(checksums, "_WARNED", set())  # the skip warning is once per file per process
    return root


# -- loaders on the real data (small slices) ------------------------------------------


@needs_data
def test_load_crisis_slice_has_the_columns_and_types():
    docs = load_crisis(limit=25)
    assert list(docs.columns) == list(corpora.CRISIS_COLUMNS)
    assert len(docs) == 25
    assert pd.api.types.is_datetime64_any_dtype(docs["date"])
    assert docs["doc_id"].is_unique
    assert set(docs["actor"]) <= {"US", "RU", "UA"}
    assert docs["date"].is_monotonic_increasing  # the documented file order


@needs_data
def test_load_ungdc_slice_and_years():
    speeches = load_ungdc(limit=5)
    assert list(speeches.columns) == list(corpora.UNGDC_COLUMNS)
    assert speeches["year"].dtype == "int64" and speeches["session"].dtype == "int64"
    second = load_ungdc(limit=3, years=[1947])
    assert len(second) == 3 and set(second["year"]) == {1947}
    assert load_ungdc(limit=0).empty


@needs_data
def test_a_small_limit_stops_reading_early(monkeypatch):
    seen = []
    real = corpora.iter_jsonl

    def counting(path):
        for record in real(path):
            seen.append(record["doc_id"])
            yield record

    monkeypatch.setattr(corpora, "iter_jsonl", counting)
    load_ungdc(limit=3)
    assert len(seen) == 3


@needs_data
def test_annotations_have_every_field_and_point_into_their_documents():
    ann = load_annotations()
    assert list(ann.columns[: len(corpora.ANNOTATION_COLUMNS)]) == list(corpora.ANNOTATION_COLUMNS)
    for col in ("threat", "conditionality", "two_path", "commitment", "start", "end"):
        assert ann[col].dtype == "int64"
    assert set(ann[["threat", "conditionality", "two_path", "commitment"]].stack()) <= {0, 1}
    assert set(ann["corpus"]) == {"crisis", "ungdc"} and set(ann["fold"]) == {0, 1, 2, 3, 4}
    # a document's sentences share one fold (document-grouped cross-validation)
    assert ann.groupby("doc_id")["fold"].nunique().max() == 1
    # The offsets are into the crisis statement's or the UN speech's text, as the data README says.
    sample = pd.concat([ann[ann["corpus"] == "crisis"].head(40), ann[ann["corpus"] == "ungdc"].head(40)])
    wanted = set(sample["doc_id"])
    docs = {r["doc_id"]: r["text"] for corpus in ("crisis", "ungdc") for r in iter_documents(corpus)
            if r["doc_id"] in wanted}
    for row in sample.itertuples():
        assert docs[row.doc_id][row.start : row.end] == row.text
    un = ann[ann["corpus"] == "ungdc"]
    assert (un["date"].dt.strftime("%m-%d") == "01-01").all()


@needs_data
def test_the_manifest_matches_the_shared_data():
    files = checksums.read_manifest()
    assert set(files) == set(checksums.EXPECTED_FILES + checksums.OPTIONAL_FILES)  # the shared data has the frame
    root = _real_root()
    for rel, entry in files.items():
        checksums.verify(root / rel, rel)
        assert (root / rel).stat().st_size == entry["bytes"]


# -- loaders on the sample root: every column, every type -----------------------------


def test_loaders_read_a_data_root(sample_root):
    docs = load_crisis()
    assert docs["doc_id"].tolist() == [d["doc_id"] for d in SAMPLE_CRISIS]
    assert docs["date"].dt.year.tolist() == [2022, 2022, 2022]
    speeches = load_ungdc(years=range(2000, 2030))
    assert speeches["doc_id"].tolist() == ["ungdc-AAA-2020", "ungdc-BBB-2020"]
    assert speeches["year"].dtype == "int64"
    assert pd.isna(load_ungdc(limit=2)["speaker"].iloc[1])
    ann = load_annotations()
    assert len(ann) == len(SAMPLE_ANNOTATIONS)
    # both corpora: a UN row carries the session's year as its date, read as 1 January
    un = ann[ann["corpus"] == "ungdc"].iloc[0]
    assert un["date"] == pd.Timestamp("2020-01-01") and un["actor"] == "AAA"
    assert ann["fold"].dtype == "int64"
    # an explicit root wins over RHETORIC_DATA
    os.environ["RHETORIC_DATA"] = "/nonexistent"
    assert len(load_crisis(root=sample_root)) == 3


def test_a_bad_date_names_the_file_and_line(sample_root, monkeypatch):
    path = sample_root / corpora.ANNOTATIONS_FILE
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    rows[3]["date"] = "2020-13"  # a UN row must carry a year
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setenv("RHETORIC_SKIP_CHECKSUM", "1")
    with pytest.warns(UserWarning), pytest.raises(DataFormatError, match=r"train.jsonl:4: .*not a year"):
        load_annotations()
    rows[3]["date"], rows[0]["date"] = "2020", "20 Jan 2022"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(DataFormatError, match=r"train.jsonl:1: the date '20 Jan 2022' is not YYYY-MM-DD"):
        load_annotations()


def test_years_as_a_string_is_refused(sample_root):
    with pytest.raises(TypeError, match="range"):
        load_ungdc(years="2020")


# -- errors that say what to do --------------------------------------------------------


def test_a_missing_data_root_names_rhetoric_data(tmp_path, monkeypatch):
    monkeypatch.setenv("RHETORIC_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(DataNotFound, match="RHETORIC_DATA"):
        load_crisis(limit=1)


def test_a_missing_file_names_the_file_where_and_rhetoric_data(sample_root):
    (sample_root / corpora.UNGDC_FILE).unlink()
    with pytest.raises(DataFileMissing) as err:
        load_ungdc(limit=1)
    msg = str(err.value)
    assert corpora.UNGDC_FILE in msg and str(sample_root) in msg and "RHETORIC_DATA" in msg


def test_a_changed_file_fails_the_checksum_with_both_digests(sample_root):
    path = sample_root / corpora.ANNOTATIONS_FILE
    expected = json.loads((sample_root / "manifest.json").read_text())["files"][corpora.ANNOTATIONS_FILE]["sha256"]
    path.write_text(path.read_text().replace('"threat": 1', '"threat": 0'))
    with pytest.raises(ChecksumMismatch) as err:
        load_annotations()
    msg = str(err.value)
    assert str(path) in msg and expected in msg and checksums.sha256_file(path) in msg
    assert "RHETORIC_SKIP_CHECKSUM=1" in msg


def test_skip_checksum_loads_a_changed_file_with_a_warning(sample_root, monkeypatch):
    path = sample_root / corpora.ANNOTATIONS_FILE
    path.write_text(path.read_text().replace('"threat": 1', '"threat": 0'))
    monkeypatch.setenv("RHETORIC_SKIP_CHECKSUM", "1")
    with pytest.warns(UserWarning, match="not verified"):
        ann = load_annotations()
    assert ann["threat"].sum() == 0


def test_a_copy_that_is_not_the_project_data_fails_against_the_repo_manifest(sample_root, monkeypatch):
    monkeypatch.delenv("RHETORIC_MANIFEST")
    if checksums.read_manifest() is None:
        pytest.skip("no data/manifest.json in this checkout")
    with pytest.raises(ChecksumMismatch, match="crisis/documents.jsonl.gz"):
        load_crisis(limit=1)


def test_verification_is_remembered_until_the_file_changes(sample_root, monkeypatch):
    calls = []
    real = checksums.hashlib.sha256

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(checksums.hashlib, "sha256", counting)
    monkeypatch.setattr(checksums, "_DIGESTS", {})
    load_crisis()
    load_crisis(limit=1)
    assert len(calls) == 1
    path = sample_root / corpora.CRISIS_FILE
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # touched: hash again
    load_crisis()
    assert len(calls) == 2


def _write_gz(path, lines: list[str]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def test_a_bad_json_line_names_the_file_and_line(sample_root, monkeypatch):
    monkeypatch.setenv("RHETORIC_SKIP_CHECKSUM", "1")
    path = sample_root / corpora.UNGDC_FILE
    good = json.dumps(SAMPLE_UNGDC[0])
    _write_gz(path, [good, good, '{"doc_id": "broken", '])
    with pytest.warns(UserWarning), pytest.raises(DataFormatError, match=rf"{path.name}:3: not valid JSON"):
        load_ungdc()


def test_a_truncated_gzip_names_the_file(sample_root, monkeypatch):
    monkeypatch.setenv("RHETORIC_SKIP_CHECKSUM", "1")
    path = sample_root / corpora.CRISIS_FILE
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.warns(UserWarning), pytest.raises(DataFormatError, match=str(path)):
        load_crisis()


def test_a_record_without_a_field_is_named(sample_root, monkeypatch):
    monkeypatch.setenv("RHETORIC_SKIP_CHECKSUM", "1")
    path = sample_root / corpora.CRISIS_FILE
    broken = dict(SAMPLE_CRISIS[1])
    del broken["date"]
    _write_gz(path, [json.dumps(SAMPLE_CRISIS[0]), json.dumps(broken)])
    with pytest.warns(UserWarning), pytest.raises(DataFormatError, match=r"record 2 \(ru-0001\) lacks \['date'\]"):
        load_crisis()


# -- sentences ---------------------------------------------------------------------------


def _check_offsets(docs, sents, text_col="text", id_col="doc_id"):
    by_id = dict(zip(docs[id_col], docs[text_col]))
    for row in sents.itertuples():
        original = by_id[getattr(row, id_col)]
        assert rhetoric.normalise(original[row.start : row.end]) == row.text
        assert row.text == row.text.strip() and row.text


def test_to_sentences_offsets_point_into_the_original_text(sample_root):
    docs = load_ungdc()
    sents = to_sentences(docs)
    _check_offsets(docs, sents)
    assert list(sents.columns) == ["doc_id", "sent_index", "start", "end", "text", "iso3", "country", "session", "year", "speaker", "post"]
    # hard wrapping is joined, the paragraph break ends a sentence, Markdown is blanked
    first = sents[sents["doc_id"] == "ungdc-AAA-1950"]["text"].tolist()
    assert first == [
        "The Assembly meets again in a time of anxiety.",
        "Our delegation is committed to the Charter and will defend it.",
        "We thank the President.",
    ]
    assert "We   will never accept   aggression." in sents["text"].tolist()
    assert sents.groupby("doc_id")["sent_index"].apply(lambda s: s.tolist() == list(range(len(s)))).all()
    assert sents["year"].dtype == "int64"


def test_to_sentences_keeps_types_and_other_column_names():
    docs = pd.DataFrame(
        {
            "key": ["a", "b", "c"],
            "body": ["One. Two.", "", "Three \u2014 four."],
            "date": pd.to_datetime(["2022-01-01", "2022-01-02", "2022-01-03"]),
        }
    )
    sents = to_sentences(docs, text_col="body", id_col="key")
    assert sents["key"].tolist() == ["a", "a", "c"]  # no row for an empty document
    assert sents["text"].tolist() == ["One.", "Two.", "Three - four."]
    assert pd.api.types.is_datetime64_any_dtype(sents["date"])
    _check_offsets(docs, sents, text_col="body", id_col="key")
    assert to_sentences(docs.iloc[1:2], text_col="body", id_col="key").empty


def test_to_sentences_names_a_missing_column_and_a_bad_text():
    with pytest.raises(KeyError, match="'body'"):
        to_sentences(pd.DataFrame({"doc_id": ["a"], "text": ["x"]}), text_col="body")
    with pytest.raises(TypeError, match="row 7"):
        to_sentences(pd.DataFrame({"doc_id": ["a"], "text": [None]}, index=[7]))


@needs_data
def test_to_sentences_on_real_documents():
    docs = load_crisis(limit=30)
    sents = to_sentences(docs)
    assert set(sents["doc_id"]) <= set(docs["doc_id"]) and len(sents) > len(docs)
    _check_offsets(docs, sents)
