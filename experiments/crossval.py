"""Out-of-fold predictions for one target, with per-fold metrics and notes.

Each fold trains a fresh pipeline on the other folds and predicts the held-out items;
every item is predicted once, by a model that never saw its group. Folds that cannot be
judged on a metric (a held-out fold without a positive has no AUROC) report NaN and a
note instead of stopping the run; a training fold with a single class predicts that
class (noted). ``direct=True`` uses one rhetoric feature as the score without training
(the extractor baseline), over the same folds.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from .items import Target
from .metrics import point_metrics

__all__ = ["cross_validate"]

log = logging.getLogger(__name__)


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
    for k, (train, test) in enumerate(splits):
        fold_of[test] = k
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
        folds.append({"fold": k, "n_train": int(train.size), "n_test": int(test.size),
                      "n_test_positive": int((y[test] == positive).sum()) if target.binary else None, **m})
        log.info("[%s] fold %d/%d: train %d, test %d, accuracy %.3f, macro-F1 %.3f, AUROC %s",
                 target.name, k + 1, len(splits), train.size, test.size, m["accuracy"], m["macro_f1"],
                 "n/a" if not np.isfinite(m["auroc"]) else f"{m['auroc']:.3f}")
    if (fold_of < 0).any():
        raise RuntimeError(f"cv left {int((fold_of < 0).sum())} items of {target.name!r} unpredicted")
    frame = pd.DataFrame({"fold": fold_of, "true": y, "predicted": pred})
    for i, col in enumerate(score_cols):
        frame[col] = scores[:, i]
    return frame, folds, notes, kind or "constant"
