"""The paper's inference: sentence-level linear probability models on actor x period,
clustered by document.

The model tests plant known cell shares and check that the saturated model gives them
back exactly (and that clustering widens the intervals when sentences of a document move
together). The end-to-end test runs ``compute_regression.py --small`` into a temporary
``RHETORIC_PAPER_OUT``, then the figure and table scripts (seconds).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest


from paper_helpers import needs_data, paper_macros, small_build as build_small  # noqa: E402

import compute_regression as cr  # noqa: E402

needs_data = needs_data("crisis/documents.jsonl.gz")


#: planted share of sentences carrying the construct, per actor and period
SHARES = {("US", False): 0.02, ("US", True): 0.03, ("RU", False): 0.01, ("RU", True): 0.05,
          ("UA", False): 0.04, ("UA", True): 0.02}


def planted(seed: int = 0, docs_per_cell: int = 60, sents_per_doc: int = 20, clustered: bool = False):
    """Sentences with exactly the planted share in every cell (shuffled over documents);
    with ``clustered``, whole documents carry the construct or not."""
    rng = np.random.default_rng(seed)
    rows = []
    for (actor, after), share in SHARES.items():
        date = "2022-03-10" if after else "2022-01-10"
        n = docs_per_cell * sents_per_doc
        k = int(round(share * n))
        if clustered:
            on = np.repeat(rng.permutation(np.arange(docs_per_cell) < k // sents_per_doc + 1), sents_per_doc)[:n]
        else:
            on = rng.permutation(np.arange(n) < k)
        for i in range(n):
            rows.append((f"{actor}{after}{i // sents_per_doc}", actor, date, int(on[i])))
    frame = pd.DataFrame(rows, columns=["doc_id", "actor", "date", "threat_on"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def fit(frame):
    X, names = cr.design(frame, "2022-02-24", "US")
    groups = pd.factorize(frame["doc_id"])[0]
    res = cr.fit(frame["threat_on"].astype(float), X, groups)
    return cr.tidy(res, names, "US", "threat", int(groups.max()) + 1).set_index("term")


def cell(frame, actor, after):
    d = frame[(frame["actor"] == actor) & ((frame["date"] >= "2022-02-24") == after)]
    return d["threat_on"].mean() * 100


def test_design_codes_actors_against_the_reference_and_the_interactions():
    frame = planted()
    X, names = cr.design(frame, "2022-02-24", "US")
    assert names == ["Intercept", "RU", "UA", "after", "RU:after", "UA:after"]
    ua_after = X[(frame["actor"] == "UA") & (frame["date"] >= "2022-02-24")]
    assert (ua_after[["UA", "after", "UA:after"]] == 1).all().all() and (ua_after["RU"] == 0).all()


def test_design_rejects_unknown_actors_and_reference():
    frame = planted()
    with pytest.raises(ValueError, match="reference_actor"):
        cr.design(frame, "2022-02-24", "EU")
    with pytest.raises(ValueError, match="EU"):
        cr.design(frame.assign(actor="EU"), "2022-02-24", "US")


def test_saturated_model_gives_back_the_cell_shares_in_points():
    frame = planted()
    t = fit(frame)
    assert t.loc["Intercept", "coef"] == pytest.approx(cell(frame, "US", False))
    assert t.loc["after", "coef"] == pytest.approx(cell(frame, "US", True) - cell(frame, "US", False))
    did = (cell(frame, "UA", True) - cell(frame, "UA", False)) - (cell(frame, "US", True) - cell(frame, "US", False))
    assert t.loc["UA:after", "coef"] == pytest.approx(did)
    for actor in ("US", "RU", "UA"):
        change = cell(frame, actor, True) - cell(frame, actor, False)
        assert t.loc[f"change:{actor}", "coef"] == pytest.approx(change)
        assert t.loc[f"change:{actor}", "low"] < change < t.loc[f"change:{actor}", "high"]
    assert t.loc["change:RU", "coef"] == pytest.approx(t.loc["after", "coef"] + t.loc["RU:after", "coef"])


def test_clustering_by_document_widens_intervals_when_documents_move_together():
    loose = fit(planted(clustered=False))
    tight = fit(planted(clustered=True))
    assert tight.loc["after", "se"] > 2 * loose.loc["after", "se"]
    assert int(tight["clusters"].iloc[0]) == 6 * 60


def test_change_phrase_names_a_direction_only_when_the_interval_excludes_zero():
    assert cr.change_phrase(1.2, 0.5, 1.9).startswith("rose by 1.20")
    assert cr.change_phrase(-1.2, -1.9, -0.5).startswith("fell by 1.20")
    assert cr.change_phrase(0.3, -0.1, 0.7).startswith("did not change detectably")
    assert "0.012" in cr.change_phrase(0.012, 0.002, 0.03)  # small effects keep a third decimal


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    return build_small(tmp_path_factory.mktemp("paper"), "regression", ('fig', 'tab'))


@needs_data
def test_small_build_writes_every_number_the_paper_quotes(small_build):
    numbers = json.loads((small_build / "build" / "numbers" / "regression.json").read_text())
    missing = paper_macros("Reg") - set(numbers)
    assert not missing, f"paper.tex uses numbers regression.json lacks: {sorted(missing)}"


@needs_data
def test_small_build_coefficients_match_the_cell_shares(small_build):
    coefs = pd.read_csv(small_build / "build" / "data" / "regression_coefs.csv")
    cells = pd.read_csv(small_build / "build" / "data" / "regression_cells.csv")
    assert set(coefs["construct"]) == {"threat", "conditionality", "two_path", "commitment"}
    c = cells.set_index(["construct", "actor", "period"])["share"]
    k = coefs.set_index(["construct", "term"])["coef"]
    for construct in ("threat", "commitment"):
        for actor in ("US", "RU", "UA"):
            change = c[(construct, actor, "after")] - c[(construct, actor, "before")]
            assert k[(construct, f"change:{actor}")] == pytest.approx(change, abs=1e-9)
    assert coefs["clusters"].nunique() == 1 and coefs["n"].iloc[0] == cells.groupby("construct")["sentences"].sum().iloc[0]


@needs_data
def test_small_build_writes_figure_and_table(small_build):
    for ext in ("pdf", "png"):
        path = small_build / "figures" / f"fig_regression.{ext}"
        assert path.is_file() and path.stat().st_size > 10_000, path
    table = (small_build / "tables" / "tab_regression.tex").read_text()
    assert r"\toprule" in table and "clusters" in table and r"Russia $\times$ after" in table
