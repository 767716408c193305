"""Classification metrics: one definition of each, for the whole project.

``rhetoric evaluate``, ``experiments/metrics.py`` (bootstrap intervals) and the paper's
scripts all take their AUROC from here, so the numbers they print agree.

>>> auroc([0, 0, 1, 1], [0.1, 0.6, 0.7, 0.9])
1.0
>>> auroc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])     # a tie between classes counts half
0.875
>>> auroc([1, 1], [0.2, 0.9])                       # no negative: undefined
nan
>>> precision_recall_f1([1, 1, 0, 0], [1, 0, 1, 0])
(0.5, 0.5, 0.5)

**AUROC** is the Mann-Whitney statistic: the share of (positive, negative) pairs in which
the positive scores higher, a tie counting half, computed from mid-ranks as
``(sum of the positives' ranks - n_pos (n_pos + 1) / 2) / (n_pos n_neg)``. It equals
scikit-learn's ``roc_auc_score``. It is NaN when either class is missing or a score is
NaN. :func:`auroc_weighted` is the one computation: each item counted with a weight, for
many rows of weights at once (document-clustered bootstrap resamples); :func:`auroc` is
its unweighted case, :func:`auroc_rows` that of each row of a matrix of resampled items.

**Precision, recall, F1** of the positive class, 0 where they are 0/0 (scikit-learn's
``zero_division=0``).

Labels are 0/1 (or booleans). numpy is imported only when an AUROC is computed:
``import rhetoric`` stays standard-library only.
"""

from __future__ import annotations

__all__ = ["auroc", "auroc_rows", "auroc_weighted", "precision_recall_f1"]


def _labels(y):
    import numpy as np

    y = np.asarray(y)
    if y.dtype != bool:
        if y.size and not np.isin(y, (0, 1)).all():
            raise ValueError(f"labels must be 0/1 or booleans, got the values {sorted(set(np.unique(y).tolist()))[:5]}")
        y = y.astype(bool)
    return y


def auroc_weighted(y, scores, weights):
    """AUROC of ``scores`` for the labels ``y`` (1-D, one per item) under each row of
    ``weights`` (rows x items: how often each item counts, e.g. a bootstrap resample's
    draws of each document): the weighted Mann-Whitney statistic, ties counting half;
    one sort serves every row. NaN for a row without a (weighted) class, or when a
    score is NaN.

    >>> auroc_weighted([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9], [[1, 1, 1, 1], [0, 1, 2, 1]]).tolist()
    [0.875, 1.0]
    """
    import numpy as np

    y = _labels(y).astype(float)
    s = np.asarray(scores, dtype=float)
    w = np.atleast_2d(np.asarray(weights, dtype=float))
    if y.shape != s.shape or y.ndim != 1 or w.shape[1] != len(y):
        raise ValueError(f"labels {y.shape}, scores {s.shape} and weights {w.shape} do not fit")
    if np.isnan(s).any():
        return np.full(w.shape[0], np.nan)
    order = np.argsort(s, kind="stable")
    s, y, w = s[order], y[order], w[:, order]
    group = np.cumsum(np.r_[True, s[1:] != s[:-1]]) - 1 if len(s) else np.zeros(0, int)
    n_groups = int(group[-1]) + 1 if len(s) else 0
    pos = np.zeros((w.shape[0], n_groups))
    neg = np.zeros((w.shape[0], n_groups))
    np.add.at(pos.T, group, (w * y).T)
    np.add.at(neg.T, group, (w * (1 - y)).T)
    below = np.cumsum(neg, axis=1) - neg  # negatives scored lower than each group
    u = (pos * (below + neg / 2)).sum(axis=1)
    den = pos.sum(axis=1) * neg.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, u / den, np.nan)


def auroc_rows(is_pos, scores):
    """AUROC of each row: ``is_pos`` and ``scores`` are arrays of the same shape
    (rows x items), the result one float per row (NaN where a row lacks a class or
    holds a NaN score).

    >>> auroc_rows([[0, 1, 1], [1, 1, 1]], [[0.1, 0.2, 0.3], [0.1, 0.2, 0.3]]).tolist()
    [1.0, nan]
    """
    import numpy as np

    is_pos = _labels(is_pos)
    scores = np.asarray(scores, dtype=float)
    if is_pos.shape != scores.shape or scores.ndim != 2:
        raise ValueError(f"labels {is_pos.shape} and scores {scores.shape} must be 2-D arrays of one shape")
    ones = np.ones((1, scores.shape[1]))
    return np.array([auroc_weighted(y, s, ones)[0] for y, s in zip(is_pos, scores)])


def auroc(y, scores) -> float:
    """AUROC of ``scores`` for the 0/1 labels ``y`` (NaN when a class is missing)."""
    import numpy as np

    y, scores = _labels(y), np.asarray(scores, dtype=float)
    if y.shape != scores.shape or y.ndim != 1:
        raise ValueError(f"labels {y.shape} and scores {scores.shape} must be 1-D arrays of one length")
    return float(auroc_weighted(y, scores, np.ones((1, len(y))))[0])


def precision_recall_f1(y, pred) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class for 0/1 labels ``y`` and 0/1
    predictions ``pred`` (booleans work too); each 0 where it is 0/0."""
    y, pred = list(y), list(pred)
    if len(y) != len(pred):
        raise ValueError(f"{len(y)} labels but {len(pred)} predictions")
    tp = sum(1 for t, p in zip(y, pred) if t and p)
    fp = sum(1 for t, p in zip(y, pred) if p and not t)
    fn = sum(1 for t, p in zip(y, pred) if t and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
