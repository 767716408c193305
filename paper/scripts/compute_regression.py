"""Inference: did each actor's rhetoric change after the invasion? Sentence-level linear
probability models with standard errors clustered by document.

    python paper/scripts/compute_regression.py [--small]

For each construct, over every crisis sentence (the same sentences and cached scores as
``compute_timeline.py``)::

    y = 1[sentence score >= 0.5]
    y ~ actor + after + actor x after          (OLS, statsmodels)

``actor`` is coded against the reference actor (the United States), ``after`` is 1 from
24 February 2022 on. The coefficients are in percentage points: ``after`` is the US
change, ``RU x after`` how much Russia's change differs from it; the implied change of
each actor (``after`` + its interaction) is reported as a linear contrast with its own
interval. Sentences of one document share a speaker, a topic and a day, so standard
errors are clustered by document (``cov_type="cluster"``).

Why the 0/1 outcome and not the score: the codebook labels, and the validation, are
about whether a sentence carries the construct; the score is a logistic transform of
summed rule weights, not a calibrated probability, so its mean mixes "how many sentences"
with "how many cues per sentence". The model is saturated (six cells), so its fitted
values are exactly the cell shares and the linear probability model is not an
approximation here.

Writes (under ``paper/`` or ``$RHETORIC_PAPER_OUT``):

``build/data/regression_coefs.csv``  construct x term: coef, se, 95% CI, p (percentage points),
                                     kind (coefficient / contrast), N, clusters, R^2
``build/data/regression_cells.csv``  construct x actor x period: sentences, share (%)
``build/numbers/regression.json``    the numbers the text quotes (macros ``Reg...``)

``--small``: the crisis small slice (``crisis`` section of config.yaml); seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (atomic_write_csv, crisis_sentences, fmt, log, macro,  # noqa: E402
                     numbers_json, out_dirs, parse_args, section)

ACTORS = ("US", "RU", "UA")
DEFAULTS = {
    "threshold": 0.5,
    "invasion": "2022-02-24",
    "reference_actor": "US",
    "constructs": ["threat", "conditionality", "two_path", "commitment"],
}
ACTOR_MACRO = {"US": "Us", "RU": "Ru", "UA": "Ua"}


def design(sents, invasion: str, reference: str):
    """The model's regressors: intercept, one dummy per other actor, after, interactions.

    Returns ``(X, names)``, a float DataFrame and its term names (``RU``, ``after``,
    ``RU:after`` ...), built by hand so that the names do not depend on a formula parser.
    """
    import pandas as pd

    if reference not in ACTORS:
        raise ValueError(f"reference_actor must be one of {ACTORS}, got {reference!r}")
    unknown = sorted(set(sents["actor"]) - set(ACTORS))
    if unknown:
        raise ValueError(f"sentences carry actors {unknown} the model does not know ({ACTORS})")
    after = (sents["date"] >= pd.Timestamp(invasion)).astype(float)
    cols = {"Intercept": 1.0}
    others = [a for a in ACTORS if a != reference]
    for a in others:
        cols[a] = (sents["actor"] == a).astype(float)
    cols["after"] = after
    for a in others:
        cols[f"{a}:after"] = cols[a] * after
    X = pd.DataFrame(cols, index=sents.index)
    return X, list(X.columns)


def fit(y, X, groups):
    """OLS with standard errors clustered by ``groups``."""
    import statsmodels.api as sm

    return sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": groups})


def tidy(res, names, reference: str, construct: str, n_clusters: int):
    """Coefficients and the implied per-actor changes, in percentage points."""
    import numpy as np
    import pandas as pd

    rows = []
    ci = res.conf_int(alpha=0.05)
    for name in names:
        rows.append({"construct": construct, "term": name, "kind": "coefficient",
                     "coef": res.params[name], "se": res.bse[name], "low": ci.loc[name, 0],
                     "high": ci.loc[name, 1], "p": res.pvalues[name]})
    for a in ACTORS:
        r = np.zeros(len(names))
        r[names.index("after")] = 1.0
        if a != reference:
            r[names.index(f"{a}:after")] = 1.0
        t = res.t_test(r)
        lo, hi = np.asarray(t.conf_int(alpha=0.05)).ravel()
        rows.append({"construct": construct, "term": f"change:{a}", "kind": "contrast",
                     "coef": float(np.asarray(t.effect).ravel()[0]), "se": float(np.asarray(t.sd).ravel()[0]),
                     "low": lo, "high": hi, "p": float(np.asarray(t.pvalue).ravel()[0])})
    out = pd.DataFrame(rows)
    for col in ("coef", "se", "low", "high"):
        out[col] = out[col] * 100  # percentage points
    out["n"] = int(res.nobs)
    out["clusters"] = n_clusters
    out["r2"] = res.rsquared
    return out


def cells(sents, constructs, invasion):
    import pandas as pd

    d = sents.assign(period=(sents["date"] >= pd.Timestamp(invasion)).map({False: "before", True: "after"}))
    rows = []
    for c in constructs:
        g = d.groupby(["actor", "period"])[f"{c}_on"].agg(["size", "mean"]).reset_index()
        g = g.rename(columns={"size": "sentences", "mean": "share"})
        g["share"] *= 100
        g.insert(0, "construct", c)
        rows.append(g)
    return pd.concat(rows, ignore_index=True)


def change_phrase(coef: float, low: float, high: float) -> str:
    r"""How the text words a change: its direction only when the 95% interval excludes 0.

    >>> change_phrase(1.41, 0.87, 1.94)
    'rose by 1.41 points (95\\% CI 0.87 to 1.94)'
    >>> change_phrase(0.03, -0.14, 0.19)
    'did not change detectably (0.03 points, 95\\% CI $-$0.14 to 0.19)'
    """
    d = 3 if max(abs(low), abs(high)) < 0.1 else 2  # a rare construct moves by hundredths
    ci = f"95\\% CI {fmt(low, d)} to {fmt(high, d)}"
    if low > 0:
        return f"rose by {fmt(coef, d)} points ({ci})"
    if high < 0:
        return f"fell by {fmt(-coef, d)} points ({ci})"
    return f"did not change detectably ({fmt(coef, d)} points, {ci})"


def numbers(coefs, n, clusters) -> dict[str, str]:
    values = {"RegSentences": fmt(n), "RegDocuments": fmt(clusters)}
    # a rare construct's coefficients are hundredths of a point: give them a third decimal
    digits = {c: 3 if g["coef"].abs().max() < 0.1 else 2 for c, g in coefs.groupby("construct")}
    for r in coefs.itertuples():
        if r.term == "Intercept":
            name = "Base"
        elif r.term.startswith("change:"):
            name = "Change" + ACTOR_MACRO[r.term.split(":")[1]]
        elif r.term == "after":
            name = "After"
        elif r.term.endswith(":after"):
            name = ACTOR_MACRO[r.term.split(":")[0]] + "After"
        else:
            name = ACTOR_MACRO[r.term]
        base = macro("reg", r.construct) + name
        d = digits[r.construct]
        values[base] = fmt(r.coef, d, sign=name != "Base")
        values[base + "Low"] = fmt(r.low, d, sign=name != "Base")
        values[base + "High"] = fmt(r.high, d, sign=name != "Base")
        values[base + "P"] = ("$<$0.001" if r.p < 0.001 else fmt(r.p, 3))
        if name.startswith("Change"):
            values[base + "Text"] = change_phrase(r.coef, r.low, r.high)
    for c, r2 in coefs.groupby("construct")["r2"].first().items():
        values[macro("reg", c, "r", "squared")] = fmt(r2, 4)
    return values


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    args = parse_args(__doc__, argv)
    seed, settings = section("regression", DEFAULTS)
    constructs = list(settings["constructs"])
    reference = str(settings["reference_actor"])
    dirs = out_dirs()

    sents = crisis_sentences(args.small, seed, threshold=float(settings["threshold"]))
    X, names = design(sents, settings["invasion"], reference)
    groups = pd.factorize(sents["doc_id"])[0]
    n_clusters = int(groups.max()) + 1
    frames = []
    for c in constructs:
        res = fit(sents[f"{c}_on"].astype(float), X, groups)
        frames.append(tidy(res, names, reference, c, n_clusters))
        row = frames[-1].set_index("term")
        log(f"{c}: after {row.loc['after', 'coef']:+.2f} pp (US); "
            + ", ".join(f"{a} change {row.loc[f'change:{a}', 'coef']:+.2f}" for a in ACTORS))
    coefs = pd.concat(frames, ignore_index=True)
    atomic_write_csv(coefs, dirs["data"] / "regression_coefs.csv")
    atomic_write_csv(cells(sents, constructs, settings["invasion"]), dirs["data"] / "regression_cells.csv")
    numbers_json(numbers(coefs, len(sents), n_clusters), dirs["numbers"] / "regression.json")
    log(f"regression done: {len(sents):,} sentences in {n_clusters:,} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
