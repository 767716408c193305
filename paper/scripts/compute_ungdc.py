"""Threat and commitment at the UN General Debate, 1946-2024: permanent members against the rest.

    python paper/scripts/compute_ungdc.py [--small]

Scores every General Debate speech with :func:`rhetoric.data.featurise` (cached, so a
re-run reads the scores back) and keeps, per speech, the share of its sentences that
carry a threat and a commitment (sentence score >= 0.5), in percent.

Who counts as a permanent member (P5): the holder of each permanent Security Council seat
*at the time*. The corpus codes the seat, not the state: ``RUS`` is the Soviet Union
until 1991 and the Russian Federation after, and ``CHN`` is the Republic of China until
the 1971 session (its foreign minister still spoke in that debate) and the People's
Republic from 1972; there is no ``SUN`` or ``TWN`` code. So P5 = USA, GBR, FRA, CHN, RUS in
every year, and each seat is one country (one fixed effect, one cluster) throughout.

Model (statsmodels OLS), for each outcome y (percent of a speech's sentences)::

    y ~ P5 x period_k  + C(year) + C(iso3)

P5 does not change over time, so its main effect is absorbed by the country effects and
the periods' main effects by the year effects; what is left is how much the P5 - rest gap
moved in each period relative to the Cold War (before 1992). Standard errors are
clustered by country. Caveat written into the table note: only five countries are
treated, so cluster-robust errors for these terms rest on five clusters and are optimistic.

Writes (under ``paper/build`` or ``$RHETORIC_PAPER_OUT/build``):

``data/ungdc_speeches.csv``   one row per speech: doc_id, iso3, year, p5, n_sentences, threat, commitment (%)
``data/ungdc_yearly.csv``     year x group: mean, speeches, centred rolling mean
``data/ungdc_coefs.csv``      outcome x term: coef, se, p, 95% CI, N, countries, years
``numbers/ungdc.json``        the macros the text quotes

``--small`` (or ``RHETORIC_PAPER_SMALL=1``): a few years, the P5 and a handful of other
countries, the first characters of each speech; seconds, for tests.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import atomic_write_csv, fmt, log, macro, numbers_json, out_dirs, parse_args, section  # noqa: E402

P5 = ("USA", "GBR", "FRA", "CHN", "RUS")
OUTCOMES = {"threat": "threat_share", "commitment": "commitment_share"}

DEFAULTS = {
    # first year of each period whose P5 gap is compared with the Cold War's
    "periods": {"post_cold_war": 1992, "from_2014": 2014},
    "rolling_years": 5,
    "n_jobs": -1,
    "small": {
        "years": [1985, 1989, 1995, 2005, 2016, 2021],
        "other_countries": 8,
        "max_chars": 4000,  # enough sentences that every group has some variation (the trained engine flags few UN sentences)
    },
}

# Macro fragments for each period name (macro names are letters only).
PERIOD_MACROS = {"cold_war": "ColdWar", "post_cold_war": "PostColdWar", "from_2014": "FromTwentyFourteen"}


def load_speeches(cfg: dict, small: bool, seed: int):
    """The speeches to score (all of them, or the small slice)."""
    from rhetoric.data import load_ungdc

    if not small:
        return load_ungdc()
    sm = cfg["small"]
    docs = load_ungdc(years=sm["years"])
    # the same other countries in every small year, chosen by seed among those present in all
    present = docs.groupby("iso3")["year"].nunique()
    always = sorted(present[present == len(sm["years"])].index.difference(P5))
    import numpy as np

    rng = np.random.default_rng(seed)
    others = list(rng.choice(always, size=min(sm["other_countries"], len(always)), replace=False))
    docs = docs[docs["iso3"].isin(list(P5) + others)].copy()
    docs["text"] = docs["text"].str.slice(0, sm["max_chars"])
    return docs.reset_index(drop=True)


def score_speeches(docs, n_jobs: int, small: bool):
    """One row per speech with the P5 flag and the two outcomes in percent of sentences."""
    from rhetoric.data import featurise

    feats = featurise(docs["text"], n_jobs=n_jobs, progress=not small)
    table = docs[["doc_id", "iso3", "country", "year"]].copy()
    table["p5"] = table["iso3"].isin(P5).astype(int)
    table["n_sentences"] = feats["n_sentences"].to_numpy()
    for name, col in OUTCOMES.items():
        table[name] = 100.0 * feats[col].to_numpy()
    return table


def yearly_means(speeches, window: int):
    """Mean of each outcome by year and group, and a centred rolling mean over ``window`` years."""
    import pandas as pd

    speeches = speeches.assign(group=speeches["p5"].map({1: "P5", 0: "Rest"}))
    rows = []
    for (group, outcome), _ in pd.MultiIndex.from_product([["P5", "Rest"], list(OUTCOMES)]).to_frame().iterrows():
        g = speeches[speeches["group"] == group].groupby("year")[outcome].agg(["mean", "count"])
        g = g.reindex(range(int(speeches["year"].min()), int(speeches["year"].max()) + 1))
        # rolling over calendar years (missing years stay missing, not skipped)
        g["rolling"] = g["mean"].rolling(window, center=True, min_periods=max(1, window // 2 + 1)).mean()
        g = g.dropna(subset=["mean"]).reset_index().rename(columns={"index": "year", "count": "speeches"})
        g.insert(0, "outcome", outcome)
        g.insert(0, "group", group)
        rows.append(g)
    out = pd.concat(rows, ignore_index=True)
    out["speeches"] = out["speeches"].astype(int)
    out["rolling_window"] = int(window)
    return out


def fit_models(speeches, periods: dict[str, int]):
    """Two-way fixed-effects OLS per outcome; coefficient rows for the P5 x period terms."""
    import pandas as pd
    import statsmodels.formula.api as smf

    data = speeches[speeches["n_sentences"] > 0].copy()
    terms = []
    for name, first_year in periods.items():
        term = f"p5_x_{name}"
        data[term] = data["p5"] * (data["year"] >= int(first_year)).astype(int)
        terms.append(term)
    groups = pd.factorize(data["iso3"])[0]
    rows = []
    for outcome in OUTCOMES:
        formula = f"{outcome} ~ {' + '.join(terms)} + C(year) + C(iso3)"
        fit = smf.ols(formula, data=data).fit(cov_type="cluster", cov_kwds={"groups": groups})
        ci = fit.conf_int()
        for term in terms:
            rows.append(
                {
                    "outcome": outcome,
                    "term": term,
                    "period_start": int(periods[term[len("p5_x_"):]]),
                    "coef": fit.params[term],
                    "se": fit.bse[term],
                    "p": fit.pvalues[term],
                    "ci_low": ci.loc[term, 0],
                    "ci_high": ci.loc[term, 1],
                    "n": int(fit.nobs),
                    "countries": int(data["iso3"].nunique()),
                    "years": int(data["year"].nunique()),
                    "r2": fit.rsquared,
                }
            )
    return pd.DataFrame(rows)


def period_of(years, periods: dict[str, int]):
    """The period name of each year: "cold_war" before the first break, else the latest
    period that has begun (periods are half-open: [start, next start))."""
    import numpy as np

    names = ["cold_war"] + sorted(periods, key=periods.get)
    starts = [-10**9] + sorted(int(v) for v in periods.values())
    return np.array(names, dtype=object)[np.searchsorted(starts, np.asarray(years), side="right") - 1]


def period_macro(name: str) -> str:
    return PERIOD_MACROS.get(name) or macro(name)


def numbers(speeches, coefs, periods) -> dict[str, str]:
    """The macros the text quotes: N, coverage, means by group and period, coefficients."""
    out = {
        "UngdcSpeeches": fmt(len(speeches)),
        "UngdcSentences": fmt(speeches["n_sentences"].sum()),
        "UngdcCountries": fmt(speeches["iso3"].nunique()),
        "UngdcFirstYear": str(int(speeches["year"].min())),
        "UngdcLastYear": str(int(speeches["year"].max())),
        "UngdcModelN": fmt(coefs["n"].iloc[0]),
        "UngdcPFiveSpeeches": fmt(speeches["p5"].sum()),
    }
    for name, start in periods.items():
        out[f"Ungdc{period_macro(name)}Start"] = str(int(start))
    era = period_of(speeches["year"], periods)
    for outcome in OUTCOMES:
        cap = outcome.capitalize()
        for flag, grp in ((1, "PFive"), (0, "Rest")):
            sel = (speeches["p5"] == flag).to_numpy()
            out[f"Ungdc{cap}Mean{grp}"] = fmt(speeches.loc[sel, outcome].mean(), 2)
            for name in ["cold_war", *periods]:
                in_era = sel & (era == name)
                if in_era.any():
                    out[f"Ungdc{cap}Mean{grp}{period_macro(name)}"] = fmt(speeches.loc[in_era, outcome].mean(), 2)
        for _, row in coefs[coefs["outcome"] == outcome].iterrows():
            stem = f"Ungdc{cap}{period_macro(row['term'][len('p5_x_'):])}"
            out[f"{stem}Coef"] = fmt(row["coef"], 2)
            out[f"{stem}SE"] = fmt(row["se"], 2)
            out[f"{stem}CI"] = f"[{fmt(row['ci_low'], 2)}, {fmt(row['ci_high'], 2)}]"
            out[f"{stem}P"] = "< 0.001" if row["p"] < 0.001 else fmt(row["p"], 3)
    return out


def main(argv: list[str] | None = None) -> int:
    small = parse_args(__doc__, argv).small
    seed, cfg = section("ungdc", DEFAULTS)
    dirs = out_dirs()
    t0 = time.perf_counter()

    docs = load_speeches(cfg, small, seed)
    log(f"ungdc: {len(docs):,} speeches loaded ({'small slice' if small else 'all'}) in {time.perf_counter() - t0:.1f} s")
    t1 = time.perf_counter()
    speeches = score_speeches(docs, cfg["n_jobs"], small)
    log(f"ungdc: scored {int(speeches['n_sentences'].sum()):,} sentences in {time.perf_counter() - t1:.1f} s (cached runs are fast)")
    empty = int((speeches["n_sentences"] == 0).sum())
    if empty:
        log(f"ungdc: {empty} speeches without a sentence are left out of the model")

    yearly = yearly_means(speeches, int(cfg["rolling_years"]))
    coefs = fit_models(speeches, cfg["periods"])
    atomic_write_csv(speeches, dirs["data"] / "ungdc_speeches.csv")
    atomic_write_csv(yearly, dirs["data"] / "ungdc_yearly.csv")
    atomic_write_csv(coefs, dirs["data"] / "ungdc_coefs.csv")
    numbers_json(numbers(speeches, coefs, cfg["periods"]), dirs["numbers"] / "ungdc.json")
    for _, r in coefs.iterrows():
        log(f"ungdc: {r['outcome']:<10} {r['term']:<22} {r['coef']:+.3f} (se {r['se']:.3f}, p {r['p']:.3f}) N={r['n']}")
    log(f"ungdc: done in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
