"""Fit the trained scorer to the labelled sentences, and judge it honestly.

Everything here is document-grouped: the annotations' ``fold`` (0-4, a hash of the
document) is the unit of every split, so no document lends sentences to both sides.

:func:`select_and_fit`
    chooses the settings (the penalty, L2 or L1, and its strength ``C``, the minimum
    document frequency of a feature) and each construct's decision threshold by cross-validation over the folds
    it is given, then refits on all of them;
:func:`cross_validate`
    the outer loop: for each fold, :func:`select_and_fit` on the other four (so settings
    and thresholds are chosen in inner folds), scores on the held-out fold. Its
    out-of-fold scores are the validity figures of the model card, the README and the
    paper;
:func:`train`
    :func:`select_and_fit` on all folds, written as data (``model.json``,
    ``weights.tsv``, ``card.json``; see :mod:`rhetoric.trained`).

The same config gives the same bytes: the solvers are deterministic (liblinear's order
drawn from ``model.random_state``), numbers are written
with fixed precision, and the card's date comes from the config or ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .constructs import CONSTRUCTS
from .data.checksums import sha256_file
from .trained import CARD_FILE, FORMAT, MODEL_FILE, WEIGHTS_FILE

__all__ = [
    "DEFAULTS",
    "Fitted",
    "best_threshold",
    "cross_validate",
    "labelled_terms",
    "select_and_fit",
    "train",
]


def _defaults() -> dict:
    """``rhetoric/conf/train.yaml`` as a plain dict: the one place the settings live."""
    from omegaconf import OmegaConf

    return OmegaConf.to_container(OmegaConf.load(Path(__file__).parent / "conf" / "train.yaml"), resolve=True)


#: The settings ``rhetoric train`` uses unless told otherwise (``rhetoric/conf/train.yaml``,
#: which Hydra overrides change).
DEFAULTS = _defaults()

# Weights are written with this many significant digits: enough that the written model
# scores as the fitted one (differences < 1e-6 in log-odds), few enough to stay readable.
DIGITS = 8


def term_options(cfg: dict) -> dict:
    """The options of :func:`rhetoric.trained.sentence_terms` a config's ``features`` set."""
    f = cfg["features"]
    return {"ngram_max": int(f["ngram_max"]), "pairs": bool(f.get("pairs", False))}


def labelled_terms(texts, options: dict) -> list[list[str]]:
    """Each labelled sentence's feature occurrences (:func:`rhetoric.scoring.term_lists`)."""
    from .scoring import term_lists

    return term_lists(list(texts), **options)


# A cut may flag at most this many sentences per labelled positive. With few positives
# (two_path in a small training set) the F1-best cut can be "flag nearly everything",
# which says only that the model has not learnt the label; and through the codebook's
# implication (two_path implies conditionality) it would flag every sentence as a
# condition too. No useful cut flags more than a few times the positives (at 5x, F1 is
# at most 1/3).
MAX_FLAGGED_PER_POSITIVE = 5


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """``(threshold, F1)``: the cut on ``p`` (predict 1 when ``p >= threshold``) with the
    highest F1 on ``(y, p)`` among cuts flagging at most :data:`MAX_FLAGGED_PER_POSITIVE`
    sentences per positive; the midpoint between the two scores it separates, so that
    it does not sit on a training score. (0.5, 0.0) when ``y`` has no positive.

    >>> best_threshold(np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 0.6, 0.7]))
    (0.35, 0.8)
    >>> best_threshold(np.array([1] + [0] * 9), np.linspace(0.1, 0.9, 10))[0] > 0.4  # not "flag all"
    True
    """
    y = np.asarray(y)
    p = np.asarray(p, dtype=float)
    n_pos = int(y.sum())
    if n_pos == 0:
        return 0.5, 0.0
    order = np.argsort(-p, kind="mergesort")
    ps, ys = p[order], y[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ys) + 1)
    # only cut between distinct scores
    last_of_tie = np.r_[ps[1:] != ps[:-1], True]
    allowed = last_of_tie & (k <= MAX_FLAGGED_PER_POSITIVE * n_pos)
    if not allowed.any():
        return 0.5, 0.0
    f1 = np.where(allowed, 2 * tp / (k + n_pos), -1.0)
    i = int(np.argmax(f1))
    lower = ps[i + 1] if i + 1 < len(ps) else 0.0
    # kept inside (0, 1): the threshold is folded into the intercept as its log-odds
    threshold = min(max((ps[i] + lower) / 2, 1e-6), 1 - 1e-6)
    return float(round(threshold, 6)), float(round(f1[i], 6))


@dataclass
class Fitted:
    """A fitted scorer: per construct, the weights over ``vocabulary``, the intercept as
    fitted, the chosen threshold, and the settings the inner folds chose."""

    vocabulary: list[str]
    coef: dict[str, np.ndarray]
    intercept: dict[str, float]
    threshold: dict[str, float]
    settings: dict[str, dict]

    def logits(self, terms: list[list[str]]) -> dict[str, np.ndarray]:
        """Each construct's log-odds with the threshold folded in (0 = the decision
        point), and the two-path lift applied as the scorer applies it."""
        X = _matrix(terms, self.vocabulary)
        out = {c: X @ self.coef[c] + self.intercept[c] - _logit(self.threshold[c]) for c in CONSTRUCTS}
        out["conditionality"] = np.maximum(out["conditionality"], out["two_path"])
        return out

    def scores(self, terms: list[list[str]]) -> dict[str, np.ndarray]:
        return {c: 1 / (1 + np.exp(-v)) for c, v in self.logits(terms).items()}


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _matrix(terms: list[list[str]], vocabulary: list[str]):
    """Counts of each vocabulary feature per sentence (a CSR matrix)."""
    from scipy import sparse

    index = {f: i for i, f in enumerate(vocabulary)}
    rows, cols = [], []
    for r, names in enumerate(terms):
        for name in names:
            j = index.get(name)
            if j is not None:
                rows.append(r)
                cols.append(j)
    data = np.ones(len(rows))
    X = sparse.csr_matrix((data, (rows, cols)), shape=(len(terms), len(vocabulary)))
    X.sum_duplicates()
    return X


def _vocabulary(terms: list[list[str]], min_df: int) -> list[str]:
    """Features found in at least ``min_df`` sentences, sorted (a stable order)."""
    df: dict[str, int] = {}
    for names in terms:
        for name in set(names):
            df[name] = df.get(name, 0) + 1
    return sorted(f for f, n in df.items() if n >= min_df)


#: The penalties a grid may try: L2 (lbfgs) keeps every feature; L1 (liblinear, its
#: coordinate order drawn from ``model.random_state``) keeps few, which may suit a
#: construct with few positives.
PENALTIES = ("l2", "l1")


def _fit_one(X, y: np.ndarray, C: float, model_cfg: dict, penalty: str = "l2"):
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():  # a slice without a positive: a constant model
        return np.zeros(X.shape[1]), (-20.0 if y.max() == 0 else 20.0)
    common = dict(C=C, max_iter=int(model_cfg["max_iter"]), tol=float(model_cfg["tol"]),
                  class_weight=model_cfg.get("class_weight"))
    if penalty == "l1":
        import sklearn

        # scikit-learn 1.8 spells L1 as l1_ratio=1 (its penalty argument is deprecated)
        l1 = {"l1_ratio": 1.0} if tuple(map(int, sklearn.__version__.split(".")[:2])) >= (1, 8) else {"penalty": "l1"}
        lr = LogisticRegression(solver="liblinear", random_state=int(model_cfg.get("random_state", 0)), **l1,
                                **common)
    else:
        lr = LogisticRegression(solver="lbfgs", **common)
    lr.fit(X, y)
    return lr.coef_[0].copy(), float(lr.intercept_[0])


def _as_list(value) -> list:
    return [value] if isinstance(value, (int, float, str)) else list(value)


def _grid(cfg: dict) -> list[tuple[int, float, str]]:
    """The settings to choose from: ``(min_df, C, penalty)`` for every combination."""
    penalties = [str(p) for p in _as_list(cfg["model"].get("penalty", ["l2"]))]
    unknown = sorted(set(penalties) - set(PENALTIES))
    if unknown:
        raise ValueError(f"model.penalty: {unknown} unknown; use {', '.join(PENALTIES)}")
    return [(int(m), float(c), p) for m in _as_list(cfg["features"]["min_df"]) for p in penalties
            for c in _as_list(cfg["model"]["C"])]


def _inner_oof(terms, Y, folds, cfg) -> dict[tuple[int, float, str], dict[str, np.ndarray]]:
    """Out-of-fold probabilities over ``folds`` for every setting of the grid."""
    grid = _grid(cfg)
    out = {g: {c: np.zeros(len(terms)) for c in CONSTRUCTS} for g in grid}
    for f in np.unique(folds):
        test = folds == f
        train = ~test
        train_terms = [t for t, k in zip(terms, train) if k]
        test_terms = [t for t, k in zip(terms, test) if k]
        for min_df in sorted({g[0] for g in grid}):
            vocab = _vocabulary(train_terms, min_df)
            Xtr, Xte = _matrix(train_terms, vocab), _matrix(test_terms, vocab)
            for m, C, penalty in grid:
                if m != min_df:
                    continue
                for c in CONSTRUCTS:
                    coef, b = _fit_one(Xtr, Y[c][train], C, cfg["model"], penalty)
                    out[(m, C, penalty)][c][test] = 1 / (1 + np.exp(-(Xte @ coef + b)))
    return out


def select_and_fit(terms: list[list[str]], Y: dict[str, np.ndarray], folds: np.ndarray, cfg: dict) -> Fitted:
    """Choose each construct's settings and threshold by cross-validation over the
    distinct ``folds`` given (best F1 at the best threshold of the out-of-fold scores),
    then fit each construct on all the sentences given."""
    folds = np.asarray(folds)
    if len(np.unique(folds)) < 2:
        raise ValueError("select_and_fit needs sentences from at least two folds to choose settings")
    oof = _inner_oof(terms, Y, folds, cfg)
    settings: dict[str, dict] = {}
    for c in CONSTRUCTS:
        best = None
        for (m, C, penalty), probs in oof.items():  # grid order: the first of equal F1 wins
            thr, f1 = best_threshold(Y[c], probs[c])
            if best is None or f1 > best[0] + 1e-12:
                best = (f1, m, C, penalty, thr)
        f1, m, C, penalty, thr = best
        settings[c] = {"min_df": m, "C": C, "penalty": penalty, "threshold": thr, "inner_f1": f1}
    # one vocabulary per min_df chosen; the written model has one: the union, where
    # a construct fitted on a smaller vocabulary has weight 0 on the rest
    vocabularies = {m: _vocabulary(terms, m) for m in {s["min_df"] for s in settings.values()}}
    union = sorted(set().union(*vocabularies.values()))
    where = {f: i for i, f in enumerate(union)}
    coef, intercept, threshold = {}, {}, {}
    for c in CONSTRUCTS:
        vocab = vocabularies[settings[c]["min_df"]]
        w, b = _fit_one(_matrix(terms, vocab), Y[c], settings[c]["C"], cfg["model"], settings[c]["penalty"])
        full = np.zeros(len(union))
        full[[where[f] for f in vocab]] = w
        coef[c], intercept[c], threshold[c] = full, b, settings[c]["threshold"]
    return Fitted(union, coef, intercept, threshold, settings)


def _outer_fold(args):
    terms, Y, folds, fold, cfg, new_terms = args
    train = folds != fold
    fitted = select_and_fit([t for t, k in zip(terms, train) if k], {c: y[train] for c, y in Y.items()},
                            folds[train], cfg)
    test_terms = [t for t, k in zip(terms, ~train) if k]
    return fold, fitted.scores(test_terms), fitted.settings, (fitted.scores(new_terms) if new_terms else None)


def cross_validate(terms: list[list[str]], Y: dict[str, np.ndarray], folds: np.ndarray, cfg: dict,
                   *, train_mask: np.ndarray | None = None, progress=None) -> tuple[dict[str, np.ndarray], dict]:
    """Out-of-fold scores (as the shipped scorer gives them: threshold folded in, so
    >= 0.5 means label 1) for every sentence, each from a model that chose its settings
    on, and was fitted to, the other folds only. ``train_mask`` keeps only those
    sentences for fitting (the learning curve); every sentence is still scored.
    Returns ``(scores, settings by fold)``."""
    scores, _, settings = cross_fit(terms, Y, folds, cfg, train_mask=train_mask, progress=progress)
    return scores, settings


def cross_fit(terms: list[list[str]], Y: dict[str, np.ndarray], folds: np.ndarray, cfg: dict,
              new_terms: list[list[str]] | None = None, new_folds: np.ndarray | None = None,
              *, train_mask: np.ndarray | None = None, progress=None):
    """:func:`cross_validate`, and also scores for unlabelled sentences (``new_terms``,
    each in fold ``new_folds``): a new sentence of fold ``k`` is scored by the model of
    outer fold ``k``, fitted without the labels of fold ``k``. This is cross-fitting:
    when the new sentences include the labelled ones' documents (a population with a
    labelled random sample, as design-based corrections need), no labelled sentence's
    prediction comes from a model that saw its label, and every sentence of a document
    is scored by the same model.

    Returns ``(out-of-fold scores, new sentences' scores or None, settings by fold)``.

    >>> import numpy as np
    >>> terms = [["w:threat"], ["w:peace"]] * 12
    >>> Y = {c: np.array([1, 0] * 12) for c in CONSTRUCTS}
    >>> folds = np.repeat([0, 1, 2], 8)
    >>> cfg = _merged({"model": {"C": [1.0]}, "features": {"min_df": [1]}})
    >>> oof, new, _ = cross_fit(terms, Y, folds, cfg, [["w:threat"], ["w:peace"]], np.array([0, 2]))
    >>> bool(new["threat"][0] > 0.5 > new["threat"][1])
    True
    """
    from joblib import Parallel, delayed

    folds = np.asarray(folds)
    if new_terms is not None:
        new_folds = np.asarray(new_folds)
        if len(new_folds) != len(new_terms):
            raise ValueError(f"cross_fit: {len(new_terms)} new sentences but {len(new_folds)} folds")
        unknown = sorted(set(np.unique(new_folds).tolist()) - set(np.unique(folds).tolist()))
        if unknown:
            raise ValueError(f"cross_fit: new sentences in folds {unknown} that no labelled sentence is in")
    keep = np.ones(len(terms), bool) if train_mask is None else np.asarray(train_mask, bool)
    tasks = []
    for fold in np.unique(folds):
        # the held-out fold is scored whole; only the training side is subsampled
        use = keep | (folds == fold)
        idx = np.flatnonzero(use)
        mine = ([new_terms[i] for i in np.flatnonzero(new_folds == fold)] if new_terms is not None else None)
        tasks.append(([terms[i] for i in idx], {c: y[idx] for c, y in Y.items()}, folds[idx], fold, cfg, mine))
    n_jobs = int(cfg.get("n_jobs", 1) or 1)
    if n_jobs == 1:
        results = []
        for task in tasks:
            results.append(_outer_fold(task))
            if progress:
                progress(f"fold {task[3]} done")
    else:
        results = Parallel(n_jobs=n_jobs)(delayed(_outer_fold)(t) for t in tasks)
    scores = {c: np.full(len(terms), np.nan) for c in CONSTRUCTS}
    new_scores = {c: np.full(len(new_terms), np.nan) for c in CONSTRUCTS} if new_terms is not None else None
    settings = {}
    for fold, fold_scores, fold_settings, fold_new in results:
        test = folds == fold
        for c in CONSTRUCTS:
            scores[c][test] = fold_scores[c]
            if fold_new is not None:
                new_scores[c][new_folds == fold] = fold_new[c]
        settings[int(fold)] = fold_settings
    return scores, new_scores, settings


# -- writing the model ------------------------------------------------------------------


def _fmt(x: float) -> str:
    return f"{x:.{DIGITS}g}"


def write_model(fitted: Fitted, folder: str | Path, *, options: dict, card: dict) -> Path:
    """Write ``model.json``, ``weights.tsv`` and ``card.json`` into ``folder``, each whole
    or not at all; features whose weights are all 0 are left out."""
    from ._atomic import atomic_path

    def write_text_atomic(path: Path, text: str) -> None:
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(["feature", *CONSTRUCTS])]
    for i, name in enumerate(fitted.vocabulary):
        values = [fitted.coef[c][i] for c in CONSTRUCTS]
        if any(float(_fmt(v)) != 0.0 for v in values):
            lines.append("\t".join([name, *(_fmt(v) for v in values)]))
    meta = {
        "format": FORMAT,
        "constructs": list(CONSTRUCTS),
        "weights_file": WEIGHTS_FILE,
        "features": options,
        "intercepts": {c: float(_fmt(fitted.intercept[c] - _logit(fitted.threshold[c]))) for c in CONSTRUCTS},
        "fitted_intercepts": {c: float(_fmt(fitted.intercept[c])) for c in CONSTRUCTS},
        "thresholds": {c: fitted.threshold[c] for c in CONSTRUCTS},
        "settings": fitted.settings,
        "about": "rhetoric's trained scorer: score = sigmoid(intercept + sum of weights of the sentence's "
                 "features); intercept = fitted intercept - logit(threshold), so >= 0.5 means label 1. "
                 "See rhetoric/trained.py; rebuilt by `rhetoric train`.",
    }
    write_text_atomic(folder / WEIGHTS_FILE, "\n".join(lines) + "\n")
    write_text_atomic(folder / MODEL_FILE, json.dumps(meta, indent=2, sort_keys=False) + "\n")
    write_text_atomic(folder / CARD_FILE, json.dumps(card, indent=2, sort_keys=False) + "\n")
    return folder


def card_date(cfg: dict) -> str:
    """The card's date: the config's ``date``, else ``SOURCE_DATE_EPOCH`` (the
    reproducible-builds convention), else today (UTC)."""
    if cfg.get("date"):
        return str(cfg["date"])
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    now = _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch else _dt.datetime.now(_dt.timezone.utc)
    return now.strftime("%Y-%m-%d")


def train(cfg: dict | None = None, *, progress=print) -> Path:
    """Fit the scorer to the labels and write it (see the module docstring).

    ``cfg`` keys (:data:`DEFAULTS` for the rest): ``annotations`` (a train.jsonl; default
    the data root's), ``output`` (default: the shipped model folder), ``limit`` (the
    first N labelled sentences, for trials), ``seed``, ``features``, ``model``,
    ``n_jobs``, ``cross_validate`` (also compute the card's out-of-fold figures;
    default true), ``n_boot`` (bootstrap resamples for the card's intervals).
    """
    from . import __version__
    from .trained import MODEL_DIR
    from .validation import labelled_frame, summarise

    cfg = _merged(cfg or {})
    frame, path = labelled_frame(cfg.get("annotations"), cfg.get("limit"))
    options = term_options(cfg)
    progress(f"train: {len(frame)} labelled sentences from {path}; extracting features")
    terms = labelled_terms(frame["text"], options)
    Y = {c: frame[c].to_numpy() for c in CONSTRUCTS}
    folds = frame["fold"].to_numpy()
    card = {
        "model": "rhetoric trained scorer (one L2 logistic regression per construct)",
        "date": card_date(cfg),
        "package_version": __version__,
        "training_data": {
            "file": Path(path).name,
            "sha256": sha256_file(path),
            "sentences": int(len(frame)),
            "limit": cfg.get("limit"),
            "by_corpus": {k: int(v) for k, v in frame["corpus"].value_counts().sort_index().items()},
            "positives": {c: int(frame[c].sum()) for c in CONSTRUCTS},
        },
        "config": {k: cfg[k] for k in ("seed", "features", "model")},
    }
    if cfg.get("cross_validate", True):
        progress("train: document-grouped cross-validation over `fold` (settings and thresholds chosen in inner folds)")
        oof, fold_settings = cross_validate(terms, Y, folds, cfg, progress=progress)
        card["cross_validation"] = {
            "method": "5-fold document-grouped CV over the annotations' `fold`; C, min_df and each threshold "
                      "chosen by inner CV on the training folds; 95% intervals from a document-clustered bootstrap",
            "figures": summarise(frame, oof, seed=int(cfg["seed"]), n_boot=int(cfg.get("n_boot", 1000))),
            "settings_by_fold": {str(k): v for k, v in fold_settings.items()},
        }
    progress("train: choosing settings on all folds and fitting the final model")
    fitted = select_and_fit(terms, Y, folds, cfg)
    card["thresholds"] = {c: fitted.threshold[c] for c in CONSTRUCTS}
    card["settings"] = fitted.settings
    out = Path(cfg["output"]) if cfg.get("output") else MODEL_DIR
    write_model(fitted, out, options=options, card=card)
    progress(f"train: wrote {out / MODEL_FILE}, {out / WEIGHTS_FILE} ({len(fitted.vocabulary)} features) and {out / CARD_FILE}")
    return out


def compose_config(overrides: list[str] | None = None) -> dict:
    """``rhetoric/conf/train.yaml`` with Hydra ``key=value`` overrides, as a plain dict."""
    from hydra import compose, initialize_config_module
    from omegaconf import OmegaConf

    with initialize_config_module(config_module="rhetoric.conf", version_base=None):
        cfg = compose(config_name="train", overrides=list(overrides or []))
    return OmegaConf.to_container(cfg, resolve=True)


def main(argv: list[str] | None = None) -> int:
    """``rhetoric train [key=value ...]`` (Hydra overrides of ``rhetoric/conf/train.yaml``)."""
    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        print((Path(__file__).parent / "conf" / "train.yaml").read_text())
        return 0
    train(compose_config(argv), progress=lambda m: print(m, file=sys.stderr, flush=True))
    return 0


def _merged(cfg: dict) -> dict:
    out = json.loads(json.dumps(DEFAULTS))
    for k, v in cfg.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k].update(v)
        else:
            out[k] = v
    return out
