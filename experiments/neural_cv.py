"""Do MiniLM sentence embeddings earn a place beside the trained scorer's sparse terms?

    pip install torch==2.13.0 && pip install -e '.[neural]'   # the CPU wheel first
    python experiments/neural_cv.py                   # all four models, 1000 bootstrap resamples
    python experiments/neural_cv.py --models sparse,emb,stack --n-boot 200 --out /tmp/neural_cv.json

Every model is judged by the trained scorer's own nested, document-grouped CV over the
annotations' ``fold`` (:func:`rhetoric.training.cross_validate`): for each outer fold,
the settings (``C``, the embedding scale) and each construct's threshold are chosen by
F1 on out-of-fold scores over the four inner folds (:func:`rhetoric.training.best_threshold`),
then the model is refitted on those four folds and scores the fifth. As in the shipped
scorer, the threshold is folded into the score (>= 0.5 predicts 1) and conditionality is
lifted to at least two_path.

``sparse``
    the shipped scorer's features (rules' hits, cues, targets, word 1-2-grams, min_df 2)
    and grid (C in 0.1, 0.3, 1): reproduces :func:`rhetoric.training.cross_validate`;
``emb``
    L2 logistic regression on the 384 embedding dimensions alone (C in 0.3 ... 30);
``concat``
    one logistic regression on the sparse terms and ``scale`` x the embeddings, side by
    side (C and scale chosen in inner folds; the scale sets how hard the L2 penalty
    holds the embedding weights against the sparse ones);
``stack``
    a second-level logistic regression on the two models' log-odds: fitted to the inner
    out-of-fold log-odds of ``sparse`` and ``emb`` (each at its inner-chosen C), its
    threshold chosen on its own inner cross-fitted scores, applied to the outer fold's
    log-odds of the two models refitted on the four inner folds.

Per construct it prints out-of-fold precision, recall, F1 and AUROC with 95% intervals
resampling documents (:func:`rhetoric.validation.bootstrap_metrics`), for all sentences
and by corpus, and a paired bootstrap of each model's F1 minus ``sparse``'s (the same
document resamples for both). Embeddings are cached under ``$RHETORIC_CACHE/neural``
(:func:`rhetoric.neural.cached_embed`); one torch and one BLAS thread.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

REPO = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path[0] = str(REPO)

import numpy as np  # noqa: E402

from rhetoric.constructs import CONSTRUCTS  # noqa: E402
from rhetoric.training import DEFAULTS, _fit_one, _matrix, _vocabulary, best_threshold  # noqa: E402

MODELS = ("sparse", "emb", "concat", "stack")
SPARSE_C = tuple(DEFAULTS["model"]["C"])          # the shipped grid: 0.1, 0.3, 1.0
EMB_C = (0.3, 1.0, 3.0, 10.0, 30.0)
CONCAT_C = (0.3,)
CONCAT_SCALE = (1.0, 2.0, 4.0)
MIN_DF = 2
MODEL_CFG = {k: DEFAULTS["model"][k] for k in ("max_iter", "tol", "class_weight")}


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


class Features:
    """Builds each model's train/test matrices for a split of the sentences."""

    def __init__(self, terms, E):
        self.terms, self.E = terms, E

    def sparse(self, tr, te):
        tr_terms = [self.terms[i] for i in tr]
        vocab = _vocabulary(tr_terms, MIN_DF)
        return _matrix(tr_terms, vocab), _matrix([self.terms[i] for i in te], vocab)

    def emb(self, tr, te):
        return self.E[tr], self.E[te]

    def concat(self, tr, te, sparse_pair, scale):
        from scipy import sparse

        Xtr, Xte = sparse_pair
        return (sparse.hstack([Xtr, sparse.csr_matrix(scale * self.E[tr])], format="csr"),
                sparse.hstack([Xte, sparse.csr_matrix(scale * self.E[te])], format="csr"))


def _grid(model):
    if model == "sparse":
        return [(C, None) for C in SPARSE_C]
    if model == "emb":
        return [(C, None) for C in EMB_C]
    return [(C, s) for C in CONCAT_C for s in CONCAT_SCALE]


def _matrices(feats, model, tr, te, sp):
    """(setting -> (Xtr, Xte)) for one split; ``sp`` is the split's sparse pair."""
    if model == "sparse":
        return {g: sp for g in _grid(model)}
    if model == "emb":
        pair = feats.emb(tr, te)
        return {g: pair for g in _grid(model)}
    return {g: feats.concat(tr, te, sp, g[1]) for g in _grid(model)}


def _fit_predict(Xtr, ytr, Xte, C):
    coef, b = _fit_one(Xtr, ytr, C, MODEL_CFG)
    return np.asarray(Xte @ coef).ravel() + b


def _choose(y, logits_by_setting):
    """The setting (first of equal F1, grid order) and threshold with the best inner F1."""
    best = None
    for g, z in logits_by_setting.items():
        thr, f1 = best_threshold(y, _sigmoid(z))
        if best is None or f1 > best[0] + 1e-12:
            best = (f1, g, thr)
    return best


def _stack_fit(Z, y, C=1.0):
    """Second-level LR on two log-odds columns (weakly regularised)."""
    return _fit_one(Z, y, C, MODEL_CFG)


def nested_cv(feats: Features, Y, folds, models, log=print):
    """Out-of-fold scores (threshold folded in, >= 0.5 predicts 1) of each model, and
    the settings each outer fold chose."""
    n = len(folds)
    base = [m for m in ("sparse", "emb", "concat") if m in models or (m != "concat" and "stack" in models)]
    scores = {m: {c: np.full(n, np.nan) for c in CONSTRUCTS} for m in models}
    chosen = {m: {} for m in models}
    for f in np.unique(folds):
        t0 = time.time()
        outer_tr = np.flatnonzero(folds != f)
        outer_te = np.flatnonzero(folds == f)
        inner = {m: {g: {c: np.zeros(len(outer_tr)) for c in CONSTRUCTS} for g in _grid(m)} for m in base}
        for g_fold in np.unique(folds[outer_tr]):
            te_mask = folds[outer_tr] == g_fold
            tr, te = outer_tr[~te_mask], outer_tr[te_mask]
            sp = feats.sparse(tr, te)
            for m in base:
                for g, (Xtr, Xte) in _matrices(feats, m, tr, te, sp).items():
                    for c in CONSTRUCTS:
                        inner[m][g][c][te_mask] = _fit_predict(Xtr, Y[c][tr], Xte, g[0])
        test_logits, sel = {}, {}
        sp = feats.sparse(outer_tr, outer_te)
        for m in base:
            sel[m] = {c: _choose(Y[c][outer_tr], {g: inner[m][g][c] for g in inner[m]}) for c in CONSTRUCTS}
            mats = _matrices(feats, m, outer_tr, outer_te, sp)
            test_logits[m] = {c: _fit_predict(mats[sel[m][c][1]][0], Y[c][outer_tr], mats[sel[m][c][1]][1],
                                              sel[m][c][1][0]) for c in CONSTRUCTS}
        out = {}
        for m in base:
            if m in models:
                out[m] = {c: test_logits[m][c] - _logit(sel[m][c][2]) for c in CONSTRUCTS}
                chosen[m][int(f)] = {c: {"C": sel[m][c][1][0], "scale": sel[m][c][1][1], "threshold": sel[m][c][2],
                                         "inner_f1": sel[m][c][0]} for c in CONSTRUCTS}
        if "stack" in models:
            out["stack"], chosen["stack"][int(f)] = {}, {}
            inner_folds = folds[outer_tr]
            for c in CONSTRUCTS:
                y = Y[c][outer_tr]
                Z = np.column_stack([inner["sparse"][sel["sparse"][c][1]][c], inner["emb"][sel["emb"][c][1]][c]])
                # the stacker's threshold: from its own scores cross-fitted over the inner folds
                cross = np.zeros(len(y))
                for g_fold in np.unique(inner_folds):
                    k = inner_folds == g_fold
                    w, b = _stack_fit(Z[~k], y[~k])
                    cross[k] = Z[k] @ w + b
                thr, f1 = best_threshold(y, _sigmoid(cross))
                w, b = _stack_fit(Z, y)
                Zte = np.column_stack([test_logits["sparse"][c], test_logits["emb"][c]])
                out["stack"][c] = Zte @ w + b - _logit(thr)
                chosen["stack"][int(f)][c] = {"weights": [float(w[0]), float(w[1])], "intercept": float(b),
                                              "threshold": thr, "inner_f1": f1}
        for m in models:
            out[m]["conditionality"] = np.maximum(out[m]["conditionality"], out[m]["two_path"])
            for c in CONSTRUCTS:
                scores[m][c][outer_te] = _sigmoid(out[m][c])
        log(f"outer fold {f}: {time.time() - t0:.0f} s")
    return scores, chosen


def paired_f1_delta(y, s_a, s_b, groups, n_boot=1000, seed=0):
    """F1(a) - F1(b) at 0.5, and its 95% interval over the same document resamples."""
    import pandas as pd

    y = np.asarray(y, float)
    pa, pb = (np.asarray(s_a) >= 0.5).astype(float), (np.asarray(s_b) >= 0.5).astype(float)
    codes, _ = pd.factorize(pd.Series(list(groups)))
    n_groups = int(codes.max()) + 1
    rng = np.random.default_rng(seed)
    w = rng.multinomial(n_groups, np.full(n_groups, 1 / n_groups), size=n_boot)[:, codes].astype(float)
    w = np.vstack([np.ones(len(y)), w])

    def f1(p):
        tp, fp, fn = w @ (y * p), w @ ((1 - y) * p), w @ (y * (1 - p))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), np.nan)

    d = f1(pa) - f1(pb)
    v = d[1:][~np.isnan(d[1:])]
    return float(d[0]), [float(np.quantile(v, 0.025)), float(np.quantile(v, 0.975))]


def _f(x):
    return "  -  " if x is None else f"{x:.3f}"


def _ci(ci):
    return f"[{_f(ci[0])}, {_f(ci[1])}]"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=",".join(MODELS), help=f"comma-separated, of {', '.join(MODELS)}")
    ap.add_argument("--n-boot", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=int(DEFAULTS["seed"]))
    ap.add_argument("--limit", type=int, default=None, help="the first N labelled sentences (a trial)")
    ap.add_argument("--out", default=None, help="also write the figures and chosen settings as JSON here")
    args = ap.parse_args(argv)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    bad = [m for m in models if m not in MODELS]
    if bad:
        ap.error(f"unknown model(s) {bad}; choose from {MODELS}")
    if "sparse" not in models:
        models.insert(0, "sparse")  # the baseline every delta is against

    from rhetoric import neural
    from rhetoric.training import labelled_terms
    from rhetoric.validation import bootstrap_metrics, labelled_frame, require_folds

    frame, path = labelled_frame(limit=args.limit)
    require_folds(frame, path)
    texts = frame["text"].tolist()
    t0 = time.time()
    E = neural.cached_embed(texts)
    print(f"{len(texts)} sentences from {path}; embeddings {E.shape} in {time.time() - t0:.0f} s "
          f"({neural.model_id()}, cached under $RHETORIC_CACHE/neural)", flush=True)
    t0 = time.time()
    terms = labelled_terms(texts, {"ngram_max": 2, "pairs": False})
    print(f"sparse terms in {time.time() - t0:.0f} s", flush=True)
    Y = {c: frame[c].to_numpy() for c in CONSTRUCTS}
    folds = frame["fold"].to_numpy()
    groups = frame["doc_id"].to_numpy()
    corpus = frame["corpus"].to_numpy()

    t0 = time.time()
    scores, chosen = nested_cv(Features(terms, E), Y, folds, models, log=lambda s: print(s, flush=True))
    print(f"nested CV in {time.time() - t0:.0f} s\n")

    report = {"sentences": len(texts), "models": models, "n_boot": args.n_boot, "grids": {
        "sparse_C": SPARSE_C, "emb_C": EMB_C, "concat_C": CONCAT_C, "concat_scale": CONCAT_SCALE},
        "metrics": {}, "delta_f1_vs_sparse": {}, "chosen": chosen}
    subsets = [("all", np.ones(len(texts), bool))] + [(k, corpus == k) for k in sorted(set(corpus))]
    for c in CONSTRUCTS:
        print(f"== {c} ({int(Y[c].sum())} positives)")
        print(f"{'model':7} {'subset':7} {'P':>5} {'R':>5} {'F1':>5} {'F1 95% CI':>15} {'AUROC':>6} "
              f"{'AUROC 95% CI':>15}  {'dF1 vs sparse [95% CI]':>24}")
        for m in models:
            for name, k in subsets:
                r = bootstrap_metrics(Y[c][k], scores[m][c][k], groups[k], n_boot=args.n_boot, seed=args.seed)
                report["metrics"].setdefault(m, {}).setdefault(c, {})[name] = r
                delta = ""
                if m != "sparse" and r["positives"]:
                    d, ci = paired_f1_delta(Y[c][k], scores[m][c][k], scores["sparse"][c][k], groups[k],
                                            n_boot=args.n_boot, seed=args.seed)
                    report["delta_f1_vs_sparse"].setdefault(m, {}).setdefault(c, {})[name] = {"value": d, "ci": ci}
                    delta = f"{d:+.3f} [{ci[0]:+.3f}, {ci[1]:+.3f}]"
                print(f"{m:7} {name:7} {_f(r['precision']):>5} {_f(r['recall']):>5} {_f(r['f1']):>5} "
                      f"{_ci(r['f1_ci']):>15} {_f(r['auroc']):>6} {_ci(r['auroc_ci']):>15}  {delta:>24}")
        print()
    if args.out:
        from rhetoric._atomic import atomic_path

        with atomic_path(args.out) as tmp:
            Path(tmp).write_text(json.dumps(report, indent=1, default=float), encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
