"""Validation: the trained scorer (out-of-fold) and the rules against the labelled
sentences, beside a keyword count and VADER.

    python paper/scripts/compute_validation.py [--small]

Everything is computed by :func:`rhetoric.evaluate.evaluate` (both engines, with the
learning curve), on ``annotations/train.jsonl``:

``trained``
    the package's trained scorer, judged **out-of-fold**: nested document-grouped
    cross-validation over the annotations' ``fold`` (every sentence is scored by a model
    fitted to the other folds, its settings and thresholds chosen in inner folds of those);
``rules``
    the hand-set rules (``engine="rules"``). They were written from the 1,088 sentences of
    the labels' first release (:data:`FIRST_RELEASE`), so their figures on all sentences are
    partly **in-sample**; the paper quotes them on the other sentences
    (``held_out_for_rules``) only;
``keyword``
    a keyword count: 1 when the sentence (normalised, case ignored) contains at least one
    word of a fixed list per construct, taken from the codebook's own vocabulary
    (:data:`KEYWORDS`; the lists are written into the paper from here);
``vader``
    (threat only) VADER's negativity ``neg`` at the threshold that maximises F1 on the
    sentences it is scored on (in-sample for that threshold: generous to VADER).

The baselines are scored on the held-out-for-rules sentences, so rules, keywords and VADER
are compared on sentences none of them was written from; the trained scorer is given on
all sentences and on the same held-out sentences. Every interval is a 95% percentile
interval of a bootstrap that resamples documents (:func:`rhetoric.validation.bootstrap_metrics`).
The annotators' agreement (Cohen's kappa per construct) is read from the data's
``annotations/agreement.json`` at build time, never typed in.

Writes (under ``paper/`` or ``$RHETORIC_PAPER_OUT``):

``build/data/validation_evaluate.json``   evaluate()'s result (without per-sentence scores)
``build/data/validation_sentences.csv``   id, doc_id, corpus, actor, stratum, rules_in_sample, fold,
                                          labels, out-of-fold trained scores, rule scores,
                                          keyword counts, VADER neg
``build/data/validation_metrics.csv``     method x subset x construct x metric: estimate, low, high,
                                          n, positives, threshold, in_sample
``build/data/validation_learning.csv``    fraction x construct: sentences, F1 [95%], AUROC
``build/data/validation_calibration.csv`` engine x construct x score bin: n, mean score, share labelled 1
``build/data/validation_kappa.csv``       construct, kappa, held-out sentences
``build/data/validation_keywords.csv``    construct, keyword patterns
``build/data/validation_example.txt``     the rules' explanation of the codebook's worked example
``build/numbers/validation.json``         the numbers the text quotes (macros ``Val...``)

The trained scorer's out-of-fold scores are read from ``compute_crossfit.py`` (run before
this one), which fits the nested CV once for this analysis and the regression.

``--small``: the labelled sentences ``compute_crossfit.py --small`` scored (the first 1,500;
all five folds), few bootstrap
resamples, and a learning curve of ``small.learning_fractions`` plus the full CV (which
it reuses instead of refitting); well under a minute.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (atomic_write_csv, atomic_write_json, atomic_write_text, f1_digits, fmt, log,  # noqa: E402
                     macro, numbers_json, out_dirs, parse_args, section)

from rhetoric.constructs import CONSTRUCTS  # noqa: E402  (the registry)
from rhetoric.validation import FIRST_RELEASE_STRATA  # noqa: E402

METHODS = ("trained", "rules", "keyword", "vader")
METRICS = ("precision", "recall", "f1", "fpr", "auroc")

#: The keyword baseline: regular expressions matched as whole words (case ignored) on the
#: normalised sentence. Each word comes from the codebook's definition of the construct
#: (CODEBOOK.md: its examples and listed cue words); a sentence with any one of them is
#: predicted to carry the construct. ``\w*`` lets a stem take its endings.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "threat": (r"sanction\w*", r"consequences?", r"costs?", r"price", r"punish\w*", r"retaliat\w*",
               r"respon(?:se|d)\w*", r"countermeasures?"),
    "conditionality": (r"if", r"unless", r"should", r"in the event", r"as long as", r"until",
                       r"depends? on"),
    "two_path": (r"path\w*", r"either", r"choice\w*", r"choose", r"or"),
    "commitment": (r"will", r"commit\w*", r"pledge\w*", r"stand with", r"never", r"guarantee\w*",
                   r"red lines?", r"non-negotiable", r"under no circumstances"),
}

#: The strata of the annotations' first release (1,088 crisis sentences): the rules' lexicons
#: were tuned against them, so the rules' figures on these sentences are in-sample.
FIRST_RELEASE = frozenset(FIRST_RELEASE_STRATA)  # rhetoric.validation's list

DEFAULTS = {
    "threshold": 0.5,      # rhetoric.evaluate's threshold (fixed there; checked here)
    "n_boot": 1000,        # document-clustered bootstrap resamples for the 95% intervals
    "n_jobs": 2,           # outer CV folds fitted in parallel
    "learning": True,      # the learning curve (rhetoric.validation.LEARNING_CURVE_FRACTIONS)
    "small": {"n_boot": 50, "learning_fractions": [0.1]},
}


# ---------------------------------------------------------------- predictions

def keyword_pattern(construct: str) -> re.Pattern:
    """One case-insensitive whole-word alternation of the construct's keywords."""
    return re.compile(r"\b(?:" + "|".join(KEYWORDS[construct]) + r")\b", re.IGNORECASE)


def keyword_counts(texts, construct: str) -> list[int]:
    """How many keywords of ``construct`` each (normalised) text contains."""
    from rhetoric import normalise

    pat = keyword_pattern(construct)
    return [len(pat.findall(normalise(t))) for t in texts]


def keyword_display(construct: str) -> str:
    """The keyword list for the paper's text.

    >>> keyword_display("threat")
    'sanction*, consequence(s), cost(s), price, punish*, retaliat*, respon(se|d)*, countermeasure(s)'
    """
    shown = []
    for pat in KEYWORDS[construct]:
        p = pat.replace(r"\w*", "*").replace("(?:", "(")
        shown.append(re.sub(r"(\w)\?", r"(\1)", p))  # "costs?" -> "cost(s)"
    return ", ".join(shown)


def vader_negativity(texts) -> list[float]:
    """VADER's ``neg`` (the share of the text's sentiment mass that is negative)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    return [analyser.polarity_scores(t)["neg"] for t in texts]


def prf(y, pred) -> tuple[float, float, float]:
    """Precision, recall and F1 of 0/1 predictions (0 where undefined, as in rhetoric.evaluate)."""
    import numpy as np

    y = np.asarray(y, dtype=bool)
    pred = np.asarray(pred, dtype=bool)
    tp = float(np.sum(y & pred))
    fp = float(np.sum(~y & pred))
    fn = float(np.sum(y & ~pred))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def best_f1_threshold(y, score) -> tuple[float, float]:
    """The threshold t on ``score`` (predict score >= t) with the highest F1; ties go to
    the lowest t. Returns ``(t, f1)``. Candidates: every distinct positive score."""
    import numpy as np

    score = np.asarray(score, dtype=float)
    best_t, best_f = float("nan"), -1.0
    for t in np.unique(score[score > 0]):
        f = prf(y, score >= t)[2]
        if f > best_f:
            best_t, best_f = float(t), f
    return best_t, max(best_f, 0.0)


def auroc(y, score) -> float:
    """AUROC of ``score`` for the 0/1 labels ``y``, NaN without both classes
    (:func:`rhetoric.metrics.auroc`, the project's one definition)."""
    from rhetoric.metrics import auroc as _auroc

    return _auroc(y, score)


# ---------------------------------------------------------------- annotator agreement

AGREEMENT_FILE = "annotations/agreement.json"


def read_agreement(path) -> tuple[dict[str, float], int]:
    """Cohen's kappa per construct and the held-out sample size from the data's
    ``annotations/agreement.json`` (``held_out_sample.cohen_kappa``, ``.sentences``).
    A file without all four figures is an error naming it."""
    import json

    try:
        held = json.loads(Path(path).read_text(encoding="utf-8"))["held_out_sample"]
        found = {c: float(k) for c, k in held["cohen_kappa"].items()}
        n = int(held["sentences"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: no held_out_sample.cohen_kappa / .sentences to read the agreement from ({exc})") from None
    missing = [c for c in CONSTRUCTS if c not in found]
    if missing:
        raise ValueError(f"{path}: the kappa figures give nothing for {missing}")
    return {c: found[c] for c in CONSTRUCTS}, n


# ---------------------------------------------------------------- the analysis

def run_evaluate(small: bool, seed: int, settings: dict) -> tuple[dict, "object"]:
    """:func:`rhetoric.evaluate.evaluate` on the annotations, with the trained scorer's
    out-of-fold scores that ``compute_crossfit.py`` computed (the small slice: its first
    sentences, no learning curve there), and the labelled frame it used."""
    from compute_crossfit import read as read_crossfit
    from rhetoric.constructs import CONSTRUCTS
    from rhetoric.evaluate import evaluate
    from rhetoric.training import _merged
    from rhetoric.validation import labelled_frame

    meta, scores, _ = read_crossfit(out_dirs(), small)
    limit = int(meta["labels"]) if small else None
    n_boot = int(settings["small"]["n_boot"] if small else settings["n_boot"])
    cfg = {"n_jobs": int(settings["n_jobs"]), "seed": seed}
    merged = _merged(cfg)
    if meta["config"] != {k: merged[k] for k in ("features", "model")}:
        raise SystemExit("compute_crossfit.py fitted another configuration than evaluate() would: run it again")
    frame, _ = labelled_frame(None, limit)
    if list(frame["id"]) != scores["id"].tolist():
        raise SystemExit("crossfit_labels.csv holds other sentences than the labelled frame: run compute_crossfit.py again")
    out_of_fold = ({c: scores[c].to_numpy() for c in CONSTRUCTS},
                   {int(k): v for k, v in meta["settings_by_fold"].items()})
    result = evaluate(engines=("trained", "rules"), limit=limit, n_boot=n_boot,
                      learning=bool(settings["learning"]) and not small, cfg=cfg, progress=log,
                      out_of_fold=out_of_fold)
    if list(frame["id"]) != list(result["_ids"]):
        raise RuntimeError("evaluate() scored other sentences than the labelled frame holds")
    if small:
        result["engines"]["trained"]["learning_curve"] = small_learning_curve(
            frame, result["_scores"]["trained"], cfg, [float(f) for f in settings["small"]["learning_fractions"]])
    return result, frame


def small_learning_curve(frame, oof: dict, cfg: dict, fractions: list[float]) -> list[dict]:
    """The learning curve at ``fractions`` (:func:`rhetoric.validation.learning_curve`),
    with its 100% point from the out-of-fold scores already fitted (the same CV on every
    training document)."""
    from rhetoric.training import _merged, labelled_terms, term_options
    from rhetoric.validation import learning_curve

    cfg = _merged(cfg)
    terms = labelled_terms(frame["text"], term_options(cfg))
    return learning_curve(frame, terms, cfg, fractions=(*sorted(f for f in fractions if f < 1), 1.0),
                          full_scores=oof, progress=log)


def sentence_table(frame, result: dict):
    """Per sentence: labels, out-of-fold trained scores, rule scores, keyword counts, VADER neg."""
    cols = ["id", "doc_id", "corpus", "actor", "stratum", "fold"] + list(CONSTRUCTS)
    table = frame[cols].copy()
    table.insert(table.columns.get_loc("stratum") + 1, "rules_in_sample", table["stratum"].isin(FIRST_RELEASE))
    for engine in ("trained", "rules"):
        for c in CONSTRUCTS:
            table[f"{engine}_{c}"] = result["_scores"][engine][c]
    for c in CONSTRUCTS:
        table[f"keyword_{c}"] = keyword_counts(frame["text"], c)
    table["vader_neg"] = vader_negativity(frame["text"])
    return table


def _rows(method: str, subset: str, construct: str, m: dict, threshold: float, in_sample: bool) -> list[dict]:
    """Tidy rows of one :func:`rhetoric.validation.bootstrap_metrics` result."""
    rows = []
    for metric in METRICS:
        lo, hi = m.get(f"{metric}_ci") or (None, None)
        rows.append({"method": method, "subset": subset, "construct": construct, "metric": metric,
                     "estimate": m.get(metric), "low": lo, "high": hi, "n": m["n"], "positives": m["positives"],
                     "threshold": threshold, "in_sample": in_sample})
    return rows


def _figure_rows(method: str, figures: dict, prefix: str, threshold: float, in_sample: bool) -> list[dict]:
    """Rows of a :func:`rhetoric.validation.summarise` result: ``<prefix>``, each corpus, each actor."""
    rows = []
    for c in CONSTRUCTS:
        f = figures[c]
        rows += _rows(method, prefix, c, f["all"], threshold, in_sample)
        for k, m in f["by_corpus"].items():
            rows += _rows(method, f"{prefix}:corpus={k}", c, m, threshold, in_sample)
        for k, m in f["by_actor"].items():
            rows += _rows(method, f"{prefix}:actor={k}", c, m, threshold, in_sample)
    return rows


def metrics(table, result: dict, n_boot: int, seed: int):
    """The tidy metrics table (see the module docstring) and VADER's threshold.

    ``subset`` is ``all`` or ``held_out`` (the sentences the rules were not written from),
    optionally ``:corpus=...`` / ``:actor=...``. ``in_sample`` marks the rules on all
    sentences (they were written from part of them) and VADER (its threshold is chosen on
    the sentences it is scored on)."""
    import numpy as np
    import pandas as pd

    from rhetoric.validation import bootstrap_metrics

    threshold = float(result["threshold"])
    trained, rules = result["engines"]["trained"], result["engines"]["rules"]
    held = ~table["rules_in_sample"].to_numpy()
    part = table[held]
    groups = part["doc_id"].to_numpy()
    rows = _figure_rows("trained", trained["figures"], "all", threshold, False)
    rows += _figure_rows("rules", rules["figures"], "all", threshold, True)
    rows += _figure_rows("rules", rules["held_out_for_rules"], "held_out", threshold, False)
    vader_t, _ = best_f1_threshold(part["threat"], part["vader_neg"])
    for c in CONSTRUCTS:
        y = part[c].to_numpy()
        boot = {"n_boot": n_boot, "seed": seed}
        rows += _rows("trained", "held_out", c, bootstrap_metrics(y, part[f"trained_{c}"], groups, threshold=threshold,
                                                                  **boot), threshold, False)
        rows += _rows("keyword", "held_out", c, bootstrap_metrics(y, part[f"keyword_{c}"], groups, threshold=1.0,
                                                                  **boot), 1.0, False)
        if c == "threat":
            rows += _rows("vader", "held_out", c, bootstrap_metrics(y, part["vader_neg"], groups, threshold=vader_t,
                                                                    **boot), vader_t, True)
    tidy = pd.DataFrame(rows)
    tidy[["estimate", "low", "high"]] = tidy[["estimate", "low", "high"]].astype(float).fillna(np.nan)
    return tidy, vader_t


def learning_table(result: dict):
    import pandas as pd

    rows = []
    for r in result["engines"]["trained"].get("learning_curve") or []:
        for c in CONSTRUCTS:
            lo, hi = r[c]["f1_ci"]
            row = {"fraction": r["fraction"], "sentences": r["sentences"], "construct": c,
                   "f1": r[c]["f1"], "f1_low": lo, "f1_high": hi, "auroc": r[c]["auroc"]}
            aim = r[c].get("to_aim")  # the last row: labels the aim needs (rhetoric.validation.labels_needed)
            if aim is not None:
                row.update({"aim": aim["aim"], "gain_per_doubling": aim["gain_per_doubling"],
                            "gain_low": aim["gain_ci"][0], "gain_high": aim["gain_ci"][1],
                            "labels_multiple": aim["multiple"], "labels_multiple_low": aim["multiple_ci"][0],
                            "labels_multiple_high": aim["multiple_ci"][1]})
            rows.append(row)
    return pd.DataFrame(rows, columns=["fraction", "sentences", "construct", "f1", "f1_low", "f1_high", "auroc",
                                       *LEARNING_AIM_COLUMNS])


#: the learning curve's last row: the aim and the labels it needs at the last step's gain
LEARNING_AIM_COLUMNS = ("aim", "gain_per_doubling", "gain_low", "gain_high", "labels_multiple",
                        "labels_multiple_low", "labels_multiple_high")


def _fmt_multiple(value) -> str:
    """A multiple of today's labels; where the gain is not above zero there is no bound (infinity)."""
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return r"$\infty$"
    return fmt(value, 1)


def calibration_table(result: dict):
    import pandas as pd

    rows = []
    for engine, entry in result["engines"].items():
        for c in CONSTRUCTS:
            for b in entry["figures"][c]["calibration"]:
                rows.append({"engine": engine, "construct": c, **b})
    return pd.DataFrame(rows)


#: The codebook's worked example (CODEBOOK.md): the paper shows how the rules read it.
WORKED_EXAMPLE = ("If any of their forces cross that line, the response will be swift, severe and shared by "
                  "all of us; we will not bargain over the right of a nation to choose its alliances.")

METHOD_MACRO = {"trained": "Trained", "rules": "Rules", "keyword": "Keyword", "vader": "Vader"}
METRIC_MACRO = {"precision": "Precision", "recall": "Recall", "f1": "FOne", "fpr": "Fpr", "auroc": "Auroc"}


def _fmt_metric(metric: str, value) -> str:
    """F1 with :func:`f1_digits` decimals, false-positive rates as percentages (one decimal),
    the rest with two."""
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if metric == "fpr":
        return fmt(value, 1, percent=True)
    return fmt(value, f1_digits(value) if metric == "f1" else 2)


#: (method, subset, macro infix, metrics) quoted by the text
QUOTED = (
    ("trained", "all", "", ("precision", "recall", "f1", "auroc")),
    ("trained", "all:corpus=ungdc", "Un", ("fpr", "f1")),
    ("trained", "held_out", "HeldOut", ("f1",)),
    ("rules", "held_out", "HeldOut", ("precision", "recall", "f1", "auroc")),
    ("rules", "held_out:corpus=ungdc", "Un", ("fpr",)),
    ("keyword", "held_out", "HeldOut", ("f1",)),
    ("vader", "held_out", "HeldOut", ("f1", "auroc")),
)


def numbers(table, tidy, learning, kappa, held_out, vader_t, n_boot) -> dict[str, str]:
    held = ~table["rules_in_sample"]
    values = {
        "ValSentences": fmt(len(table)),
        "ValDocuments": fmt(table["doc_id"].nunique()),
        "ValFolds": fmt(table["fold"].nunique()),
        # per corpus (crisis statements | UN General Debate) and the rules' in-sample share
        "ValCrisisSentences": fmt(int((table["corpus"] == "crisis").sum())),
        "ValCrisisDocuments": fmt(table.loc[table["corpus"] == "crisis", "doc_id"].nunique()),
        "ValUngdcSentences": fmt(int((table["corpus"] == "ungdc").sum())),
        "ValUngdcDocuments": fmt(table.loc[table["corpus"] == "ungdc", "doc_id"].nunique()),
        "ValRulesInSampleSentences": fmt(int(table["rules_in_sample"].sum())),
        "ValHeldOutSentences": fmt(int(held.sum())),
        "ValHeldOutDocuments": fmt(table.loc[held, "doc_id"].nunique()),
        "ValBoot": fmt(n_boot),
        "ValVaderThreshold": fmt(vader_t, 3),
        "ValKappaHeldOut": fmt(held_out),
    }
    for c in CONSTRUCTS:
        values[macro("val", c, "positives")] = fmt(int(table[c].sum()))
        values[macro("val", c, "kappa")] = fmt(kappa[c], 2)
        values[macro("val", c, "keywords")] = (keyword_display(c).replace("\\", "").replace("_", r"\_")
                                               .replace("|", r"\textbar{}"))
    key = tidy.set_index(["method", "subset", "construct", "metric"])
    for method, subset, infix, quoted in QUOTED:
        for c in CONSTRUCTS:
            for metric in quoted:
                if (method, subset, c, metric) not in key.index:
                    continue
                r = key.loc[(method, subset, c, metric)]
                base = "Val" + macro(c) + METHOD_MACRO[method] + infix + METRIC_MACRO[metric]
                values[base] = _fmt_metric(metric, r["estimate"])
                values[base + "Low"] = _fmt_metric(metric, r["low"])
                values[base + "High"] = _fmt_metric(metric, r["high"])
    # the learning curve: the smallest share of the training documents and all of them
    if not learning.empty:
        for name, fraction in (("Least", learning["fraction"].min()), ("Full", learning["fraction"].max())):
            rows = learning[learning["fraction"] == fraction].set_index("construct")
            values[f"ValLearn{name}Share"] = fmt(fraction * 100)
            values[f"ValLearn{name}Sentences"] = fmt(int(rows["sentences"].iloc[0]))
            for c in CONSTRUCTS:
                base = "Val" + macro(c) + "Learn" + name + "FOne"
                values[base] = _fmt_metric("f1", rows.loc[c, "f1"])
                values[base + "Low"] = _fmt_metric("f1", rows.loc[c, "f1_low"])
                values[base + "High"] = _fmt_metric("f1", rows.loc[c, "f1_high"])
        # the labels each aim needs, at the gain of the curve's last step
        last = learning[learning["fraction"] == learning["fraction"].max()].set_index("construct")
        steps = sorted(learning["fraction"].unique())
        if len(steps) >= 2 and last["aim"].notna().all():
            values["ValLearnStepShare"] = fmt(steps[-2] * 100)
            for c in CONSTRUCTS:
                base = "Val" + macro(c)
                values[base + "AimFOne"] = fmt(last.loc[c, "aim"], 2)
                values[base + "GainPerDoubling"] = fmt(last.loc[c, "gain_per_doubling"], 3, sign=True)
                values[base + "GainPerDoublingLow"] = fmt(last.loc[c, "gain_low"], 3, sign=True)
                values[base + "GainPerDoublingHigh"] = fmt(last.loc[c, "gain_high"], 3, sign=True)
                for suffix, column in (("", "labels_multiple"), ("Low", "labels_multiple_low"),
                                       ("High", "labels_multiple_high")):
                    values[base + "LabelsMultiple" + suffix] = _fmt_multiple(last.loc[c, column])
    return values


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    args = parse_args(__doc__, argv)
    seed, settings = section("validation", DEFAULTS)
    n_boot = int(settings["small"]["n_boot"] if args.small else settings["n_boot"])
    dirs = out_dirs()

    from rhetoric.paths import data_root

    agreement = data_root() / AGREEMENT_FILE
    kappa, held_out = read_agreement(agreement)
    log(f"agreement from {agreement}: " + ", ".join(f"{c} {k:.2f}" for c, k in kappa.items()))

    result, frame = run_evaluate(args.small, seed, settings)
    if float(result["threshold"]) != float(settings["threshold"]):
        raise SystemExit(f"config validation.threshold is {settings['threshold']}, evaluate() uses "
                         f"{result['threshold']}")
    log(f"scoring {len(frame):,} labelled sentences with the baselines (keywords, VADER)")
    table = sentence_table(frame, result)
    tidy, vader_t = metrics(table, result, n_boot, seed)
    learning = learning_table(result)

    public = {k: v for k, v in result.items() if not k.startswith("_")}
    public["annotations"] = {k: v for k, v in public["annotations"].items() if k != "file"}  # no local paths
    atomic_write_json(public, dirs["data"] / "validation_evaluate.json")
    atomic_write_csv(table, dirs["data"] / "validation_sentences.csv")
    atomic_write_csv(tidy, dirs["data"] / "validation_metrics.csv")
    atomic_write_csv(learning, dirs["data"] / "validation_learning.csv")
    atomic_write_csv(calibration_table(result), dirs["data"] / "validation_calibration.csv")
    atomic_write_csv(pd.DataFrame({"construct": list(kappa), "kappa": list(kappa.values()),
                                   "held_out_sentences": held_out}),
                     dirs["data"] / "validation_kappa.csv")
    atomic_write_csv(pd.DataFrame([{"construct": c, "pattern": p} for c in CONSTRUCTS for p in KEYWORDS[c]]),
                     dirs["data"] / "validation_keywords.csv")
    import rhetoric

    atomic_write_text(rhetoric.score(WORKED_EXAMPLE, split=False, engine="rules").explain() + "\n",
                      dirs["data"] / "validation_example.txt")
    numbers_json(numbers(table, tidy, learning, kappa, held_out, vader_t, n_boot),
                 dirs["numbers"] / "validation.json")
    f1 = tidy[(tidy["metric"] == "f1") & (tidy["subset"] == "all") & (tidy["method"] == "trained")]
    held = tidy[(tidy["metric"] == "f1") & (tidy["subset"] == "held_out") & (tidy["method"] == "rules")]
    log("F1 (trained, out-of-fold): " + ", ".join(f"{r.construct} {r.estimate:.2f}" for r in f1.itertuples())
        + "; rules, held out: " + ", ".join(f"{r.construct} {r.estimate:.2f}" for r in held.itertuples()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
