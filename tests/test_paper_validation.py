"""The paper's validation analysis: rules against the annotations, keyword and VADER
baselines, bootstrap intervals, kappa read from the data README.

The end-to-end test runs ``compute_validation.py --small`` into a temporary
``RHETORIC_PAPER_OUT``, then the figure and table scripts (seconds).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rhetoric.paths import data_root

from paper_helpers import needs_data, paper_macros, small_build as build_small  # noqa: E402

import compute_validation as cv  # noqa: E402

needs_data = needs_data("annotations/train.jsonl")


README = """How the labels were made: ... On a separate held-out sample of 942 sentences from other
documents, two independent passes agreed with Cohen's kappa 0.95 (threat), 0.90
(conditionality), 0.90 (two_path) and 0.92 (commitment); disagreements ..."""


def test_agreement_is_parsed_from_the_readme_sentence():
    kappa, held_out = cv.parse_agreement(README)
    assert kappa == {"threat": 0.95, "conditionality": 0.90, "two_path": 0.90, "commitment": 0.92}
    assert held_out == 942


def test_a_readme_without_every_kappa_is_an_error_naming_the_file():
    broken = README.replace("0.92 (commitment)", "a high figure for commitment")
    with pytest.raises(ValueError, match=r"notes\.md.*commitment"):
        cv.parse_agreement(broken, "notes.md")
    with pytest.raises(ValueError, match="kappa"):
        cv.parse_agreement("no agreement figures here", "notes.md")


def test_agreement_is_read_from_agreement_json(tmp_path):
    path = tmp_path / "agreement.json"
    path.write_text(json.dumps({"held_out_sample": {"sentences": 12, "cohen_kappa": {
        "threat": 0.5, "conditionality": 0.6, "two_path": 0.7, "commitment": 0.8}}}))
    assert cv.read_agreement(path) == ({"threat": 0.5, "conditionality": 0.6, "two_path": 0.7, "commitment": 0.8}, 12)
    path.write_text(json.dumps({"held_out_sample": {"sentences": 12, "cohen_kappa": {"threat": 0.5}}}))
    with pytest.raises(ValueError, match=r"agreement\.json.*conditionality"):
        cv.read_agreement(path)
    path.write_text("{}")
    with pytest.raises(ValueError, match="held_out_sample"):
        cv.read_agreement(path)


@needs_data
def test_agreement_json_and_the_readme_agree():
    kappa, held_out = cv.read_agreement(data_root() / cv.AGREEMENT_FILE)
    assert (kappa, held_out) == cv.parse_agreement((data_root() / "README.md").read_text(encoding="utf-8"))


@needs_data
def test_the_real_readme_gives_four_kappas_between_zero_and_one():
    kappa, held_out = cv.parse_agreement((data_root() / "README.md").read_text(encoding="utf-8"))
    assert set(kappa) == set(cv.CONSTRUCTS)
    assert all(0 < k <= 1 for k in kappa.values()) and held_out > 0


def test_keywords_match_whole_words_only_and_count_each():
    texts = ["There will be sanctions, and the costs will be high.", "We met today.",
             "An iffy proposal, in order to talk.", "If they attack, unless they stop..."]
    assert cv.keyword_counts(texts, "threat") == [2, 0, 0, 0]
    assert cv.keyword_counts(texts, "conditionality") == [0, 0, 0, 2]  # not "iffy"
    assert cv.keyword_counts(texts, "two_path") == [0, 0, 0, 0]  # not "order"
    assert cv.keyword_counts(texts, "commitment") == [2, 0, 0, 0]
    assert cv.keyword_counts(["Russia will RETALIATE."], "threat") == [1]  # case ignored


def test_the_keyword_lists_shown_in_the_paper_come_from_the_patterns():
    shown = cv.keyword_display("threat")
    assert "sanction*" in shown and "cost(s)" in shown and "\\" not in shown
    assert len(shown.split(", ")) == len(cv.KEYWORDS["threat"])


def test_best_threshold_maximises_f1_and_prefers_the_lowest_tie():
    y = [1, 1, 0, 0, 1]
    score = [0.9, 0.5, 0.5, 0.1, 0.7]
    t, f1 = cv.best_f1_threshold(y, score)
    # >= 0.7 gives P 1, R 2/3 (F1 .8); >= 0.5 gives P 3/4, R 1 (F1 .857); >= 0.1 P 3/5 R 1 (.75)
    assert t == 0.5 and f1 == pytest.approx(6 / 7)


def test_prf_agrees_with_rhetoric_evaluate():
    from rhetoric.metrics import precision_recall_f1

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    s = rng.random(200)
    p, r, f = cv.prf(y, s >= 0.5)
    assert (p, r, f) == pytest.approx(precision_recall_f1(y.tolist(), (s >= 0.5).tolist()))


def test_bootstrap_is_seeded_and_paired():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    a = y ^ (rng.random(300) < 0.1)   # a good predictor
    b = y ^ (rng.random(300) < 0.4)   # a poor one
    one = cv.bootstrap_prf(y, {"a": a, "b": b}, 200, seed=7)
    two = cv.bootstrap_prf(y, {"a": a, "b": b}, 200, seed=7)
    assert np.array_equal(one["a"], two["a"]) and one["a"].shape == (200, 3)
    other = cv.bootstrap_prf(y, {"a": a}, 200, seed=8)
    assert not np.array_equal(one["a"], other["a"])
    # paired: the same resamples, so the good predictor wins in (nearly) every one
    assert (one["a"][:, 2] > one["b"][:, 2]).mean() > 0.95


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    return build_small(tmp_path_factory.mktemp("paper"), "validation", ('fig', 'tab'))


@needs_data
def test_small_build_writes_every_number_the_paper_quotes(small_build):
    numbers = json.loads((small_build / "build" / "numbers" / "validation.json").read_text())
    missing = paper_macros("Val") - set(numbers)
    assert not missing, f"paper.tex uses numbers validation.json lacks: {sorted(missing)}"
    kappa, _ = cv.read_agreement(data_root() / cv.AGREEMENT_FILE)
    assert numbers["ValThreatKappa"] == f"{kappa['threat']:.2f}"
    # both corpora, and how many sentences the rules were tuned on (in-sample for them)
    sents = pd.read_csv(small_build / "build" / "data" / "validation_sentences.csv")
    assert numbers["ValUngdcSentences"] == f"{int((sents['corpus'] == 'ungdc').sum()):,}"
    assert numbers["ValRulesInSampleSentences"] == f"{int(sents['stratum'].isin(cv.FIRST_RELEASE).sum()):,}"


@needs_data
def test_small_build_metrics_are_sane(small_build):
    tidy = pd.read_csv(small_build / "build" / "data" / "validation_metrics.csv")
    assert set(tidy["construct"]) == set(cv.CONSTRUCTS)
    assert set(tidy.loc[tidy["method"] == "vader", "construct"]) == {"threat"}
    prf = tidy[tidy["metric"].isin(["precision", "recall", "f1"]) & (tidy["method"] != "rules_minus_keyword")]
    assert prf[["estimate", "low", "high"]].stack().between(0, 1).all()
    assert (prf["low"] <= prf["high"]).all()
    # the rules' point estimates are what scoring the sample gives
    sents = pd.read_csv(small_build / "build" / "data" / "validation_sentences.csv")
    p, r, f = cv.prf(sents["threat"], sents["rules_threat"] >= 0.5)
    rules = tidy[(tidy["construct"] == "threat") & (tidy["method"] == "rules")].set_index("metric")["estimate"]
    assert (rules["precision"], rules["recall"], rules["f1"]) == pytest.approx((p, r, f))


@needs_data
def test_small_build_writes_figure_and_tables(small_build):
    for ext in ("pdf", "png"):
        path = small_build / "figures" / f"fig_validation.{ext}"
        assert path.is_file() and path.stat().st_size > 10_000, path
    table = (small_build / "tables" / "tab_validation.tex").read_text()
    assert r"\toprule" in table and r"\bottomrule" in table and "VADER" in table
    assert table.count(r"\addlinespace") == len(cv.CONSTRUCTS) - 1
    example = (small_build / "tables" / "tab_validation_example.tex").read_text()
    assert example.startswith(r"\begin{verbatim}") and "sigmoid(" in example
    assert max(len(line) for line in example.splitlines()) <= 96


@needs_data
def test_small_build_reports_each_corpus_and_the_rules_in_sample_sentences_apart(small_build):
    subsets = pd.read_csv(small_build / "build" / "data" / "validation_subsets.csv")
    assert set(subsets["subset"]) == {"corpus=crisis", "corpus=ungdc", "rules_in_sample=true",
                                      "rules_in_sample=false"}
    sents = pd.read_csv(small_build / "build" / "data" / "validation_sentences.csv")
    n = subsets[(subsets["construct"] == "threat") & (subsets["method"] == "rules") & (subsets["metric"] == "f1")]
    n = n.set_index("subset")["n"]
    assert n["corpus=crisis"] + n["corpus=ungdc"] == len(sents) == n["rules_in_sample=true"] + n["rules_in_sample=false"]
    un = sents[sents["corpus"] == "ungdc"]
    p, r, f = cv.prf(un["commitment"], un["rules_commitment"] >= 0.5)
    row = subsets[(subsets["subset"] == "corpus=ungdc") & (subsets["construct"] == "commitment")
                  & (subsets["method"] == "rules")].set_index("metric")["estimate"]
    assert row["f1"] == pytest.approx(f)
