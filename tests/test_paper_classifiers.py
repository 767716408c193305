"""The classifier comparison of the paper: sweep commands, fold summary, figure and table.

The unit tests check the statistics on hand-made fold tables (the labels summarised by the
positive class's F1, the actor by macro-F1), the default/full settings switch, the sweep
commands, and the figure and table on a made-up summary. The end-to-end test runs
``compute_classifiers.py --small`` (real Hydra sweeps through ``experiments/train.py``:
two models, two feature sets, one seed, two folds, a slice of the data) into a temporary
``RHETORIC_PAPER_OUT`` with its own featurisation cache, then the figure and table; it
takes about a minute, so it is marked slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rhetoric.paths import data_root

SCRIPTS = Path(__file__).resolve().parents[1] / "paper" / "scripts"
sys.path.insert(0, str(SCRIPTS))

import compute_classifiers as cc  # noqa: E402
import fig_classifiers  # noqa: E402
import tab_classifiers  # noqa: E402

PAPER_METRIC = {"labels": "f1", "actor": "macro_f1"}

needs_data = pytest.mark.skipif(
    not (data_root(required=False) / "annotations" / "train.jsonl").is_file(),
    reason="the shared data is not there (set RHETORIC_DATA)",
)


def _folds(values: dict[tuple[str, str], list[float]], positives=None) -> pd.DataFrame:
    """A fold table: (model, features) -> macro-F1 of folds 0..k-1 of seeds 0..s-1 (3 folds per seed)."""
    rows = []
    for (model, feats), vals in values.items():
        for i, v in enumerate(vals):
            rows.append({"experiment": "labels", "target": "threat", "model": model, "features": feats,
                         "seed": i // 3, "fold": i % 3, "run_dir": f"{model}-{feats}-{i // 3}",
                         "n_train": 800, "n_test": 200, "macro_f1": v,
                         "n_test_positive": (positives or {}).get(i, 10)})
    return pd.DataFrame(rows)


def _runs(folds: pd.DataFrame) -> pd.DataFrame:
    pooled = folds.groupby(["experiment", "target", "model", "features", "seed"], as_index=False)["macro_f1"].mean()
    return pooled.rename(columns={"macro_f1": "value"}).assign(metric="macro_f1")


def test_corrected_interval_is_wider_than_the_naive_one_and_centred():
    x = [0.70, 0.74, 0.71, 0.78, 0.69, 0.75]
    mean, lo, hi = cc.corrected_interval(x, test_train_ratio=0.25)
    _, naive_lo, naive_hi = cc.corrected_interval(x, test_train_ratio=0.0)
    assert mean == pytest.approx(np.mean(x))
    assert hi - mean == pytest.approx(mean - lo)
    # variance x (1/6 + 1/4) instead of x 1/6: the interval is sqrt(2.5) times as wide
    assert (hi - lo) / (naive_hi - naive_lo) == pytest.approx(np.sqrt((1 / 6 + 0.25) / (1 / 6)))


def test_summary_over_seeds_and_folds_leaves_out_folds_without_a_positive():
    folds = _folds({("logreg", "rhetoric"): [0.7, 0.8, 1.0, 0.6, 0.7, 0.8]}, positives={2: 0})
    summary = cc.summarise(folds, _runs(folds), "macro_f1")
    row = summary.iloc[0]
    assert row["n_values"] == 5 and row["folds_without_positive"] == 1
    assert row["mean"] == pytest.approx(np.mean([0.7, 0.8, 0.6, 0.7, 0.8]))
    assert row["seeds"] == 2 and row["basis"].startswith("seeds x folds")
    assert 0.0 <= row["ci_low"] < row["mean"] < row["ci_high"] <= 1.0


def test_summary_falls_back_to_pooled_runs_when_folds_are_missing():
    folds = _folds({("logreg", "tfidf"): [0.6, 0.7, 0.8, 0.7, 0.8, 0.9]})
    runs = _runs(folds)
    summary = cc.summarise(folds.iloc[0:0], runs, "macro_f1")
    assert summary.iloc[0]["basis"].startswith("seeds (pooled")
    assert summary.iloc[0]["mean"] == pytest.approx(runs["value"].mean())


def test_pooled_fallback_reads_the_rows_over_all_items_not_the_per_corpus_ones():
    folds = _folds({("logreg", "tfidf"): [0.6, 0.7, 0.8, 0.7, 0.8, 0.9]})
    runs = _runs(folds).assign(subset="all")
    per_corpus = pd.concat([runs.assign(subset="corpus=crisis", value=0.1), runs.assign(subset="corpus=ungdc", value=0.0)])
    summary = cc.summarise(folds.iloc[0:0], pd.concat([runs, per_corpus]), "macro_f1")
    row = summary.iloc[0]
    assert row["n_values"] == 2 and row["mean"] == pytest.approx(runs["value"].mean())


def test_the_datas_own_folds_are_averaged_over_seeds_first():
    # labels runs on the annotation file's folds: every seed has the same splits
    values = [0.6, 0.7, 0.8, 0.62, 0.72, 0.82]  # seed 0 folds 0-2, seed 1 folds 0-2
    folds = _folds({("logreg", "rhetoric"): values}).assign(cv="annotation_folds")
    row = cc.summarise(folds, _runs(folds), "macro_f1").iloc[0]
    assert row["n_values"] == 3 and row["basis"].startswith("the data's folds")
    assert row["mean"] == pytest.approx(np.mean(values))
    by_fold = [0.61, 0.71, 0.81]
    expected = cc.corrected_interval(by_fold, 200 / 800)
    assert row["half_width"] == pytest.approx((expected[2] - expected[1]) / 2)
    # seeded grouped folds differ between seeds: seeds x folds values
    assert cc.summarise(folds.assign(cv="grouped_kfold"), _runs(folds), "macro_f1").iloc[0]["n_values"] == 6


def test_interval_is_clipped_to_the_metric_range_but_half_width_is_kept():
    folds = _folds({("hist_gb", "tfidf"): [0.99, 1.0, 0.4, 1.0, 0.98, 1.0]})
    row = cc.summarise(folds, _runs(folds), "macro_f1").iloc[0]
    assert row["ci_high"] == 1.0 and row["mean"] + row["half_width"] > 1.0


def test_best_model_is_the_highest_mean_among_trained_models_not_the_extractor():
    folds = _folds({("logreg", "rhetoric"): [0.7] * 3 + [0.72] * 3,
                    ("hist_gb", "tfidf"): [0.8] * 3 + [0.82] * 3,
                    ("none", "extractor_scores"): [0.95] * 6})
    summary = cc.summarise(folds, _runs(folds), "macro_f1")
    best = cc.best_rows(summary)
    assert best[["model", "features"]].values.tolist() == [["hist_gb", "tfidf"]]
    nums = cc.numbers(summary, folds, {"seeds": [0, 1]})
    assert nums["ClfLabelsThreatBestModel"] == "Gradient boosting"
    assert nums["ClfLabelsThreatBestFOne"] == "0.81"
    assert nums["ClfLabelsThreatExtractorFOne"] == "0.95"
    assert nums["ClfModels"] == "2" and nums["ClfSeeds"] == "2"


def test_sweep_commands_name_every_model_feature_set_and_seed(tmp_path, monkeypatch):
    monkeypatch.setenv("RHETORIC_PAPER_FULL", "1")
    _, cfg = cc.settings(small=False)
    cfg = {**cfg, "model_overrides": {"hist_gb": ["++model.early_stopping=true"]}}
    cmds = cc.sweep_commands("labels", cfg, tmp_path)
    trained = [c for c in cmds if "features=extractor_scores" not in c]
    # models that share their overrides are one sweep (its jobs fill both workers);
    # hist_gb, with its own override, is another
    swept = [next(a for a in c if a.startswith("model=")).split("=", 1)[1].split(",") for c in trained]
    assert sorted(m for group in swept for m in group) == sorted(cfg["models"])
    assert ["hist_gb"] in swept and len(swept) == 2
    for cmd, models in zip(trained, swept):
        assert "-m" in cmd and "experiment=labels" in cmd
        features = next(a for a in cmd if a.startswith("features=")).split("=", 1)[1].split(",")
        assert sorted(features) == sorted(cfg["features"]) and features[-1] == "rhetoric"  # TF-IDF jobs first
        assert f"seed={','.join(map(str, cfg['seeds']))}" in cmd
        assert f"hydra.sweep.dir={tmp_path / 'trained' / '-'.join(models)}" in cmd
        assert ("++model.early_stopping=true" in cmd) == (models == ["hist_gb"])
    # the extractor baseline is one more sweep, for the labels only
    assert len(cmds) == 2 + (1 if cfg["baseline"] else 0)
    assert len(cc.sweep_commands("actor", cfg, tmp_path)) == 2


def test_default_is_the_reduced_sweep_and_full_is_one_setting_away(monkeypatch):
    monkeypatch.delenv("RHETORIC_PAPER_FULL", raising=False)
    _, default = cc.settings(small=False)
    monkeypatch.setenv("RHETORIC_PAPER_FULL", "1")
    _, full = cc.settings(small=False)
    assert full["models"] == ["logreg", "linear_svm", "random_forest", "hist_gb"] and full["seeds"] == [0, 1, 2]
    assert len(default["models"]) < len(full["models"]) and len(default["seeds"]) < len(full["seeds"])
    assert set(default["models"]) < set(full["models"])
    assert full["features"] == ["rhetoric", "tfidf", "rhetoric_tfidf"] and set(default["features"]) < set(full["features"])
    assert cc.features_of(full, "actor") == full["features"]
    assert cc.features_of(default, "actor") == ["rhetoric"] and cc.features_of(default, "labels") == default["features"]
    assert default["metric"] == full["metric"] == PAPER_METRIC
    monkeypatch.setenv("RHETORIC_PAPER_FULL", "0")  # "0" is off
    assert cc.settings(small=False)[1]["models"] == default["models"]
    # the default's commands: one seed, the actor on the rhetoric features; the linear SVM
    # solved in the primal (its dual does not converge on rhetoric + TF-IDF), in both
    cmds = cc.sweep_commands("actor", default, Path("/x"))
    assert len(cmds) == len(default["models"]) and all("seed=0" in c and "features=rhetoric" in c for c in cmds)
    for settings in (default, full):
        svm = [c for c in cc.sweep_commands("labels", settings, Path("/x")) if "model=linear_svm" in c]
        assert len(svm) == 1 and "++model.dual=false" in svm[0]


def test_labels_are_summarised_by_the_positive_class_f1_and_the_actor_by_macro_f1():
    # a rare binary label: a model that never finds the positives has positive-class F1 0,
    # yet macro-F1 near 0.5 (the negatives' F1 is near 1)
    labels = _folds({("logreg", "tfidf"): [0.48, 0.49, 0.47, 0.48, 0.49, 0.47]})
    labels["f1"] = [0.0, 0.1, 0.05, 0.02, 0.08, 0.03]
    actor = _folds({("logreg", "tfidf"): [0.6, 0.7, 0.65, 0.62, 0.68, 0.66]}).assign(
        experiment="actor", target="actor", n_test_positive=np.nan, f1=np.nan)
    folds = pd.concat([labels, actor], ignore_index=True)
    summary = cc.summarise(folds, _runs(folds), PAPER_METRIC).set_index("experiment")
    assert summary.loc["labels", "metric"] == "f1" and summary.loc["labels", "metric_name"] == "F1 (positive class)"
    assert summary.loc["labels", "mean"] == pytest.approx(np.mean(labels["f1"]))
    assert summary.loc["actor", "metric"] == "macro_f1" and summary.loc["actor", "metric_name"] == "Macro-F1"
    assert summary.loc["actor", "mean"] == pytest.approx(np.mean(actor["macro_f1"]))
    nums = cc.numbers(summary.reset_index(), folds, {"seeds": [0, 1]},
                      {"models": ["a", "b", "c", "d"], "features": ["x"], "seeds": [0, 1, 2]})
    assert nums["ClfLabelsThreatBestFOne"] == "0.05" and nums["ClfActorBestFOne"] == "0.65"
    assert nums["ClfLabelsMetric"] == "F1 of the positive class" and nums["ClfActorMetric"] == "macro-F1"
    assert nums["ClfFullModels"] == "4" and nums["ClfFullSeeds"] == "3"


def test_positive_class_f1_leaves_out_folds_without_a_positive():
    folds = _folds({("logreg", "rhetoric"): [0.9] * 6}, positives={1: 0, 4: 0})
    folds["f1"] = [0.4, np.nan, 0.5, 0.45, np.nan, 0.55]  # undefined where no positive was held out
    row = cc.summarise(folds, _runs(folds), {"labels": "f1"}).iloc[0]
    assert row["n_values"] == 4 and row["folds_without_positive"] == 2
    assert row["mean"] == pytest.approx(0.475)


def test_an_experiment_without_a_metric_is_an_error_that_names_it():
    folds = _folds({("logreg", "rhetoric"): [0.7] * 6}).assign(experiment="period")
    with pytest.raises(SystemExit, match="period"):
        cc.summarise(folds, _runs(folds), PAPER_METRIC)


def test_table_marks_the_best_of_each_column_and_lists_the_baseline():
    folds = _folds({("logreg", "rhetoric"): [0.7] * 3 + [0.72] * 3,
                    ("hist_gb", "tfidf"): [0.8] * 3 + [0.82] * 3,
                    ("none", "extractor_scores"): [0.6] * 6})
    tex = tab_classifiers.render(cc.summarise(folds, _runs(folds), "macro_f1"))
    assert "$\\mathbf{0.81} \\pm" in tex and "$0.71 \\pm" in tex
    assert "Extractor, no training" in tex and tex.count("\\mathbf") == 1
    assert tex.startswith("\\begin{tabular}") and "\\bottomrule" in tex


def _made_up_summary(models=("logreg", "linear_svm", "random_forest", "hist_gb")) -> pd.DataFrame:
    """Labels (threat, by positive-class F1) and actor (by macro-F1), every model x feature set."""
    values = {}
    rng = np.random.default_rng(0)
    for model in models:
        for feats in ("rhetoric", "tfidf", "rhetoric_tfidf"):
            values[(model, feats)] = list(rng.uniform(0.5, 0.9, 6))
    values[("none", "extractor_scores")] = [0.8] * 6
    labels = _folds(values)
    labels["f1"] = labels["macro_f1"] - 0.3
    actor = _folds({k: v for k, v in values.items() if k[0] != "none"}).assign(experiment="actor", target="actor")
    folds = pd.concat([labels, actor], ignore_index=True)
    return cc.summarise(folds, _runs(folds), PAPER_METRIC)


def test_figure_labels_each_panel_by_its_metric(tmp_path, monkeypatch):
    summary = _made_up_summary(models=("logreg", "linear_svm"))
    data = tmp_path / "build" / "data"
    data.mkdir(parents=True)
    summary.to_csv(data / "classifiers_summary.csv", index=False)
    monkeypatch.setenv("RHETORIC_PAPER_OUT", str(tmp_path))
    drawn = []
    monkeypatch.setattr(fig_classifiers, "save", lambda fig, name: drawn.append(fig))
    assert fig_classifiers.main([]) == 0
    axes = [ax for ax in drawn[0].axes if ax.get_title()]
    labels = {ax.get_title(): ax.get_xlabel() for ax in axes}
    assert labels == {"Label: Threat": "F1 (positive class)", "Actor: US/RU/UA": "Macro-F1"}
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["Logistic regression", "Linear SVM"]


def test_table_names_each_experiments_metric():
    tex = tab_classifiers.render(_made_up_summary())
    header = tex.split("\\midrule")[0]
    assert header.index("Labels (sentences)") < header.index("F1 (positive class)")
    assert header.index("Actor (documents)") < header.index("Macro-F1")


def test_figure_and_table_scripts_draw_a_summary(tmp_path):
    """The plotting and table scripts on a made-up summary (the sweep itself is slow)."""
    data = tmp_path / "build" / "data"
    data.mkdir(parents=True)
    _made_up_summary().to_csv(data / "classifiers_summary.csv", index=False)
    env = {**os.environ, "RHETORIC_PAPER_OUT": str(tmp_path)}
    for script in ("fig_classifiers.py", "tab_classifiers.py"):
        proc = subprocess.run([sys.executable, str(SCRIPTS / script)], env=env, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, f"{script} failed:\n{proc.stdout}\n{proc.stderr}"
    for ext, min_bytes in (("pdf", 5_000), ("png", 20_000)):
        assert (tmp_path / "figures" / f"fig_classifiers.{ext}").stat().st_size > min_bytes
    tex = (tmp_path / "tables" / "tab_classifiers.tex").read_text()
    assert tex.count("\\mathbf") == 2  # one best per column: threat and actor


@pytest.mark.slow
@needs_data
def test_small_sweep_builds_data_numbers_figure_and_table(tmp_path):
    env = {**os.environ, "RHETORIC_PAPER_OUT": str(tmp_path), "RHETORIC_CACHE": str(tmp_path / "cache")}
    for script in ("compute_classifiers.py", "fig_classifiers.py", "tab_classifiers.py"):
        args = [sys.executable, str(SCRIPTS / script)] + (["--small"] if script.startswith("compute") else [])
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, f"{script} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"

    data = tmp_path / "build" / "data"
    runs = pd.read_csv(data / "classifiers_runs.csv")
    _, small = cc.settings(small=True)
    trained = runs[runs["model"] != "none"]
    assert set(trained["model"]) == set(small["models"]) and set(trained["features"]) == set(small["features"])
    assert set(runs["experiment"]) == set(small["experiments"])
    summary = pd.read_csv(data / "classifiers_summary.csv")
    assert {"threat", "conditionality", "two_path", "commitment", "actor"} <= set(summary["target"])
    assert summary["mean"].between(0, 1).all()
    assert set(summary.loc[summary["experiment"] == "labels", "metric"]) == {"f1"}
    assert set(summary.loc[summary["experiment"] == "actor", "metric"]) == {"macro_f1"}
    # the sweeps were renamed into place only when complete
    sweeps = tmp_path / "build" / "sweeps"
    assert sorted(p.name for p in sweeps.iterdir()) == sorted(small["experiments"])

    numbers = json.loads((tmp_path / "build" / "numbers" / "classifiers.json").read_text())
    for key in ("ClfLabelsBestModel", "ClfLabelsBestMeanFOne", "ClfActorBestModel", "ClfActorBestFOne",
                "ClfActorBestFOneLow", "ClfActorBestFOneHigh", "ClfLabelsThreatBestFOne", "ClfRuns",
                "ClfLabelsMetric", "ClfActorMetric", "ClfFullModels"):
        assert key in numbers and numbers[key]
    for ext, min_bytes in (("pdf", 5_000), ("png", 20_000)):
        assert (tmp_path / "figures" / f"fig_classifiers.{ext}").stat().st_size > min_bytes
    assert "\\toprule" in (tmp_path / "tables" / "tab_classifiers.tex").read_text()
