"""Validation: the extractors against the annotated sentences, beside two baselines.

    python paper/scripts/compute_validation.py [--small]

For each construct (threat, conditionality, two_path, commitment), three ways of saying
"this sentence carries it", each scored against the codebook labels of
``annotations/train.jsonl`` (:func:`rhetoric.data.load_annotations`):

``rules``
    the package: ``rhetoric.score(text, split=False)``, the construct's score >= the
    threshold (0.5);
``keyword``
    a keyword count: 1 when the sentence (normalised, case ignored) contains at least one
    word of a fixed list per construct, taken from the codebook's own vocabulary
    (:data:`KEYWORDS`; the lists are written into the paper from here);
``vader``
    (threat only) VADER's negativity score ``neg`` at the threshold that maximises F1 *on
    these same sentences*: the most generous setting a sentiment baseline can get.

Precision, recall and F1 come with percentile 95% intervals from ``n_boot`` bootstrap
resamples of the sentences (seeded; VADER's threshold stays fixed across resamples), and
so does the paired F1 difference rules - keyword. AUROC uses the scores themselves (the
rule score, the keyword count, VADER's ``neg``). The annotators' agreement (Cohen's kappa
per construct, two passes on a separate held-out sample) is read from the data's
``annotations/agreement.json`` at build time, never typed in.

The annotations hold sentences of both corpora (``corpus``: crisis | ungdc). The rules'
lexicons were tuned against the first release (its strata, :data:`FIRST_RELEASE`): on
those sentences the rules are scored **in-sample**, and VADER's threshold is chosen on all
of them. The pooled figures include them; ``validation_subsets.csv`` gives the same
metrics per corpus and for the first release (in-sample for the rules) against the later
rounds (labelled after the rules were written). The ``rules`` method is always the
hand-set rules (``engine="rules"`` where ``rhetoric.score`` offers several engines).

Writes (under ``paper/`` or ``$RHETORIC_PAPER_OUT``):

``build/data/validation_sentences.csv``  id, corpus, stratum, rules_in_sample, labels, rule scores,
                                         keyword counts, VADER neg
``build/data/validation_metrics.csv``    construct x method x metric: estimate, low, high (all sentences)
``build/data/validation_subsets.csv``    the same per subset (corpus=crisis, corpus=ungdc,
                                         rules_in_sample=true/false); no VADER, no paired difference
``build/data/validation_kappa.csv``      construct, kappa, held-out sentences
``build/data/validation_keywords.csv``   construct, keyword patterns
``build/data/validation_example.txt``    the rules' explanation of the codebook's worked example
``build/numbers/validation.json``        the numbers the text quotes (macros ``Val...``)

``--small``: a seeded sample of the annotations (half with some positive label) and
few bootstrap resamples; seconds.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (atomic_write_csv, atomic_write_text, fmt, log, macro,  # noqa: E402
                     numbers_json, out_dirs, parse_args, section)

from rhetoric.constructs import CONSTRUCTS  # noqa: E402  (the registry)
METHODS = ("rules", "keyword", "vader")

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
FIRST_RELEASE = frozenset({"random", "threat", "cond", "two", "threat2", "cond2", "two2", "alt2"})

DEFAULTS = {
    "threshold": 0.5,
    "n_boot": 2000,
    "small": {"sentences": 240, "n_boot": 100},
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


def bootstrap_prf(y, preds: dict[str, "object"], n_boot: int, seed: int) -> dict[str, "object"]:
    """Bootstrap replicates of precision, recall and F1 for several prediction vectors
    on the same resampled sentences: ``{name: array (n_boot, 3)}``, plus the paired
    differences come from subtracting two names' columns."""
    import numpy as np

    y = np.asarray(y, dtype=bool)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(y), size=(n_boot, len(y)))
    yb = y[idx]
    out = {}
    for name, pred in preds.items():
        pb = np.asarray(pred, dtype=bool)[idx]
        tp = (yb & pb).sum(1).astype(float)
        fp = (~yb & pb).sum(1).astype(float)
        fn = (yb & ~pb).sum(1).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
            r = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
            f = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
        out[name] = np.column_stack([p, r, f])
    return out


# ---------------------------------------------------------------- annotator agreement

AGREEMENT_FILE = "annotations/agreement.json"

_KAPPA = re.compile(r"(\d\.\d+)\s*\((threat|conditionality|two_path|commitment)\)")
_HELD_OUT = re.compile(r"held-out sample of ([\d,]+) sentences")


def parse_agreement(readme_text: str, source: str = "README.md") -> tuple[dict[str, float], int]:
    """Cohen's kappa per construct and the held-out sample size, from the data README's
    sentence "... agreed with Cohen's kappa 0.95 (threat), 0.90 (conditionality) ...".

    A README without all four figures is an error naming the file: the paper would
    otherwise print agreement it does not have.
    """
    start = readme_text.find("Cohen's kappa")
    if start < 0:
        raise ValueError(f"{source}: no \"Cohen's kappa\" sentence to read the agreement from")
    found = dict((c, float(k)) for k, c in _KAPPA.findall(readme_text[start:start + 400]))
    missing = [c for c in CONSTRUCTS if c not in found]
    if missing:
        raise ValueError(f"{source}: the kappa sentence gives no figure for {missing}")
    held = _HELD_OUT.search(readme_text)
    if not held:
        raise ValueError(f"{source}: no 'held-out sample of N sentences' to read the sample size from")
    return {c: found[c] for c in CONSTRUCTS}, int(held.group(1).replace(",", ""))


# ---------------------------------------------------------------- the analysis

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


def load(small: bool, seed: int, settings: dict):
    from rhetoric.data import load_annotations

    ann = load_annotations()
    if small:
        n = int(settings["small"]["sentences"])
        anypos = ann[list(CONSTRUCTS)].any(axis=1)
        pos = ann[anypos].sample(n=min(n // 2, int(anypos.sum())), random_state=seed)
        neg = ann[~anypos].sample(n=min(n - len(pos), int((~anypos).sum())), random_state=seed)
        ann = ann.loc[sorted(pos.index.tolist() + neg.index.tolist())]
    return ann.reset_index(drop=True)


def score_sentences(ann, threshold: float):
    """Per sentence: labels, rule scores, keyword counts and VADER's neg."""
    import inspect

    import rhetoric

    table = ann[["id", "doc_id", "actor", "corpus", "stratum"] + list(CONSTRUCTS)].copy()
    table.insert(table.columns.get_loc("stratum") + 1, "rules_in_sample", table["stratum"].isin(FIRST_RELEASE))
    # the hand-set rules, whatever the package's default engine (a trained scorer fitted on
    # these labels would be scored in-sample on every sentence)
    rules = {"engine": "rules"} if "engine" in inspect.signature(rhetoric.score).parameters else {}
    scores = [rhetoric.score(t, split=False, **rules).features for t in ann["text"]]
    for c in CONSTRUCTS:
        table[f"rules_{c}"] = [s[c] for s in scores]
        table[f"keyword_{c}"] = keyword_counts(ann["text"], c)
    table["vader_neg"] = vader_negativity(ann["text"])
    return table


def metrics(table, threshold: float, n_boot: int, seed: int):
    """The tidy metrics table and the VADER threshold chosen."""
    import numpy as np
    import pandas as pd

    rows = []
    vader_t, _ = best_f1_threshold(table["threat"], table["vader_neg"])
    for ci, c in enumerate(CONSTRUCTS):
        y = table[c].to_numpy()
        preds = {
            "rules": table[f"rules_{c}"].to_numpy() >= threshold,
            "keyword": table[f"keyword_{c}"].to_numpy() >= 1,
        }
        scores = {"rules": table[f"rules_{c}"], "keyword": table[f"keyword_{c}"]}
        cut = {"rules": threshold, "keyword": 1.0}
        if c == "threat":
            preds["vader"] = table["vader_neg"].to_numpy() >= vader_t
            scores["vader"] = table["vader_neg"]
            cut["vader"] = vader_t
        # one stream of resamples per construct, the same for every method (paired)
        boots = bootstrap_prf(y, preds, n_boot, seed + ci)
        for m, pred in preds.items():
            point = prf(y, pred)
            lo = np.percentile(boots[m], 2.5, axis=0)
            hi = np.percentile(boots[m], 97.5, axis=0)
            for j, metric in enumerate(("precision", "recall", "f1")):
                rows.append({"construct": c, "method": m, "metric": metric, "estimate": point[j],
                             "low": lo[j], "high": hi[j]})
            rows.append({"construct": c, "method": m, "metric": "auroc", "estimate": auroc(y, scores[m]),
                         "low": np.nan, "high": np.nan})
        diff = boots["rules"][:, 2] - boots["keyword"][:, 2]
        point = prf(y, preds["rules"])[2] - prf(y, preds["keyword"])[2]
        rows.append({"construct": c, "method": "rules_minus_keyword", "metric": "f1", "estimate": point,
                     "low": np.percentile(diff, 2.5), "high": np.percentile(diff, 97.5)})
        for r in rows:
            if r["construct"] == c:
                r.setdefault("n", len(y))
                r.setdefault("positives", int(y.sum()))
                r.setdefault("threshold", cut.get(r["method"], np.nan))
    return pd.DataFrame(rows), vader_t


def subset_metrics(table, threshold: float, n_boot: int, seed: int):
    """Rules and keyword precision, recall, F1 (bootstrap intervals) and AUROC per subset
    of the sentences: each corpus, and the rules' in-sample first release against the
    later rounds. Same columns as the pooled table, plus ``subset``."""
    import numpy as np
    import pandas as pd

    subsets = [(f"corpus={c}", table["corpus"] == c) for c in sorted(table["corpus"].unique())]
    subsets += [("rules_in_sample=true", table["rules_in_sample"]), ("rules_in_sample=false", ~table["rules_in_sample"])]
    rows = []
    for name, mask in subsets:
        part = table[mask.to_numpy()]
        if part.empty:
            continue
        for ci, c in enumerate(CONSTRUCTS):
            y = part[c].to_numpy()
            preds = {"rules": part[f"rules_{c}"].to_numpy() >= threshold, "keyword": part[f"keyword_{c}"].to_numpy() >= 1}
            scores = {"rules": part[f"rules_{c}"], "keyword": part[f"keyword_{c}"]}
            boots = bootstrap_prf(y, preds, n_boot, seed + ci)
            for m, pred in preds.items():
                point = prf(y, pred)
                lo = np.percentile(boots[m], 2.5, axis=0)
                hi = np.percentile(boots[m], 97.5, axis=0)
                for j, metric in enumerate(("precision", "recall", "f1")):
                    rows.append({"subset": name, "construct": c, "method": m, "metric": metric, "estimate": point[j],
                                 "low": lo[j], "high": hi[j], "n": len(y), "positives": int(y.sum())})
                rows.append({"subset": name, "construct": c, "method": m, "metric": "auroc",
                             "estimate": auroc(y, scores[m]), "low": np.nan, "high": np.nan, "n": len(y),
                             "positives": int(y.sum())})
    return pd.DataFrame(rows)


_WORDS = ["none", "one", "two", "three", "four", "five"]

#: The codebook's worked example (CODEBOOK.md): the paper shows how the rules read it.
WORKED_EXAMPLE = ("If any of their forces cross that line, the response will be swift, severe and shared by "
                  "all of us; we will not bargain over the right of a nation to choose its alliances.")

METHOD_MACRO = {"rules": "Rules", "keyword": "Keyword", "vader": "Vader", "rules_minus_keyword": "RulesMinusKeyword"}
METRIC_MACRO = {"precision": "Precision", "recall": "Recall", "f1": "FOne", "auroc": "Auroc"}


def numbers(table, tidy, kappa, held_out, vader_t, n_boot) -> dict[str, str]:
    values = {
        "ValSentences": fmt(len(table)),
        "ValDocuments": fmt(table["doc_id"].nunique()),
        # per corpus (crisis statements | UN General Debate) and the rules' in-sample share
        "ValCrisisSentences": fmt(int((table["corpus"] == "crisis").sum())),
        "ValCrisisDocuments": fmt(table.loc[table["corpus"] == "crisis", "doc_id"].nunique()),
        "ValUngdcSentences": fmt(int((table["corpus"] == "ungdc").sum())),
        "ValUngdcDocuments": fmt(table.loc[table["corpus"] == "ungdc", "doc_id"].nunique()),
        "ValRulesInSampleSentences": fmt(int(table["rules_in_sample"].sum())),
        "ValBoot": fmt(n_boot),
        "ValVaderThreshold": fmt(vader_t, 3),
        "ValKappaHeldOut": fmt(held_out),
    }
    for c in CONSTRUCTS:
        values[macro("val", c, "positives")] = fmt(int(table[c].sum()))
        values[macro("val", c, "kappa")] = fmt(kappa[c], 2)
        values[macro("val", c, "keywords")] = (keyword_display(c).replace("\\", "").replace("_", r"\_")
                                               .replace("|", r"\textbar{}"))
    # how many constructs the rules beat the keyword count on F1, the interval of the
    # paired difference excluding zero (written as a word: the text says "in all four")
    diff = tidy[tidy["method"] == "rules_minus_keyword"]
    beat = int((diff["low"] > 0).sum())
    values["ValRulesBeatKeywordCount"] = ("all four" if beat == len(CONSTRUCTS) == 4
                                          else f"{_WORDS[beat]} of {_WORDS[len(CONSTRUCTS)]}")
    for r in tidy.itertuples():
        base = "Val" + macro(r.construct) + METHOD_MACRO[r.method] + METRIC_MACRO[r.metric]
        values[base] = fmt(r.estimate, 2, sign=r.method == "rules_minus_keyword")
        if r.metric != "auroc":
            values[base + "Low"] = fmt(r.low, 2, sign=r.method == "rules_minus_keyword")
            values[base + "High"] = fmt(r.high, 2, sign=r.method == "rules_minus_keyword")
    return values


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    args = parse_args(__doc__, argv)
    seed, settings = section("validation", DEFAULTS)
    n_boot = int(settings["small"]["n_boot"] if args.small else settings["n_boot"])
    threshold = float(settings["threshold"])
    dirs = out_dirs()

    from rhetoric.paths import data_root

    agreement = data_root() / AGREEMENT_FILE
    kappa, held_out = read_agreement(agreement)
    log(f"agreement from {agreement}: " + ", ".join(f"{c} {k:.2f}" for c, k in kappa.items()))

    ann = load(args.small, seed, settings)
    log(f"scoring {len(ann):,} annotated sentences (rules, keywords, VADER)")
    table = score_sentences(ann, threshold)
    log(f"bootstrapping {n_boot:,} resamples")
    tidy, vader_t = metrics(table, threshold, n_boot, seed)

    atomic_write_csv(table, dirs["data"] / "validation_sentences.csv")
    atomic_write_csv(tidy, dirs["data"] / "validation_metrics.csv")
    atomic_write_csv(subset_metrics(table, threshold, n_boot, seed), dirs["data"] / "validation_subsets.csv")
    atomic_write_csv(pd.DataFrame({"construct": list(kappa), "kappa": list(kappa.values()),
                                   "held_out_sentences": held_out}),
                     dirs["data"] / "validation_kappa.csv")
    atomic_write_csv(pd.DataFrame([{"construct": c, "pattern": p} for c in CONSTRUCTS for p in KEYWORDS[c]]),
                     dirs["data"] / "validation_keywords.csv")
    import rhetoric

    atomic_write_text(rhetoric.score(WORKED_EXAMPLE, split=False).explain() + "\n",
                      dirs["data"] / "validation_example.txt")
    numbers_json(numbers(table, tidy, kappa, held_out, vader_t, n_boot), dirs["numbers"] / "validation.json")
    f1 = tidy[(tidy["metric"] == "f1") & (tidy["method"] == "rules")].set_index("construct")["estimate"]
    log("F1 (rules): " + ", ".join(f"{c} {v:.2f}" for c, v in f1.items()) + f"; VADER threshold {vader_t:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
