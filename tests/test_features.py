"""RhetoricFeatures, the scikit-learn transformer."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

import rhetoric
import rhetoric.features
from rhetoric.features import RhetoricFeatures

THREATS = [
    "If Russia invades, it will face swift and severe consequences.",
    "Any attack on our territory will be met with a devastating response.",
    "They will pay a heavy price for this aggression.",
]
NEUTRAL = [
    "The weather in Geneva was pleasant on Tuesday.",
    "The delegation visited a museum and a school.",
    "The minister thanked the hosts for their hospitality.",
]
TEXTS = THREATS + NEUTRAL
LABELS = [1] * len(THREATS) + [0] * len(NEUTRAL)


def library(texts, names, split=True) -> np.ndarray:
    return np.array([[rhetoric.score(t, split=split).features[n] for n in names] for t in texts])


def test_docstring_example():
    assert doctest.testmod(rhetoric.features).failed == 0


def test_lazy_attribute_of_the_package():
    assert rhetoric.RhetoricFeatures is RhetoricFeatures


def test_default_is_every_feature_in_library_order():
    rf = RhetoricFeatures().fit(TEXTS)
    names = rf.get_feature_names_out()
    assert isinstance(names, np.ndarray) and all(isinstance(n, str) for n in names)
    assert names.tolist() == list(rhetoric.feature_names())
    X = rf.transform(TEXTS)
    assert X.dtype == np.float64 and X.shape == (len(TEXTS), len(names))
    np.testing.assert_allclose(X, library(TEXTS, names))
    assert rf.n_features_in_ == 1


def test_subset_keeps_the_order_given_and_split_is_passed_on():
    two = "We met. We will defend every inch of our land."
    rf = RhetoricFeatures(features=("n_sentences", "commitment"), split=False).fit([two])
    assert rf.get_feature_names_out().tolist() == ["n_sentences", "commitment"]
    np.testing.assert_allclose(rf.transform([two]), library([two], ["n_sentences", "commitment"], split=False))
    assert rf.transform([two])[0, 0] == 1
    assert RhetoricFeatures(features=["n_sentences"]).fit_transform([two])[0, 0] == 2


@pytest.mark.parametrize(
    "make",
    [
        list,
        lambda t: np.array(t),
        lambda t: np.array(t, dtype=object),
        lambda t: np.array(t).reshape(-1, 1),
        lambda t: pd.Series(t, name="text"),
        lambda t: pd.DataFrame({"text": t}),
    ],
    ids=["list", "array", "object-array", "column-array", "series", "frame"],
)
def test_accepts_every_container_of_texts(make):
    rf = RhetoricFeatures(features=["threat", "boosters"])
    np.testing.assert_allclose(rf.fit(make(TEXTS)).transform(make(TEXTS)), library(TEXTS, ["threat", "boosters"]))


@pytest.mark.parametrize(
    "X, error, fragment",
    [
        ("one string", TypeError, "not a single string"),
        (pd.DataFrame({"a": ["x"], "b": ["y"]}), ValueError, "2 columns"),
        (np.array([["x", "y"]]), ValueError, "shape (1, 2)"),
        (["fine", None], TypeError, "X[1] is NoneType"),
        (pd.Series(["fine", np.nan]), TypeError, "fillna"),
    ],
)
def test_rejects_what_is_not_one_column_of_texts(X, error, fragment):
    with pytest.raises(error) as info:
        RhetoricFeatures().fit_transform(X)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "features, error, fragment",
    [
        (["threat", "menace"], ValueError, "unknown features ['menace']"),
        ("threat", TypeError, "list of feature names"),
        ([], ValueError, "empty"),
        (["threat", "threat"], ValueError, "more than once"),
    ],
)
def test_bad_feature_lists_fail_in_fit(features, error, fragment):
    rf = RhetoricFeatures(features=features)  # __init__ only stores
    with pytest.raises(error) as info:
        rf.fit(TEXTS)
    assert fragment in str(info.value)


def test_split_must_be_a_bool():
    with pytest.raises(TypeError, match="split"):
        RhetoricFeatures(split="no").fit(TEXTS)


def test_transform_before_fit():
    with pytest.raises(NotFittedError):
        RhetoricFeatures().transform(TEXTS)
    with pytest.raises(NotFittedError):
        RhetoricFeatures().get_feature_names_out()


def test_params_round_trip_and_clone():
    rf = RhetoricFeatures(split=False, features=["threat"])
    assert rf.get_params() == {"split": False, "features": ["threat"], "engine": "trained"}
    rf.set_params(split=True, features=["commitment", "threat"])
    assert rf.get_params() == {"split": True, "features": ["commitment", "threat"], "engine": "trained"}
    twin = clone(rf)
    assert twin is not rf and twin.get_params() == rf.get_params()
    assert not hasattr(twin, "features_")
    assert "RhetoricFeatures(features=['commitment', 'threat'])" == repr(rf)


@pytest.mark.parametrize("split", [True, False])
def test_the_rules_engine_gives_the_rules_features(split):
    texts = TEXTS + ["We will respond. If they attack, they will regret it."]
    rules = RhetoricFeatures(split=split, engine="rules").fit_transform(texts)
    expected = np.asarray(rhetoric.feature_rows(texts, split=split, engine="rules"), dtype=np.float64)
    np.testing.assert_array_equal(rules, expected)
    trained = RhetoricFeatures(split=split).fit_transform(texts)
    np.testing.assert_array_equal(trained, np.asarray(rhetoric.feature_rows(texts, split=split), dtype=np.float64))
    assert not np.array_equal(rules[:, :4], trained[:, :4])  # the construct scores differ
    names = list(rhetoric.feature_names())
    assert RhetoricFeatures(engine="rules").fit(texts).get_feature_names_out().tolist() == names


def test_the_engine_survives_clone_and_set_params():
    rf = RhetoricFeatures(features=["threat"], engine="rules")
    assert rf.get_params()["engine"] == "rules" and "engine='rules'" in repr(rf)
    twin = clone(rf)
    assert twin.engine == "rules"
    np.testing.assert_array_equal(twin.fit_transform(THREATS), rf.fit_transform(THREATS))
    assert clone(rf.set_params(engine="trained")).engine == "trained"


@pytest.mark.parametrize("engine", ["neural", None, "Rules"])
def test_an_unknown_engine_is_named(engine):
    rf = RhetoricFeatures(engine=engine)  # __init__ only stores
    assert rf.engine == engine
    with pytest.raises(ValueError, match=f"engine={engine!r}"):
        rf.fit(TEXTS)
    fitted = RhetoricFeatures().fit(TEXTS).set_params(engine=engine)
    with pytest.raises(ValueError, match=f"engine={engine!r}"):
        fitted.transform(TEXTS)


def test_set_output_pandas_names_the_columns_and_keeps_the_index():
    texts = pd.Series(TEXTS, index=[f"doc{i}" for i in range(len(TEXTS))])
    rf = RhetoricFeatures(features=["threat", "commitment"]).set_output(transform="pandas")
    out = rf.fit_transform(texts)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == ["threat", "commitment"]
    assert out.index.tolist() == texts.index.tolist()


def test_in_a_pipeline_with_logistic_regression():
    model = Pipeline([
        ("rhetoric", RhetoricFeatures(features=["threat", "threat_mean", "boosters"])),
        ("scale", StandardScaler()),
        ("clf", LogisticRegression()),
    ]).fit(TEXTS, LABELS)
    assert model.predict(TEXTS).tolist() == LABELS
    assert model[:-1].get_feature_names_out().tolist() == ["threat", "threat_mean", "boosters"]


def test_beside_tfidf_in_a_column_transformer():
    df = pd.DataFrame({"text": TEXTS, "actor": ["US", "RU", "UA", "US", "RU", "UA"]})
    columns = ColumnTransformer([
        ("words", TfidfVectorizer(), "text"),         # a column name: a Series
        ("rhetoric", RhetoricFeatures(), ["text"]),   # a list: a one-column DataFrame
    ])
    model = make_pipeline(columns, LogisticRegression(max_iter=1000)).fit(df, LABELS)
    assert model.predict(df).tolist() == LABELS
    names = columns.get_feature_names_out().tolist()
    assert [n for n in names if n.startswith("rhetoric__")] == [f"rhetoric__{f}" for f in rhetoric.feature_names()]
    assert columns.named_transformers_["rhetoric"].feature_names_in_.tolist() == ["text"]
    assert columns.transform(df).shape == (len(df), len(names))


def test_column_transformer_with_pandas_output():
    df = pd.DataFrame({"text": TEXTS, "year": range(len(TEXTS))})
    columns = ColumnTransformer(
        [("rhetoric", RhetoricFeatures(features=["threat", "commitment"]), "text")],
        remainder="passthrough",
    ).set_output(transform="pandas")
    out = columns.fit_transform(df)
    assert out.columns.tolist() == ["rhetoric__threat", "rhetoric__commitment", "remainder__year"]
    np.testing.assert_allclose(out[["rhetoric__threat"]].to_numpy(), library(TEXTS, ["threat"]))
