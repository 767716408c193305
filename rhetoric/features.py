"""A scikit-learn transformer: raw texts in, rhetoric features out.

>>> import numpy as np
>>> from rhetoric.features import RhetoricFeatures
>>> texts = ["If Russia invades, it will face swift and severe consequences.",
...          "The weather is pleasant today."]
>>> rf = RhetoricFeatures(features=["threat", "n_sentences"]).fit(texts)
>>> rf.get_feature_names_out().tolist()
['threat', 'n_sentences']
>>> X = rf.transform(texts)
>>> X.shape, X.dtype
((2, 2), dtype('float64'))
>>> bool(X[0, 0] > 0.5 > X[1, 0])
True

Beside a bag of words, in a pipeline on a DataFrame's text column::

    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    features = ColumnTransformer([
        ("words", TfidfVectorizer(min_df=2), "text"),        # a column name: 1-D
        ("rhetoric", RhetoricFeatures(), ["text"]),          # a list: a 1-column frame
    ])
    model = make_pipeline(features, LogisticRegression(max_iter=1000)).fit(df, df["label"])

The features are counts and probabilities on different scales; put a ``StandardScaler``
after the transformer for linear models that are sensitive to scale.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .scoring import CHUNK_TEXTS, DEFAULT_ENGINE, ENGINES, feature_names, feature_rows

__all__ = ["RhetoricFeatures"]


def _describe(value) -> str:
    return f"{type(value).__name__} ({value!r})" if value is None or isinstance(value, numbers.Number) else type(value).__name__


def _as_texts(X) -> list[str]:
    """The texts in ``X``: a list of str, a 1-D array or Series, or one column of a
    DataFrame or 2-D array (what ColumnTransformer passes for a list of one column)."""
    if isinstance(X, (str, bytes)):
        raise TypeError("X must be a sequence of texts, not a single string: wrap it in a list")
    if hasattr(X, "iloc") and getattr(X, "ndim", 1) == 2:  # a pandas DataFrame
        if X.shape[1] != 1:
            raise ValueError(f"X has {X.shape[1]} columns; RhetoricFeatures takes one column of texts")
        X = X.iloc[:, 0]
    elif isinstance(X, np.ndarray):
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]
        elif X.ndim != 1:
            raise ValueError(f"X has shape {X.shape}; RhetoricFeatures takes a 1-D array of texts "
                             "or a single column")
    texts = list(X)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"X[{i}] is {_describe(t)}, expected a str; fill missing texts first, "
                            "e.g. X.fillna('')")
    return texts


class RhetoricFeatures(TransformerMixin, BaseEstimator):
    """Score raw texts as :func:`rhetoric.score` does and return the chosen features.

    Parameters
    ----------
    split : bool, default=True
        Split each text into sentences and aggregate (a document); ``False`` scores each
        text as one sentence (data already cut into sentences).
    features : list of str, tuple of str or None, default=None
        The features to return, in this order; ``None`` means all of
        :func:`rhetoric.feature_names` (the four constructs first).
    engine : {"trained", "rules"}, default="trained"
        The scoring engine (:func:`rhetoric.score`): the trained model or the hand-set
        rules. Use ``"rules"`` when the texts include the labelled sentences the trained
        model was fitted to, or its scores are in-sample.

    Attributes
    ----------
    n_features_in_ : int
        Always 1: one column of texts.
    feature_names_in_ : ndarray of str
        The input column's name, when fitted on a DataFrame.
    features_ : tuple of str
        The features returned, checked against :func:`rhetoric.feature_names`.
    feature_names_out_ : ndarray of str
        The same, as :meth:`get_feature_names_out` returns them.

    The transformer learns nothing from the data: :meth:`fit` only checks the
    parameters and the shape of ``X``. See the module docstring for examples.
    """

    def __init__(self, split: bool = True, features=None, engine: str = DEFAULT_ENGINE):
        self.split = split
        self.features = features
        self.engine = engine

    def _check_engine(self) -> str:
        if not isinstance(self.engine, str) or self.engine not in ENGINES:
            raise ValueError(f"RhetoricFeatures: engine={self.engine!r} is not one of {ENGINES}")
        return self.engine

    def _check_params(self) -> tuple[str, ...]:
        if not isinstance(self.split, (bool, np.bool_)):
            raise TypeError(f"split must be True or False, got {self.split!r}")
        self._check_engine()
        available = feature_names()
        if self.features is None:
            return tuple(available)
        if isinstance(self.features, str) or not isinstance(self.features, (list, tuple)):
            raise TypeError(f"features must be None or a list of feature names, got {self.features!r}")
        if not self.features:
            raise ValueError("features is empty: give at least one feature name, or None for all")
        unknown = [f for f in self.features if f not in available]
        if unknown:
            raise ValueError(f"unknown features {unknown}; choose from rhetoric.feature_names(): "
                             f"{', '.join(available)}")
        repeated = sorted({f for f in self.features if self.features.count(f) > 1})
        if repeated:
            raise ValueError(f"features lists {repeated} more than once")
        return tuple(self.features)

    def fit(self, X, y=None):
        """Check the parameters and that ``X`` is one column of texts; return ``self``."""
        self.features_ = self._check_params()
        _as_texts(X)
        self.n_features_in_ = 1
        columns = getattr(X, "columns", None)
        if columns is not None and all(isinstance(c, str) for c in columns):
            self.feature_names_in_ = np.asarray(list(columns), dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.feature_names_out_ = np.asarray(self.features_, dtype=object)
        return self

    def transform(self, X):
        """Score each text of ``X``; return a float array of shape (n_texts, n_features)."""
        check_is_fitted(self, "feature_names_out_")
        texts = _as_texts(X)
        names = feature_names()
        columns = [names.index(f) for f in self.features_]
        engine = self._check_engine()  # set_params after fit is checked here too
        out = np.empty((len(texts), len(self.features_)), dtype=np.float64)
        for start in range(0, len(texts), CHUNK_TEXTS):
            rows = feature_rows(texts[start : start + CHUNK_TEXTS], split=bool(self.split), engine=engine)
            if rows:
                out[start : start + len(rows)] = np.asarray(rows, dtype=np.float64)[:, columns]
        return out

    def get_feature_names_out(self, input_features=None):
        """The names of the output columns (the chosen features), as an array of str."""
        check_is_fitted(self, "feature_names_out_")
        if input_features is not None:
            input_features = list(input_features)
            expected = getattr(self, "feature_names_in_", None)
            if len(input_features) != 1 or (expected is not None and input_features != list(expected)):
                raise ValueError(f"input_features should be one column name"
                                 f"{f' ({expected[0]!r})' if expected is not None else ''}, "
                                 f"got {input_features}")
        return self.feature_names_out_.copy()

    def __sklearn_tags__(self):  # scikit-learn >= 1.6
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        return tags
