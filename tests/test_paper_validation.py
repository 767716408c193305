"""The paper's validation analysis: rhetoric.evaluate's out-of-fold figures for the
trained scorer, the rules on the sentences they were not written from, keyword and VADER
baselines, kappa read from the data.

The end-to-end test runs ``compute_validation.py --small`` into a temporary
``RHETORIC_PAPER_OUT`` (the first 1,500 labelled sentences, no full learning curve), then
every figure and table script of the analysis (well under a minute).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rhetoric.paths import data_root

from paper_helpers import REPO, SCRIPTS, needs_data, paper_macros, small_build as build_small  # noqa: E402

import compute_validation as cv  # noqa: E402

needs_data = needs_data("annotations/train.jsonl")


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
def test_the_datas_agreement_json_gives_four_kappas_between_zero_and_one():
    kappa, held_out = cv.read_agreement(data_root() / cv.AGREEMENT_FILE)
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


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("paper")
    build_small(out, "validation", ("fig", "tab"))
    # the scripts registered with the analysis under other names (paper/build.py: REGISTERED)
    env = {**os.environ, "RHETORIC_PAPER_OUT": str(out)}
    for script in ("fig_learning_curve.py", "tab_calibration.py"):
        proc = subprocess.run([sys.executable, str(SCRIPTS / script)], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"{script} failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def test_the_new_scripts_belong_to_the_validation_analysis():
    sys.path.insert(0, str(REPO / "paper"))
    import build

    analyses = [p.stem.split("_", 1)[1] for p in build.discover()["compute"]]
    for name in ("fig_learning_curve.py", "tab_calibration.py", "fig_validation.py", "tab_validation.py"):
        assert build.analysis_of(Path(name), analyses) == "validation", name
    picked = build.select(build.discover(), ["validation"])
    assert {p.name for p in picked["fig"]} == {"fig_validation.py", "fig_learning_curve.py"}


def test_the_build_reruns_validation_when_the_model_changes():
    sys.path.insert(0, str(REPO / "paper"))
    import build

    assert "rhetoric/models/**/*" in build.DEPENDENCIES and "rhetoric/lexicons/*" in build.DEPENDENCIES


@needs_data
def test_small_build_writes_every_number_the_paper_quotes(small_build):
    numbers = json.loads((small_build / "build" / "numbers" / "validation.json").read_text())
    missing = paper_macros("Val") - set(numbers)
    assert not missing, f"paper.tex uses numbers validation.json lacks: {sorted(missing)}"
    kappa, _ = cv.read_agreement(data_root() / cv.AGREEMENT_FILE)
    assert numbers["ValThreatKappa"] == f"{kappa['threat']:.2f}"
    sents = pd.read_csv(small_build / "build" / "data" / "validation_sentences.csv")
    assert len(sents) == 1500 and sents["fold"].nunique() >= 3
    assert numbers["ValSentences"] == "1,500"
    assert numbers["ValUngdcSentences"] == f"{int((sents['corpus'] == 'ungdc').sum()):,}"
    assert numbers["ValRulesInSampleSentences"] == f"{int(sents['stratum'].isin(cv.FIRST_RELEASE).sum()):,}"
    assert numbers["ValHeldOutSentences"] == f"{int((~sents['stratum'].isin(cv.FIRST_RELEASE)).sum()):,}"


@needs_data
def test_small_build_json_is_evaluates_result(small_build):
    result = json.loads((small_build / "build" / "data" / "validation_evaluate.json").read_text())
    assert set(result["engines"]) == {"trained", "rules"}
    assert "held_out_for_rules" in result["engines"]["rules"]
    assert "out-of-fold" in result["engines"]["trained"]["how"]
    assert [r["fraction"] for r in result["engines"]["trained"]["learning_curve"]] == [0.1, 1.0]
    assert not any(k.startswith("_") for k in result)  # no per-sentence scores (they are in the CSV)
    numbers = json.loads((small_build / "build" / "numbers" / "validation.json").read_text())
    m = result["engines"]["trained"]["figures"]["threat"]["all"]
    assert numbers["ValThreatTrainedFOne"] == f"{m['f1']:.2f}"
    assert numbers["ValThreatTrainedFOneLow"] == f"{m['f1_ci'][0]:.2f}"
    held = result["engines"]["rules"]["held_out_for_rules"]["commitment"]["all"]
    assert numbers["ValCommitmentRulesHeldOutFOne"] == f"{held['f1']:.2f}"
    un = result["engines"]["trained"]["figures"]["commitment"]["by_corpus"]["ungdc"]
    assert numbers["ValCommitmentTrainedUnFpr"] == f"{100 * un['fpr']:.1f}"


@needs_data
def test_small_build_metrics_are_sane_and_label_the_in_sample_figures(small_build):
    tidy = pd.read_csv(small_build / "build" / "data" / "validation_metrics.csv")
    assert set(tidy["construct"]) == set(cv.CONSTRUCTS)
    assert set(tidy.loc[tidy["method"] == "vader", "construct"]) == {"threat"}
    # the baselines are scored on the held-out-for-rules sentences only
    assert set(tidy.loc[tidy["method"].isin(["keyword", "vader"]), "subset"]) == {"held_out"}
    # in-sample: the rules on all sentences, and VADER (its threshold chosen on the sentences)
    flagged = tidy[tidy["in_sample"]]
    assert set(flagged["method"]) == {"rules", "vader"}
    assert (flagged.loc[flagged["method"] == "rules", "subset"].str.startswith("all")).all()
    assert not tidy.loc[tidy["method"] == "trained", "in_sample"].any()
    vals = tidy.dropna(subset=["estimate", "low", "high"])
    assert vals[["estimate", "low", "high"]].stack().between(0, 1).all()
    assert (vals["low"] <= vals["high"] + 1e-12).all()
    # the held-out rows are what scoring the held-out sentences gives
    sents = pd.read_csv(small_build / "build" / "data" / "validation_sentences.csv")
    held = sents[~sents["rules_in_sample"]]
    for method, col, t in (("rules", "rules_threat", 0.5), ("keyword", "keyword_threat", 1),
                           ("trained", "trained_threat", 0.5)):
        p, r, f = cv.prf(held["threat"], held[col] >= t)
        row = tidy[(tidy["construct"] == "threat") & (tidy["method"] == method) & (tidy["subset"] == "held_out")]
        row = row.set_index("metric")["estimate"]
        assert (row["precision"], row["f1"]) == pytest.approx((p, f)), method


@needs_data
def test_small_build_writes_figures_and_tables(small_build):
    for name in ("fig_validation", "fig_learning_curve"):
        for ext in ("pdf", "png"):
            path = small_build / "figures" / f"{name}.{ext}"
            assert path.is_file() and path.stat().st_size > 10_000, path
    table = (small_build / "tables" / "tab_validation.tex").read_text()
    assert r"\toprule" in table and r"\bottomrule" in table and "UN GD" in table
    assert table.count(r"\addlinespace") == len(cv.CONSTRUCTS) - 1
    calibration = (small_build / "tables" / "tab_calibration.tex").read_text()
    assert r"\toprule" in calibration and calibration.count(r"\\") == 11  # header + 10 bins
    example = (small_build / "tables" / "tab_validation_example.tex").read_text()
    assert example.startswith(r"\begin{verbatim}") and "sigmoid(" in example
    assert max(len(line) for line in example.splitlines()) <= 96
