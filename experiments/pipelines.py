"""Feature blocks and model as one scikit-learn Pipeline.

The input is a DataFrame with the numeric columns (rhetoric features, already computed
once for the run by :func:`rhetoric.data.featurise`, plus any ``extra_columns``) and a
``text`` column when TF-IDF is used:

- ``features=rhetoric``: standardised numeric columns;
- ``features=tfidf``: ``TfidfVectorizer`` on ``text``;
- ``features=rhetoric_tfidf``: both, side by side (a ``ColumnTransformer``).

Models that cannot take sparse input (``hist_gb``) see the TF-IDF block reduced by a
seeded truncated SVD to ``features.dense_components`` dimensions.

>>> from sklearn.linear_model import LogisticRegression
>>> p = build_pipeline({"tfidf": None}, LogisticRegression(), ["threat", "year"], seed=0)
>>> [name for name, _ in p.steps]
['features', 'model']
"""

from __future__ import annotations

from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags

__all__ = ["build_pipeline", "make_model", "accepts_sparse", "CappedSVD", "TEXT_COLUMN"]

TEXT_COLUMN = "text"


def make_model(model_cfg):
    """The estimator a ``model`` config names (``_target_`` plus its parameters)."""
    from hydra.utils import instantiate

    return instantiate(model_cfg, _convert_="all")


def accepts_sparse(estimator) -> bool:
    """Whether ``estimator`` takes sparse input (scikit-learn's estimator tags)."""
    return bool(get_tags(estimator).input_tags.sparse)


class CappedSVD(BaseEstimator, TransformerMixin):
    """``TruncatedSVD`` with at most ``n_components``, fewer when the data has fewer
    dimensions (a small slice may have a vocabulary smaller than the target size).

    >>> import numpy as np
    >>> CappedSVD(n_components=50, random_state=0).fit_transform(np.eye(6)).shape
    (6, 5)
    """

    def __init__(self, n_components: int = 200, random_state=None):
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, X, y=None):
        k = max(1, min(self.n_components, X.shape[1] - 1, X.shape[0] - 1))
        self.svd_ = TruncatedSVD(n_components=k, random_state=self.random_state).fit(X)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        return self.svd_.transform(X)

    def get_feature_names_out(self, input_features=None):
        return self.svd_.get_feature_names_out()


def _tfidf(params) -> TfidfVectorizer:
    params = dict(params)
    if "ngram_range" in params:  # YAML lists; scikit-learn wants a tuple
        params["ngram_range"] = tuple(params["ngram_range"])
    return TfidfVectorizer(**params)


def build_pipeline(features, model, numeric_columns: list[str], seed: int) -> Pipeline:
    """``Pipeline([("features", ColumnTransformer), ("model", model)])``.

    ``features`` is a ``features`` config (``tfidf``: TfidfVectorizer parameters or
    None; ``dense_components``); ``model`` an unfitted estimator (cloned here);
    ``numeric_columns`` the standardised numeric inputs (may be empty).
    """
    model = clone(model)
    blocks = []
    if numeric_columns:
        blocks.append(("rhetoric", StandardScaler(), list(numeric_columns)))
    tfidf = features.get("tfidf")
    sparse_ok = accepts_sparse(model)
    if tfidf:
        text = _tfidf(tfidf)
        if not sparse_ok:
            svd = CappedSVD(n_components=int(features.get("dense_components") or 200), random_state=seed)
            text = Pipeline([("tfidf", text), ("svd", svd)])
        blocks.append(("tfidf", text, TEXT_COLUMN))
    if not blocks:
        raise ValueError("features: no rhetoric columns and no tfidf: nothing for the model to learn from")
    # sparse_threshold=0 gives dense output to models that need it
    columns = ColumnTransformer(blocks, sparse_threshold=0.3 if sparse_ok else 0.0)
    return Pipeline([("features", columns), ("model", model)])
