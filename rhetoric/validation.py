"""Validity figures: precision, recall, F1 and AUROC with document-clustered bootstrap
intervals, by corpus and actor, a calibration table and a learning curve.

The figures are computed from **out-of-fold** scores (:func:`rhetoric.training.cross_validate`:
each sentence scored by a model that never saw its document, with settings and
thresholds chosen in inner folds), or, for the rules engine, from its fixed scores; the
first release of the labels (1,088 sentences, strata ``random``, ``threat``, ``cond``,
``two``, ``threat2``, ``cond2``, ``two2``, ``alt2``) is what the rules were written from,
so the rules' figures are also given without it (``held_out_for_rules``).

Intervals resample **documents** (with replacement), not sentences: sentences of one
document are not independent draws.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .constructs import CONSTRUCTS
from .metrics import auroc_weighted

__all__ = [
    "FIRST_RELEASE_STRATA",
    "LEARNING_CURVE_FRACTIONS",
    "actor_group",
    "bootstrap_metrics",
    "calibration_table",
    "labelled_frame",
    "labels_needed",
    "learning_curve",
    "rules_scores",
    "summarise",
]

#: The strata of the first release of the labels: the sentences the rules were read from.
FIRST_RELEASE_STRATA = ("random", "threat", "cond", "two", "threat2", "cond2", "two2", "alt2")
#: The project's F1 aims (at 0.5) for the trained scorer on held-out sentences (issue 9).
#: The learning curve says how far the labels are from them.
F1_AIMS = {"threat": 0.70, "conditionality": 0.60, "two_path": 0.50, "commitment": 0.75}
#: Shares of the training documents for the learning curve.
LEARNING_CURVE_FRACTIONS = (0.1, 0.2, 0.5, 1.0)
#: Score bins of the calibration table.
CALIBRATION_BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def labelled_frame(path: str | Path | None = None, limit: int | None = None) -> tuple[pd.DataFrame, Path]:
    """The labelled sentences (default: the data root's, checked against the manifest)
    and the file they came from; ``limit`` keeps the first N (a slice for trials).

    A file of your own needs ``text`` and the four labels on every line; ``doc_id``
    (default: each sentence its own document), ``fold`` (needed to cross-validate the
    trained scorer), ``corpus``, ``actor`` and ``id`` are used where present.
    """
    from .data.corpora import ANNOTATIONS_FILE, data_file, load_annotations

    if path is None:
        frame = load_annotations()
        path = data_file(ANNOTATIONS_FILE)
    else:
        frame = _own_labels(Path(path))
    if limit is not None:
        frame = frame.head(int(limit)).reset_index(drop=True)
    if frame.empty:
        raise ValueError(f"{path}: no labelled sentences")
    return frame, Path(path)


def _own_labels(path: Path) -> pd.DataFrame:
    from .data.corpora import DataFileMissing, DataFormatError, iter_jsonl

    if not path.is_file():
        raise DataFileMissing(f"no annotation file at {path}")
    rows = []
    for i, record in enumerate(iter_jsonl(path)):
        missing = [k for k in ("text", *CONSTRUCTS) if k not in record]
        if missing:
            raise DataFormatError(f"{path}: record {i + 1} lacks {missing}")
        bad = [k for k in CONSTRUCTS if record[k] not in (0, 1, True, False)]
        if bad or not isinstance(record["text"], str):
            raise DataFormatError(f"{path}: record {i + 1}: labels must be 0 or 1 and text a string")
        record.setdefault("id", str(i))
        record.setdefault("doc_id", f"row-{i}")
        record.setdefault("corpus", "unknown")
        record.setdefault("actor", "unknown")
        record.setdefault("stratum", "unknown")
        rows.append(record)
    frame = pd.DataFrame.from_records(rows)
    for c in CONSTRUCTS:
        frame[c] = frame[c].astype("int64")
    return frame


def require_folds(frame: pd.DataFrame, path) -> None:
    """The trained scorer is judged by document-grouped CV over ``fold``: say so when a
    file lacks it."""
    if "fold" not in frame.columns or frame["fold"].isna().any():
        raise ValueError(f"{path}: every sentence needs a `fold` (a document's CV fold, e.g. a hash of its "
                         "doc_id mod 5) to cross-validate the trained scorer; or evaluate the rules alone "
                         "(--engine rules)")
    if frame["fold"].nunique() < 3:
        raise ValueError(f"{path}: `fold` takes {frame['fold'].nunique()} value(s); grouped CV with inner "
                         "folds needs at least 3")


def actor_group(frame: pd.DataFrame) -> pd.Series:
    """US, RU or UA for crisis sentences; "UN" for UN General Debate sentences."""
    return frame["actor"].where(frame["corpus"] == "crisis", "UN")


def rules_scores(texts) -> dict[str, np.ndarray]:
    """The rules engine's score of each text, scored as one sentence."""
    from .scoring import CONSTRUCTS as names, feature_rows

    rows = feature_rows(list(texts), split=False, engine="rules")
    return {c: np.array([r[i] for r in rows]) for i, c in enumerate(names)}


# -- metrics with intervals -------------------------------------------------------------


def _prf(y: np.ndarray, pred: np.ndarray, w: np.ndarray) -> dict[str, np.ndarray]:
    tp = w @ (y * pred)
    fp = w @ ((1 - y) * pred)
    fn = w @ (y * (1 - pred))
    neg = w @ (1 - y)
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), np.nan)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
        fpr = np.where(neg > 0, fp / neg, np.nan)
    return {"precision": precision, "recall": recall, "f1": f1, "fpr": fpr}


def _resample_weights(groups, n_boot: int, seed: int):
    """``n_boot`` resamples of the ``groups`` (documents, with replacement), in batches of
    up to 100: each a matrix of how often every item counts (resamples x items)."""
    codes, _ = pd.factorize(pd.Series(list(groups)))
    n_groups = int(codes.max()) + 1 if len(codes) else 0
    rng = np.random.default_rng(seed)
    for start in range(0, n_boot, 100):
        b = min(100, n_boot - start)
        counts = rng.multinomial(n_groups, np.full(n_groups, 1 / n_groups), size=b) if n_groups else np.zeros((b, 0))
        yield counts[:, codes].astype(float)


def bootstrap_metrics(y, score, groups, *, threshold: float = 0.5, n_boot: int = 1000, seed: int = 0) -> dict:
    """Precision, recall, F1, false-positive rate (at ``score >= threshold``) and AUROC,
    each with a 95% interval from ``n_boot`` resamples of the ``groups`` (documents).

    >>> m = bootstrap_metrics([1, 0, 1, 0], [0.9, 0.2, 0.4, 0.6], ["a", "a", "b", "b"], n_boot=50)
    >>> m["n"], m["positives"], round(m["f1"], 3), m["auroc"]
    (4, 2, 0.5, 0.75)
    """
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    pred = (s >= threshold).astype(float)
    ones = np.ones((1, len(y)))
    point = {k: float(v[0]) for k, v in _prf(y, pred, ones).items()}
    point["auroc"] = float(auroc_weighted(y, s, ones)[0])
    out = {"n": int(len(y)), "positives": int(y.sum()), "predicted": int(pred.sum()),
           "tp": int((y * pred).sum()), "fp": int(((1 - y) * pred).sum()), "fn": int((y * (1 - pred)).sum())}
    out.update(point)
    draws = {k: [] for k in ("precision", "recall", "f1", "fpr", "auroc")}
    for w in _resample_weights(groups, n_boot, seed):
        for k, v in _prf(y, pred, w).items():
            draws[k].append(v)
        draws["auroc"].append(auroc_weighted(y, s, w))
    for k, parts in draws.items():
        v = np.concatenate(parts) if parts else np.array([])
        v = v[~np.isnan(v)]
        out[f"{k}_ci"] = [float(np.quantile(v, 0.025)), float(np.quantile(v, 0.975))] if len(v) else [None, None]
    return {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in out.items()}


def calibration_table(y, score, bins=CALIBRATION_BINS) -> list[dict]:
    """Sentences per score bin, their mean score and the share labelled 1."""
    y = np.asarray(y, dtype=float)
    s = np.asarray(score, dtype=float)
    edges = np.asarray(bins)
    which = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for i in range(len(edges) - 1):
        m = which == i
        rows.append({"bin": f"{edges[i]:.1f}-{edges[i + 1]:.1f}", "n": int(m.sum()),
                     "mean_score": float(s[m].mean()) if m.any() else None,
                     "observed": float(y[m].mean()) if m.any() else None})
    return rows


def summarise(frame: pd.DataFrame, scores: dict[str, np.ndarray], *, seed: int = 0, n_boot: int = 1000,
              threshold: float = 0.5) -> dict:
    """Per construct: all sentences, by corpus, by actor (US, RU, UA, UN), and the
    calibration table; intervals resample documents."""
    groups = frame["doc_id"].to_numpy()
    corpus = frame["corpus"].to_numpy()
    actor = actor_group(frame).to_numpy()
    out = {}
    for c in CONSTRUCTS:
        y, s = frame[c].to_numpy(), np.asarray(scores[c])
        entry = {"all": bootstrap_metrics(y, s, groups, threshold=threshold, n_boot=n_boot, seed=seed)}
        entry["by_corpus"] = {k: bootstrap_metrics(y[corpus == k], s[corpus == k], groups[corpus == k],
                                                   threshold=threshold, n_boot=n_boot, seed=seed)
                              for k in sorted(set(corpus))}
        entry["by_actor"] = {k: bootstrap_metrics(y[actor == k], s[actor == k], groups[actor == k],
                                                  threshold=threshold, n_boot=n_boot, seed=seed)
                             for k in ("US", "RU", "UA", "UN") if (actor == k).any()}
        entry["calibration"] = calibration_table(y, s)
        out[c] = entry
    return out


def labels_needed(y, smaller, larger, groups, doublings: float, aim: float, *, threshold: float = 0.5,
                  n_boot: int = 1000, seed: int = 0) -> dict:
    """How many times today's labels the learning curve's last step says an F1 ``aim``
    needs: F1 is taken to keep rising in the log of the labels at the gain of its last
    step (``smaller`` to ``larger`` scores, labelled 1 at ``score >= threshold`` as in
    :func:`bootstrap_metrics`; ``doublings`` = log2 of the ratio of their training shares). Learning curves flatten, so this is a lower bound in expectation,
    not a forecast.

    Returns the gain per doubling and the multiple of the labels (``larger``'s), each
    with a 95% interval from ``n_boot`` paired resamples of ``groups`` (the same
    documents for both scores). The multiple is 1 when the aim is met, and None (no
    bound) where the gain is not positive.

    >>> y = [1, 1, 1, 1, 0, 0, 0, 0]
    >>> half = [0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]   # F1 0.4
    >>> full = [0.9, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]   # F1 0.667
    >>> r = labels_needed(y, half, full, list("abcdefgh"), 1.0, 0.8, n_boot=20)
    >>> round(r["gain_per_doubling"], 3), round(r["multiple"], 2)
    (0.267, 1.41)
    """
    y = np.asarray(y, dtype=float)
    preds = [(np.asarray(s, dtype=float) >= threshold).astype(float) for s in (smaller, larger)]
    weights = np.vstack([np.ones((1, len(y))), *_resample_weights(groups, n_boot, seed)])
    f_small, f_large = (_prf(y, p, weights)["f1"] for p in preds)
    gain = (f_large - f_small) / doublings
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        multiple = np.where(f_large >= aim, 1.0, np.where(gain > 0, 2.0 ** ((aim - f_large) / gain), np.inf))

    def bound(v: float):
        return None if not np.isfinite(v) else float(v)

    # quantiles that are draws (no interpolation between a finite draw and no bound)
    lo, hi = np.quantile(multiple[1:], [0.025, 0.975], method="inverted_cdf") if n_boot else (np.nan, np.nan)
    return {"aim": aim, "f1": float(f_large[0]), "doublings": float(doublings),
            "gain_per_doubling": float(gain[0]),
            "gain_ci": [float(q) for q in np.quantile(gain[1:], [0.025, 0.975])] if n_boot else [None, None],
            "multiple": bound(multiple[0]), "multiple_ci": [bound(lo), bound(hi)]}


def learning_curve(frame: pd.DataFrame, terms, cfg: dict, fractions=LEARNING_CURVE_FRACTIONS, *,
                   progress=None, full_scores: dict | None = None) -> list[dict]:
    """Out-of-fold F1 when the models are fitted to a share of the training documents
    (drawn with ``cfg['seed']``; the same documents at every outer fold), each with its
    settings and thresholds chosen in inner folds. The held-out fold is always whole.
    ``full_scores``: the out-of-fold scores with all documents, if already computed
    (they are the curve's 100% point).

    The last row holds, per construct, ``to_aim``: :func:`labels_needed` for the
    construct's aim (:data:`F1_AIMS`), from the step between the last two rows."""
    from .training import cross_validate

    rng = np.random.default_rng(int(cfg["seed"]))
    docs = np.array(sorted(frame["doc_id"].unique()))
    order = rng.permutation(len(docs))
    Y = {c: frame[c].to_numpy() for c in CONSTRUCTS}
    folds = frame["fold"].to_numpy()
    rows, previous = [], None
    for fraction in fractions:
        kept = set(docs[order[: max(1, int(round(fraction * len(docs))))]])
        mask = frame["doc_id"].isin(kept).to_numpy()
        if fraction >= 1 and full_scores is not None:
            scores = full_scores
        else:
            if progress:
                progress(f"learning curve: {fraction:.0%} of the documents ({int(mask.sum())} sentences)")
            scores, _ = cross_validate(terms, Y, folds, cfg, train_mask=mask)
        row = {"fraction": fraction, "sentences": int(mask.sum())}
        for c in CONSTRUCTS:
            m = bootstrap_metrics(Y[c], scores[c], frame["doc_id"], n_boot=200, seed=int(cfg["seed"]))
            row[c] = {"f1": m["f1"], "f1_ci": m["f1_ci"], "auroc": m["auroc"]}
        if previous is not None and fraction == max(fractions):
            smaller_fraction, smaller = previous
            for c in CONSTRUCTS:
                row[c]["to_aim"] = labels_needed(Y[c], smaller[c], scores[c], frame["doc_id"],
                                                 float(np.log2(fraction / smaller_fraction)), F1_AIMS[c],
                                                 n_boot=200, seed=int(cfg["seed"]))
        rows.append(row)
        previous = (fraction, scores)
    return rows


def _cell(m: dict, key: str) -> str:
    v, ci = m.get(key), m.get(f"{key}_ci") or [None, None]
    if v is None:
        return "-"
    return f"{v:.3f} [{ci[0]:.2f}, {ci[1]:.2f}]" if ci[0] is not None else f"{v:.3f}"


def figures_table(figures: dict, *, un: bool = True) -> str:
    """A Markdown table of per-construct figures (:func:`summarise`'s output): P, R, F1
    and AUROC with their intervals, and the false-positive rate on UN sentences."""
    head = "| construct | positives | precision | recall | F1 | AUROC |" + (" FPR, UN sentences |" if un else "")
    rule = "|---|---|---|---|---|---|" + ("---|" if un else "")
    lines = [head, rule]
    for c in CONSTRUCTS:
        m = figures[c]["all"]
        row = f"| {c} | {m['positives']} | {_cell(m, 'precision')} | {_cell(m, 'recall')} | {_cell(m, 'f1')} | {_cell(m, 'auroc')} |"
        if un:
            u = figures[c]["by_corpus"].get("ungdc")
            row += f" {_cell(u, 'fpr') if u else '-'} |"
        lines.append(row)
    return "\n".join(lines)


def card_table(card: dict | None = None) -> str:
    """The shipped model card's out-of-fold figures as the README shows them."""
    if card is None:
        from .trained import load_model

        card = load_model().card or {}
    cv = card.get("cross_validation")
    if not cv:
        raise ValueError("the model card has no cross-validation figures: rebuild it with `rhetoric train`")
    return figures_table(cv["figures"])
