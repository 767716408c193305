"""Design-based supervised learning (DSL): regression on imperfect surrogates.

Egami, Hinck, Stewart and Wei, "Using Imperfect Surrogates for Downstream Inference:
Design-based Supervised Learning for Social Science Applications of Large Language
Models", NeurIPS 2023; R package ``dsl`` (https://naoki-egami.github.io/dsl/).

**When to use it.** A variable of a regression (the outcome, a covariate, or several)
is measured for every row by an imperfect surrogate (a classifier's or a language
model's prediction), and by an expert for a *random* sample of rows drawn with known
probabilities (simple random sampling, Bernoulli sampling, or a stratified design
whose per-row probability is known). Regressing on the surrogate is biased whenever
its errors differ across the regressors (recall that differs by actor or period);
regressing on the expert sample alone wastes the other rows. DSL is unbiased and
asymptotically normal for the regression that would have been fitted had every row
been coded by the expert, whatever the surrogate's errors, and its standard errors
shrink as the surrogate gets better.

**The estimator.** Let D̂ be the data with each predicted variable replaced by its
prediction, D the data with the expert values (needed on the labelled rows only), R
the labelled indicator and π the labelling probability. With m the GLM score
(``lm``: m = x (y - x'b); ``logit``: m = x (y - expit(x'b))), the DSL estimate solves

    sum_i [ m(D̂_i; b) - R_i / π_i (m(D̂_i; b) - m(D_i; b)) ] = 0,

a design-based correction of the surrogate's moment: its expectation over the
labelling design is the moment on the expert data. When only the outcome is
predicted, x is the same in D̂ and D and the equation is the ordinary GLM score
equation with the doubly robust pseudo-outcome ỹ = ŷ + R/π (y - ŷ). The variance
is the sandwich A⁻¹ B A⁻ᵀ of that estimating equation (A the summed Jacobian, B
the summed outer products of the per-row moments, or of the per-cluster sums).

**The predictions must be cross-fitted**: the prediction of a labelled row must come
from a model that did not see that row's expert label (a model trained on other data,
a zero-shot language model, or out-of-fold predictions). :func:`dsl` uses the
predictions as given. Unlike R's ``dsl()``, it does not fit its own supervised learner
(R's default fits a generalized random forest of the expert values on the predictions
and ``feature`` columns, with cross-fitting and repeated sample splitting).

Other differences from R's ``dsl()``, each deliberate:

- ``labeled`` and ``sample_prob`` are required: the design must be stated, not
  inferred from missing values and an assumed equal-probability sample. R rescales
  ``sample_prob`` to average the labelled share; here the probabilities are used as
  given (Horvitz-Thompson weights R/π; for a simple random sample of n of N rows,
  π = n/N, the two agree).
- R solves the moment equation with a numerical optimiser; here ``lm`` is solved
  exactly (it is linear in b) and ``logit`` by Newton's method to 1e-10.
- R drops rows with missing values in the formula's columns; here that is an error
  naming the column and the number of rows. Expert values on unlabelled rows are
  ignored (R requires them to be missing).
- Standard errors are the same sandwich as R's (no finite-sample correction, with or
  without clusters); ``small_sample=True`` adds statsmodels' HC1 / cluster factor.
- p-values are two-sided (R's ``summary.dsl`` prints the one-sided 1 - Φ(|z|)).

>>> import numpy as np, pandas as pd
>>> from rhetoric.inference import dsl
>>> rng = np.random.default_rng(0)
>>> frame = pd.DataFrame({"x": rng.integers(0, 2, 2000)})
>>> frame["y"] = (rng.random(2000) < 0.2 + 0.3 * frame.x).astype(float)
>>> correct = rng.random(2000) < np.where(frame.x == 1, 0.7, 0.95)  # errors differ by x
>>> frame["y_hat"] = np.where(correct, frame.y, 1 - frame.y)
>>> frame["labeled"] = rng.random(2000) < 0.2                       # Bernoulli, π = 0.2
>>> frame.loc[~frame.labeled, "y"] = np.nan                          # expert codes: sample only
>>> fit = dsl("y ~ x", frame, predicted_var="y", prediction="y_hat",
...           labeled="labeled", sample_prob=0.2)
>>> fit.params.round(3)
Intercept    0.208
x            0.326
dtype: float64
>>> fit.nobs, fit.n_labeled
(2000, 414)
>>> fit.conf_int().round(3)                                           # 95%, normal
               0      1
Intercept  0.169  0.247
x          0.240  0.412
>>> effect = fit.contrast("Intercept + x")                         # the mean of y at x = 1
>>> round(effect.estimate, 3), round(effect.low, 3), round(effect.high, 3)
(0.534, 0.457, 0.611)
"""

from __future__ import annotations

import functools
import io
import tokenize
from dataclasses import dataclass
from typing import Any, NamedTuple, Sequence

import numpy as np
import pandas as pd
import patsy
from scipy.special import expit, ndtr, ndtri

__all__ = ["Contrast", "DSLConvergenceError", "DSLError", "DSLResults", "dsl"]

MODELS = {"lm": "linear regression", "logit": "logistic regression"}

#: Newton's method for ``logit`` stops when no coefficient moves by more than this
#: (relative to 1 + |b|); it converges quadratically, so this costs one or two steps.
NEWTON_TOL = 1e-10
NEWTON_MAXITER = 100
#: A linear predictor this large when Newton fails means fitted probabilities within
#: e^-20 of 0 or 1: the coefficients run off to infinity (perfect or quasi-perfect
#: separation).
SEPARATION_ETA = 20.0


class DSLError(ValueError):
    """Invalid input to :func:`dsl` (the message names the argument or column)."""


class DSLConvergenceError(DSLError, RuntimeError):
    """Newton's method for ``model="logit"`` did not converge (often: separation)."""


class Contrast(NamedTuple):
    """A linear combination r'b of the coefficients, with its standard error and
    confidence interval (from :meth:`DSLResults.contrast`)."""

    estimate: float
    se: float
    low: float
    high: float


def dsl(
    formula: str,
    data: pd.DataFrame,
    predicted_var: str | Sequence[str],
    prediction: str | Sequence[str],
    labeled: Any,
    sample_prob: Any,
    model: str = "lm",
    cluster: Any = None,
    *,
    alpha: float = 0.05,
    small_sample: bool = False,
) -> "DSLResults":
    """Fit a linear or logistic regression by design-based supervised learning.

    Parameters
    ----------
    formula
        A patsy formula over the columns of ``data``, e.g.
        ``"y ~ x1 + C(actor, Treatment('US')) * after"``. The outcome and any covariate
        may be predicted variables.
    data
        One row per unit (every row, labelled or not).
    predicted_var
        Column name(s) holding the expert (true) values. Only the labelled rows are
        read; other rows may be NaN (or anything: they are ignored).
    prediction
        Column name(s), one per ``predicted_var`` in the same order, holding the
        surrogate for every row. Labelled rows' predictions must come from a model
        that did not see their labels (cross-fitting); they are used as given.
    labeled
        Column name or array of 0/1 (or bool): 1 where the expert value is observed.
    sample_prob
        Column name, array or scalar: each row's probability of being labelled, known
        by design, in (0, 1].
    model
        ``"lm"`` (linear) or ``"logit"``.
    cluster
        ``None``, or a column name or array: standard errors clustered on it.
    alpha
        Default level of :meth:`DSLResults.conf_int`, ``summary`` and ``contrast``.
    small_sample
        Multiply the covariance by statsmodels' finite-sample factor: N/(N-K) without
        clusters (HC1), G/(G-1) (N-1)/(N-K) with G clusters. Off by default, as in R.

    Returns
    -------
    DSLResults
        ``params``, ``bse``, ``tvalues``, ``pvalues``, ``cov_params()``,
        ``conf_int()``, ``summary()``, ``contrast()``, ``nobs``, ``n_labeled``,
        ``n_clusters``.

    Notes
    -----
    Solves sum_i [m(D̂_i; b) - R_i/π_i (m(D̂_i; b) - m(D_i; b))] = 0 (module docstring).
    When only the outcome is predicted this is the ordinary least-squares (or logit)
    score equation with the pseudo-outcome ỹ = ŷ + R/π (y - ŷ), so for ``lm`` the
    estimate is OLS of ỹ on x with HC0 (or cluster-robust) standard errors.

    Raises
    ------
    DSLError
        (a ``ValueError``) for bad input: unknown columns or model, mismatched
        ``predicted_var``/``prediction``, probabilities outside (0, 1], missing expert
        values on labelled rows, missing predictions, no labelled rows, missing values
        in other columns the formula uses.
    DSLConvergenceError
        when the logit fit does not converge (typically separation).

    Examples
    --------
    With every row labelled with probability 1 DSL is the regression on the expert
    values (here OLS of y on x: intercept 1, slope 2):

    >>> frame = pd.DataFrame({"x": [0, 1, 2, 3], "y": [1.0, 3.0, 5.0, 7.0],
    ...                       "y_hat": [0.0, 0.0, 0.0, 0.0], "r": [1, 1, 1, 1]})
    >>> dsl("y ~ x", frame, "y", "y_hat", labeled="r", sample_prob=1.0).params.round(6)
    Intercept    1.0
    x            2.0
    dtype: float64
    """
    if model not in MODELS:
        raise DSLError(f"model must be one of {sorted(MODELS)}, not {model!r}")
    if not 0 < alpha < 1:
        raise DSLError(f"alpha must be in (0, 1), not {alpha!r}")
    if not isinstance(data, pd.DataFrame):
        raise DSLError(f"data must be a pandas DataFrame, not {type(data).__name__}")
    n_rows = len(data)
    if n_rows == 0:
        raise DSLError("data has no rows")

    predicted_vars, predictions = _paired_names(predicted_var, prediction)
    _require_columns(data, predicted_vars, "predicted_var")
    _require_columns(data, predictions, "prediction")

    is_labeled = _labeled_indicator(labeled, data)
    prob = _sample_probabilities(sample_prob, data)
    cluster_codes, cluster_name = _cluster_codes(cluster, data)
    n_labeled = int(is_labeled.sum())
    if n_labeled == 0:
        raise DSLError(f"labeled: no labelled rows among the {n_rows} rows")

    outcome_code, rhs_desc, used_columns = _parse_formula(formula, data)
    for var in predicted_vars:
        if var not in used_columns:
            raise DSLError(f"predicted_var {var!r} does not appear in the formula {formula!r}")

    # No row is dropped silently: every column the formula reads must be complete
    # (predicted variables on the labelled rows, their predictions on every row).
    for var, pred in zip(predicted_vars, predictions):
        _require_complete(data[pred].to_numpy(), f"prediction column {pred!r}", "rows")
        _require_complete(data[var].to_numpy()[is_labeled], f"predicted_var {var!r}", "labelled rows")
    for column in used_columns:
        if column not in predicted_vars:
            _require_complete(data[column].to_numpy(), f"column {column!r} (used in the formula)", "rows")

    # D̂: every row, predicted variables replaced by their predictions. D: the labelled
    # rows with the expert values (the unlabelled rows' expert values are never read).
    # patsy gets only the formula's columns, as numpy arrays where the dtype allows
    # (five times faster than a DataFrame; pandas Categoricals keep their levels).
    replaced = dict(zip(predicted_vars, predictions))
    data_pred = {column: _patsy_column(data[replaced.get(column, column)]) for column in used_columns}
    data_expert = {column: _patsy_column(data[column], is_labeled) for column in used_columns}

    # One design for both: categorical levels are learned from D̂ and D together, so a
    # level that the labelled sample lacks (a rare actor) keeps its column in both.
    if not any(term.factors for term in rhs_desc.rhs_termlist):
        # Intercept only: patsy reads the number of rows from a DataFrame's index.
        data_pred, data_expert = pd.DataFrame(data_pred, index=pd.RangeIndex(n_rows)), pd.DataFrame(data_expert, index=pd.RangeIndex(n_labeled))
    eval_env = patsy.EvalEnvironment.capture(1)
    try:
        design_info = patsy.incr_dbuilder(rhs_desc, lambda: iter((data_pred, data_expert)), eval_env=eval_env)
        (exog_pred,) = patsy.build_design_matrices([design_info], data_pred, NA_action="raise")
        (exog_expert,) = patsy.build_design_matrices([design_info], data_expert, NA_action="raise")
    except patsy.PatsyError as err:
        raise DSLError(f"formula {formula!r}: {err}") from err
    exog_pred = np.asarray(exog_pred, dtype=float)
    exog_expert = np.asarray(exog_expert, dtype=float)
    names = list(design_info.column_names)

    endog_pred = _outcome(outcome_code, data_pred, eval_env, formula)
    endog_expert = _outcome(outcome_code, data_expert, eval_env, formula)
    if model == "logit":
        # The expert outcome must be a probability (0/1, or a share); the predictions need
        # not be (the moment stays unbiased whatever they are, as the pseudo-outcome
        # leaves [0, 1] anyway).
        outside = int(((endog_expert < 0) | (endog_expert > 1)).sum())
        if outside:
            raise DSLError(f"model='logit': the expert outcome {outcome_code!r} is outside [0, 1] on {outside} labelled rows")

    n_params = exog_pred.shape[1]
    if n_params == 0:
        raise DSLError(f"formula {formula!r} has no regressors")
    # Unidentified only if collinear in the predictions' and the expert values' designs
    # together (a prediction that is constant can still be corrected by the expert rows);
    # a singular Jacobian is caught when solving.
    if np.linalg.matrix_rank(np.vstack([exog_pred, exog_expert])) < n_params:
        raise DSLError(f"the design of {formula!r} is rank deficient: collinear columns among {names}")

    # Horvitz-Thompson weight R/π of the expert moment; the prediction moment gets 1 - R/π.
    weight_expert = 1.0 / prob[is_labeled]
    weight_pred = 1.0 - np.where(is_labeled, 1.0 / prob, 0.0)

    fit = _solve(model, exog_pred, endog_pred, weight_pred, exog_expert, endog_expert, weight_expert)
    params, moments_pred, moments_expert, jacobian, iterations = fit

    # Per-row DSL moments (labelled rows add their weighted expert moment).
    row_moments = moments_pred
    row_moments[is_labeled] += moments_expert
    if cluster_codes is None:
        meat = row_moments.T @ row_moments
        n_clusters = None
    else:
        n_clusters = int(cluster_codes.max()) + 1
        cluster_sums = np.column_stack([np.bincount(cluster_codes, weights=row_moments[:, k], minlength=n_clusters) for k in range(n_params)])
        meat = cluster_sums.T @ cluster_sums
    bread = np.linalg.inv(jacobian)
    cov = bread @ meat @ bread.T
    cov = (cov + cov.T) / 2  # symmetric to the last bit, for Cholesky-based users
    if small_sample:
        if n_clusters is None:
            cov *= n_rows / (n_rows - n_params)
        else:
            cov *= n_clusters / (n_clusters - 1) * (n_rows - 1) / (n_rows - n_params)

    return DSLResults(
        params=pd.Series(params, index=names),
        cov=pd.DataFrame(cov, index=names, columns=names),
        formula=formula,
        model=model,
        predicted_var=predicted_vars,
        prediction=predictions,
        nobs=n_rows,
        n_labeled=n_labeled,
        n_clusters=n_clusters,
        cluster_name=cluster_name,
        equal_prob=bool(np.ptp(prob) == 0),
        small_sample=small_sample,
        alpha=alpha,
        iterations=iterations,
        design_info=design_info,
    )


@dataclass(repr=False, eq=False)
class DSLResults:
    """The fit of :func:`dsl`, with statsmodels' conventions.

    ``params``, ``bse``, ``tvalues`` (z statistics) and ``pvalues`` (two-sided,
    normal) are Series indexed by the design's column names; ``cov_params()`` and
    ``conf_int()`` are DataFrames; ``summary()`` (also ``str()``) is a text table.
    """

    params: pd.Series
    cov: pd.DataFrame
    formula: str
    model: str
    predicted_var: list[str]
    prediction: list[str]
    nobs: int
    n_labeled: int
    n_clusters: int | None
    cluster_name: str | None
    equal_prob: bool
    small_sample: bool
    alpha: float
    iterations: int
    design_info: Any

    @property
    def bse(self) -> pd.Series:
        return pd.Series(np.sqrt(np.diag(self.cov.to_numpy())), index=self.params.index)

    @property
    def tvalues(self) -> pd.Series:
        return self.params / self.bse

    @property
    def pvalues(self) -> pd.Series:
        return 2 * ndtr(-self.tvalues.abs())

    def cov_params(self) -> pd.DataFrame:
        return self.cov.copy()

    def conf_int(self, alpha: float | None = None) -> pd.DataFrame:
        """Normal-approximation intervals; columns 0 (lower) and 1 (upper)."""
        half = _critical_value(self._alpha(alpha)) * self.bse
        return pd.DataFrame({0: self.params - half, 1: self.params + half})

    def contrast(self, weights: Any, alpha: float | None = None) -> Contrast:
        """Estimate, standard error and interval of a linear combination r'b.

        ``weights``: a vector over the coefficients (in ``params`` order), a dict or
        Series ``{name: weight}`` (other coefficients weight 0), or a patsy constraint
        string over the coefficient names such as ``"after + RU:after"`` (a right-hand
        side ``= c`` is subtracted from the estimate).
        """
        names = list(self.params.index)
        constant = 0.0
        if isinstance(weights, str):
            try:
                constraint = self.design_info.linear_constraint(weights)
            except patsy.PatsyError as err:
                raise DSLError(f"contrast {weights!r}: {err}") from err
            if constraint.coefs.shape[0] != 1:
                raise DSLError(f"contrast {weights!r}: one linear combination expected, got {constraint.coefs.shape[0]}")
            vector = constraint.coefs[0].astype(float)
            constant = float(constraint.constants[0, 0])
        elif isinstance(weights, (dict, pd.Series)):
            unknown = [name for name in weights.keys() if name not in names]
            if unknown:
                raise DSLError(f"contrast: unknown coefficient(s) {unknown}; the coefficients are {names}")
            vector = np.array([float(weights.get(name, 0.0)) for name in names])
        else:
            vector = np.asarray(weights, dtype=float).ravel()
            if vector.size != len(names):
                raise DSLError(f"contrast: {vector.size} weights for {len(names)} coefficients {names}")
        estimate = float(vector @ self.params.to_numpy()) - constant
        se = float(np.sqrt(vector @ self.cov.to_numpy() @ vector))
        half = _critical_value(self._alpha(alpha)) * se
        return Contrast(estimate, se, estimate - half, estimate + half)

    def summary(self, alpha: float | None = None) -> str:
        """A text table: the specification, the counts and the coefficients."""
        alpha = self._alpha(alpha)
        interval = self.conf_int(alpha)
        low_label, high_label = f"[{alpha / 2:g}", f"{1 - alpha / 2:g}]"
        table = pd.DataFrame(
            {
                "coef": self.params,
                "std err": self.bse,
                "z": self.tvalues,
                "P>|z|": self.pvalues,
                low_label: interval[0],
                high_label: interval[1],
            }
        )
        body = table.to_string(float_format=lambda v: f"{v:.4f}")
        if self.cluster_name is None:
            errors = "sandwich (HC1)" if self.small_sample else "sandwich (HC0, as R's dsl)"
        else:
            correction = "with" if self.small_sample else "no"
            errors = f"clustered on {self.cluster_name!r}, {correction} small-sample correction"
        sampling = "known probabilities, equal" if self.equal_prob else "known probabilities, unequal"
        clusters = str(self.n_clusters) if self.n_clusters is not None else "none (each row its own)"
        fields = [
            ("Model", f"{self.model} ({MODELS[self.model]})"),
            ("Formula", self.formula),
            ("Predicted variables", ", ".join(self.predicted_var)),
            ("Predictions", ", ".join(self.prediction)),
            ("Rows", str(self.nobs)),
            ("Labelled rows", str(self.n_labeled)),
            ("Clusters", clusters),
            ("Labelling", sampling),
            ("Standard errors", errors),
        ]
        header = [f"{label + ':':<21}{value}" for label, value in fields]
        width = max(len(line) for line in header + body.splitlines())
        lines = [
            "DSL regression (design-based supervised learning)".center(width).rstrip(),
            "=" * width,
            *header,
            "=" * width,
            body,
            "=" * width,
        ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return f"<DSLResults {self.model} {self.formula!r}: {self.nobs} rows, {self.n_labeled} labelled>"

    def _alpha(self, alpha: float | None) -> float:
        alpha = self.alpha if alpha is None else alpha
        if not 0 < alpha < 1:
            raise DSLError(f"alpha must be in (0, 1), not {alpha!r}")
        return alpha


def _critical_value(alpha: float) -> float:
    return float(ndtri(1 - alpha / 2))


# --- estimation ---------------------------------------------------------------------


def _solve(model, exog_pred, endog_pred, weight_pred, exog_expert, endog_expert, weight_expert):
    """Solve the DSL moment equation. Returns the estimate, the weighted per-row
    moments (prediction part on every row, expert part on the labelled rows), the
    Jacobian of minus the summed moment (the sandwich's bread, inverted later) and the
    number of Newton iterations (0 for ``lm``)."""
    if model == "lm":
        # The moment is linear in b: sum (1-w) x̂(ŷ - x̂'b) + w x(y - x'b) = c - A b.
        jacobian = (exog_pred * weight_pred[:, None]).T @ exog_pred + (exog_expert * weight_expert[:, None]).T @ exog_expert
        rhs = exog_pred.T @ (weight_pred * endog_pred) + exog_expert.T @ (weight_expert * endog_expert)
        params = _linear_solve(jacobian, rhs)
        iterations = 0
    else:
        params, iterations = _newton_logit(exog_pred, endog_pred, weight_pred, exog_expert, endog_expert, weight_expert)
        jacobian = _logit_jacobian(params, exog_pred, weight_pred, exog_expert, weight_expert)
    moments_pred = exog_pred * (weight_pred * (endog_pred - _mean(model, exog_pred @ params)))[:, None]
    moments_expert = exog_expert * (weight_expert * (endog_expert - _mean(model, exog_expert @ params)))[:, None]
    return params, moments_pred, moments_expert, jacobian, iterations


def _mean(model, eta):
    return eta if model == "lm" else expit(eta)


def _linear_solve(matrix, rhs):
    try:
        return np.linalg.solve(matrix, rhs)
    except np.linalg.LinAlgError as err:
        raise DSLError("the DSL moment's Jacobian is singular: collinear regressors (or a regressor constant among the rows that carry weight)") from err


def _logit_jacobian(params, exog_pred, weight_pred, exog_expert, weight_expert):
    prob_pred = expit(exog_pred @ params)
    prob_expert = expit(exog_expert @ params)
    return (exog_pred * (weight_pred * prob_pred * (1 - prob_pred))[:, None]).T @ exog_pred + (
        exog_expert * (weight_expert * prob_expert * (1 - prob_expert))[:, None]
    ).T @ exog_expert


def _logit_score(params, exog_pred, endog_pred, weight_pred, exog_expert, endog_expert, weight_expert):
    return exog_pred.T @ (weight_pred * (endog_pred - expit(exog_pred @ params))) + exog_expert.T @ (
        weight_expert * (endog_expert - expit(exog_expert @ params))
    )


def _newton_logit(exog_pred, endog_pred, weight_pred, exog_expert, endog_expert, weight_expert):
    """Newton's method on the DSL logit moment, from b = 0, halving a step that does
    not reduce the moment's norm (the weights 1 - R/π are negative on labelled rows,
    so the Jacobian is not guaranteed positive definite as in a plain logit)."""
    args = (exog_pred, endog_pred, weight_pred, exog_expert, endog_expert, weight_expert)
    params = np.zeros(exog_pred.shape[1])
    score = _logit_score(params, *args)
    moved = np.inf
    for iteration in range(1, NEWTON_MAXITER + 1):
        jacobian = _logit_jacobian(params, exog_pred, weight_pred, exog_expert, weight_expert)
        try:
            step = np.linalg.solve(jacobian, score)
        except np.linalg.LinAlgError:
            # Under separation the fitted probabilities reach 0/1 and the Jacobian vanishes.
            raise DSLConvergenceError(_non_convergence(iteration, moved, params, exog_pred, exog_expert, "the Jacobian became singular")) from None
        norm = np.linalg.norm(score)
        scale = 1.0
        while True:
            candidate = params + scale * step
            candidate_score = _logit_score(candidate, *args)
            if np.linalg.norm(candidate_score) <= norm or scale < 1e-3:
                break
            scale /= 2
        moved = float(np.max(np.abs(candidate - params) / (1 + np.abs(params))))
        params, score = candidate, candidate_score
        if moved < NEWTON_TOL:
            return params, iteration
    raise DSLConvergenceError(_non_convergence(NEWTON_MAXITER, moved, params, exog_pred, exog_expert, "no convergence"))


def _non_convergence(iteration, moved, params, exog_pred, exog_expert, what):
    eta = max(np.max(np.abs(exog_pred @ params)), np.max(np.abs(exog_expert @ params)))
    cause = (
        f"a linear predictor reached {eta:.0f}: the outcome is (quasi-)perfectly separated by the regressors, "
        "so the logit coefficients do not exist"
        if eta > SEPARATION_ETA
        else "check for near-collinear regressors"
    )
    return f"model='logit': Newton's method failed after {iteration} steps ({what}; last relative step {moved:.2g}); {cause}"


# --- input checks ---------------------------------------------------------------------


def _paired_names(predicted_var, prediction):
    predicted_vars = [predicted_var] if isinstance(predicted_var, str) else list(predicted_var)
    predictions = [prediction] if isinstance(prediction, str) else list(prediction)
    if len(predicted_vars) != len(predictions):
        raise DSLError(
            f"predicted_var has {len(predicted_vars)} name(s) {predicted_vars} but prediction has "
            f"{len(predictions)} {predictions}: one prediction column per predicted variable"
        )
    if not predicted_vars:
        raise DSLError("predicted_var is empty: name at least one predicted variable")
    if len(set(predicted_vars)) != len(predicted_vars):
        raise DSLError(f"predicted_var names a column twice: {predicted_vars}")
    overlap = set(predicted_vars) & set(predictions)
    if overlap:
        raise DSLError(f"the same column(s) {sorted(overlap)} given as predicted_var and prediction")
    return predicted_vars, predictions


def _require_columns(data, names, argument):
    missing = [name for name in names if name not in data.columns]
    if missing:
        raise DSLError(f"{argument}: unknown column(s) {missing} in data")


def _require_complete(values, what, rows_word):
    missing = int(pd.isna(values).sum())
    if missing:
        raise DSLError(f"{what} is missing (NaN) on {missing} of {len(values)} {rows_word}")


def _column_or_array(value, data, argument):
    if isinstance(value, str):
        _require_columns(data, [value], argument)
        return data[value].to_numpy()
    array = np.asarray(value)
    if array.ndim != 1 or len(array) != len(data):
        raise DSLError(f"{argument}: expected a column name or an array of {len(data)} values, got shape {array.shape}")
    return array


def _labeled_indicator(labeled, data):
    values = _column_or_array(labeled, data, "labeled")
    missing = int(pd.isna(values).sum())
    if missing:
        raise DSLError(f"labeled is missing (NaN) on {missing} of {len(values)} rows; it must be 0/1 on every row")
    valid = np.isin(values, [0, 1])  # True/False compare equal to 1/0
    if not valid.all():
        raise DSLError(f"labeled must be 0/1 or bool; {int((~valid).sum())} rows hold other values (e.g. {values[~valid][0]!r})")
    return values.astype(bool)


def _sample_probabilities(sample_prob, data):
    if np.ndim(sample_prob) == 0 and not isinstance(sample_prob, str):
        values = np.full(len(data), sample_prob, dtype=float)
    else:
        values = _column_or_array(sample_prob, data, "sample_prob")
        try:
            values = values.astype(float)
        except (TypeError, ValueError) as err:
            raise DSLError(f"sample_prob must be numeric: {err}") from err
    bad = ~((values > 0) & (values <= 1))  # NaN fails both comparisons
    if bad.any():
        raise DSLError(f"sample_prob must be in (0, 1] (and not NaN); {int(bad.sum())} of {len(values)} rows are not")
    return values


def _cluster_codes(cluster, data):
    if cluster is None:
        return None, None
    values = _column_or_array(cluster, data, "cluster")
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    missing = int((codes < 0).sum())
    if missing:
        raise DSLError(f"cluster is missing (NaN) on {missing} of {len(codes)} rows")
    return codes, cluster if isinstance(cluster, str) else "the given array"


def _parse_formula(formula, data):
    """The outcome's code, the right-hand side as a patsy ModelDesc, and the data
    columns the formula reads (found by name, to check them for missing values)."""
    if not isinstance(formula, str) or "~" not in formula:
        raise DSLError(f"formula must be a string 'outcome ~ regressors', not {formula!r}")
    try:
        desc = patsy.ModelDesc.from_formula(formula)
    except patsy.PatsyError as err:
        raise DSLError(f"formula {formula!r}: {err}") from err
    lhs_factors = [factor for term in desc.lhs_termlist for factor in term.factors]
    if len(desc.lhs_termlist) != 1 or len(lhs_factors) != 1:
        raise DSLError(f"formula {formula!r}: one outcome expected on the left of '~'")
    used = [name for name in _formula_names(formula) if name in data.columns]
    if not set(used) & set(_formula_names(lhs_factors[0].code)):
        raise DSLError(f"formula {formula!r}: the outcome {lhs_factors[0].code!r} names no column of data")
    return lhs_factors[0].code, patsy.ModelDesc([], desc.rhs_termlist), used


@functools.lru_cache(maxsize=256)
def _formula_names(code):
    """The names a formula could read from the data, in order of appearance: bare
    names and Q("...") strings (the caller keeps those that are columns)."""
    tokens = [tok for tok in tokenize.generate_tokens(io.StringIO(code).readline) if tok.type not in (tokenize.NEWLINE, tokenize.ENDMARKER)]
    names = []
    for i, tok in enumerate(tokens):
        if tok.type == tokenize.NAME:
            names.append(tok.string)
        elif tok.type == tokenize.STRING and i >= 2 and tokens[i - 2].string == "Q" and tokens[i - 1].string == "(":
            names.append(tok.string.strip("\"'"))
    return tuple(dict.fromkeys(names))


def _patsy_column(series, rows=None):
    """A column for patsy: a numpy array for numpy dtypes, else the Series itself (a
    Categorical's level order, a nullable dtype); ``rows`` a boolean row mask."""
    if isinstance(series.dtype, np.dtype):
        values = series.to_numpy()
        return values if rows is None else values[rows]
    return series if rows is None else series[rows]


def _outcome(code, frame, eval_env, formula):
    """The outcome as floats. A bare column is read directly (so a bool outcome is
    0/1, where patsy would code it as two indicator columns)."""
    if code in frame:
        try:
            return np.asarray(frame[code], dtype=float)
        except (TypeError, ValueError) as err:
            raise DSLError(f"formula {formula!r}: the outcome {code!r} is not numeric: {err}") from err
    try:
        matrix = patsy.dmatrix(patsy.ModelDesc([], [patsy.Term([patsy.EvalFactor(code)])]), frame, eval_env=eval_env, NA_action="raise")
    except patsy.PatsyError as err:
        raise DSLError(f"formula {formula!r}: the outcome {code!r}: {err}") from err
    if matrix.shape[1] != 1:
        raise DSLError(f"formula {formula!r}: the outcome {code!r} must be one numeric column, not {matrix.design_info.column_names}")
    return np.asarray(matrix, dtype=float)[:, 0]
