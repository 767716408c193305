"""Classification metrics with seeded bootstrap intervals over items.

Binary targets: ``precision``, ``recall`` and ``f1`` of the positive class, ``auroc`` of
the positive class's score (the headline numbers: positives are rare, so accuracy and
macro-F1 mostly count the easy negatives), then ``accuracy`` and ``macro_f1`` (both
classes) for reference. More classes:
``accuracy``, ``macro_f1``, ``auroc`` (one-vs-rest, macro average of the per-class
AUROCs, each from that class's score column). AUROC needs both classes: it is NaN
(null in JSON) when the items lack one. Precision, recall and F1 count 0/0 as 0, as
scikit-learn does with ``zero_division=0``.

Everything is computed for many resamples at once (one row per resample), which keeps
1,000 bootstrap resamples of a few thousand items to well under a second. AUROC is
:func:`rhetoric.metrics.auroc_rows`, the project's one definition of it (Mann-Whitney,
ties half).

>>> import numpy as np
>>> y = np.array([0, 0, 1, 1]); pred = np.array([0, 1, 1, 1]); s = np.array([.1, .6, .7, .9])
>>> m = point_metrics(y, pred, s[:, None], n_classes=2, positive=1)
>>> m["precision"], m["recall"], m["f1"], m["auroc"], m["accuracy"]
(0.6666666666666666, 1.0, 0.8, 1.0, 0.75)
"""

from __future__ import annotations

import numpy as np

from rhetoric.metrics import auroc_rows

__all__ = ["BINARY_METRICS", "MULTICLASS_METRICS", "point_metrics", "bootstrap_metrics", "metric_names",
           "macro_f1_rows"]

BINARY_METRICS = ("precision", "recall", "f1", "auroc", "accuracy", "macro_f1")
MULTICLASS_METRICS = ("accuracy", "macro_f1", "auroc")


def metric_names(binary: bool) -> tuple[str, ...]:
    return BINARY_METRICS if binary else MULTICLASS_METRICS


def _divide(num, den):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)


def macro_f1_rows(Y: np.ndarray, P: np.ndarray, n_classes: int) -> np.ndarray:
    """Macro-F1 per row, averaged over the classes that occur in the row's true or
    predicted labels (as scikit-learn does)."""
    f1s, present = [], []
    for c in range(n_classes):
        t, p = Y == c, P == c
        tp = (t & p).sum(axis=1)
        fp = (~t & p).sum(axis=1)
        fn = (t & ~p).sum(axis=1)
        f1s.append(_divide(2 * tp, 2 * tp + fp + fn))
        present.append((tp + fp + fn) > 0)
    f1s, present = np.array(f1s), np.array(present)
    return _divide((f1s * present).sum(axis=0), present.sum(axis=0))


def _metrics_rows(Y: np.ndarray, P: np.ndarray, S: np.ndarray, n_classes: int, positive) -> dict[str, np.ndarray]:
    """Metrics for each row of ``Y`` (true class codes), ``P`` (predicted codes) and
    ``S`` (scores: rows x items x score columns)."""
    out = {"accuracy": (Y == P).mean(axis=1), "macro_f1": macro_f1_rows(Y, P, n_classes)}
    if positive is not None:
        t, p = Y == positive, P == positive
        tp = (t & p).sum(axis=1)
        out["precision"] = _divide(tp, p.sum(axis=1))
        out["recall"] = _divide(tp, t.sum(axis=1))
        out["f1"] = _divide(2 * tp, p.sum(axis=1) + t.sum(axis=1))  # 2TP / (2TP + FP + FN)
    if positive is not None:
        out["auroc"] = auroc_rows(Y == positive, S[..., 0])
    else:
        out["auroc"] = np.mean([auroc_rows(Y == c, S[..., c]) for c in range(n_classes)], axis=0)
    return out


def point_metrics(y, pred, scores, n_classes: int, positive=None) -> dict[str, float]:
    """The metrics of one set of items.

    ``y`` and ``pred`` are class codes ``0..n_classes-1``; ``scores`` has one column
    (binary: the positive class's score) or ``n_classes`` columns (one per class);
    ``positive`` is the positive class's code, or None for the multi-class metrics.
    """
    y, pred, scores = np.asarray(y), np.asarray(pred), np.asarray(scores, dtype=float)
    rows = _metrics_rows(y[None], pred[None], scores[None], n_classes, positive)
    return {name: float(rows[name][0]) for name in metric_names(positive is not None)}


def bootstrap_metrics(y, pred, scores, n_classes: int, positive=None, n_boot: int = 1000, seed: int = 0,
                      chunk: int = 200) -> dict[str, dict[str, float]]:
    """Each metric's value on all items and its 95% percentile bootstrap interval.

    Resamples draw items with replacement from ``np.random.default_rng(seed)``;
    resamples where a metric is undefined (AUROC without a positive) are left out of
    that metric's interval. ``n_boot=0`` gives no interval (null bounds).
    """
    y, pred, scores = np.asarray(y), np.asarray(pred), np.asarray(scores, dtype=float)
    names = metric_names(positive is not None)
    value = point_metrics(y, pred, scores, n_classes, positive)
    draws = {name: [] for name in names}
    rng = np.random.default_rng(seed)
    n = len(y)
    for start in range(0, n_boot, chunk):
        idx = rng.integers(0, n, size=(min(chunk, n_boot - start), n))
        rows = _metrics_rows(y[idx], pred[idx], scores[idx], n_classes, positive)
        for name in names:
            draws[name].append(rows[name])
    out = {}
    for name in names:
        d = np.concatenate(draws[name]) if draws[name] else np.array([])
        d = d[np.isfinite(d)]
        low, high = (np.percentile(d, [2.5, 97.5]) if d.size else (np.nan, np.nan))
        out[name] = {"value": value[name], "ci_low": float(low), "ci_high": float(high)}
    return out
