"""The UN General Debate analysis of the paper: fixed-effects model, figure and table.

The end-to-end test runs ``compute_ungdc.py --small`` (a few years, P5 and a dozen other
countries, the start of each speech) into a temporary ``RHETORIC_PAPER_OUT`` with its own
featurisation cache, then the figure and table scripts.
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

SCRIPTS = Path(__file__).resolve().parents[1] / "paper" / "scripts"
sys.path.insert(0, str(SCRIPTS))

import compute_ungdc  # noqa: E402

needs_data = pytest.mark.skipif(
    not (data_root(required=False) / "ungdc" / "speeches.jsonl.gz").is_file(),
    reason="the shared data is not there (set RHETORIC_DATA)",
)

# Macros paper.tex quotes from numbers/ungdc.json.
PAPER_KEYS = {
    "UngdcSpeeches", "UngdcCountries", "UngdcFirstYear", "UngdcLastYear", "UngdcModelN",
    "UngdcThreatPostColdWarCoef", "UngdcThreatPostColdWarSE", "UngdcThreatFromTwentyFourteenCoef",
    "UngdcCommitmentPostColdWarCoef", "UngdcCommitmentFromTwentyFourteenCoef",
    "UngdcThreatMeanPFive", "UngdcThreatMeanRest", "UngdcCommitmentMeanPFive", "UngdcCommitmentMeanRest",
    "UngdcThreatMeanPFiveColdWar", "UngdcThreatMeanRestFromTwentyFourteen", "UngdcPostColdWarStart",
}


def _panel(effect_1992: float, effect_2014: float, seed: int = 0) -> pd.DataFrame:
    """Speeches of 25 countries (the P5 among them) over 1970-2024 with known P5 x period effects."""
    rng = np.random.default_rng(seed)
    countries = list(compute_ungdc.P5) + [f"C{i:02d}" for i in range(20)]
    years = np.arange(1970, 2025)
    country_fe = dict(zip(countries, rng.normal(3, 1, len(countries))))
    year_fe = dict(zip(years, rng.normal(0, 0.5, len(years))))
    rows = []
    for c in countries:
        p5 = int(c in compute_ungdc.P5)
        for y in years:
            base = country_fe[c] + year_fe[y] + p5 * (effect_1992 * (y >= 1992) + effect_2014 * (y >= 2014))
            rows.append({"doc_id": f"{c}-{y}", "iso3": c, "year": y, "p5": p5, "n_sentences": 100,
                         "threat": base + rng.normal(0, 0.3), "commitment": base / 2 + rng.normal(0, 0.3)})
    return pd.DataFrame(rows)


def test_fixed_effects_model_recovers_planted_p5_period_effects():
    coefs = compute_ungdc.fit_models(_panel(1.5, -0.8), {"post_cold_war": 1992, "from_2014": 2014})
    got = coefs.set_index(["outcome", "term"])["coef"]
    assert got[("threat", "p5_x_post_cold_war")] == pytest.approx(1.5, abs=0.2)
    assert got[("threat", "p5_x_from_2014")] == pytest.approx(-0.8, abs=0.2)
    assert got[("commitment", "p5_x_post_cold_war")] == pytest.approx(0.75, abs=0.2)
    assert (coefs["n"] == 25 * 55).all() and (coefs["countries"] == 25).all()
    assert (coefs["ci_low"] < coefs["coef"]).all() and (coefs["coef"] < coefs["ci_high"]).all()


def test_model_leaves_out_speeches_without_sentences():
    panel = _panel(0.0, 0.0)
    panel.loc[:9, "n_sentences"] = 0
    coefs = compute_ungdc.fit_models(panel, {"post_cold_war": 1992})
    assert (coefs["n"] == len(panel) - 10).all()


def test_yearly_means_keep_groups_apart_and_smooth_over_calendar_years():
    speeches = pd.DataFrame({
        "year": [2000, 2000, 2001, 2001, 2003, 2003],
        "p5": [1, 0, 1, 0, 1, 0],
        "threat": [2.0, 0.0, 4.0, 0.0, 6.0, 1.0],
        "commitment": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    })
    yearly = compute_ungdc.yearly_means(speeches, window=3).set_index(["group", "outcome", "year"]).sort_index()
    assert yearly.loc[("P5", "threat", 2001), "mean"] == 4.0
    assert yearly.loc[("Rest", "threat", 2003), "mean"] == 1.0
    # 2002 has no speech: the centred 3-year window around 2001 averages 2000 and 2001 only
    assert yearly.loc[("P5", "threat", 2001), "rolling"] == pytest.approx(3.0)
    assert (2002 not in yearly.loc[("P5", "threat")].index)


def test_periods_are_half_open_and_start_with_the_cold_war():
    periods = {"from_2014": 2014, "post_cold_war": 1992}  # any order
    got = compute_ungdc.period_of([1946, 1991, 1992, 2013, 2014, 2024], periods).tolist()
    assert got == ["cold_war", "cold_war", "post_cold_war", "post_cold_war", "from_2014", "from_2014"]


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("paper")
    env = {**os.environ, "RHETORIC_PAPER_OUT": str(out), "RHETORIC_CACHE": str(out / "cache")}
    for script in ("compute_ungdc.py", "fig_ungdc.py", "tab_ungdc.py"):
        args = [sys.executable, str(SCRIPTS / script)] + (["--small"] if script.startswith("compute") else [])
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{script} failed:\n{proc.stdout}\n{proc.stderr}"
    return out


@needs_data
def test_small_build_writes_data_numbers_figure_and_table(small_build):
    data = small_build / "build" / "data"
    speeches = pd.read_csv(data / "ungdc_speeches.csv")
    # every permanent seat is in the slice, flagged, and no other country is
    assert set(speeches.loc[speeches["p5"] == 1, "iso3"]) == set(compute_ungdc.P5)
    assert not speeches.loc[speeches["p5"] == 0, "iso3"].isin(compute_ungdc.P5).any()
    assert speeches[["threat", "commitment"]].apply(lambda s: s.between(0, 100).all()).all()

    coefs = pd.read_csv(data / "ungdc_coefs.csv")
    assert set(coefs["term"]) == {"p5_x_post_cold_war", "p5_x_from_2014"}
    assert np.isfinite(coefs[["coef", "se"]]).all().all() and (coefs["se"] > 0).all()

    numbers = json.loads((small_build / "build" / "numbers" / "ungdc.json").read_text())
    assert PAPER_KEYS <= set(numbers)
    assert all(isinstance(v, str) and v for v in numbers.values())
    assert numbers["UngdcSpeeches"] == f"{len(speeches):,}"

    for ext, min_bytes in (("pdf", 5_000), ("png", 20_000)):
        fig = small_build / "figures" / f"fig_ungdc.{ext}"
        assert fig.stat().st_size > min_bytes
    assert (small_build / "figures" / "fig_ungdc.pdf").read_bytes().startswith(b"%PDF")

    table = (small_build / "tables" / "tab_ungdc.tex").read_text()
    assert "\\toprule" in table and "\\bottomrule" in table
    assert f"{coefs.loc[0, 'coef']:.2f}" in table
