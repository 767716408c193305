"""Inference: did each actor's rhetoric change after the invasion? Naive and design-based
(DSL) estimates of the same linear probability model, side by side.

    python paper/scripts/compute_regression.py [--small]

**Population and predictions** come from ``compute_crossfit.py`` (run first): the sentences
of the sampling frame of the labels' random stratum, mapped to the project's sentences,
each scored by the trained scorer refitted without the labels of its document's fold
(cross-fitting: no labelled sentence's prediction comes from a model that saw its label;
the shipped model saw them all). ``yhat = 1[score >= 0.5]``.

**Expert labels with known probabilities.** ``random_r1`` is a simple random sample of
2,000 frame sentences, so each population sentence was labelled with the same probability,
sampled / frame size, known by design.

For each construct, ``y ~ RU + UA + after + RU:after + UA:after`` (US before the invasion
the reference, ``after`` from 24 February 2022 on), standard errors clustered by document:

``naive``     OLS of the predicted label ``yhat`` over the population, as if it were true;
``dsl``       :func:`rhetoric.inference.dsl.dsl`: the predictions everywhere, corrected by the
              labelled sample (pseudo-outcome ``yhat + R/pi (y - yhat)``): consistent and with
              honest intervals whatever the scorer's errors (Egami et al. 2023);
``labelled``  OLS of the expert label on the labelled sample alone (unbiased, no predictions).

The implied change of each actor (``after`` + its interaction) is reported with its own
interval. The model is saturated, so its fitted values are the six cell shares.

Writes (under ``paper/`` or ``$RHETORIC_PAPER_OUT``):

``build/data/regression_coefs.csv``  construct x method x term: coef, se, 95% CI, p (percentage points),
                                     kind (coefficient / contrast), N, labelled, clusters
``build/data/regression_cells.csv``  construct x actor x period: sentences, labelled, share by method (%)
``build/numbers/regression.json``    the numbers the text quotes (macros ``Reg...``)

``--small``: on ``compute_crossfit.py --small``'s population; seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import atomic_write_csv, fmt, log, macro, numbers_json, out_dirs, parse_args, section  # noqa: E402

ACTORS = ("US", "RU", "UA")
METHODS = ("naive", "dsl", "labelled")
DEFAULTS = {
    "threshold": 0.5,
    "invasion": "2022-02-24",
    "reference_actor": "US",
    "constructs": ["threat", "conditionality", "two_path", "commitment"],
}
ACTOR_MACRO = {"US": "Us", "RU": "Ru", "UA": "Ua"}
ACTOR_NAME = {"US": "American", "RU": "Russian", "UA": "Ukrainian"}
METHOD_MACRO = {"dsl": "", "naive": "Naive", "labelled": "Labelled"}


def design_columns(frame, invasion: str, reference: str):
    """0/1 columns for the actors other than ``reference``, ``after`` and their products;
    returns ``(frame with the columns, the formula's right-hand side, term names)``."""
    import pandas as pd

    if reference not in ACTORS:
        raise ValueError(f"reference_actor must be one of {ACTORS}, got {reference!r}")
    unknown = sorted(set(frame["actor"]) - set(ACTORS))
    if unknown:
        raise ValueError(f"sentences carry actors {unknown} the model does not know ({ACTORS})")
    out = frame.copy()
    out["after"] = (out["date"] >= pd.Timestamp(invasion)).astype(float)
    others = [a for a in ACTORS if a != reference]
    for a in others:
        out[a] = (out["actor"] == a).astype(float)
    rhs = " + ".join(others + ["after"] + [f"{a}:after" for a in others])
    names = ["Intercept"] + others + ["after"] + [f"{a}:after" for a in others]
    return out, rhs, names


# ---------------------------------------------------------------- the three estimates

def _ols(formula, data, cluster):
    import statsmodels.formula.api as smf

    return smf.ols(formula, data).fit(cov_type="cluster", cov_kwds={"groups": cluster})


def estimates(pop, construct: str, rhs: str, names: list[str], reference: str):
    """Rows (method x term) of the naive, DSL and labelled-only fits for ``construct``."""
    import numpy as np
    import pandas as pd

    from scipy.stats import norm

    from rhetoric.inference.dsl import dsl

    z95 = float(norm.ppf(0.975))  # the normal interval, as statsmodels' robust fits and dsl() use
    rows = []
    cluster_all = pd.factorize(pop["doc_id"])[0]
    lab = pop[pop["labelled"] == 1]
    fits = {
        "naive": (_ols(f"{construct}_pred ~ {rhs}", pop, cluster_all), len(pop), int(pop["labelled"].sum()),
                  pop["doc_id"].nunique()),
        "dsl": (dsl(f"{construct} ~ {rhs}", pop, predicted_var=construct, prediction=f"{construct}_pred",
                    labeled="labelled", sample_prob="sample_prob", model="lm", cluster="doc_id"),
                len(pop), int(pop["labelled"].sum()), pop["doc_id"].nunique()),
        "labelled": (_ols(f"{construct} ~ {rhs}", lab, pd.factorize(lab["doc_id"])[0]), len(lab), len(lab),
                     lab["doc_id"].nunique()),
    }
    for method, (res, n, n_lab, clusters) in fits.items():
        params, ci = res.params, res.conf_int(alpha=0.05)
        cov = res.cov_params()
        for name in names:
            rows.append({"construct": construct, "method": method, "term": name, "kind": "coefficient",
                         "coef": float(params[name]), "se": float(np.sqrt(cov.loc[name, name])),
                         "low": float(ci.loc[name, 0]), "high": float(ci.loc[name, 1]),
                         "p": float(res.pvalues[name]), "n": n, "labelled": n_lab, "clusters": int(clusters)})
        for a in ACTORS:
            r = pd.Series(0.0, index=params.index)
            r["after"] = 1.0
            if a != reference:
                r[f"{a}:after"] = 1.0
            est = float(r @ params)
            se = float(np.sqrt(max(float(r @ cov.loc[params.index, params.index] @ r), 0.0)))  # 0, not NaN, for a constant
            z = est / se if se > 0 else np.inf
            rows.append({"construct": construct, "method": method, "term": f"change:{a}", "kind": "contrast",
                         "coef": est, "se": se, "low": est - z95 * se,
                         "high": est + z95 * se, "p": float(2 * norm.sf(abs(z))), "n": n,
                         "labelled": n_lab, "clusters": int(clusters)})
    out = pd.DataFrame(rows)
    for col in ("coef", "se", "low", "high"):
        out[col] = out[col] * 100  # percentage points
    return out


def cells(pop, constructs, invasion):
    """Per actor and period: sentences, labelled, and the construct's share by method
    (naive: predicted labels; labelled: expert labels of the sample; dsl: the mean
    pseudo-outcome, which is the saturated model's DSL fitted value)."""
    import pandas as pd

    d = pop.assign(period=(pop["date"] >= pd.Timestamp(invasion)).map({False: "before", True: "after"}))
    rows = []
    for (actor, period), g in d.groupby(["actor", "period"]):
        lab = g[g["labelled"] == 1]
        for c in constructs:
            pseudo = g[f"{c}_pred"] + g["labelled"] / g["sample_prob"] * (g[c].fillna(0) - g[f"{c}_pred"])
            rows.append({"construct": c, "actor": actor, "period": period, "sentences": len(g),
                         "labelled": len(lab), "naive": 100 * g[f"{c}_pred"].mean(),
                         "dsl": 100 * pseudo.mean(), "labelled_share": 100 * lab[c].mean() if len(lab) else float("nan")})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the words of the text

def conclusion(low: float, high: float) -> str:
    """What an interval lets one say: ``rose``, ``fell`` or ``no change`` (contains 0)."""
    return "rose" if low > 0 else "fell" if high < 0 else "no change"


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


def changed_conclusions(coefs) -> list[dict]:
    """The implied changes whose conclusion (rose / fell / no change) differs between the
    naive and the DSL estimate."""
    out = []
    ch = coefs[coefs["kind"] == "contrast"].set_index(["construct", "term", "method"])
    for construct, term in dict.fromkeys((c, t) for c, t, _ in ch.index):
        naive, corrected = ch.loc[(construct, term, "naive")], ch.loc[(construct, term, "dsl")]
        a, b = conclusion(naive["low"], naive["high"]), conclusion(corrected["low"], corrected["high"])
        if a != b:
            out.append({"construct": construct, "actor": term.split(":")[1], "naive": a, "dsl": b})
    return out


def changed_text(changed: list[dict]) -> str:
    """The sentence that lists them (the paper quotes it)."""
    if not changed:
        return "no conclusion about an actor's change differs between the two"
    said = {"rose": "a rise", "fell": "a fall", "no change": "no detectable change"}
    parts = []
    for c in changed:
        label = c["construct"].replace("_", "-")
        parts.append(f"the {ACTOR_NAME[c['actor']]} {label} share (naive: {said[c['naive']]}; corrected: "
                     f"{said[c['dsl']]})")
    return "; ".join(parts)


def labelled_comparison(ratio: float) -> str:
    """How the text compares the expert-labels-only intervals with DSL's (median ratio of
    standard errors, labelled-only over DSL).

    >>> print(labelled_comparison(1.6))
    1.6 times as wide as DSL's in the median: the predictions add precision
    >>> print(labelled_comparison(0.8)[:40])
    0.80 times as wide as DSL's in the media
    """
    if ratio != ratio:
        return "that cannot be compared here (no term has both intervals)"
    if ratio > 1.05:
        return f"{fmt(ratio, 1)} times as wide as DSL's in the median: the predictions add precision"
    if ratio < 0.95:
        return (f"{fmt(ratio, 2)} times as wide as DSL's in the median: with errors this frequent next to "
                "constructs this rare, the predictions add noise rather than precision, and DSL's value here "
                "is an honest interval around the predictions, not a narrower one")
    return "about as wide as DSL's: the predictions neither add nor cost precision"


def numbers(coefs, pop, changed: list[dict]) -> dict[str, str]:
    import numpy as np

    values = {
        "RegSentences": fmt(len(pop)), "RegDocuments": fmt(pop["doc_id"].nunique()),
        "RegChangedCount": fmt(len(changed)),
        "RegChangedText": changed_text(changed),
        "RegContrasts": fmt(coefs[(coefs["kind"] == "contrast") & (coefs["method"] == "dsl")].shape[0]),
    }
    # how much wider the corrected intervals are: the median ratio of standard errors over
    # the terms where both are positive (a construct no sentence carries has 0 for both)
    se = coefs.pivot_table(index=["construct", "term"], columns="method", values="se")
    both = se[(se["naive"] > 0) & (se["dsl"] > 0)]
    values["RegWidthRatio"] = fmt(float(np.median(both["dsl"] / both["naive"])), 1) if len(both) else "n/a"
    both = se[(se["labelled"] > 0) & (se["dsl"] > 0)]
    ratio = float(np.median(both["labelled"] / both["dsl"])) if len(both) else float("nan")
    values["RegWidthRatioLabelled"] = fmt(ratio, 2)
    values["RegLabelledComparisonText"] = labelled_comparison(ratio)
    lab = pop[pop["labelled"] == 1]
    for c in coefs["construct"].unique():
        values[macro("reg", c, "labelled", "positives")] = fmt(int(lab[c].sum()))
    for r in coefs.itertuples():
        digits = 3 if coefs.loc[coefs["construct"] == r.construct, "coef"].abs().max() < 0.1 else 2
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
        base = "Reg" + METHOD_MACRO[r.method] + macro(r.construct) + name
        values[base] = fmt(r.coef, digits, sign=name != "Base")
        values[base + "Low"] = fmt(r.low, digits, sign=name != "Base")
        values[base + "High"] = fmt(r.high, digits, sign=name != "Base")
        values[base + "P"] = ("$<$0.001" if r.p < 0.001 else fmt(r.p, 3))
        if name.startswith("Change"):
            values[base + "Text"] = change_phrase(r.coef, r.low, r.high)
    return values


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    from compute_crossfit import read as read_crossfit
    from rhetoric.constructs import CONSTRUCTS

    args = parse_args(__doc__, argv)
    seed, settings = section("regression", DEFAULTS)
    constructs = list(settings["constructs"])
    unknown = sorted(set(constructs) - set(CONSTRUCTS))
    if unknown:
        raise SystemExit(f"regression.constructs: unknown {unknown}; the constructs are {list(CONSTRUCTS)}")
    reference = str(settings["reference_actor"])
    dirs = out_dirs()

    meta, _, pop = read_crossfit(dirs, args.small)
    counts = meta["population"]
    threshold = float(settings["threshold"])
    for c in CONSTRUCTS:
        pop[f"{c}_pred"] = (pop[f"{c}_score"] >= threshold).astype(float)
    pop["sample_prob"] = counts["sample_prob"]
    pop, rhs, names = design_columns(pop, settings["invasion"], reference)
    frames = []
    for c in constructs:
        frames.append(estimates(pop, c, rhs, names, reference))
        row = frames[-1][frames[-1]["kind"] == "contrast"].set_index(["method", "term"])["coef"]
        log(f"{c}: change after, naive / DSL (pp): "
            + ", ".join(f"{a} {row[('naive', f'change:{a}')]:+.2f} / {row[('dsl', f'change:{a}')]:+.2f}" for a in ACTORS))
    coefs = pd.concat(frames, ignore_index=True)
    changed = changed_conclusions(coefs)
    atomic_write_csv(coefs, dirs["data"] / "regression_coefs.csv")
    atomic_write_csv(cells(pop, constructs, settings["invasion"]), dirs["data"] / "regression_cells.csv")
    numbers_json(numbers(coefs, pop, changed), dirs["numbers"] / "regression.json")
    log(f"regression done: {len(pop):,} sentences in {pop['doc_id'].nunique():,} documents, "
        f"{int(pop['labelled'].sum()):,} labelled; {len(changed)} conclusions change with the correction")
    return 0


if __name__ == "__main__":
    sys.exit(main())
