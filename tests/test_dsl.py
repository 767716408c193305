"""rhetoric.inference.dsl: design-based supervised learning.

1. a six-row case computed by hand; 2. with every row labelled (π = 1) DSL is the
regression on the expert values (statsmodels OLS / Logit, HC0, HC1 and cluster);
3. outcome-only DSL is the GLM on the pseudo-outcome ŷ + R/π (y - ŷ); 4-5. seeded
simulations with a known truth: DSL's intervals cover, the surrogate's do not;
6. every input error; 7. the results object (summary, conf_int, contrast).
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy.optimize import root
from scipy.special import expit, logit

from rhetoric.inference import Contrast, DSLConvergenceError, DSLError, dsl

Z975 = 1.959964

# --- 1. hand-computed ----------------------------------------------------------------

# x = 0 rows 0-2, x = 1 rows 3-5; labelled rows 0, 2, 4, 5; π = 0.5 except row 5 (0.25).
HAND = pd.DataFrame(
    {
        "x": [0, 0, 0, 1, 1, 1],
        "y_hat": [1.0, 1.0, 1.0, 0.0, 1.0, 1.0],
        "y": [1.0, np.nan, 0.0, np.nan, 1.0, 0.0],
        "r": [1, 0, 1, 0, 1, 1],
        "pi": [0.5, 0.5, 0.5, 0.5, 0.5, 0.25],
    }
)
# Pseudo-outcome ŷ + R/π (y - ŷ), row by row:
#   row 0: 1 + 2 (1 - 1) = 1;   row 1: 1 (unlabelled);   row 2: 1 + 2 (0 - 1) = -1
#   row 3: 0 (unlabelled);      row 4: 1 + 2 (1 - 1) = 1; row 5: 1 + 4 (0 - 1) = -3
# x = 0: ỹ = 1, 1, -1, mean 1/3, residuals 2/3, 2/3, -4/3, squares sum 24/9 = 8/3.
# x = 1: ỹ = 0, 1, -3, mean -2/3, residuals 2/3, 5/3, -7/3, squares sum 78/9 = 26/3.
# OLS on a binary regressor: intercept = mean(x=0) = 1/3, slope = -2/3 - 1/3 = -1.
# HC0: Var(intercept) = (8/3)/3² = 8/27; Var(slope) = 8/27 + (26/3)/3² = 34/27;
#      Cov = -8/27.
# Intercept only: ỹ mean (1 + 1 - 1 + 0 + 1 - 3)/6 = -1/6; residuals 7/6, 7/6, -5/6,
#      1/6, 7/6, -17/6, squares sum (49+49+25+1+49+289)/36 = 462/36; Var = 462/36/6² = 77/216.


def test_hand_computed_binary_regressor():
    fit = dsl("y ~ x", HAND, "y", "y_hat", labeled="r", sample_prob="pi")
    np.testing.assert_allclose(fit.params.to_numpy(), [1 / 3, -1.0], rtol=0, atol=1e-10)
    expected_cov = np.array([[8 / 27, -8 / 27], [-8 / 27, 34 / 27]])
    np.testing.assert_allclose(fit.cov_params().to_numpy(), expected_cov, rtol=0, atol=1e-10)
    np.testing.assert_allclose(fit.bse.to_numpy(), np.sqrt([8 / 27, 34 / 27]), rtol=0, atol=1e-10)
    assert (fit.nobs, fit.n_labeled, fit.n_clusters) == (6, 4, None)


def test_hand_computed_intercept_only():
    fit = dsl("y ~ 1", HAND, "y", "y_hat", labeled="r", sample_prob="pi")
    assert list(fit.params.index) == ["Intercept"]
    assert abs(fit.params["Intercept"] - (-1 / 6)) < 1e-10
    assert abs(fit.bse["Intercept"] - np.sqrt(77 / 216)) < 1e-10


def test_hand_computed_clustered():
    # Clusters {0, 3}, {1, 4}, {2, 5}: per-cluster sums of the moments x_i (ỹ_i - x_i'b).
    # Moments (intercept, slope): row 0 (2/3, 0), row 1 (2/3, 0), row 2 (-4/3, 0),
    # row 3 (2/3, 2/3), row 4 (5/3, 5/3), row 5 (-7/3, -7/3); the bread (X'X)⁻¹ =
    # [[1/3, -1/3], [-1/3, 2/3]]. Cluster sums: (4/3, 2/3), (7/3, 5/3), (-11/3, -7/3).
    frame = HAND.assign(doc=[0, 1, 2, 0, 1, 2])
    fit = dsl("y ~ x", frame, "y", "y_hat", labeled="r", sample_prob="pi", cluster="doc")
    sums = np.array([[4 / 3, 2 / 3], [7 / 3, 5 / 3], [-11 / 3, -7 / 3]])
    bread = np.array([[1 / 3, -1 / 3], [-1 / 3, 2 / 3]])
    np.testing.assert_allclose(fit.cov_params().to_numpy(), bread @ sums.T @ sums @ bread, rtol=0, atol=1e-10)
    assert fit.n_clusters == 3


# --- 2. every row labelled: the regression on the expert values ---------------------------


def _fully_labelled(seed, n=600, binary=False):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "actor": rng.choice(["US", "RU", "CN"], size=n),
            "after": rng.integers(0, 2, n),
            "doc": rng.integers(0, 60, n),
        }
    )
    eta = 0.3 + 0.5 * frame.x - 0.4 * frame.after + 0.6 * (frame.actor == "RU") * frame.after
    frame["y"] = (rng.random(n) < expit(eta)).astype(float) if binary else eta + rng.normal(size=n)
    frame["y_hat"] = rng.normal(size=n)  # irrelevant when π = 1: its weight 1 - R/π is 0
    frame["r"] = 1
    return frame


FORMULA = "y ~ x + C(actor, Treatment('US')) * after"


def test_all_labelled_lm_equals_ols_hc0_hc1_and_cluster():
    frame = _fully_labelled(1)
    ours = dsl(FORMULA, frame, "y", "y_hat", labeled="r", sample_prob=1.0)
    theirs = smf.ols(FORMULA, frame).fit(cov_type="HC0")
    pd.testing.assert_index_equal(ours.params.index, theirs.params.index)
    np.testing.assert_allclose(ours.params, theirs.params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-10)

    ours = dsl(FORMULA, frame, "y", "y_hat", labeled="r", sample_prob=1.0, small_sample=True)
    np.testing.assert_allclose(ours.bse, smf.ols(FORMULA, frame).fit(cov_type="HC1").bse, rtol=1e-10)

    for small_sample in (False, True):
        ours = dsl(FORMULA, frame, "y", "y_hat", labeled="r", sample_prob=1.0, cluster="doc", small_sample=small_sample)
        kwds = {"groups": frame["doc"], "use_correction": small_sample}
        theirs = smf.ols(FORMULA, frame).fit(cov_type="cluster", cov_kwds=kwds)
        np.testing.assert_allclose(ours.cov_params(), theirs.cov_params(), rtol=1e-9, atol=1e-14)
        assert ours.n_clusters == 60


def test_all_labelled_logit_equals_statsmodels_logit():
    frame = _fully_labelled(2, binary=True)
    ours = dsl(FORMULA, frame, "y", "y_hat", labeled="r", sample_prob=1.0, model="logit")
    theirs = smf.logit(FORMULA, frame).fit(disp=0, cov_type="HC0", tol=1e-12, maxiter=100)
    np.testing.assert_allclose(ours.params, theirs.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-7)

    ours = dsl(FORMULA, frame, "y", "y_hat", labeled="r", sample_prob=1.0, model="logit", cluster="doc")
    kwds = {"groups": frame["doc"], "use_correction": False}
    theirs = smf.logit(FORMULA, frame).fit(disp=0, cov_type="cluster", cov_kwds=kwds, tol=1e-12, maxiter=100)
    np.testing.assert_allclose(ours.cov_params(), theirs.cov_params(), rtol=1e-6, atol=1e-12)


# --- 3. outcome-only DSL = GLM on the pseudo-outcome ---------------------------------------


def _partly_labelled(seed, n=800):
    """Unequal labelling probabilities (a stratified design) and a binary surrogate."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"g": rng.integers(0, 2, n), "t": rng.integers(0, 2, n), "doc": rng.integers(0, 80, n)})
    y = (rng.random(n) < 0.2 + 0.2 * frame.g + 0.1 * frame.t + 0.2 * frame.g * frame.t).astype(float)
    frame["y_hat"] = np.where(rng.random(n) < 0.85, y, 1 - y)
    frame["pi"] = np.where(frame.g == 1, 0.3, 0.15)
    frame["r"] = (rng.random(n) < frame.pi).astype(int)
    frame["y"] = np.where(frame.r == 1, y, np.nan)
    frame["y_tilde"] = frame.y_hat + frame.r / frame.pi * (frame.y.fillna(0) - frame.y_hat)
    return frame


def test_pseudo_outcome_equality_lm():
    frame = _partly_labelled(3)
    ours = dsl("y ~ g * t", frame, "y", "y_hat", labeled="r", sample_prob="pi")
    theirs = smf.ols("y_tilde ~ g * t", frame).fit(cov_type="HC0")
    np.testing.assert_allclose(ours.params, theirs.params, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-10)

    ours = dsl("y ~ g * t", frame, "y", "y_hat", labeled="r", sample_prob="pi", cluster="doc")
    kwds = {"groups": frame["doc"], "use_correction": False}
    theirs = smf.ols("y_tilde ~ g * t", frame).fit(cov_type="cluster", cov_kwds=kwds)
    np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-10)


def test_pseudo_outcome_equality_logit():
    # ỹ leaves [0, 1] (e.g. 1 + (0 - 1)/0.15), so no GLM routine takes it: solve the
    # score equation sum x (ỹ - expit(x'b)) = 0 with scipy and build its sandwich here.
    frame = _partly_labelled(4)
    ours = dsl("y ~ g * t", frame, "y", "y_hat", labeled="r", sample_prob="pi", model="logit")
    exog = np.column_stack([np.ones(len(frame)), frame.g, frame.t, frame.g * frame.t])
    y_tilde = frame.y_tilde.to_numpy()
    solution = root(lambda b: exog.T @ (y_tilde - expit(exog @ b)), np.zeros(4), tol=1e-13)
    assert solution.success
    np.testing.assert_allclose(ours.params, solution.x, rtol=1e-8, atol=1e-10)
    fitted = expit(exog @ solution.x)
    bread = np.linalg.inv(exog.T @ (exog * (fitted * (1 - fitted))[:, None]))
    scores = exog * (y_tilde - fitted)[:, None]
    np.testing.assert_allclose(ours.cov_params(), bread @ scores.T @ scores @ bread, rtol=1e-7)


# --- 4. simulation: coverage of the true interaction ---------------------------------------

# Cell probabilities P(Y = 1 | g, t); the population least-squares coefficients of Y on
# (1, g, t, g t) are the cell contrasts (the model is saturated), so the lm truth is
# (P11 - P10) - (P01 - P00) = 0.2 exactly, and the logit truth the same contrast on the
# logit scale. Every replication draws a new population (super-population truth).
CELL_PROB = {(0, 0): 0.2, (0, 1): 0.3, (1, 0): 0.3, (1, 1): 0.6}
TRUE_LM = (CELL_PROB[1, 1] - CELL_PROB[1, 0]) - (CELL_PROB[0, 1] - CELL_PROB[0, 0])
TRUE_LOGIT = (logit(0.6) - logit(0.3)) - (logit(0.3) - logit(0.2))
PI = 0.1


def _population(rng, n_clusters=300, size=10, within_cluster=0.0):
    """N = 3,000 rows in 300 clusters (documents) of 10; group g by cluster. The
    surrogate's recall differs by group (0.9 for g = 0, 0.6 for g = 1) and its false-
    positive rate by period (0.03 before, 0.10 after), so the naive interaction is
    biased (to about 0.06). Rows are labelled by Bernoulli(0.1) draws (π known).

    ``within_cluster`` > 0: t is also a cluster's (a document has one period), each
    row's Y shares its cluster's uniform draw with that probability (P(Y = 1 | g, t)
    is unchanged, the rows of a cluster are correlated), and the surrogate's recall
    gets a cluster-level shift (its errors are correlated within clusters too)."""
    n = n_clusters * size
    cluster = np.repeat(np.arange(n_clusters), size)
    g = (np.arange(n_clusters) % 2)[cluster]
    t = rng.integers(0, 2, n_clusters)[cluster] if within_cluster else rng.integers(0, 2, n)
    p = np.select([(g == 0) & (t == 0), (g == 0) & (t == 1), (g == 1) & (t == 0)], [0.2, 0.3, 0.3], 0.6)
    uniform = np.where(rng.random(n) < within_cluster, rng.random(n_clusters)[cluster], rng.random(n))
    y = (uniform < p).astype(float)
    recall = np.where(g == 1, 0.6, 0.9)
    if within_cluster:
        recall = np.clip(recall + rng.normal(0, 0.1, n_clusters)[cluster], 0, 1)
    false_positive = np.where(t == 1, 0.10, 0.03)
    y_hat = np.where(y == 1, rng.random(n) < recall, rng.random(n) < false_positive).astype(float)
    labeled = rng.random(n) < PI
    return pd.DataFrame(
        {"y": np.where(labeled, y, np.nan), "y_true": y, "y_hat": y_hat, "g": g, "t": t, "doc": cluster, "r": labeled.astype(int)}
    )


def _covers(interval, truth):
    low, high = interval
    return low <= truth <= high


def _coverage(reps, seed, model="lm", within_cluster=0.0, cluster=None):
    """Shares of replications whose 95% interval for g:t covers the truth: DSL's
    ("dsl"), the naive regression of the surrogate's (statsmodels, same robust errors;
    "naive") and, when ``cluster`` is given, DSL's without clustering ("unclustered")."""
    rng = np.random.default_rng(seed)
    truth = TRUE_LM if model == "lm" else TRUE_LOGIT
    hits = {"dsl": 0, "naive": 0, "unclustered": 0}
    for _ in range(reps):
        frame = _population(rng, within_cluster=within_cluster)
        arguments = {"formula": "y ~ g * t", "data": frame, "predicted_var": "y", "prediction": "y_hat", "labeled": "r", "sample_prob": PI, "model": model}
        hits["dsl"] += _covers(dsl(**arguments, cluster=cluster).conf_int().loc["g:t"], truth)
        if cluster is not None:
            hits["unclustered"] += _covers(dsl(**arguments).conf_int().loc["g:t"], truth)
        exog = np.column_stack([np.ones(len(frame)), frame.g, frame.t, frame.g * frame.t])
        naive_model = sm.OLS(frame.y_hat.to_numpy(), exog) if model == "lm" else sm.Logit(frame.y_hat.to_numpy(), exog)
        if cluster is None:
            naive = naive_model.fit(cov_type="HC0", **({} if model == "lm" else {"disp": 0}))
        else:
            naive = naive_model.fit(cov_type="cluster", cov_kwds={"groups": frame[cluster]})
        hits["naive"] += _covers(naive.conf_int()[3], truth)
    return {name: count / reps for name, count in hits.items()}


def test_truth_is_the_population_least_squares_coefficient():
    # The analytic lm truth against least squares of the true Y on a 500,000-row draw
    # (interaction's standard error there about 0.003), with and without the clustering.
    for within_cluster in (0.0, 0.6):
        big = _population(np.random.default_rng(20), n_clusters=50_000, within_cluster=within_cluster)
        exog = np.column_stack([np.ones(len(big)), big.g, big.t, big.g * big.t])
        coef = np.linalg.lstsq(exog, big.y_true.to_numpy(), rcond=None)[0]
        assert abs(coef[3] - TRUE_LM) < 0.015, coef
        # The surrogate's target is far from it: (0.40 - 0.201) - (0.34 - 0.204) = 0.063.
        naive = np.linalg.lstsq(exog, big.y_hat.to_numpy(), rcond=None)[0]
        assert abs(naive[3] - 0.063) < 0.015, naive


def test_coverage_lm():
    rates = _coverage(200, seed=1)
    assert 0.90 <= rates["dsl"] <= 0.99, rates
    assert rates["naive"] < 0.5, rates


def test_coverage_logit():
    rates = _coverage(100, seed=2, model="logit")
    assert 0.88 <= rates["dsl"] <= 0.995, rates
    assert rates["naive"] < 0.5, rates


def test_coverage_clustered_when_rows_of_a_cluster_are_correlated():
    rates = _coverage(150, seed=3, within_cluster=0.6, cluster="doc")
    assert 0.89 <= rates["dsl"] <= 0.99, rates
    assert rates["naive"] < 0.5, rates
    # The same fits without clustering: intervals too short (0.88 over 1,000
    # replications, against 0.94 clustered).
    assert rates["unclustered"] < rates["dsl"], rates


@pytest.mark.slow
def test_coverage_many_replications():
    rates = _coverage(2000, seed=11)
    assert 0.935 <= rates["dsl"] <= 0.965 and rates["naive"] < 0.05, rates
    rates = _coverage(1000, seed=12, model="logit")
    assert 0.93 <= rates["dsl"] <= 0.97 and rates["naive"] < 0.4, rates
    rates = _coverage(1000, seed=13, within_cluster=0.6, cluster="doc")
    assert 0.92 <= rates["dsl"] <= 0.97 and rates["unclustered"] < 0.91, rates


# --- 5. a predicted covariate ---------------------------------------------------------------

TRUE_SLOPE = 2.0


def _covariate_population(rng, n=2000, pi=0.15):
    """y = 1 + 2 x + 0.5 z + noise with a binary x measured by a surrogate (sensitivity
    0.8, false positives 0.15, worse when z is high): the naive slope is attenuated.
    The linear model is correct and z independent of x, so the population least-squares
    slope of y on (1, x, z) is 2."""
    x = (rng.random(n) < 0.4).astype(float)
    z = rng.normal(size=n)
    y = 1 + TRUE_SLOPE * x + 0.5 * z + rng.normal(size=n)
    false_positive = np.where(z > 0, 0.25, 0.05)
    x_hat = np.where(x == 1, rng.random(n) < 0.8, rng.random(n) < false_positive).astype(float)
    labeled = rng.random(n) < pi
    return pd.DataFrame({"y": y, "z": z, "x": np.where(labeled, x, np.nan), "x_hat": x_hat, "r": labeled.astype(int), "pi": pi})


def test_coverage_predicted_covariate():
    rng = np.random.default_rng(5)
    reps, dsl_hits, naive_hits = 100, 0, 0
    for _ in range(reps):
        frame = _covariate_population(rng)
        fit = dsl("y ~ x + z", frame, "x", "x_hat", labeled="r", sample_prob="pi")
        dsl_hits += _covers(fit.conf_int().loc["x"], TRUE_SLOPE)
        exog = np.column_stack([np.ones(len(frame)), frame.x_hat, frame.z])
        naive = sm.OLS(frame.y.to_numpy(), exog).fit(cov_type="HC0")
        naive_hits += _covers(naive.conf_int()[1], TRUE_SLOPE)
    assert 0.88 <= dsl_hits / reps <= 0.995, dsl_hits / reps
    assert naive_hits / reps < 0.5, naive_hits / reps


def test_predicted_outcome_and_covariate_together():
    # Both predicted: the general moment (no pseudo-outcome shortcut); with π = 1 on every
    # row it is OLS of the expert y on the expert x.
    rng = np.random.default_rng(6)
    frame = _covariate_population(rng, n=300, pi=1.0)
    frame["y_true"], frame["y_hat"] = frame.y, frame.y + rng.normal(size=len(frame))
    fit = dsl("y_true ~ x + z", frame, ["y_true", "x"], ["y_hat", "x_hat"], labeled="r", sample_prob="pi")
    theirs = smf.ols("y_true ~ x + z", frame).fit(cov_type="HC0")
    np.testing.assert_allclose(fit.params, theirs.params, rtol=1e-10)
    np.testing.assert_allclose(fit.bse, theirs.bse, rtol=1e-10)


def test_category_missing_from_the_labelled_sample_keeps_its_column():
    # A rare actor never sampled for labelling: the design still has its column, the same
    # for the predictions and the expert values (levels learned from both).
    frame = _partly_labelled(7)
    frame["actor"] = np.where(np.arange(len(frame)) < 790, np.where(frame.g == 1, "US", "RU"), "CN")
    frame.loc[frame.actor == "CN", "r"] = 0
    frame.loc[frame.r == 0, "y"] = np.nan
    fit = dsl("y ~ C(actor, Treatment('US')) + t", frame, "y", "y_hat", labeled="r", sample_prob="pi")
    assert "C(actor, Treatment('US'))[T.CN]" in fit.params.index
    assert np.isfinite(fit.bse).all()


# --- 6. input errors -----------------------------------------------------------------------


def _fit_hand(**changes):
    arguments = {"formula": "y ~ x", "data": HAND, "predicted_var": "y", "prediction": "y_hat", "labeled": "r", "sample_prob": "pi"}
    arguments.update(changes)
    return dsl(**arguments)


@pytest.mark.parametrize("bad", [0.0, 1.5, -0.1, np.nan])
def test_error_sample_prob_outside_unit_interval(bad):
    with pytest.raises(DSLError, match=r"sample_prob must be in \(0, 1\] \(and not NaN\); 6 of 6 rows"):
        _fit_hand(sample_prob=bad)
    with pytest.raises(DSLError, match=r"sample_prob must be in \(0, 1\].*1 of 6 rows"):
        _fit_hand(data=HAND.assign(pi=[0.5, 0.5, bad, 0.5, 0.5, 0.5]))


def test_error_missing_expert_value_on_a_labelled_row():
    with pytest.raises(DSLError, match=r"predicted_var 'y' is missing \(NaN\) on 1 of 4 labelled rows"):
        _fit_hand(data=HAND.assign(y=[1.0, np.nan, np.nan, np.nan, 1.0, 0.0]))


def test_error_no_labelled_rows():
    with pytest.raises(DSLError, match=r"labeled: no labelled rows among the 6 rows"):
        _fit_hand(labeled=np.zeros(6))


def test_error_prediction_length_mismatch():
    with pytest.raises(DSLError, match=r"predicted_var has 2 name\(s\) \['y', 'x'\] but prediction has 1"):
        _fit_hand(predicted_var=["y", "x"], prediction="y_hat")


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("predicted_var", "nope", r"predicted_var: unknown column\(s\) \['nope'\]"),
        ("prediction", "nope", r"prediction: unknown column\(s\) \['nope'\]"),
        ("labeled", "nope", r"labeled: unknown column\(s\) \['nope'\]"),
        ("sample_prob", "nope", r"sample_prob: unknown column\(s\) \['nope'\]"),
        ("cluster", "nope", r"cluster: unknown column\(s\) \['nope'\]"),
        ("formula", "y ~ x + nope", r"formula 'y ~ x \+ nope'.*nope"),
    ],
)
def test_error_unknown_columns(argument, value, message):
    with pytest.raises(DSLError, match=message):
        _fit_hand(**{argument: value})


def test_error_unknown_model():
    with pytest.raises(DSLError, match=r"model must be one of \['lm', 'logit'\], not 'probit'"):
        _fit_hand(model="probit")


def test_error_missing_predictions():
    with pytest.raises(DSLError, match=r"prediction column 'y_hat' is missing \(NaN\) on 2 of 6 rows"):
        _fit_hand(data=HAND.assign(y_hat=[1.0, np.nan, 1.0, np.nan, 1.0, 1.0]))


def test_error_missing_value_in_a_fully_observed_column():
    with pytest.raises(DSLError, match=r"column 'x' \(used in the formula\) is missing \(NaN\) on 1 of 6 rows"):
        _fit_hand(data=HAND.assign(x=[0, 0, np.nan, 1, 1, 1]))


def test_error_labeled_not_binary_or_missing():
    with pytest.raises(DSLError, match=r"labeled must be 0/1 or bool; 1 rows hold other values"):
        _fit_hand(labeled=[1, 0, 1, 0, 2, 1])
    with pytest.raises(DSLError, match=r"labeled is missing \(NaN\) on 1 of 6 rows"):
        _fit_hand(labeled=[1, 0, 1, 0, np.nan, 1])
    with pytest.raises(DSLError, match=r"labeled: expected a column name or an array of 6 values"):
        _fit_hand(labeled=[1, 0, 1])


def test_error_predicted_var_not_in_formula_and_cluster_missing():
    with pytest.raises(DSLError, match=r"predicted_var 'y' does not appear in the formula 'x ~ 1'"):
        _fit_hand(formula="x ~ 1")
    with pytest.raises(DSLError, match=r"cluster is missing \(NaN\) on 1 of 6 rows"):
        _fit_hand(cluster=[1, 1, 2, 2, None, 3])


def test_error_logit_separation():
    # x = 1 exactly when y = 1 (expert and predicted): the logit slope is infinite.
    frame = pd.DataFrame({"x": [0, 0, 0, 1, 1, 1] * 5, "r": 1})
    frame["y"] = frame["y_hat"] = frame.x.astype(float)
    with pytest.raises(DSLConvergenceError, match=r"separated"):
        dsl("y ~ x", frame, "y", "y_hat", labeled="r", sample_prob=1.0, model="logit")
    with pytest.raises(DSLError, match=r"model='logit': the expert outcome 'y' is outside \[0, 1\] on 1 labelled rows"):
        dsl("y ~ x", frame.assign(y=frame.y.where(frame.index != 3, 1.5)), "y", "y_hat", labeled="r", sample_prob=1.0, model="logit")


def test_errors_are_value_errors():
    assert issubclass(DSLError, ValueError) and issubclass(DSLConvergenceError, ValueError)


# --- 7. the results object ------------------------------------------------------------------


def test_summary_conf_int_and_contrast():
    frame = _partly_labelled(8)
    fit = dsl("y ~ g * t", frame, "y", "y_hat", labeled="r", sample_prob="pi", cluster="doc")
    text = fit.summary()
    for needle in ("Intercept", "g:t", "Rows:", str(len(frame)), f"Labelled rows:       {fit.n_labeled}", "Clusters:            80", "lm (linear regression)", "'doc'"):
        assert needle in text, needle
    assert str(fit) == text and "[0.025" in text and "0.975]" in text
    assert "[0.05" in fit.summary(alpha=0.1)

    interval = fit.conf_int()
    assert list(interval.columns) == [0, 1]
    np.testing.assert_allclose(interval[0], fit.params - Z975 * fit.bse, atol=1e-7)
    np.testing.assert_allclose(interval[1], fit.params + Z975 * fit.bse, atol=1e-7)
    for series in (fit.params, fit.bse, fit.tvalues, fit.pvalues):
        assert isinstance(series, pd.Series) and list(series.index) == ["Intercept", "g", "t", "g:t"]
    np.testing.assert_allclose(fit.tvalues, fit.params / fit.bse)
    np.testing.assert_allclose(fit.pvalues, 2 * (1 - __import__("scipy").stats.norm.cdf(np.abs(fit.tvalues))))
    assert fit.cov_params().shape == (4, 4) and list(fit.cov_params().index) == list(fit.params.index)

    # "t + g:t": the effect of t for g = 1, three ways.
    weights = np.array([0.0, 0.0, 1.0, 1.0])
    expected_se = np.sqrt(weights @ fit.cov_params().to_numpy() @ weights)
    for spec in ({"t": 1, "g:t": 1}, weights, "t + g:t"):
        result = fit.contrast(spec)
        assert isinstance(result, Contrast)
        assert abs(result.estimate - (fit.params["t"] + fit.params["g:t"])) < 1e-12
        assert abs(result.se - expected_se) < 1e-12
        assert abs(result.low - (result.estimate - Z975 * result.se)) < 1e-6
        assert abs(result.high - (result.estimate + Z975 * result.se)) < 1e-6
    estimate, se, low, high = fit.contrast({"g:t": 1}, alpha=0.1)
    assert abs(high - low - 2 * 1.644854 * fit.bse["g:t"]) < 1e-6
    with pytest.raises(DSLError, match=r"contrast: unknown coefficient\(s\) \['after'\]"):
        fit.contrast({"after": 1})
    with pytest.raises(DSLError, match=r"contrast: 2 weights for 4 coefficients"):
        fit.contrast([1, 2])


def test_import_paths_give_the_function():
    from rhetoric.inference import dsl as from_package
    from rhetoric.inference.dsl import dsl as from_module

    assert from_package is from_module and callable(from_package)


def test_docstring_examples():
    # The project's pytest run does not collect doctests (no --doctest-modules): run them here.
    import doctest
    import sys

    module = sys.modules["rhetoric.inference.dsl"]
    result = doctest.testmod(module)
    assert result.attempted >= 8 and result.failed == 0, result


def test_bool_columns_and_a_constant_prediction():
    # bool labelled indicator and bool outcome (logit); a prediction that never varies is
    # still corrected by the expert rows (the design is collinear only for the predictions).
    frame = _partly_labelled(9)
    # (the unlabelled rows' y_bool is False, not missing: expert values there are ignored)
    frame["r_bool"], frame["y_bool"] = frame.r == 1, frame.y == 1
    a = dsl("y ~ g * t", frame, "y", "y_hat", labeled="r", sample_prob="pi", model="logit")
    b = dsl("y_bool ~ g * t", frame, "y_bool", "y_hat", labeled="r_bool", sample_prob="pi", model="logit")
    np.testing.assert_allclose(a.params.to_numpy(), b.params.to_numpy(), rtol=1e-12)
    frame["g_expert"], frame["g_hat"] = np.where(frame.r == 1, frame.g, np.nan), 0.0
    fit = dsl("y_hat ~ g_expert", frame, "g_expert", "g_hat", labeled="r", sample_prob="pi")
    assert np.isfinite(fit.params).all() and np.isfinite(fit.bse).all()
