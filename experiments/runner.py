"""One run: from a composed config to the files in its output folder.

>>> from experiments.runner import run                               # doctest: +SKIP
>>> result = run(cfg)   # cfg composed from configs/train.yaml (see train.py)

Writes to ``cfg.paths.output_dir``:

``config_resolved.yaml``
    the config with every interpolation resolved (Hydra's ``.hydra/`` keeps the
    unresolved one and the overrides);
``metrics.json``
    ``run`` (experiment, data, features, engine, model, cv, seed, overrides, versions,
    timing; ``engine_scores``: how the engine scored, ``trained (out-of-fold, nested)``
    when the items are the annotations the trained engine was fitted to, with
    ``trained_cv``: the nested CV's settings grid and the settings each fold chose)
    and, per target, the pooled out-of-fold metrics with bootstrap 95% intervals, the
    per-fold metrics and notes; with ``data.report_by`` (the annotations: ``[corpus]``),
    also ``by``: the same metrics for each value of those columns (crisis, ungdc);
``predictions.csv``
    one row per item and target: item_id, group, the ``data.report_by`` columns, target,
    fold, true, predicted, and the score (binary) or one score per class;
``feature_importance.csv``
    when ``importance.enabled``: see :mod:`experiments.importance`;
``trend.csv``
    experiment=ungdc only: coercive rhetoric per decade, P5 vs the rest.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import DictConfig, OmegaConf

from .crossval import cross_validate
from .importance import PermutationRecorder, class_profile
from .items import build_targets, load_items
from .metrics import bootstrap_metrics
from .pipelines import TEXT_COLUMN, build_pipeline, make_model
from .writing import write_csv, write_json, write_text

__all__ = ["run", "run_info", "ungdc_trend", "subset_metrics"]

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _environment(cache_dir):
    """Point the featurisation cache at ``paths.cache_dir`` for this run only."""
    old = os.environ.get("RHETORIC_CACHE")
    if cache_dir:
        os.environ["RHETORIC_CACHE"] = str(cache_dir)
    try:
        yield
    finally:
        if cache_dir:
            if old is None:
                os.environ.pop("RHETORIC_CACHE", None)
            else:
                os.environ["RHETORIC_CACHE"] = old


def _hydra_runtime(cfg) -> tuple[dict, list[str]]:
    """Config-group choices and command-line overrides of this run, from Hydra when it
    launched the run, else from a ``hydra`` node composed with return_hydra_config."""
    from hydra.core.hydra_config import HydraConfig

    if HydraConfig.initialized():
        hc = HydraConfig.get()
        return dict(hc.runtime.choices), list(hc.overrides.task)
    if "hydra" in cfg:
        hc = cfg.hydra
        choices = OmegaConf.to_container(hc.runtime.choices) if "runtime" in hc else {}
        return dict(choices or {}), list(hc.overrides.task) if "overrides" in hc else []
    return {}, []


def _features_name(features) -> str:
    if features.get("direct"):
        return "extractor_scores"
    parts = (["rhetoric"] if features.get("rhetoric") else []) + (["tfidf"] if features.get("tfidf") else [])
    return "_".join(parts) or "none"


def _engine(features) -> str:
    """The scoring engine for the rhetoric features: ``features.engine``, ``rules`` when
    the config has no such key (the trained engine was fitted to the labelled sentences:
    see configs/features/*.yaml); null means the library's default."""
    from rhetoric.scoring import check_engine

    return check_engine(features.get("engine", "rules"))


#: How the trained engine scores the annotations (metrics.json ``run.engine_scores``).
TRAINED_OUT_OF_FOLD = "trained (out-of-fold, nested)"
ENGINE_SCORES = {"rules": "rules (hand-set lexicon weights)", "trained": "trained (shipped model)"}

# features.trained keys, by the part of rhetoric.training's config they set
_TRAINED_KEYS = {"features": ("ngram_max", "pairs", "min_df"),
                 "model": ("C", "penalty", "random_state", "max_iter", "tol", "class_weight")}


def _trained_in_sample(cfg, engine: str) -> bool:
    """Whether the run would score with the shipped trained model the very sentences it
    was fitted to (the annotations): then the runner fits it again, out of fold."""
    return engine == "trained" and cfg.data.corpus == "annotations"


def trained_config(cfg) -> dict:
    """The :func:`rhetoric.training.cross_validate` config of a run: ``features.trained``
    (``C``, ``penalty``, ``min_df``, ``ngram_max``, ``pairs``, ``max_iter``, ``tol``, ``class_weight``)
    over :data:`rhetoric.training.DEFAULTS` (the shipped model's recipe), with the run's
    ``seed`` and ``n_jobs``."""
    from rhetoric.training import _merged

    given = cfg.features.get("trained")
    given = OmegaConf.to_container(given, resolve=True) if given is not None else {}
    unknown = sorted(set(given) - {k for keys in _TRAINED_KEYS.values() for k in keys})
    if unknown:
        raise KeyError(f"features.trained: {unknown} are not settings of the trained engine's CV "
                       f"(known: {[k for keys in _TRAINED_KEYS.values() for k in keys]})")
    parts = {part: {k: given[k] for k in keys if k in given} for part, keys in _TRAINED_KEYS.items()}
    return _merged({"seed": int(cfg.seed), "n_jobs": int(cfg.n_jobs), **parts})


class TrainedOutOfFold:
    """The trained engine's construct scores for the annotations, each from a model that
    never saw its fold: for a fold assignment of the items (the run's own CV),
    :func:`rhetoric.training.cross_validate`, the nested document-grouped CV behind the
    model card (for each fold: settings and thresholds chosen in inner folds of the
    others, fitted to them, then the held-out fold scored; >= 0.5 means label 1).

    One nested CV per distinct assignment: the labels' targets share the run's folds,
    so the four constructs come from one pass."""

    def __init__(self, items: pd.DataFrame, tcfg: dict):
        from rhetoric import CONSTRUCTS

        missing = [c for c in CONSTRUCTS if c not in items.columns]
        if missing:
            raise KeyError(f"features.engine=trained on the annotations fits the scorer to the labels; "
                           f"the items lack {missing}")
        self.texts = items["text"].tolist()
        self.Y = {c: items[c].astype(int).to_numpy() for c in CONSTRUCTS}
        self.groups = items["group"].to_numpy()
        self.cfg = tcfg
        self.terms = None
        self._done: dict = {}  # (rows, folds) -> (scores, settings by fold)
        self.used: dict = {}   # target -> the key of its nested CV

    def scores(self, target: str, rows: np.ndarray, fold_of: np.ndarray, cv_name: str) -> np.ndarray:
        """Out-of-fold scores of construct ``target`` for the items ``rows`` split by
        ``fold_of`` (aligned)."""
        fold_of = np.asarray(fold_of)
        key = (np.asarray(rows).tobytes(), fold_of.tobytes())
        if key not in self._done:
            self._done[key] = self._nested(rows, fold_of, cv_name)
        self.used[target] = key
        return self._done[key][0][target]

    def settings_by_fold(self) -> dict:
        """The settings each outer fold chose: ``{fold: {construct: ...}}`` when the targets
        shared one nested CV (cv=annotation_folds), else ``{target: {fold: ...}}``."""
        keys = set(self.used.values())
        if len(keys) == 1:
            return self._done[keys.pop()][1]
        return {t: self._done[k][1] for t, k in self.used.items()}

    def _nested(self, rows, fold_of, cv_name):
        from rhetoric.training import cross_validate, labelled_terms, term_options

        spread = pd.Series(fold_of).groupby(self.groups[rows]).nunique()
        if (spread > 1).any():
            raise ValueError(
                f"features.engine=trained on the annotations refits the scorer out of fold, so it needs a "
                f"document-grouped CV; cv={cv_name} puts sentences of {int((spread > 1).sum())} documents "
                f"(e.g. {spread[spread > 1].index[0]!r}) in more than one fold. Use cv=annotation_folds "
                f"(experiment=labels' default) or cv=grouped_kfold.")
        distinct = np.unique(fold_of)
        if len(distinct) < 3:
            raise ValueError(
                f"features.engine=trained on the annotations scores each fold with a model whose settings "
                f"were chosen by cross-validation over the other folds (nested CV), so it needs at least 3 "
                f"distinct folds; these {len(fold_of)} items fall in {len(distinct)} ({distinct.tolist()}). "
                f"Use cv.n_splits=null (the file's five folds) or >= 3, or more items (data.limit / data.max_items).")
        if self.terms is None:
            t = time.perf_counter()
            self.terms = labelled_terms(self.texts, term_options(self.cfg))
            log.info("trained engine: features of %d sentences in %.1f s", len(self.terms), time.perf_counter() - t)
        t = time.perf_counter()
        log.info("trained engine: nested CV over %d folds %s (settings and thresholds chosen in inner folds; "
                 "C %s, min_df %s)", len(distinct), distinct.tolist(), self.cfg["model"]["C"],
                 self.cfg["features"]["min_df"])
        scores, settings = cross_validate([self.terms[i] for i in rows], {c: y[rows] for c, y in self.Y.items()},
                                          fold_of, self.cfg, progress=lambda m: log.info("trained engine: %s", m))
        log.info("trained engine: out-of-fold scores in %.1f s", time.perf_counter() - t)
        return scores, {str(k): v for k, v in settings.items()}


def run_info(cfg) -> dict:
    """What identifies a run: its experiment, group choices, engine, seed and overrides."""
    choices, overrides = _hydra_runtime(cfg)
    direct = bool(cfg.features.get("direct"))
    return {
        "experiment": cfg.task,
        "data": choices.get("data") or f"{cfg.data.corpus}_{cfg.data.unit}",
        "features": choices.get("features") or _features_name(cfg.features),
        "engine": _engine(cfg.features),
        "model": "none" if direct else (choices.get("model") or str(cfg.model._target_).rsplit(".", 1)[-1]),
        "cv": choices.get("cv") or str(cfg.cv._target_).rsplit(".", 1)[-1],
        "seed": int(cfg.seed),
        "n_boot": int(cfg.n_boot),
        "overrides": [o for o in overrides if not o.startswith("hydra.")],
    }


def _rhetoric_columns(features) -> list[str]:
    import rhetoric

    names = list(rhetoric.feature_names())
    wanted = features.get("columns")
    if wanted is None:
        return names
    unknown = [c for c in wanted if c not in names]
    if unknown:
        raise KeyError(f"features.columns: {unknown} are not rhetoric features (see rhetoric.feature_names())")
    return list(wanted)


def ungdc_trend(items: pd.DataFrame, F: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
    """Per decade and group (P5 / other) and construct: speeches, the mean share of their
    sentences scoring >= 0.5, and the share of speeches with at least one such sentence."""
    from rhetoric import CONSTRUCTS

    decade = (items["year"].to_numpy() // 10) * 10
    rows = []
    for c in CONSTRUCTS:
        frame = pd.DataFrame({"decade": decade, "group": labels, "share": F[f"{c}_share"].to_numpy(),
                              "any": F[c].to_numpy() >= 0.5})
        agg = frame.groupby(["decade", "group"]).agg(n_speeches=("share", "size"), mean_sentence_share=("share", "mean"),
                                                   share_of_speeches=("any", "mean")).reset_index()
        agg.insert(2, "construct", c)
        rows.append(agg)
    return pd.concat(rows, ignore_index=True).sort_values(["construct", "decade", "group"], kind="stable")


def _report_by(data, items: pd.DataFrame) -> list[str]:
    """The ``data.report_by`` columns (metrics per value of each, beside the pooled ones)."""
    columns = list(data.get("report_by") or [])
    missing = [c for c in columns if c not in items.columns]
    if missing:
        raise KeyError(f"data.report_by: {missing} are not columns of the data ({list(items.columns)})")
    return columns


def subset_metrics(pred: pd.DataFrame, values: np.ndarray, target, n_boot: int, seed: int) -> tuple[dict, list[str]]:
    """The pooled metrics of ``pred`` (class codes, as :func:`cross_validate` returns them)
    again for each distinct value of ``values`` (aligned with ``pred``): ``{value:
    {n_items, class_counts, metrics}}``, and notes for subsets that lack a class (their
    AUROC is null; a subset with one class only is reported with metrics null)."""
    score_cols = [c for c in pred.columns if c.startswith("score")]
    positive = target.classes.index(target.positive) if target.binary else None
    out, notes = {}, []
    for value in sorted(set(values.tolist()), key=str):
        mask = values == value
        sub = pred[mask]
        y = sub["true"].to_numpy()
        counts = {str(c): int((y == i).sum()) for i, c in enumerate(target.classes)}
        entry = {"n_items": int(mask.sum()), "class_counts": counts, "metrics": None}
        if len(set(y.tolist())) < 2 and not target.binary:
            notes.append(f"{value}: a single class among its {int(mask.sum())} items; no metrics")
        else:
            entry["metrics"] = bootstrap_metrics(y, sub["predicted"].to_numpy(), sub[score_cols].to_numpy(),
                                                 len(target.classes), positive, n_boot=n_boot, seed=seed)
            if target.binary and counts[str(target.positive)] == 0:
                notes.append(f"{value}: no positive among its {int(mask.sum())} items: recall, F1 and AUROC "
                             "are not defined there (0, 0 and null)")
        out[str(value)] = entry
    return out, notes


def _log_trend(trend: pd.DataFrame) -> None:
    for c, sub in trend.groupby("construct", sort=False):
        weighted = sub.assign(w=sub.mean_sentence_share * sub.n_speeches).groupby("group")[["w", "n_speeches"]].sum()
        overall = (weighted.w / weighted.n_speeches).to_dict()
        decades = sub.pivot(index="decade", columns="group", values="mean_sentence_share")
        first, last = decades.index.min(), decades.index.max()
        log.info("trend %s: share of sentences >= 0.5, P5 %.4f vs other %.4f overall; %ds %s -> %ds %s", c,
                 overall.get("P5", np.nan), overall.get("other", np.nan), first,
                 decades.loc[first].round(4).to_dict(), last, decades.loc[last].round(4).to_dict())


def _format_metrics(m: dict) -> str:
    def num(x):
        return "n/a" if x is None or not np.isfinite(x) else f"{x:.3f}"

    return ", ".join(f"{k} {num(v['value'])} [{num(v['ci_low'])}, {num(v['ci_high'])}]" for k, v in m.items())


def run(cfg: DictConfig) -> dict:
    """Run the experiment ``cfg`` describes; returns what metrics.json holds.

    Native thread pools (OpenMP in hist_gb, BLAS) are limited to ``n_jobs`` threads:
    on a busy machine, or in a parallel sweep, oversubscribed OpenMP threads make
    gradient boosting a hundred times slower.
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=max(1, int(cfg.n_jobs))):
        return _run(cfg)


def _run(cfg: DictConfig) -> dict:
    started = time.perf_counter()
    out_dir = Path(cfg.paths.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    info = run_info(cfg)
    plain = OmegaConf.masked_copy(cfg, [k for k in cfg if k != "hydra"]) if "hydra" in cfg else cfg
    write_text(out_dir / "config_resolved.yaml", OmegaConf.to_yaml(plain, resolve=True))
    log.info("run %s -> %s", {k: v for k, v in info.items() if k != "overrides"}, out_dir)

    import rhetoric
    from rhetoric.data import extractor_version, featurise
    from rhetoric.paths import data_root

    seed = int(cfg.seed)
    features = cfg.features
    direct = bool(features.get("direct"))
    if direct and cfg.task != "labels":
        raise ValueError(f"features=extractor_scores uses the extractor's score for a codebook label, so it needs "
                         f"experiment=labels (got experiment={cfg.task})")
    data_dir = cfg.paths.data_dir or data_root()
    out_of_fold = _trained_in_sample(cfg, info["engine"])
    if out_of_fold and (not direct or cfg.importance.enabled):
        raise ValueError(
            "features.engine=trained on the annotations: the shipped trained model was fitted to these very "
            "sentences, so its features would be in-sample. Only features=extractor_scores refits it out of "
            "fold (nested, over the run's folds); as classifier features (and for importance.enabled) the "
            "trained engine's scores are refused here: use features.engine=rules, or features=tfidf.")
    info["engine_scores"] = TRAINED_OUT_OF_FOLD if out_of_fold else ENGINE_SCORES[info["engine"]]

    with _environment(cfg.paths.get("cache_dir")):
        items = load_items(cfg.data, seed, data_dir)
        log.info("loaded %d items from %s (%s)", len(items), cfg.data.corpus, data_dir)
        report_by = _report_by(cfg.data, items)
        targets = build_targets(cfg, items)
        rh_columns = _rhetoric_columns(features)
        extra = list(features.get("extra_columns") or [])
        for col in extra:
            if col not in items.columns:
                raise KeyError(f"features.extra_columns: {col!r} is not a column of the data ({list(items.columns)})")
        need_rhetoric = (features.rhetoric or cfg.importance.enabled or cfg.task == "ungdc") and not out_of_fold
        F = None
        oof = None
        if out_of_fold:  # the construct scores come from the nested CV, per the run's folds
            oof = TrainedOutOfFold(items, trained_config(cfg))
            info["trained_cv"] = {"config": {k: oof.cfg[k] for k in ("features", "model")}}
        if need_rhetoric:
            t = time.perf_counter()
            F = featurise(items["text"], split=cfg.data.unit == "document", n_jobs=int(cfg.n_jobs),
                          cache=bool(features.get("cache", True)), progress=sys.stderr.isatty(),
                          engine=info["engine"])
            F = F.set_axis(items.index)
            log.info("featurised %d items in %.1f s", len(items), time.perf_counter() - t)

    use_rhetoric = bool(features.rhetoric) and F is not None  # not featurised: the trained engine out of fold
    numeric = (rh_columns if use_rhetoric else []) + extra
    X = pd.DataFrame(index=items.index)
    if numeric:
        X = pd.concat([F[rh_columns] if use_rhetoric else X, items[extra].astype(float)], axis=1)
    if features.get("tfidf"):
        X[TEXT_COLUMN] = items["text"].to_numpy()
    profile_columns = rh_columns + extra if F is not None else []

    model = None if direct else make_model(cfg.model)
    permutation = (not direct and cfg.importance.enabled and int(cfg.importance.permutation_repeats) > 0
                   and not features.get("tfidf"))

    results, predictions, importances = {}, [], []
    for target in targets:
        y = target.y
        entry = {"n_items": int(len(y)), "classes": [str(c) for c in target.classes],
                 "positive": None if target.positive is None else str(target.positive),
                 "class_counts": {str(c): int((y == c).sum()) for c in target.classes}}
        if len(set(y)) < 2:
            entry.update(metrics=None, folds=[], score=None,
                         notes=[f"only class {str(y[0])!r} among the {len(y)} items: nothing to predict, target skipped"])
            log.warning("[%s] %s", target.name, entry["notes"][0])
            results[target.name] = entry
            continue
        rows = target.rows
        Xt = X.iloc[rows].reset_index(drop=True)
        groups = items["group"].to_numpy()[rows]
        cv = make_model(cfg.cv)
        if hasattr(cv, "for_items"):  # folds read from the data (cv=annotation_folds)
            cv = cv.for_items(items.iloc[rows])
        recorder = (PermutationRecorder(target.name, len(target.classes), int(cfg.importance.permutation_repeats), seed)
                    if permutation else None)
        if oof is not None:
            def direct_scores(fold_of, rows=rows, name=target.name):
                return oof.scores(name, rows, fold_of, info["cv"])
        else:
            direct_scores = F[target.name].to_numpy()[rows] if direct else None
        pred, folds, notes, kind = cross_validate(
            lambda: build_pipeline(features, model, numeric, seed), Xt, target, groups, cv,
            direct_scores=direct_scores,
            threshold=float(features.get("threshold", 0.5)), on_fold=recorder)
        score_cols = [c for c in pred.columns if c.startswith("score")]
        positive = target.classes.index(target.positive) if target.binary else None
        entry["metrics"] = bootstrap_metrics(pred["true"].to_numpy(), pred["predicted"].to_numpy(),
                                             pred[score_cols].to_numpy(), len(target.classes), positive,
                                             n_boot=int(cfg.n_boot), seed=seed)
        entry.update(score=kind, folds=folds, notes=notes)
        results[target.name] = entry
        m = entry["metrics"]
        log.info("[%s] pooled: %s", target.name, _format_metrics(m))
        for column in report_by:
            by, by_notes = subset_metrics(pred, items[column].to_numpy()[rows], target, int(cfg.n_boot), seed)
            entry.setdefault("by", {})[column] = by
            notes += [f"{column}={n}" for n in by_notes]
            for value, sub in by.items():
                log.info("[%s] %s=%s (%d items): %s", target.name, column, value, sub["n_items"],
                         _format_metrics(sub["metrics"]) if sub["metrics"] else "no metrics")
        for note in notes:
            log.info("[%s] note: %s", target.name, note)

        classes = np.array(target.classes, dtype=object)
        pred.insert(0, "target", target.name)
        for column in reversed(report_by):
            if column not in ("item_id", "group"):
                pred.insert(0, column, items[column].to_numpy()[rows])
        pred.insert(0, "group", groups)
        pred.insert(0, "item_id", items["item_id"].to_numpy()[rows])
        pred["true"] = classes[pred["true"].to_numpy()]
        pred["predicted"] = classes[pred["predicted"].to_numpy()]
        predictions.append(pred)

        if cfg.importance.enabled and profile_columns:
            table = class_profile(pd.concat([F[rh_columns], items[extra].astype(float)], axis=1).iloc[rows],
                                  target, float(cfg.importance.C), seed)
            importances.append(table)
            coefs = table[table.statistic == "coef"].assign(size=lambda t: t.value.abs())
            for cls, sub in coefs.groupby("class"):
                top = sub.nlargest(5, "size")
                log.info("[%s] features for %s: %s", target.name, cls,
                         ", ".join(f"{f} {v:+.2f}" for f, v in zip(top.feature, top.value)))
            if recorder is not None:
                importances.append(recorder.table())

    if predictions:
        write_csv(out_dir / "predictions.csv", pd.concat(predictions, ignore_index=True))
    if importances:
        write_csv(out_dir / "feature_importance.csv", pd.concat(importances, ignore_index=True))
    if cfg.task == "ungdc" and F is not None:
        trend = ungdc_trend(items, F, targets[0].y)
        write_csv(out_dir / "trend.csv", trend)
        _log_trend(trend)

    if oof is not None:
        info["trained_cv"]["settings_by_fold"] = oof.settings_by_fold()
    info.update(
        n_items=int(len(items)),
        data_dir=str(data_dir),
        rhetoric_version=rhetoric.__version__,
        extractor_version=extractor_version(),
        output_dir=str(out_dir),
        seconds=round(time.perf_counter() - started, 2),
    )
    result = {"run": info, "targets": results}
    write_json(out_dir / "metrics.json", result)
    log.info("done in %.1f s: %s", info["seconds"], out_dir / "metrics.json")
    return result
