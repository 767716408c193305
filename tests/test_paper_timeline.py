"""The paper's crisis timeline: ISO weeks, sentence-weighted weekly shares, and the
"swift and severe" formula.

The end-to-end test runs ``compute_timeline.py --small`` (a seeded sample of a few
documents per actor and period, cut short) into a temporary ``RHETORIC_PAPER_OUT`` with
its own featurisation cache, then the figure script (seconds).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest


from paper_helpers import needs_data, paper_macros, small_build as build_small  # noqa: E402

import compute_timeline as ct  # noqa: E402

needs_data = needs_data("crisis/documents.jsonl.gz")


@pytest.mark.parametrize("text, hits", [
    ("The response will be swift and severe.", 1),
    ("Costs that are swift, severe and united.", 1),
    ("We will respond swiftly and severely.", 1),
    ("A severe and swift response. Again: swift and severe!", 2),
    ("SWIFT AND SEVERE consequences", 1),
    ("We took swift action, and later the very severe storm hit.", 0),  # 5 words apart
    ("swiftness and severity", 0),
    ("The sanctions are severe.", 0),
])
def test_swift_and_severe_pattern(text, hits):
    assert len(ct.swift_severe_pattern(3).findall(text)) == hits


def test_iso_weeks_start_on_monday():
    dates = pd.Series(pd.to_datetime(["2022-02-21", "2022-02-24", "2022-02-27", "2022-02-28"]))
    weeks = ct.week_of(dates).dt.strftime("%Y-%m-%d").tolist()
    assert weeks == ["2022-02-21", "2022-02-21", "2022-02-21", "2022-02-28"]


def _sentences(rows):
    frame = pd.DataFrame(rows, columns=["doc_id", "actor", "date", "threat_on"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_weekly_shares_weigh_sentences_not_documents_and_keep_empty_weeks():
    sents = _sentences(
        [("a", "US", "2022-02-21", 1)]                      # a one-sentence document that threatens
        + [("b", "US", "2022-02-22", 0)] * 3                # a three-sentence one that does not
        + [("c", "RU", "2022-03-01", 1), ("c", "RU", "2022-03-01", 0)]
    )
    weekly = ct.weekly_shares(sents, ["threat"], "2022-02-21", "2022-03-13").set_index(["week", "actor"])
    us = weekly.loc[(pd.Timestamp("2022-02-21"), "US")]
    assert us["threat"] == pytest.approx(0.25)  # 1 of 4 sentences, not the mean of 1 and 0
    assert (us["sentences"], us["documents"]) == (4, 2)
    assert weekly.loc[(pd.Timestamp("2022-02-28"), "RU"), "threat"] == pytest.approx(0.5)
    assert len(weekly) == 3 * 3  # three weeks x three actors, empty ones included
    empty = weekly.loc[(pd.Timestamp("2022-03-07"), "UA")]
    assert empty["sentences"] == 0 and pd.isna(empty["threat"])


def test_weekly_shares_drop_days_outside_the_window():
    sents = _sentences([("a", "US", "2021-10-24", 1), ("b", "US", "2021-10-25", 0)])
    weekly = ct.weekly_shares(sents, ["threat"], "2021-10-25", "2021-10-31")
    assert weekly.loc[weekly["actor"] == "US", "sentences"].tolist() == [1]


def test_swift_severe_counts_each_occurrence_with_its_document():
    docs = pd.DataFrame({
        "doc_id": ["a", "b", "c"], "actor": ["US", "US", "RU"], "doc_type": ["x"] * 3,
        "date": pd.to_datetime(["2022-02-18", "2022-03-01", "2022-03-02"]),
        "text": ["It will be swift and severe. Swift, severe and united.", "Nothing here.",
                 "The \u201cswift\u201d and severe response."],
    })
    occ = ct.swift_severe(docs, 3)
    assert occ["doc_id"].tolist() == ["a", "a", "c"]
    assert occ["week"].dt.strftime("%Y-%m-%d").tolist() == ["2022-02-14", "2022-02-14", "2022-02-28"]


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    return build_small(tmp_path_factory.mktemp("paper"), "timeline", ('fig',))


@needs_data
def test_small_build_writes_every_number_the_paper_quotes(small_build):
    numbers = json.loads((small_build / "build" / "numbers" / "timeline.json").read_text())
    missing = paper_macros("Time", "SwiftSevere") - set(numbers)
    assert not missing, f"paper.tex uses numbers timeline.json lacks: {sorted(missing)}"
    by_actor = sum(int(numbers[f"SwiftSevere{a}"]) for a in ("Us", "Ru", "Ua"))
    assert by_actor == int(numbers["SwiftSevereCount"])
    assert int(numbers["SwiftSevereBefore"]) + int(numbers["SwiftSevereAfter"]) == by_actor


@needs_data
def test_small_build_weekly_table_covers_every_week_and_actor(small_build):
    weekly = pd.read_csv(small_build / "build" / "data" / "timeline_weekly.csv", parse_dates=["week"])
    assert set(weekly["actor"]) == {"US", "RU", "UA"}
    assert (weekly["week"].dt.day_of_week == 0).all()
    assert weekly.groupby("actor").size().nunique() == 1  # the same weeks for every actor
    shares = weekly[["threat", "conditionality", "commitment"]].stack().dropna()
    assert shares.between(0, 1).all()
    periods = pd.read_csv(small_build / "build" / "data" / "timeline_periods.csv")
    assert set(periods["period"]) == {"before", "after"}


@needs_data
def test_small_build_writes_the_figure(small_build):
    for ext in ("pdf", "png"):
        path = small_build / "figures" / f"fig_timeline.{ext}"
        assert path.is_file() and path.stat().st_size > 10_000, path
