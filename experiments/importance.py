"""Which rhetoric features separate the classes of a target.

Three views, in one tidy table (``feature_importance.csv``: target, feature, statistic,
class, value):

``mean``
    the feature's mean among the items of each class (what the difference is);
``coef``
    the coefficient of a logistic regression on the standardised rhetoric features alone,
    fitted on all items of the target (binary: towards the positive class; otherwise one
    per class) - the log-odds change per standard deviation, holding the others fixed;
``permutation_mean`` / ``permutation_std``
    the drop in macro-F1 of the run's own model on held-out folds when the feature is
    shuffled (only when the run's features are numeric-only: re-vectorising text for every
    shuffle would cost more than the run).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from .items import Target
from .metrics import macro_f1_rows

__all__ = ["class_profile", "permutation_drop", "PermutationRecorder"]


def class_profile(F: pd.DataFrame, target: Target, C: float, seed: int) -> pd.DataFrame:
    """Class means and standardised logistic-regression coefficients of the columns of
    ``F`` (rows aligned with ``target.rows``)."""
    rows = []
    y = np.asarray(target.y)
    for cls in target.classes:
        means = F[y == cls].mean()
        rows += [(target.name, f, "mean", str(cls), float(v)) for f, v in means.items()]
    if len(set(y)) > 1:
        # constant columns carry nothing; StandardScaler leaves them at 0
        model = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000, random_state=seed))
        model.fit(F.to_numpy(dtype=float), y)
        lr = model[-1]
        if lr.coef_.shape[0] == 1:  # binary: coef_ favours classes_[1]; report it for the positive class
            sign = 1.0 if target.positive is None or lr.classes_[1] == target.positive else -1.0
            pairs = [(lr.classes_[1] if sign > 0 else lr.classes_[0], sign * lr.coef_[0])]
        else:
            pairs = list(zip(lr.classes_, lr.coef_))
        for cls, coef in pairs:
            rows += [(target.name, f, "coef", str(cls), float(v)) for f, v in zip(F.columns, coef)]
    return pd.DataFrame(rows, columns=["target", "feature", "statistic", "class", "value"])


def permutation_drop(model, X: pd.DataFrame, y: np.ndarray, n_classes: int, n_repeats: int,
                     rng: np.random.Generator) -> np.ndarray:
    """Drop in macro-F1 when each column of ``X`` is shuffled, ``n_repeats`` times each:
    an array (columns x repeats). All shuffled copies go through ``model.predict`` in one
    call (scikit-learn's permutation_importance calls it once per column and repeat,
    which costs more than the run on small folds).
    """
    n = len(X)
    base = macro_f1_rows(y[None], model.predict(X)[None], n_classes)[0]
    values = X.to_numpy(copy=True)
    copies = []
    for j in range(X.shape[1]):
        for _ in range(n_repeats):
            shuffled = values.copy()
            shuffled[:, j] = values[rng.permutation(n), j]
            copies.append(shuffled)
    stacked = pd.DataFrame(np.concatenate(copies), columns=X.columns)
    P = np.asarray(model.predict(stacked)).reshape(len(copies), n)
    scores = macro_f1_rows(np.broadcast_to(y, P.shape), P, n_classes)
    return (base - scores).reshape(X.shape[1], n_repeats)


class PermutationRecorder:
    """Collects permutation importances over the folds of one target (an ``on_fold``
    callback for :func:`experiments.crossval.cross_validate`); seeded by ``seed`` and
    the fold number."""

    def __init__(self, target_name: str, n_classes: int, n_repeats: int, seed: int):
        self.target_name = target_name
        self.n_classes = n_classes
        self.n_repeats = n_repeats
        self.seed = seed
        self.importances_: list[np.ndarray] = []
        self.columns_: list[str] | None = None

    def __call__(self, fold: int, model, X_test: pd.DataFrame, y_test: np.ndarray) -> None:
        if len(set(y_test)) < 2:
            return  # macro-F1 of a one-class fold says little about a feature
        rng = np.random.default_rng([self.seed, fold])
        self.importances_.append(permutation_drop(model, X_test, np.asarray(y_test), self.n_classes,
                                                  self.n_repeats, rng))
        self.columns_ = list(X_test.columns)

    def table(self) -> pd.DataFrame:
        cols = ["target", "feature", "statistic", "class", "value"]
        if not self.importances_:
            return pd.DataFrame(columns=cols)
        imp = np.concatenate(self.importances_, axis=1)  # features x (folds * repeats)
        rows = []
        for f, values in zip(self.columns_, imp):
            rows.append((self.target_name, f, "permutation_mean", "", float(values.mean())))
            rows.append((self.target_name, f, "permutation_std", "", float(values.std())))
        return pd.DataFrame(rows, columns=cols)
