"""Out-of-fold predictions for one target, with per-fold metrics and notes.

Each fold trains a fresh pipeline on the other folds and predicts the held-out items;
every item is predicted once, by a model that never saw its group. Folds that cannot be
judged on a metric (a held-out fold without a positive has no AUROC) report NaN and a
note instead of stopping the run; a training fold with a single class predicts that
class (noted). ``direct=True`` uses one rhetoric feature as the score without training
(the extractor baseline), over the same folds.

:class:`ColumnFolds` is the splitter for data that carries its own folds (the
annotations' ``fold`` column, a hash of the document): a predefined split over that
column, bound to the items with :meth:`ColumnFolds.for_items` before splitting.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .items import Target
from .metrics import point_metrics

__all__ = ["cross_validate", "ColumnFolds"]

log = logging.getLogger(__name__)


class ColumnFolds:
    """A predefined split over a column of the items (scikit-learn's ``PredefinedSplit``
    with the test folds read from the data): each distinct value of ``column`` is held
    out once, in sorted order. ``n_splits=k`` merges the values into k folds (value mod k;
    for quick trials); None keeps them as they are. Not shuffled: the seed does not move
    the folds, so every run on the same items uses the same splits.

    >>> import pandas as pd
    >>> cv = ColumnFolds("fold").for_items(pd.DataFrame({"fold": [2, 0, 1, 0, 2]}))
    >>> [test.tolist() for _, test in cv.split()], cv.fold_labels
    ([[1, 3], [2], [0, 4]], [0, 1, 2])
    >>> [test.tolist() for _, test in ColumnFolds("fold", n_splits=2).for_items(
    ...     pd.DataFrame({"fold": [2, 0, 1, 0, 3]})).split()]
    [[0, 1, 3], [2, 4]]
    """

    def __init__(self, column: str = "fold", n_splits: int | None = None, test_fold=None):
        self.column = column
        self.n_splits = n_splits
        self.test_fold = test_fold

    def for_items(self, items: pd.DataFrame) -> "ColumnFolds":
        """This splitter bound to ``items`` (the rows being cross-validated, in order)."""
        if self.column not in items.columns:
            raise KeyError(f"cv: the folds are read from the column {self.column!r}, which the data has not "
                           f"(columns: {list(items.columns)}); use data=annotations or another cv")
        values = items[self.column].to_numpy()
        if self.n_splits is not None:
            if int(self.n_splits) < 2:
                raise ValueError(f"cv.n_splits={self.n_splits}: need at least 2 folds")
            values = values.astype(int) % int(self.n_splits)
        return ColumnFolds(self.column, self.n_splits, values)

    @property
    def fold_labels(self) -> list:
        """The fold values, in the order :meth:`split` holds them out."""
        if self.test_fold is None:
            raise ValueError("ColumnFolds: call for_items(items) before splitting")
        return sorted(set(self.test_fold.tolist()))

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return len(self.fold_labels)

    def split(self, X=None, y=None, groups=None):
        labels = self.fold_labels
        if len(labels) < 2:
            raise ValueError(f"the items hold only fold {labels} of column {self.column!r}: nothing to train on.")
        idx = np.arange(len(self.test_fold))
        for v in labels:
            test = self.test_fold == v
            yield idx[~test], idx[test]


def _scores(model, X, target: Target, codes_seen: np.ndarray) -> tuple[np.ndarray, str]:
    """Score columns in the target's class order: binary -> (n, 1) positive-class
    score; multi-class -> (n, n_classes). Classes absent from training get -inf."""
    if hasattr(model, "predict_proba"):
        raw, kind = model.predict_proba(X), "probability"
    else:
        raw, kind = model.decision_function(X), "decision_function"
    if raw.ndim == 1:  # binary decision function: the score of classes_[1]
        raw = np.column_stack([-raw, raw])
    n_classes = len(target.classes)
    out = np.full((raw.shape[0], n_classes), -np.inf)
    out[:, codes_seen] = raw
    if target.binary:
        return out[:, [1]], kind
    return out, kind


def _early_stopping_params(model) -> list[str]:
    """The ``early_stopping`` parameters of ``model`` (a pipeline's steps included)."""
    return [k for k in model.get_params() if k == "early_stopping" or k.endswith("__early_stopping")]


def _stops_early(model) -> bool:
    params = model.get_params()
    return any(params[k] is True for k in _early_stopping_params(model))


def cross_validate(pipeline_factory, X: pd.DataFrame, target: Target, groups: np.ndarray, cv,
                   direct_scores: np.ndarray | None = None, threshold: float = 0.5,
                   on_fold=None) -> tuple[pd.DataFrame, list[dict], list[str], str]:
    """Predict every item of ``target`` out of fold.

    ``pipeline_factory()`` returns a fresh unfitted pipeline (ignored when
    ``direct_scores`` is given: those scores, thresholded, are the predictions).
    ``direct_scores`` may be a function of the split: called once with each item's
    held-out fold label (aligned with ``target.rows``), it returns the scores (the
    trained engine's out-of-fold scores over exactly this run's folds).
    ``X`` and ``groups`` are aligned with ``target.rows``. ``on_fold(fold, model,
    X_test, y_test)`` is called after each fitted fold (for permutation importance).

    Returns the predictions (``fold``, ``true``, ``predicted`` as class codes, ``score``
    or ``score_<class>`` columns), per-fold metrics, notes, and the kind of score.
    """
    classes = list(target.classes)
    code = {c: i for i, c in enumerate(classes)}
    y = np.array([code[v] for v in target.y])
    positive = code[target.positive] if target.binary else None
    n_classes = len(classes)
    score_cols = ["score"] if target.binary else [f"score_{c}" for c in classes]

    fold_of = np.full(len(y), -1)
    pred = np.full(len(y), -1)
    scores = np.full((len(y), len(score_cols)), np.nan)
    folds, notes = [], []
    kind = "extractor" if direct_scores is not None else None
    try:
        splits = list(cv.split(np.zeros(len(y)), y, groups))
    except ValueError as exc:  # too few items, groups or class members for the folds
        raise ValueError(
            f"cv.n_splits={getattr(cv, 'n_splits', '?')} does not fit target {target.name!r} "
            f"({len(y)} items in {len(set(groups))} groups, classes {np.bincount(y, minlength=n_classes).tolist()}): "
            f"{exc} Lower cv.n_splits or use more data (data.limit / data.max_items)."
        ) from None
    # a predefined split reports its own fold numbers (the data's), others count 0..k-1
    labels = list(getattr(cv, "fold_labels", None) or range(len(splits)))
    if callable(direct_scores):  # scores that depend on the split (the trained engine, out of fold)
        assignment = np.full(len(y), -1)
        for k, (_, test) in enumerate(splits):
            assignment[test] = labels[k]
        direct_scores = direct_scores(assignment)
    for k, (train, test) in enumerate(splits):
        fold_of[test] = labels[k]
        seen = np.unique(y[train])
        if direct_scores is not None:
            s = np.asarray(direct_scores, dtype=float)[test]
            pred[test] = (s >= threshold).astype(int)
            scores[test, 0] = s
        elif seen.size < 2:
            only = seen[0]
            notes.append(f"fold {k}: the training folds hold only class {classes[only]!r}; "
                         "predicted that class for every held-out item")
            pred[test] = only
            scores[test] = (1.0 if only == positive else 0.0) if target.binary else (np.arange(n_classes) == only)
        else:
            model = pipeline_factory()
            try:
                model.fit(X.iloc[train], y[train])
            except ValueError as exc:
                # Early stopping holds out a stratified validation share of the training
                # fold, which needs two members of every class; a rare label (two_path
                # on a slice) can have one. Fit that fold without early stopping.
                if "least populated class" not in str(exc) or not _stops_early(model):
                    raise
                model = pipeline_factory()
                model.set_params(**{k: False for k in _early_stopping_params(model)})
                model.fit(X.iloc[train], y[train])
                notes.append(f"fold {k}: too few members of a class for early stopping's validation split; "
                             "fitted without early stopping")
            pred[test] = model.predict(X.iloc[test])
            scores[test], kind = _scores(model, X.iloc[test], target, model.classes_)
            if on_fold is not None:
                on_fold(k, model, X.iloc[test], y[test])
        m = point_metrics(y[test], pred[test], scores[test], n_classes, positive)
        if not np.isfinite(m["auroc"]):
            missing = "a positive" if target.binary else "every class"
            notes.append(f"fold {k}: the held-out items lack {missing}; AUROC undefined there (null)")
        folds.append({"fold": labels[k], "n_train": int(train.size), "n_test": int(test.size),
                      "n_test_positive": int((y[test] == positive).sum()) if target.binary else None, **m})
        auroc = "n/a" if not np.isfinite(m["auroc"]) else f"{m['auroc']:.3f}"
        if target.binary:  # the positive class first: it is rare, accuracy would flatter
            log.info("[%s] fold %d/%d: train %d, test %d (%d positive), precision %.3f, recall %.3f, F1 %.3f, "
                     "AUROC %s", target.name, k + 1, len(splits), train.size, test.size,
                     int((y[test] == positive).sum()), m["precision"], m["recall"], m["f1"], auroc)
        else:
            log.info("[%s] fold %d/%d: train %d, test %d, accuracy %.3f, macro-F1 %.3f, AUROC %s",
                     target.name, k + 1, len(splits), train.size, test.size, m["accuracy"], m["macro_f1"], auroc)
    if (fold_of < 0).any():
        raise RuntimeError(f"cv left {int((fold_of < 0).sum())} items of {target.name!r} unpredicted")
    frame = pd.DataFrame({"fold": fold_of, "true": y, "predicted": pred})
    for i, col in enumerate(score_cols):
        frame[col] = scores[:, i]
    return frame, folds, notes, kind or "constant"
