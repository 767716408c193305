"""The paper's inference: the actor x period linear probability model, naive (predicted
labels taken as true) beside DSL (corrected with the expert-coded random sample).

The model tests plant a population with known cell shares and a scorer whose errors differ
by actor and period: the naive estimate must miss the planted change and DSL must find it.
The end-to-end test runs ``compute_crossfit.py --small``, ``compute_regression.py --small``
and the figure and table scripts into a temporary ``RHETORIC_PAPER_OUT``.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from paper_helpers import needs_data, paper_macros, small_build as build_small  # noqa: E402

import compute_regression as cr  # noqa: E402

needs_data = needs_data("annotations/sampling_frame.jsonl.gz")

#: planted share of sentences carrying the construct, per actor and period
SHARES = {("US", False): 0.04, ("US", True): 0.06, ("RU", False): 0.03, ("RU", True): 0.09,
          ("UA", False): 0.08, ("UA", True): 0.05}
#: the planted scorer's recall per cell: it misses many more after the invasion in RU
RECALL = {("US", False): 0.8, ("US", True): 0.8, ("RU", False): 0.8, ("RU", True): 0.3,
          ("UA", False): 0.7, ("UA", True): 0.7}


def planted(seed: int = 0, docs_per_cell: int = 400, sents_per_doc: int = 15, prob: float = 0.2,
            recall=RECALL, false_positive: float = 0.01):
    """A population with exactly the planted shares, a scorer with per-cell recall and a
    false-positive rate, and a Bernoulli(prob) sample of expert labels."""
    rng = np.random.default_rng(seed)
    frames = []
    for (actor, after), share in SHARES.items():
        n = docs_per_cell * sents_per_doc
        y = rng.permutation(np.arange(n) < int(round(share * n))).astype(float)
        pred = np.where(y == 1, rng.random(n) < recall[(actor, after)], rng.random(n) < false_positive).astype(float)
        frames.append(pd.DataFrame({
            "doc_id": [f"{actor}{after}{i // sents_per_doc}" for i in range(n)], "actor": actor,
            "date": pd.Timestamp("2022-03-10" if after else "2022-01-10"), "threat": y, "threat_pred": pred}))
    pop = pd.concat(frames, ignore_index=True)
    pop["labelled"] = (rng.random(len(pop)) < prob).astype(int)
    pop.loc[pop["labelled"] == 0, "threat"] = np.nan  # the expert value exists on labelled rows only
    pop["sample_prob"] = prob
    return pop


def truth(actor: str) -> float:
    return 100 * (SHARES[(actor, True)] - SHARES[(actor, False)])


def fit(pop):
    pop, rhs, names = cr.design_columns(pop, "2022-02-24", "US")
    return cr.estimates(pop, "threat", rhs, names, "US").set_index(["method", "term"])


def test_design_codes_actors_against_the_reference_and_the_interactions():
    pop, rhs, names = cr.design_columns(planted(docs_per_cell=2), "2022-02-24", "US")
    assert names == ["Intercept", "RU", "UA", "after", "RU:after", "UA:after"]
    assert rhs == "RU + UA + after + RU:after + UA:after"
    ua_after = pop[(pop["actor"] == "UA") & (pop["date"] >= "2022-02-24")]
    assert (ua_after[["UA", "after"]] == 1).all().all() and (ua_after["RU"] == 0).all()
    with pytest.raises(ValueError, match="reference_actor"):
        cr.design_columns(pop, "2022-02-24", "EU")
    with pytest.raises(ValueError, match="EU"):
        cr.design_columns(pop.assign(actor="EU"), "2022-02-24", "US")


def test_a_perfect_scorer_with_every_row_labelled_gives_one_answer_the_cell_shares():
    pop = planted(docs_per_cell=40, recall={k: 1.0 for k in RECALL}, false_positive=0.0, prob=1.0)
    t = fit(pop)
    for method in ("naive", "dsl", "labelled"):
        for actor in ("US", "RU", "UA"):
            assert t.loc[(method, f"change:{actor}"), "coef"] == pytest.approx(truth(actor), abs=1e-9)
        assert t.loc[(method, "Intercept"), "coef"] == pytest.approx(100 * SHARES[("US", False)], abs=1e-9)
    # the same data and the same sandwich, clustered by document: the same intervals
    assert t.loc[("dsl", "change:RU"), "se"] == pytest.approx(t.loc[("labelled", "change:RU"), "se"], rel=0.01)


def test_dsl_finds_the_planted_change_that_the_naive_estimate_misses():
    t = fit(planted(seed=3))
    naive, dsl = t.loc[("naive", "change:RU")], t.loc[("dsl", "change:RU")]
    # the scorer's recall falls from 0.8 to 0.3 in Russia after the invasion: the naive
    # estimate sees almost no rise; the truth is +6 points
    assert abs(naive["coef"] - truth("RU")) > 5 * naive["se"]
    assert naive["high"] < truth("RU")
    assert dsl["low"] < truth("RU") < dsl["high"]
    assert dsl["se"] > naive["se"]  # the honest interval is wider
    assert t.loc[("dsl", "change:RU"), "labelled"] == int(planted(seed=3)["labelled"].sum())


def test_the_text_names_the_conclusions_that_change():
    rows = []
    for method, (lo, hi) in {"naive": (0.5, 1.5), "dsl": (-0.5, 2.0)}.items():
        rows.append({"construct": "threat", "term": "change:UA", "kind": "contrast", "method": method,
                     "coef": (lo + hi) / 2, "low": lo, "high": hi})
        rows.append({"construct": "threat", "term": "change:US", "kind": "contrast", "method": method,
                     "coef": 1.0, "low": 0.2, "high": 1.8})
    changed = cr.changed_conclusions(pd.DataFrame(rows))
    assert changed == [{"construct": "threat", "actor": "UA", "naive": "rose", "dsl": "no change"}]
    text = cr.changed_text(changed)
    assert "Ukrainian threat share" in text and "naive: a rise" in text and "corrected: no detectable change" in text
    assert cr.changed_text([]).startswith("no conclusion")


def test_change_phrase_names_a_direction_only_when_the_interval_excludes_zero():
    assert cr.change_phrase(1.2, 0.5, 1.9).startswith("rose by 1.20")
    assert cr.change_phrase(-1.2, -1.9, -0.5).startswith("fell by 1.20")
    assert cr.change_phrase(0.3, -0.1, 0.7).startswith("did not change detectably")
    assert "0.012" in cr.change_phrase(0.012, 0.002, 0.03)  # small effects keep a third decimal


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    return build_small(tmp_path_factory.mktemp("paper"), "regression", ("fig", "tab"))


@needs_data
def test_small_build_writes_every_number_the_paper_quotes(small_build):
    numbers = {}
    for name in ("regression", "crossfit"):
        numbers.update(json.loads((small_build / "build" / "numbers" / f"{name}.json").read_text()))
    missing = paper_macros("Reg", "Pop") - set(numbers)
    assert not missing, f"paper.tex uses numbers the regression and crossfit builds lack: {sorted(missing)}"


@needs_data
def test_small_build_estimates_match_the_cell_shares_for_each_method(small_build):
    coefs = pd.read_csv(small_build / "build" / "data" / "regression_coefs.csv")
    cells = pd.read_csv(small_build / "build" / "data" / "regression_cells.csv")
    assert set(coefs["construct"]) == {"threat", "conditionality", "two_path", "commitment"}
    assert set(coefs["method"]) == {"naive", "dsl", "labelled"}
    c = cells.set_index(["construct", "actor", "period"])
    k = coefs.set_index(["construct", "method", "term"])["coef"]
    for construct in ("threat", "commitment"):
        for actor in ("US", "RU", "UA"):
            for method, column in (("naive", "naive"), ("dsl", "dsl")):
                change = c.loc[(construct, actor, "after"), column] - c.loc[(construct, actor, "before"), column]
                assert k[(construct, method, f"change:{actor}")] == pytest.approx(change, abs=1e-9)
    naive = coefs[coefs["method"] == "naive"]
    assert naive["n"].iloc[0] == cells.groupby("construct")["sentences"].sum().iloc[0]
    assert (coefs.loc[coefs["method"] == "dsl", "labelled"] == cells.groupby("construct")["labelled"].sum().iloc[0]).all()


@needs_data
def test_small_build_population_is_the_mapped_frame_with_cross_fitted_scores(small_build):
    meta = json.loads((small_build / "build" / "data" / "crossfit.json").read_text())
    counts = meta["population"]
    pop = pd.read_csv(small_build / "build" / "data" / "crossfit_population.csv")
    assert len(pop) == counts["mapped"] == counts["scope_sentences"] - counts["unmapped"]
    assert counts["sample_prob"] == pytest.approx(2000 / 95596)
    assert pop.loc[pop["labelled"] == 1, "threat"].notna().all() and pop.loc[pop["labelled"] == 0, "threat"].isna().all()
    assert pop["threat_score"].between(0, 1).all()
    # every population sentence sits in the fold the annotation file's rule gives its document
    from rhetoric.data.frame import document_fold
    assert (pop["fold"] == pop["doc_id"].map(document_fold)).all()


@needs_data
def test_small_build_writes_figure_and_table(small_build):
    for ext in ("pdf", "png"):
        path = small_build / "figures" / f"fig_regression.{ext}"
        assert path.is_file() and path.stat().st_size > 10_000, path
    table = (small_build / "tables" / "tab_regression.tex").read_text()
    assert r"\toprule" in table and "clusters" in table and r"Russia $\times$ after" in table
    assert "Naive & DSL" in table and "Expert-coded" in table
    assert "] & [" in table  # each estimate with its 95% interval beneath
