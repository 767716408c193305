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
NaN. :func:`auroc_rows` computes it for many rows at once (bootstrap resamples); :func:`auroc`
is that of one row.

**Precision, recall, F1** of the positive class, 0 where they are 0/0 (scikit-learn's
``zero_division=0``).

Labels are 0/1 (or booleans). numpy is imported only when an AUROC is computed:
``import rhetoric`` stays standard-library only.
"""

from __future__ import annotations

__all__ = ["auroc", "auroc_rows", "precision_recall_f1"]


def _labels(y):
    import numpy as np

    y = np.asarray(y)
    if y.dtype != bool:
        if y.size and not np.isin(y, (0, 1)).all():
            raise ValueError(f"labels must be 0/1 or booleans, got the values {sorted(set(np.unique(y).tolist()))[:5]}")
        y = y.astype(bool)
    return y


def _midranks(scores):
    """The 1-based rank of each value within its row, tied values sharing the mean of
    their ranks (``scipy.stats.rankdata(scores, axis=1)``, without scipy)."""
    import numpy as np

    n = scores.shape[1]
    if n == 0:
        return np.zeros(scores.shape)
    order = np.argsort(scores, axis=1, kind="stable")
    ordered = np.take_along_axis(scores, order, axis=1)
    first = np.ones(ordered.shape, dtype=bool)  # the first of a run of equal values
    first[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    last = np.ones(ordered.shape, dtype=bool)  # the last of a run
    last[:, :-1] = first[:, 1:]
    pos = np.arange(n)
    start = np.maximum.accumulate(np.where(first, pos, 0), axis=1)
    end = np.minimum.accumulate(np.where(last, pos, n - 1)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty(scores.shape)
    np.put_along_axis(ranks, order, (start + end) / 2 + 1, axis=1)
    return ranks


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
    n_pos = is_pos.sum(axis=1)
    n_neg = is_pos.shape[1] - n_pos
    u = (_midranks(scores) * is_pos).sum(axis=1) - n_pos * (n_pos + 1) / 2
    defined = (n_pos > 0) & (n_neg > 0) & ~np.isnan(scores).any(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(defined, u / (n_pos * n_neg), np.nan)


def auroc(y, scores) -> float:
    """AUROC of ``scores`` for the 0/1 labels ``y`` (NaN when a class is missing)."""
    import numpy as np

    y, scores = _labels(y), np.asarray(scores, dtype=float)
    if y.shape != scores.shape or y.ndim != 1:
        raise ValueError(f"labels {y.shape} and scores {scores.shape} must be 1-D arrays of one length")
    return float(auroc_rows(y[None], scores[None])[0])


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
