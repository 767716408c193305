"""Classifiers across models and feature sets: the Hydra sweeps behind the paper's comparison.

    python paper/scripts/compute_classifiers.py [--small]

For each experiment in ``classifiers.experiments`` (``labels``: the four codebook labels
of the annotated sentences; ``actor``: who speaks, US/RU/UA, from a crisis document) this
runs Hydra sweeps over models x feature sets x seeds as subprocesses, one per group of
models that share their overrides::

    python experiments/train.py -m experiment=labels seed=0 launcher=joblib \\
        features=tfidf,rhetoric_tfidf,rhetoric model=logreg,linear_svm \\
        hydra.sweep.dir=paper/build/sweeps/labels.partial/trained/logreg-linear_svm

(and, for ``labels``, the extractor's own scores as a no-training baseline:
``features=extractor_scores``), then ``experiments/collect.py`` over the sweeps. The joblib
launcher runs two jobs at a time; before a sweep, the experiment's items are featurised
once on both cores into the featurisation cache (:func:`prewarm`), so the parallel jobs
read them instead of each scoring the corpus. A sweep is written to ``<name>.partial``
and renamed when it is complete, so a stopped build never leaves a sweep folder that
looks finished.

**Default and full.** The default (``make reproduce``) runs the two linear models
(logistic regression, linear SVM) on the three feature sets with one seed: it answers the
paper's questions (does training beat the rules' own scores; do the rules' features help,
alone and beside TF-IDF) in about two minutes on two cores. ``build.py --full``
(``RHETORIC_PAPER_FULL=1``) lays the ``full`` settings over it: the random forest and
gradient boosting too, and three seeds (the labels' folds are the data's own, so seeds
only move the models' randomness). Measured times are in ``paper/config.yaml``.

**Metric, per experiment** (``classifiers.metric``): the labels are binary and rare
(threat is 6% of the sentences, two_path 0.2%), so they are summarised by the F1 of the
positive class (``f1`` in metrics.json): macro-F1 would average in the negative class's
F1, near 1 whatever the model finds. The actor (three classes) by macro-F1. The summary's
``metric`` and ``metric_name`` columns say which; the figure and table label by them.

The summary is over seeds x folds: every run's ``metrics.json`` holds each held-out
fold's metrics, so a model x feature set has ``seeds x folds`` values. Folds without a
positive are left out (the positive class's F1 is undefined there). The interval is the
corrected resampled t interval of Nadeau and Bengio (2003): folds share training items,
so the plain standard error of their mean is too small; the variance is inflated by
``1/J + n_test/n_train`` (J values) instead of ``1/J``. When the folds are the data's own
(``labels`` uses the annotation file's ``fold`` column, ``cv=annotation_folds``), every
seed sees the same splits, so a fold's values are first averaged over seeds: J is the
number of folds, not seeds x folds. If runs had no per-fold values, the runs' pooled
value of the metric (over all items, ``subset == "all"`` in collect.py's table; the
per-corpus rows are left out) are used with a plain t interval over seeds (column
``basis``).

Writes (under ``paper/build``, or ``$RHETORIC_PAPER_OUT/build``):

``data/classifiers_runs.csv``     collect.py's tidy table (run x target x subset x metric, bootstrap CIs;
                                  subset: all items, or one corpus of the annotations)
``data/classifiers_folds.csv``    one row per run x target x fold (F1, precision, recall, macro-F1, ...)
``data/classifiers_summary.csv``  experiment x target x model x features: metric, mean, interval, n
``numbers/classifiers.json``      best model per experiment (and per label) and its metric; the
                                  metric's name (``ClfLabelsMetric``); what ``--full`` runs

``--small``: two models, two feature sets, one seed, 2 folds, a slice of the data.
``--reuse-sweeps``: summarise the sweeps already in ``build/sweeps`` (no training), e.g.
after changing how the summary is computed or formatted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (REPO, atomic_write_csv, f1_digits, fmt, is_small, log, macro, numbers_json,  # noqa: E402
                     out_dirs, section)

DEFAULTS = {
    "experiments": ["labels", "actor"],
    # The default (make reproduce): the two linear models on the rhetoric features and
    # TF-IDF, one seed, beside the extractor's own scores; the actor on the rhetoric
    # features only (``experiment_features``). That answers the paper's questions (does
    # training beat the rules' scores; can a classifier use the rules' features) in about
    # two minutes on two cores. What costs the time is TF-IDF: the runner fits it for each
    # label and fold, ~3 s a fit on the sentences and ~20 s on the actor's whole documents
    # (where TF-IDF is near 1.0 anyway); rhetoric + TF-IDF takes 2-4 times TF-IDF alone
    # (the solvers on the standardised counts beside the sparse words), the trees more.
    # The labels' folds are the data's own and linear models barely depend on the seed,
    # so more seeds mostly add time. ``full`` below is the whole sweep (build.py --full).
    "models": ["logreg", "linear_svm"],
    "features": ["rhetoric", "tfidf"],
    "experiment_features": {"actor": ["rhetoric"]},  # per experiment, instead of ``features``
    "seeds": [0],
    "concurrent": True,  # every sweep command at once (run_sweeps)
    # Per experiment: the binary labels by their positive class's F1 (threat is 6% of the
    # sentences, two_path 0.2%: macro-F1 would mostly count the negatives), the
    # three-class actor by macro-F1. Keys of each fold in metrics.json.
    "metric": {"labels": "f1", "actor": "macro_f1"},
    "baseline": True,  # labels only: the extractor's scores, no training (features=extractor_scores)
    "launcher": "joblib",  # two jobs at a time on two cores (configs/launcher/joblib.yaml)
    # Overrides for every run, and per experiment (Hydra syntax).
    "overrides": ["n_boot=200"],
    "experiment_overrides": {"labels": [], "actor": []},
    # Per model. Gradient boosting stops when a seeded 10% validation split stops improving
    # (scikit-learn turns this on by itself only above 10,000 items): without it, 200
    # rounds on 200 SVD components take ~15 minutes a run on two busy cores.
    # The linear SVM is solved in the primal: the same objective (L2, squared hinge), but
    # liblinear's dual solver does not converge in 10,000 iterations on rhetoric + TF-IDF
    # (~20 s a fold, six times the primal's, for the same F1).
    "model_overrides": {"hist_gb": ["++model.early_stopping=true"], "linear_svm": ["++model.dual=false"]},
    # build.py --full (RHETORIC_PAPER_FULL=1): every model, feature set and three seeds.
    "full": {
        "models": ["logreg", "linear_svm", "random_forest", "hist_gb"],
        "features": ["rhetoric", "tfidf", "rhetoric_tfidf"],
        "experiment_features": {"actor": ["rhetoric", "tfidf", "rhetoric_tfidf"]},
        "seeds": [0, 1, 2],
        # one sweep after another, two jobs at a time: gradient boosting's OpenMP threads
        # would oversubscribe the cores if all seven sweeps ran at once
        "concurrent": False,
    },
    "small": {
        "models": ["logreg", "hist_gb"],
        "features": ["rhetoric", "tfidf"],
        "seeds": [0],
        "launcher": "local",  # in-process, one after another: no worker start-up for tiny runs
        "overrides": ["n_boot=50", "cv.n_splits=2", "importance.enabled=false"],
        "experiment_overrides": {"labels": ["data.max_items=240"], "actor": ["data.limit=90"]},
    },
}

MODEL_NAMES = {
    "logreg": "Logistic regression",
    "linear_svm": "Linear SVM",
    "random_forest": "Random forest",
    "hist_gb": "Gradient boosting",
    "none": "Extractor (no training)",
}
FEATURE_NAMES = {
    "rhetoric": "rhetoric features",
    "tfidf": "TF-IDF",
    "rhetoric_tfidf": "rhetoric + TF-IDF",
    "extractor_scores": "extractor scores",
}


def settings(small: bool) -> tuple[int, dict]:
    seed, cfg = section("classifiers", DEFAULTS)
    if small:
        sm = cfg.get("small") or {}
        cfg = {**cfg, **{k: v for k, v in sm.items() if k != "experiment_overrides"},
               "experiment_overrides": sm.get("experiment_overrides", cfg["experiment_overrides"])}
    return seed, cfg


def features_of(cfg: dict, experiment: str) -> list[str]:
    """The feature sets of an experiment: its ``experiment_features`` entry, else ``features``."""
    return list((cfg.get("experiment_features") or {}).get(experiment) or cfg["features"])


def _model_groups(cfg: dict) -> list[tuple[list[str], list[str]]]:
    """The models in groups that share their ``model_overrides`` (in ``models`` order):
    each group is one sweep, so its jobs fill both workers of the joblib launcher."""
    groups: dict[tuple, list[str]] = {}
    for model in cfg["models"]:
        extra = tuple((cfg.get("model_overrides") or {}).get(model) or [])
        groups.setdefault(extra, []).append(model)
    return [(models, list(extra)) for extra, models in groups.items()]


def sweep_commands(experiment: str, cfg: dict, sweep_dir: Path) -> list[list[str]]:
    """The train.py command lines of one experiment: one sweep per group of models that
    share their overrides (``model_overrides``; the default's logreg and linear_svm are one
    sweep, so its six jobs keep both cores busy), over feature sets x seeds; and, for
    ``labels`` with ``baseline``, the extractor's scores (``features=extractor_scores``).
    Feature sets are listed with TF-IDF first: those jobs take longest, and the launcher
    starts jobs in order."""
    def joined(values):
        return ",".join(str(v) for v in values)

    base = [sys.executable, str(REPO / "experiments" / "train.py"), "-m", f"experiment={experiment}",
            f"seed={joined(cfg['seeds'])}", f"launcher={cfg['launcher']}", "n_jobs=1",
            *cfg["overrides"], *(cfg["experiment_overrides"].get(experiment) or [])]
    longest_first = sorted(features_of(cfg, experiment), key=lambda f: "tfidf" not in f)
    commands = []
    for models, extra in _model_groups(cfg):
        commands.append(base + [f"features={joined(longest_first)}", f"model={joined(models)}", *extra,
                                f"hydra.sweep.dir={sweep_dir / 'trained' / '-'.join(models)}"])
    if cfg["baseline"] and experiment == "labels":
        commands.append(base + ["features=extractor_scores", f"hydra.sweep.dir={sweep_dir / 'baseline'}"])
    return commands


def prewarm(experiment: str, cfg: dict, n_jobs: int = 2) -> None:
    """Featurise the experiment's items once, on ``n_jobs`` cores, into the cache the runs
    read (``RHETORIC_CACHE``), before the sweep starts: otherwise, on a cold cache, the
    parallel jobs that need the rhetoric features would each score the same corpus on
    one core (the crisis documents take minutes). The same items as the runs': the config
    composed from ``configs/`` with the experiment's overrides."""
    if not any("rhetoric" in f for f in features_of(cfg, experiment)):
        return
    from hydra import compose, initialize_config_dir

    sys.path.insert(0, str(REPO))
    from experiments.items import load_items
    from rhetoric.data import featurise
    from rhetoric.paths import data_root

    # the runs' cache (paths.cache_dir: RHETORIC_CACHE, else .cache/rhetoric where they run)
    os.environ.setdefault("RHETORIC_CACHE", str(REPO / ".cache" / "rhetoric"))
    data_overrides = [o for o in [*cfg["overrides"], *(cfg["experiment_overrides"].get(experiment) or [])]
                      if o.lstrip("+").startswith("data.")]
    with initialize_config_dir(config_dir=str(REPO / "configs"), version_base="1.3"):
        run_cfg = compose("train", overrides=[f"experiment={experiment}", "features=rhetoric", *data_overrides])
    for seed in cfg["seeds"]:  # data.max_items draws a seeded subsample; the same items otherwise
        items = load_items(run_cfg.data, int(seed), run_cfg.paths.data_dir or data_root())
        t = time.perf_counter()
        featurise(items["text"], split=run_cfg.data.unit == "document", n_jobs=n_jobs, cache=True,
                  engine=run_cfg.features.engine)
        log(f"classifiers: {experiment}: {len(items):,} items featurised (or read from the cache) "
            f"in {time.perf_counter() - t:.0f} s")
        if not run_cfg.data.get("max_items"):
            break


def run_sweeps(experiments: list[str], cfg: dict, sweeps: Path) -> dict[str, Path]:
    """Run the experiments' sweeps into ``sweeps/<experiment>``; return those folders.

    With ``concurrent`` (the default), every sweep command of every experiment starts at
    once: the jobs differ in length (a TF-IDF run on the sentences takes ~10 times a
    rhetoric-features run), so while the longest ones run, the short ones fill the other
    core instead of waiting their turn. Each command writes ``<name>.log`` beside its
    sweep; the tail is printed when one fails."""
    partials = {}
    for experiment in experiments:
        partial = sweeps / f"{experiment}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        partials[experiment] = partial
        if cfg["launcher"] == "joblib":
            prewarm(experiment, cfg)
    jobs = [(experiment, cmd) for experiment in experiments
            for cmd in sweep_commands(experiment, cfg, partials[experiment])]
    t = time.perf_counter()

    def start(experiment, cmd):
        name = Path(next(a for a in cmd if a.startswith("hydra.sweep.dir=")).split("=", 1)[1]).name
        log_path = partials[experiment] / f"{name}.log"
        log(f"classifiers: {' '.join(Path(c).name if c.endswith('.py') else c for c in cmd[1:])}")
        with open(log_path, "w", encoding="utf-8") as out:  # the child keeps its own handle
            return subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, text=True), log_path

    def finish(experiment, proc, log_path):
        if proc.wait() != 0:
            tail = "\n".join(log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-25:])
            raise SystemExit(f"classifiers: a {experiment} sweep failed (exit {proc.returncode}; {log_path}):\n{tail}")
        log(f"classifiers: {experiment}: {log_path.stem} done after {time.perf_counter() - t:.0f} s")

    if cfg.get("concurrent", True):
        running = [(experiment, *start(experiment, cmd)) for experiment, cmd in jobs]
        try:
            for job in running:
                finish(*job)
        finally:  # a failed sweep stops the others
            for _, proc, _ in running:
                if proc.poll() is None:
                    proc.terminate()
    else:
        for experiment, cmd in jobs:
            finish(experiment, *start(experiment, cmd))
    finals = {}
    for experiment, partial in partials.items():
        final = sweeps / experiment
        shutil.rmtree(final, ignore_errors=True)
        os.replace(partial, final)
        finals[experiment] = final
    return finals


def collect(folders: list[Path], target: Path):
    """``experiments/collect.py`` over the sweep folders, into ``target``; its table."""
    import pandas as pd

    cmd = [sys.executable, str(REPO / "experiments" / "collect.py"), *map(str, folders), "-o", str(target)]
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"classifiers: collect.py failed (exit {proc.returncode}): {proc.stderr.strip()}")
    return pd.read_csv(target)


def fold_table(folders: list[Path]):
    """One row per run x target x fold, read from each run's metrics.json."""
    import pandas as pd

    rows = []
    for folder in folders:
        for path in sorted(folder.rglob("metrics.json")):
            result = json.loads(path.read_text(encoding="utf-8"))
            run = result["run"]
            ident = {k: run[k] for k in ("experiment", "model", "features", "seed")}
            ident["cv"] = run.get("cv", "")
            ident["extractor_version"] = str(run.get("extractor_version", ""))[:12]
            for target, entry in result["targets"].items():
                for fold in entry.get("folds") or []:
                    rows.append({**ident, "run_dir": str(path.parent), "target": target, **fold})
    return pd.DataFrame(rows)


def corrected_interval(values, test_train_ratio: float, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the Nadeau-Bengio corrected resampled t interval of cross-validated scores.

    >>> m, lo, hi = corrected_interval([0.70, 0.72, 0.74, 0.76], test_train_ratio=0.25)
    >>> round(m, 2), round(hi - m, 3) == round(m - lo, 3)
    (0.73, True)
    """
    import numpy as np
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if x.size < 2:
        return mean, float("nan"), float("nan")
    var = x.var(ddof=1) * (1.0 / x.size + test_train_ratio)
    half = stats.t.ppf(0.5 + level / 2, df=x.size - 1) * np.sqrt(var)
    return mean, mean - half, mean + half


#: CV configs whose folds come from the data (the same for every seed).
PREDEFINED_CV = frozenset({"annotation_folds"})


#: How the figure, table and text name each metric (the ``metric_name`` column).
METRIC_NAMES = {
    "f1": "F1 (positive class)",
    "macro_f1": "Macro-F1",
    "accuracy": "Accuracy",
    "auroc": "AUROC",
    "precision": "Precision (positive class)",
    "recall": "Recall (positive class)",
}


def metric_for(metric, experiment: str) -> str:
    """The metric of ``experiment``: ``metric`` itself when it is one name, else its entry
    for the experiment (``{"labels": "f1", "actor": "macro_f1"}``)."""
    if isinstance(metric, str):
        return metric
    if experiment not in metric:
        raise SystemExit(f"classifiers: classifiers.metric names no metric for the {experiment!r} experiment "
                         f"({dict(metric)}); add one (f1 for a binary target, macro_f1 for several classes)")
    return str(metric[experiment])


def summarise(folds, runs, metric, bounds: tuple[float, float] = (0.0, 1.0)):
    """experiment x target x model x features: mean of the experiment's metric and its
    95% interval.

    ``metric`` is one name for every experiment or a mapping experiment -> name
    (:func:`metric_for`; the paper's: the labels' positive-class ``f1``, the actor's
    ``macro_f1``); the summary's ``metric`` and ``metric_name`` columns say which.
    Folds whose held-out items hold no positive (binary targets) are left out: the
    positive class's F1 is undefined there, and macro-F1 averages over the negative
    class alone (1.0 without a false positive), which says nothing about finding the
    construct (``two_path`` has 32 positives in all).
    Runs on predefined folds (:data:`PREDEFINED_CV`) share their splits across seeds: each
    fold's values are averaged over seeds first, so the interval counts folds, not
    seeds x folds.
    Intervals are clipped to ``bounds``, the metric's range (``half_width`` is the
    unclipped one). A model x feature set with
    fewer than two usable fold values falls back to the runs' pooled out-of-fold values.
    """
    import pandas as pd

    experiments = list(dict.fromkeys([*(folds["experiment"] if "experiment" in folds else []),
                                      *(runs["experiment"] if "experiment" in runs else [])]))
    parts = []
    for exp in experiments:
        name = metric_for(metric, exp)
        f = folds[folds["experiment"] == exp] if "experiment" in folds else folds
        parts.append(_summarise_one(f, runs[runs["experiment"] == exp], name).assign(metric=name))
    out = pd.concat([p for p in parts if not p.empty], ignore_index=True) if parts else pd.DataFrame()
    if out.empty:
        raise SystemExit(f"classifiers: no fold or run carries the metric(s) {metric}")
    out["half_width"] = (out["ci_high"] - out["ci_low"]) / 2  # before clipping: the t interval is symmetric
    out[["ci_low", "ci_high"]] = out[["ci_low", "ci_high"]].clip(*bounds)
    out["metric_name"] = out["metric"].map(METRIC_NAMES).fillna(out["metric"])
    out["model_name"] = out["model"].map(MODEL_NAMES).fillna(out["model"])
    out["features_name"] = out["features"].map(FEATURE_NAMES).fillna(out["features"])
    return out


def _summarise_one(folds, runs, metric: str):
    """:func:`summarise` for one metric (the folds and runs of one experiment)."""
    import numpy as np
    import pandas as pd

    keys = ["experiment", "target", "model", "features"]
    rows = []
    if not folds.empty and metric in folds.columns:
        usable = folds["n_test_positive"].isna() | (folds["n_test_positive"] > 0) if "n_test_positive" in folds else True
        for key, g in folds.assign(_usable=usable).groupby(keys, sort=False):
            kept = g[g["_usable"] & g[metric].notna()]
            if len(kept) < 2:
                continue
            ratio = float((kept["n_test"] / kept["n_train"]).mean())
            predefined = "cv" in kept and kept["cv"].isin(PREDEFINED_CV).all()
            values = kept.groupby("fold")[metric].mean() if predefined else kept[metric]
            mean, lo, hi = corrected_interval(values, ratio)
            rows.append({**dict(zip(keys, key)), "mean": mean, "ci_low": lo, "ci_high": hi,
                         "n_values": len(values), "folds_without_positive": int((~g["_usable"]).sum()),
                         "seeds": g["seed"].nunique(), "folds": int(g["fold"].nunique()),
                         "basis": ("the data's folds, mean over seeds (corrected t)" if predefined
                                   else "seeds x folds (corrected t)")})
    done = {tuple(r[k] for k in keys) for r in rows}
    pooled = runs[runs["metric"] == metric]
    if "subset" in pooled:  # the pooled rows over all items, not collect.py's per-corpus rows
        pooled = pooled[pooled["subset"] == "all"]
    for key, g in pooled.groupby(keys, sort=False):
        if key in done:
            continue
        mean, lo, hi = corrected_interval(g["value"], 0.0)
        rows.append({**dict(zip(keys, key)), "mean": mean, "ci_low": lo, "ci_high": hi,
                     "n_values": int(g["value"].notna().sum()), "folds_without_positive": np.nan,
                     "seeds": g["seed"].nunique(), "folds": np.nan, "basis": "seeds (pooled out-of-fold, t)"})
    return pd.DataFrame(rows)


def best_rows(summary):
    """The best trained model x feature set per experiment and target (highest mean);
    the extractor baseline is reported beside it, never chosen as 'best model'."""
    trained = summary[summary["model"] != "none"]
    return trained.loc[trained.groupby(["experiment", "target"], sort=False)["mean"].idxmax()]


def f1(value) -> str:
    return fmt(value, f1_digits(value))


#: How the text names each metric (``Clf<Experiment>Metric``).
METRIC_TEXT = {"f1": "F1 of the positive class", "macro_f1": "macro-F1"}


def numbers(summary, folds, cfg: dict, full: dict | None = None) -> dict[str, str]:
    """The macros of the text. ``...FOne`` (and ``Low``/``High``) is each experiment's
    metric: the positive class's F1 for the labels, macro-F1 for the actor;
    ``ClfLabelsBestMeanFOne`` the mean over the four labels of the best model's
    positive-class F1. ``full``: the ``--full`` settings, for ``ClfFull...`` (what the
    whole sweep adds)."""
    out = {
        "ClfModels": fmt(len([m for m in summary["model"].unique() if m != "none"])),
        "ClfFeatureSets": fmt(len([f for f in summary["features"].unique() if f != "extractor_scores"])),
        "ClfSeeds": fmt(len(cfg["seeds"])),
    }
    if full:
        out["ClfFullModels"] = fmt(len(full["models"]))
        out["ClfFullFeatureSets"] = fmt(len({f for e in full.get("experiments", []) for f in features_of(full, e)}
                                            or set(full["features"])))
        out["ClfFullSeeds"] = fmt(len(full["seeds"]))
    if not folds.empty:
        out["ClfFolds"] = fmt(folds["fold"].nunique())
        out["ClfRuns"] = fmt(folds["run_dir"].nunique())
    for exp, g in summary.groupby("experiment", sort=False):
        out[f"{macro('clf', exp)}FeatureSets"] = fmt(g.loc[g["model"] != "none", "features"].nunique())
        name = g["metric"].iloc[0]
        out[f"{macro('clf', exp)}Metric"] = METRIC_TEXT.get(name, name.replace("_", "-"))

    def put(stem: str, row) -> None:
        out[f"{stem}Model"] = row["model_name"]
        out[f"{stem}Features"] = row["features_name"]
        out[f"{stem}FOne"] = f1(row["mean"])
        out[f"{stem}FOneLow"] = f1(row["ci_low"])
        out[f"{stem}FOneHigh"] = f1(row["ci_high"])

    for _, row in best_rows(summary).iterrows():
        exp, target = row["experiment"], row["target"]
        put(macro("clf", exp, "best") if target == exp else macro("clf", exp, target, "best"), row)
    base = summary[summary["model"] == "none"]
    for _, row in base.iterrows():
        stem = macro("clf", row["experiment"], row["target"], "extractor")
        out[f"{stem}FOne"] = f1(row["mean"])
        out[f"{stem}FOneLow"] = f1(row["ci_low"])
        out[f"{stem}FOneHigh"] = f1(row["ci_high"])
    # one best model per experiment: for several targets, the highest mean over targets
    trained = summary[summary["model"] != "none"]
    for exp, g in trained.groupby("experiment", sort=False):
        if g["target"].nunique() < 2:
            continue
        avg = g.groupby(["model", "features"])["mean"].mean()
        (model, feats), value = avg.idxmax(), avg.max()
        stem = macro("clf", exp, "best")
        out[f"{stem}Model"] = MODEL_NAMES.get(model, model)
        out[f"{stem}Features"] = FEATURE_NAMES.get(feats, feats)
        out[f"{stem}MeanFOne"] = f1(value)
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="the small slice (seconds; also RHETORIC_PAPER_SMALL=1)")
    parser.add_argument("--reuse-sweeps", action="store_true", help="summarise the sweeps in build/sweeps, train nothing")
    args = parser.parse_args(argv)
    _, cfg = settings(is_small(args.small))
    dirs = out_dirs()
    t0 = time.perf_counter()
    if args.reuse_sweeps:
        sweeps = {e: dirs["sweeps"] / e for e in cfg["experiments"]}
        missing = [str(p) for p in sweeps.values() if not p.is_dir()]
        if missing:
            raise SystemExit(f"classifiers: --reuse-sweeps, but {', '.join(missing)} is not there: run without it first")
    else:
        sweeps = run_sweeps(cfg["experiments"], cfg, dirs["sweeps"])
    folders = [p for sweep in sweeps.values() for p in (sweep / "trained", sweep / "baseline") if p.is_dir()]
    runs = collect(folders, dirs["data"] / "classifiers_runs.csv")
    folds = fold_table(folders)
    if not folds.empty and folds["extractor_version"].nunique() > 1:
        # the lexicons changed while the sweep ran: runs are not comparable; say so loudly
        log(f"classifiers: WARNING: the runs used {folds['extractor_version'].nunique()} extractor versions "
            f"({sorted(folds['extractor_version'].unique())}); run the build again with the lexicons fixed")
    atomic_write_csv(folds, dirs["data"] / "classifiers_folds.csv")
    summary = summarise(folds, runs, cfg["metric"])
    atomic_write_csv(summary, dirs["data"] / "classifiers_summary.csv")
    full = {**cfg, **(cfg.get("full") or {})}  # what build.py --full runs (the same when it is on)
    numbers_json(numbers(summary, folds, cfg, full), dirs["numbers"] / "classifiers.json")
    for _, r in best_rows(summary).iterrows():
        log(f"classifiers: best for {r['experiment']}/{r['target']}: {r['model']} + {r['features']}, "
            f"{r['metric']} {r['mean']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}] (n={r['n_values']})")
    log(f"classifiers: {runs['run_dir'].nunique()} runs in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
