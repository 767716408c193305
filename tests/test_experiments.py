"""The Hydra experiments end to end on small slices of the real data, plus the pieces
(metrics, cross-validation, collection) on made-up data.

In-process runs compose the configs and call :func:`experiments.runner.run`; the
command-line tests run ``experiments/train.py`` (single run, sweep, joblib and
submitit-local launchers) and ``experiments/collect.py`` in a temporary folder. Every
run shares one temporary featurisation cache, so each slice is featurised once.
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
from hydra import compose, initialize_config_dir

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / "configs"
sys.path.insert(0, str(REPO))

from experiments import collect as collect_module  # noqa: E402
from experiments.crossval import cross_validate  # noqa: E402
from experiments.items import Target  # noqa: E402
from experiments.metrics import bootstrap_metrics, point_metrics  # noqa: E402
from experiments.runner import run  # noqa: E402
from rhetoric.paths import data_root  # noqa: E402


def _has_data() -> bool:
    root = data_root(required=False)
    return all((root / f).is_file() for f in ("crisis/documents.jsonl.gz", "ungdc/speeches.jsonl.gz",
                                              "annotations/train.jsonl"))


needs_data = pytest.mark.skipif(not _has_data(), reason="the shared data is not there (set RHETORIC_DATA)")
# small slices leave a class with fewer members than folds; the runs note it themselves
pytestmark = pytest.mark.filterwarnings("ignore:The least populated class:UserWarning")

# Small slices: seconds per run. Overrides common to every run, then per experiment.
FAST = ["n_boot=50", "cv.n_splits=2"]
SLICES = {
    "labels": ["experiment=labels", "data.max_items=250"],
    "labels_extractor": ["experiment=labels", "data.max_items=250", "features=extractor_scores"],
    "actor": ["experiment=actor", "data.max_items=60"],
    "actor_sentences": ["experiment=actor", "data=crisis_sentences", "data.limit=30", "data.max_items=150",
                        "features=rhetoric_tfidf"],
    "period": ["experiment=period", "data.max_items=60"],
    "ungdc": ["experiment=ungdc", "data.limit=40", "data.max_items=24"],
}
BINARY = {"precision", "recall", "f1", "auroc", "accuracy", "macro_f1"}
MULTICLASS = {"accuracy", "macro_f1", "auroc"}


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("rhetoric-cache")


def compose_cfg(out: Path, cache: Path, overrides):
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIGS)):
        return compose("train", overrides=[*FAST, *overrides, f"paths.output_dir={out}", f"paths.cache_dir={cache}"],
                       return_hydra_config=True)


def run_slice(tmp_path, cache, name, *extra):
    out = tmp_path / name
    result = run(compose_cfg(out, cache, [*SLICES[name], *extra]))
    return result, out


def check_outputs(result: dict, out: Path) -> pd.DataFrame:
    """What every run must write: the files, the metric keys, one prediction per item
    and target, and folds that never split a group."""
    on_disk = json.loads((out / "metrics.json").read_text())
    assert on_disk["targets"] == json.loads(json.dumps(result["targets"]).replace("NaN", "null"))
    resolved = (out / "config_resolved.yaml").read_text()
    assert "${" not in resolved and f"seed: {result['run']['seed']}" in resolved
    assert {"experiment", "data", "features", "engine", "model", "cv", "seed", "overrides"} <= set(result["run"])
    assert f"engine: {result['run']['engine']}" in resolved
    pred = pd.read_csv(out / "predictions.csv", dtype={"item_id": str, "group": str})
    assert {"item_id", "group", "fold", "target", "true", "predicted"} <= set(pred.columns)
    for name, entry in result["targets"].items():
        if entry["metrics"] is None:
            assert entry["notes"] and name not in set(pred["target"])
            continue
        expected = BINARY if entry["positive"] is not None else MULTICLASS
        assert set(entry["metrics"]) == expected
        for m in entry["metrics"].values():
            assert set(m) == {"value", "ci_low", "ci_high"}
        for key in ("accuracy", "macro_f1"):
            m = entry["metrics"][key]
            assert 0 <= m["ci_low"] <= m["ci_high"] <= 1 and 0 <= m["value"] <= 1
        rows = pred[pred["target"] == name]
        assert len(rows) == entry["n_items"] and rows["item_id"].is_unique
        assert set(rows["true"].astype(str)) <= set(entry["classes"])
        assert rows.groupby("group")["fold"].nunique().max() == 1, "a group fell on both sides of a split"
        assert len(entry["folds"]) == rows["fold"].nunique() == 2
        score_cols = ["score"] if entry["positive"] is not None else [f"score_{c}" for c in entry["classes"]]
        assert rows[score_cols].notna().all().all()
    return pred


def without_timing(result: dict) -> dict:
    run_info = {k: v for k, v in result["run"].items() if k not in ("seconds", "output_dir", "overrides")}
    return {"run": run_info, "targets": result["targets"]}


# ---------------------------------------------------------------- every experiment


@needs_data
@pytest.mark.parametrize("name", list(SLICES))
def test_experiment_runs_end_to_end_and_repeats_exactly(tmp_path, cache_dir, name):
    first, out = run_slice(tmp_path, cache_dir, name)
    check_outputs(first, out)
    again = run(compose_cfg(tmp_path / "again", cache_dir, SLICES[name]))
    assert json.dumps(without_timing(again), sort_keys=True) == json.dumps(without_timing(first), sort_keys=True)
    first_pred = (out / "predictions.csv").read_text()
    assert (tmp_path / "again" / "predictions.csv").read_text() == first_pred


@needs_data
def test_the_seed_changes_the_folds(tmp_path, cache_dir):
    a, out_a = run_slice(tmp_path, cache_dir, "actor")
    b = run(compose_cfg(tmp_path / "b", cache_dir, [*SLICES["actor"], "seed=1"]))
    assert a["run"]["seed"] != b["run"]["seed"]
    assert a["targets"]["actor"]["folds"] != b["targets"]["actor"]["folds"]


@needs_data
def test_labels_reports_each_target_and_a_fold_without_positives(tmp_path, cache_dir):
    result, out = run_slice(tmp_path, cache_dir, "labels")
    assert list(result["targets"]) == ["threat", "conditionality", "two_path", "commitment"]
    two_path = result["targets"]["two_path"]
    assert two_path["class_counts"]["1"] == 1  # one positive in this slice: one fold has none
    fold_auroc = [f["auroc"] for f in two_path["folds"]]
    assert any(a is None or np.isnan(a) for a in fold_auroc)
    assert any("AUROC undefined" in n for n in two_path["notes"])
    assert two_path["metrics"]["accuracy"]["value"] is not None


@needs_data
def test_labels_use_the_files_folds_and_report_each_corpus(tmp_path, cache_dir):
    from sklearn.metrics import f1_score

    from rhetoric.data import load_annotations

    result, out = run_slice(tmp_path, cache_dir, "labels")
    assert result["run"]["cv"] == "annotation_folds"
    pred = check_outputs(result, out)
    ann = load_annotations().set_index("id")
    for name, entry in result["targets"].items():
        rows = pred[pred["target"] == name]
        # the file's document-hash folds (merged mod cv.n_splits=2 on this slice), not regrouped
        assert (rows["fold"].to_numpy() == ann.loc[rows["item_id"], "fold"].to_numpy() % 2).all()
        assert (rows["corpus"].to_numpy() == ann.loc[rows["item_id"], "corpus"].to_numpy()).all()
        if entry["metrics"] is None:
            continue
        by = entry["by"]["corpus"]
        assert set(by) == {"crisis", "ungdc"}
        assert sum(v["n_items"] for v in by.values()) == entry["n_items"]
        for corpus, sub in by.items():
            part = rows[rows["corpus"] == corpus]
            assert sub["n_items"] == len(part) and sub["class_counts"]["1"] == int((part["true"] == 1).sum())
            assert set(sub["metrics"]) == BINARY
            assert sub["metrics"]["f1"]["value"] == pytest.approx(
                f1_score(part["true"], part["predicted"], zero_division=0))


@needs_data
def test_labels_with_the_files_five_folds(tmp_path, cache_dir):
    from rhetoric.data import load_annotations

    result = run(compose_cfg(tmp_path, cache_dir, [*SLICES["labels"], "targets=[commitment]", "cv.n_splits=null"]))
    entry = result["targets"]["commitment"]
    assert [f["fold"] for f in entry["folds"]] == [0, 1, 2, 3, 4]
    pred = pd.read_csv(tmp_path / "predictions.csv", dtype={"item_id": str})
    folds = load_annotations().set_index("id").loc[pred["item_id"], "fold"]
    assert (pred["fold"].to_numpy() == folds.to_numpy()).all()
    # the seed moves the models, never the folds
    again = run(compose_cfg(tmp_path / "b", cache_dir, [*SLICES["labels"], "targets=[commitment]", "cv.n_splits=null",
                                                     "seed=3", "data.max_items=null", "data.limit=250"]))
    b = pd.read_csv(tmp_path / "b" / "predictions.csv", dtype={"item_id": str})
    assert (b["fold"].to_numpy() == load_annotations().head(250)["fold"].to_numpy()).all()
    assert again["run"]["cv"] == "annotation_folds"


@needs_data
def test_a_target_with_one_class_is_skipped_with_a_note(tmp_path, cache_dir):
    # the first 60 annotated sentences hold no two_path positive
    result = run(compose_cfg(tmp_path, cache_dir, ["experiment=labels", "data.limit=60"]))
    assert result["targets"]["two_path"]["metrics"] is None
    assert "nothing to predict" in result["targets"]["two_path"]["notes"][0]
    assert result["targets"]["commitment"]["metrics"] is not None


@needs_data
def test_extractor_scores_are_the_extractor_thresholded_without_training(tmp_path, cache_dir):
    import rhetoric

    result, out = run_slice(tmp_path, cache_dir, "labels_extractor")
    assert result["run"]["model"] == "none"
    assert {e["score"] for e in result["targets"].values()} == {"extractor"}
    pred = check_outputs(result, out)
    assert ((pred["score"] >= 0.5).astype(int) == pred["predicted"]).all()
    from rhetoric.data import load_annotations

    text = load_annotations().set_index("id")["text"]
    threat = pred[pred["target"] == "threat"].head(5)
    for item, s in zip(threat["item_id"], threat["score"]):
        key = int(item) if item.isdigit() and int(item) in text.index else item
        assert s == pytest.approx(rhetoric.score(text[key], split=False, engine="rules").threat)


@needs_data
def test_the_features_engine_is_rules_unless_asked_and_is_recorded(tmp_path, cache_dir):
    import rhetoric

    rules, _ = run_slice(tmp_path, cache_dir, "labels_extractor")
    assert rules["run"]["engine"] == "rules"
    assert rules["run"]["engine_scores"] == "rules (hand-set lexicon weights)"
    # off the annotations the shipped trained model is used as it is
    trained, out = run_slice(tmp_path, cache_dir, "actor", "features.engine=trained", "features=rhetoric")
    assert trained["run"]["engine"] == "trained"
    assert trained["run"]["engine_scores"] == "trained (shipped model)"
    assert json.loads((out / "metrics.json").read_text())["run"]["engine"] == "trained"
    assert "engine: trained" in (out / "config_resolved.yaml").read_text()
    with pytest.raises(ValueError, match="'neural'"):
        run(compose_cfg(tmp_path / "bad", cache_dir, [*SLICES["labels_extractor"], "features.engine=neural"]))


# the trained engine on the annotations: refitted out of fold, on a small grid
TRAINED_SLICE = [*SLICES["labels_extractor"], "data.max_items=300", "cv.n_splits=3", "features.engine=trained",
                 "features.trained.C=[0.3]", "features.trained.min_df=[2]"]


@needs_data
def test_trained_engine_on_the_labels_is_refitted_out_of_fold_over_the_runs_folds(tmp_path, cache_dir):
    import rhetoric
    from rhetoric.training import _merged, cross_validate as nested_cv, labelled_terms, term_options

    result = run(compose_cfg(tmp_path, cache_dir, TRAINED_SLICE))
    out = tmp_path
    run_info = result["run"]
    assert run_info["engine"] == "trained" and run_info["engine_scores"] == "trained (out-of-fold, nested)"
    assert run_info["trained_cv"]["config"]["model"]["C"] == [0.3]
    assert set(run_info["trained_cv"]["settings_by_fold"]) == {"0", "1", "2"}
    assert json.loads((out / "metrics.json").read_text())["run"]["engine_scores"] == "trained (out-of-fold, nested)"
    pred = pd.read_csv(out / "predictions.csv", dtype={"item_id": str})

    # the same folds, the same nested CV, called directly
    from rhetoric.data import load_annotations

    ann = load_annotations()
    ann = ann.assign(item_id=ann["id"].astype(str)).set_index("item_id")
    first = pred[pred["target"] == "threat"]
    items = ann.loc[first["item_id"]]
    folds = first["fold"].to_numpy()
    assert (folds == items["fold"].to_numpy() % 3).all()
    cfg = _merged({"features": {"min_df": [2]}, "model": {"C": [0.3]}})
    expected, _ = nested_cv(labelled_terms(items["text"], term_options(cfg)),
                            {c: items[c].astype(int).to_numpy() for c in rhetoric.CONSTRUCTS}, folds, cfg)
    shipped = np.array([rhetoric.score(t, split=False, engine="trained").threat for t in items["text"]])
    for name in ("threat", "conditionality", "two_path", "commitment"):
        rows = pred[pred["target"] == name]
        assert (rows["item_id"].to_numpy() == first["item_id"].to_numpy()).all()
        assert rows["score"].to_numpy() == pytest.approx(expected[name], abs=1e-12)
        assert (rows["predicted"].to_numpy() == (expected[name] >= 0.5).astype(int)).all()
    # not the shipped model's scores (it was fitted to these sentences)
    assert np.abs(pred[pred["target"] == "threat"]["score"].to_numpy() - shipped).max() > 0.1


@needs_data
@pytest.mark.filterwarnings("ignore:The groups parameter is ignored:UserWarning")
def test_trained_engine_on_the_labels_refuses_what_it_cannot_do_out_of_fold(tmp_path, cache_dir):
    # nested CV needs >= 3 folds (FAST merges the file's folds into 2)
    with pytest.raises(ValueError, match="at least 3 distinct folds"):
        run(compose_cfg(tmp_path / "a", cache_dir, [*SLICES["labels_extractor"], "features.engine=trained"]))
    # a CV that splits documents
    with pytest.raises(ValueError, match="document-grouped CV"):
        run(compose_cfg(tmp_path / "b", cache_dir, [*TRAINED_SLICE, "cv=stratified_kfold", "cv.n_splits=3"]))
    # the trained engine's scores as a classifier's features would be in-sample
    with pytest.raises(ValueError, match="in-sample"):
        run(compose_cfg(tmp_path / "c", cache_dir, [*SLICES["labels"], "features.engine=trained"]))
    with pytest.raises(KeyError, match="features.trained"):
        run(compose_cfg(tmp_path / "d", cache_dir, [*TRAINED_SLICE, "+features.trained.alpha=1"]))


def test_every_features_config_scores_with_the_rules_by_default():
    # the trained engine was fitted to the labelled sentences: its features are in-sample there
    for path in sorted((CONFIGS / "features").glob("*.yaml")):
        with initialize_config_dir(version_base="1.3", config_dir=str(CONFIGS)):
            cfg = compose("train", overrides=[f"features={path.stem}"])
        assert cfg.features.engine == "rules", path.name
    for experiment in ("labels", "actor", "period", "ungdc"):
        with initialize_config_dir(version_base="1.3", config_dir=str(CONFIGS)):
            cfg = compose("train", overrides=[f"experiment={experiment}"])
        assert cfg.features.engine == "rules", experiment


@needs_data
def test_extractor_scores_need_the_labels_experiment(tmp_path, cache_dir):
    with pytest.raises(ValueError, match="experiment=labels"):
        run(compose_cfg(tmp_path, cache_dir, [*SLICES["actor"], "features=extractor_scores"]))


@needs_data
def test_actor_records_which_rhetoric_features_separate_the_actors(tmp_path, cache_dir):
    result, out = run_slice(tmp_path, cache_dir, "actor")
    assert result["targets"]["actor"]["classes"] == ["RU", "UA", "US"]
    table = pd.read_csv(out / "feature_importance.csv", keep_default_na=False)
    coef = table[table.statistic == "coef"]
    assert set(coef["class"]) == {"RU", "UA", "US"}
    import rhetoric

    assert set(coef["feature"]) == set(rhetoric.feature_names())
    perm = table[table.statistic == "permutation_mean"]
    assert len(perm) == len(rhetoric.feature_names())


@needs_data
def test_period_fits_one_model_per_actor(tmp_path, cache_dir):
    result, out = run_slice(tmp_path, cache_dir, "period")
    assert list(result["targets"]) == ["US", "RU", "UA"]
    pred = pd.read_csv(out / "predictions.csv")
    assert set(pred["true"]) == {"before", "after"}
    assert sum(e["n_items"] for e in result["targets"].values()) == result["run"]["n_items"]
    for entry in result["targets"].values():
        assert entry["positive"] == "after"


@needs_data
def test_ungdc_groups_by_country_and_tabulates_the_trend(tmp_path, cache_dir):
    result, out = run_slice(tmp_path, cache_dir, "ungdc")
    pred = pd.read_csv(out / "predictions.csv")
    assert set(pred.loc[pred["true"] == "P5", "group"]) <= {"CHN", "FRA", "GBR", "USA", "RUS"}
    assert "year" in set(pd.read_csv(out / "feature_importance.csv")["feature"])
    trend = pd.read_csv(out / "trend.csv")
    assert {"decade", "group", "construct", "n_speeches", "mean_sentence_share", "share_of_speeches"} <= set(trend.columns)
    assert set(trend["construct"]) == {"threat", "conditionality", "two_path", "commitment"}
    assert set(trend["decade"]) == {1940}
    assert trend.groupby("construct")["n_speeches"].sum().eq(result["run"]["n_items"]).all()


@needs_data
def test_too_few_groups_for_the_folds_is_a_clear_error(tmp_path, cache_dir):
    with pytest.raises(ValueError, match="cv.n_splits=50"):
        run(compose_cfg(tmp_path, cache_dir, [*SLICES["actor"], "cv.n_splits=50"]))


# ---------------------------------------------------------------- the pieces


def test_point_metrics_agree_with_scikit_learn():
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score, roc_auc_score

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    s = np.round(rng.random(200) + 0.4 * y, 1)  # ties on purpose
    p = (s >= 0.6).astype(int)
    m = point_metrics(y, p, s[:, None], n_classes=2, positive=1)
    assert m == pytest.approx({"accuracy": accuracy_score(y, p), "macro_f1": f1_score(y, p, average="macro"),
                               "auroc": roc_auc_score(y, s), "precision": precision_score(y, p),
                               "recall": recall_score(y, p), "f1": f1_score(y, p)})
    y3 = rng.integers(0, 3, 200)
    S = rng.random((200, 3))
    S[np.arange(200), y3] += 0.5
    S /= S.sum(axis=1, keepdims=True)
    p3 = S.argmax(axis=1)
    m3 = point_metrics(y3, p3, S, n_classes=3)
    assert m3 == pytest.approx({"accuracy": accuracy_score(y3, p3), "macro_f1": f1_score(y3, p3, average="macro"),
                                "auroc": roc_auc_score(y3, S, multi_class="ovr", average="macro")})


def test_auroc_without_a_positive_is_nan_not_an_error():
    m = point_metrics([0, 0, 0], [0, 1, 0], [[0.1], [0.9], [0.2]], n_classes=2, positive=1)
    assert np.isnan(m["auroc"]) and m["accuracy"] == pytest.approx(2 / 3)


def test_bootstrap_is_seeded_and_brackets_the_value():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    s = rng.random(300) + 0.5 * y
    p = (s > 0.75).astype(int)
    a = bootstrap_metrics(y, p, s[:, None], 2, 1, n_boot=300, seed=5)
    assert a == bootstrap_metrics(y, p, s[:, None], 2, 1, n_boot=300, seed=5)
    assert a != bootstrap_metrics(y, p, s[:, None], 2, 1, n_boot=300, seed=6)
    for m in a.values():
        assert m["ci_low"] < m["value"] < m["ci_high"]
    none = bootstrap_metrics(y, p, s[:, None], 2, 1, n_boot=0)
    assert np.isnan(none["accuracy"]["ci_low"]) and none["accuracy"]["value"] == a["accuracy"]["value"]


class _Splits:
    """Two fixed folds: the first ``cut`` items, then the rest (by default fold 0 holds
    every positive of the 12-item example below, fold 1 none)."""

    n_splits = 2

    def __init__(self, cut: int = 6):
        self.cut = cut

    def split(self, X, y, groups):
        idx = np.arange(len(y))
        yield idx[self.cut :], idx[: self.cut]
        yield idx[: self.cut], idx[self.cut :]


def test_cross_validate_notes_folds_it_cannot_judge():
    from sklearn.linear_model import LogisticRegression

    X = pd.DataFrame({"x": np.r_[np.linspace(0, 1, 6), np.linspace(0, 1, 6)]})
    target = Target("t", np.arange(12), np.array([1, 1, 0, 0, 0, 0] + [0] * 6), [0, 1], 1)
    pred, folds, notes, kind = cross_validate(LogisticRegression, X, target, np.arange(12), _Splits())
    # fold 0 trains on negatives only: predicts the negative class; fold 1 has no positive
    assert any("only class 0" in n for n in notes)
    assert any("fold 1" in n and "AUROC undefined" in n for n in notes)
    assert np.isnan(folds[1]["auroc"]) and (pred.loc[:5, "predicted"] == 0).all()
    assert len(pred) == 12 and set(pred["fold"]) == {0, 1}


def test_cross_validate_fits_without_early_stopping_when_a_class_is_too_rare_for_it():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import make_pipeline

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.random(40)})
    y = np.zeros(40, dtype=int)
    y[[0, 20]] = 1  # one positive in each fold: one in each training fold
    target = Target("t", np.arange(40), y, [0, 1], 1)

    def factory():
        return make_pipeline(HistGradientBoostingClassifier(early_stopping=True, max_iter=5, random_state=0))

    with pytest.raises(ValueError, match="least populated class"):
        factory().fit(X.iloc[20:], y[20:])  # what the fold would have hit
    pred, folds, notes, kind = cross_validate(factory, X, target, np.arange(40), _Splits(20))
    assert len(pred) == 40 and kind == "probability"
    assert sum("without early stopping" in n for n in notes) == 2


def test_collect_makes_one_row_per_run_target_and_metric(tmp_path):
    for job, model in enumerate(["logreg", "linear_svm"]):
        run_dir = tmp_path / "sweep" / str(job)
        run_dir.mkdir(parents=True)
        metrics = {"value": 0.5 + job / 10, "ci_low": 0.4, "ci_high": 0.7}
        (run_dir / "metrics.json").write_text(json.dumps({
            "run": {"experiment": "labels", "data": "annotations", "features": "tfidf", "model": model,
                    "cv": "grouped_kfold", "seed": 3, "overrides": [f"model={model}", "model.C=0.1", "hydra.x=1"]},
            "targets": {"threat": {"n_items": 10, "metrics": {"accuracy": metrics, "auroc": metrics},
                                   "by": {"corpus": {"ungdc": {"n_items": 4, "metrics": {"f1": metrics}},
                                                     "crisis": {"n_items": 6, "metrics": None}}}},
                        "two_path": {"n_items": 10, "metrics": None, "notes": ["one class"]}}}))
    assert collect_module.main([str(tmp_path / "sweep")]) == 0
    table = pd.read_csv(tmp_path / "sweep" / "runs.csv")
    assert len(table) == 6 and set(table["model"]) == {"logreg", "linear_svm"}
    assert (table["model.C"] == 0.1).all() and "hydra.x" not in table.columns
    assert list(table.columns[-7:]) == ["target", "subset", "n_items", "metric", "value", "ci_low", "ci_high"]
    per_corpus = table[table["subset"] != "all"]
    assert set(per_corpus["subset"]) == {"corpus=ungdc"} and (per_corpus["n_items"] == 4).all()
    assert collect_module.main([str(tmp_path / "missing")]) == 2
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "metrics.json").write_text("{not json")
    assert collect_module.main([str(tmp_path / "bad"), "-o", str(tmp_path / "x.csv")]) == 2
    assert not (tmp_path / "x.csv").exists()


# ---------------------------------------------------------------- the command line


def _cli(tmp_path, cache_dir, *args, script="train.py", timeout=300):
    env = {**os.environ, "RHETORIC_CACHE": str(cache_dir), "HYDRA_FULL_ERROR": "1"}
    proc = subprocess.run([sys.executable, str(REPO / "experiments" / script), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


SMALL_LABELS = ["data.max_items=250", "targets=[threat,commitment]", *FAST]


@needs_data
def test_cli_single_run_with_overrides_writes_its_folder(tmp_path, cache_dir):
    _cli(tmp_path, cache_dir, "experiment=actor", "model=hist_gb", "features=rhetoric_tfidf", "data.max_items=60",
         *FAST, "hydra.run.dir=run")
    out = tmp_path / "run"
    result = json.loads((out / "metrics.json").read_text())
    assert (result["run"]["experiment"], result["run"]["model"], result["run"]["features"]) == \
        ("actor", "hist_gb", "rhetoric_tfidf")
    check_outputs(result, out)
    log = (out / "train.log").read_text()
    assert "fold 1/2" in log and "fold 2/2" in log
    assert (out / ".hydra" / "overrides.yaml").is_file()


@needs_data
def test_cli_sweep_over_two_models_collects_into_one_table(tmp_path, cache_dir):
    _cli(tmp_path, cache_dir, "-m", "model=logreg,linear_svm", *SMALL_LABELS, "hydra.sweep.dir=sweep")
    _cli(tmp_path, cache_dir, "sweep", "-o", "runs.csv", script="collect.py")
    table = pd.read_csv(tmp_path / "runs.csv")
    assert set(table["model"]) == {"logreg", "linear_svm"}
    pooled = table[table["subset"] == "all"]
    assert len(pooled) == 2 * 2 * 6  # runs x targets x binary metrics
    assert set(table["subset"]) == {"all", "corpus=crisis", "corpus=ungdc"}
    assert pooled["value"].notna().all() and (table["experiment"] == "labels").all()
    assert not (tmp_path / "runs.csv.tmp").exists()


@needs_data
def test_cli_joblib_launcher_runs_a_sweep_in_parallel(tmp_path, cache_dir):
    proc = _cli(tmp_path, cache_dir, "-m", "launcher=joblib", "model=logreg,linear_svm", *SMALL_LABELS,
                "hydra.sweep.dir=sweep")
    assert "Joblib" in proc.stdout + proc.stderr
    for job in ("0", "1"):
        assert (tmp_path / "sweep" / job / "metrics.json").is_file()


@needs_data
def test_cli_submitit_local_launcher_runs_a_job(tmp_path, cache_dir):
    _cli(tmp_path, cache_dir, "-m", "launcher=submitit_local", *SMALL_LABELS, "hydra.sweep.dir=sweep")
    result = json.loads((tmp_path / "sweep" / "0" / "metrics.json").read_text())
    assert set(result["targets"]) == {"threat", "commitment"}
    assert list((tmp_path / "sweep" / ".submitit").glob("*/*_result.pkl"))


def test_permutation_drop_finds_the_informative_column():
    from sklearn.linear_model import LogisticRegression

    from experiments.importance import permutation_drop

    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400)
    X = pd.DataFrame({"signal": y + rng.normal(0, 0.3, 400), "noise": rng.normal(0, 1, 400)})
    model = LogisticRegression().fit(X, y)
    drop = permutation_drop(model, X, y, 2, 3, np.random.default_rng(1))
    assert drop.shape == (2, 3)
    assert drop[0].mean() > 0.3 and abs(drop[1].mean()) < 0.05
    again = permutation_drop(model, X, y, 2, 3, np.random.default_rng(1))
    assert np.array_equal(drop, again)
