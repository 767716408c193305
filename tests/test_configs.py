"""Every Hydra config composes, and the composed configs mean what they say.

The option lists are read from ``configs/``: a new file in a group is tested without
touching this file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from hydra import compose, initialize_config_dir
from hydra.utils import instantiate
from omegaconf import OmegaConf
from sklearn.base import is_classifier

REPO = Path(__file__).resolve().parents[1]
CONFIGS = REPO / "configs"
sys.path.insert(0, str(REPO))

GROUPS = ("data", "features", "model", "cv", "experiment", "launcher", "paths", "hydra")


def options(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIGS / group).glob("*.yaml"))


def compose_train(*overrides: str, hydra_node: bool = False):
    with initialize_config_dir(version_base="1.3", config_dir=str(CONFIGS)):
        return compose("train", overrides=list(overrides), return_hydra_config=hydra_node)


def test_every_config_group_has_options_and_the_expected_ones():
    for group in GROUPS:
        assert options(group), f"configs/{group}/ is empty"
    assert {"annotations", "crisis_documents", "crisis_sentences", "ungdc"} <= set(options("data"))
    assert {"rhetoric", "tfidf", "rhetoric_tfidf", "extractor_scores"} <= set(options("features"))
    assert {"logreg", "linear_svm", "random_forest", "hist_gb"} <= set(options("model"))
    assert {"grouped_kfold", "stratified_kfold", "annotation_folds"} <= set(options("cv"))
    assert {"labels", "actor", "period", "ungdc"} <= set(options("experiment"))
    assert {"local", "joblib", "slurm", "submitit_local"} <= set(options("launcher"))


@pytest.mark.parametrize("group,option", [(g, o) for g in GROUPS for o in options(g)])
def test_every_option_composes_and_resolves(group, option):
    cfg = compose_train(f"{group}={option}", hydra_node=True)
    assert cfg.hydra.runtime.choices[group] == option
    plain = OmegaConf.masked_copy(cfg, [k for k in cfg if k not in ("hydra", "paths")])
    OmegaConf.to_container(plain, resolve=True, throw_on_missing=True)  # no dangling interpolation


@pytest.mark.parametrize("option", options("model"))
def test_models_instantiate_as_seeded_classifiers(option):
    cfg = compose_train(f"model={option}", "seed=7")
    model = instantiate(cfg.model, _convert_="all")
    assert is_classifier(model)
    assert model.get_params()["random_state"] == 7


PREDEFINED_CV = {"annotation_folds"}  # folds read from the data: nothing to shuffle


@pytest.mark.parametrize("option", sorted(set(options("cv")) - PREDEFINED_CV))
def test_cv_splitters_are_shuffled_by_the_seed(option):
    cfg = compose_train(f"cv={option}", "seed=11", "cv.n_splits=3")
    cv = instantiate(cfg.cv)
    assert (cv.n_splits, cv.shuffle, cv.random_state) == (3, True, 11)


def test_annotation_folds_are_the_files_fold_column_merged_on_request():
    import numpy as np
    import pandas as pd

    items = pd.DataFrame({"fold": [0, 1, 2, 3, 4, 0, 3], "doc_id": list("abcdeaf")})
    cv = instantiate(compose_train("cv=annotation_folds", "seed=11").cv).for_items(items)
    assert cv.get_n_splits() == 5 and cv.fold_labels == [0, 1, 2, 3, 4]
    tests = [test.tolist() for _, test in cv.split(np.zeros(len(items)))]
    assert tests == [[0, 5], [1], [2], [3, 6], [4]]
    # the seed does not move them
    again = instantiate(compose_train("cv=annotation_folds", "seed=12").cv).for_items(items)
    assert [t.tolist() for _, t in again.split()] == tests
    two = instantiate(compose_train("cv=annotation_folds", "cv.n_splits=2").cv).for_items(items)
    assert [t.tolist() for _, t in two.split()] == [[0, 2, 4, 5], [1, 3, 6]]
    with pytest.raises(KeyError, match="'fold'"):
        instantiate(compose_train("cv=annotation_folds").cv).for_items(items.drop(columns="fold"))


@pytest.mark.parametrize("option", options("experiment"))
def test_experiment_files_are_global_packages_that_set_the_task(option):
    text = (CONFIGS / "experiment" / f"{option}.yaml").read_text()
    assert text.splitlines()[0] == "# @package _global_"
    cfg = compose_train(f"experiment={option}")
    assert cfg.task == option


def test_default_run_is_the_labels_experiment_on_the_annotations():
    cfg = compose_train(hydra_node=True)
    assert cfg.task == "labels"
    assert list(cfg.targets) == ["threat", "conditionality", "two_path", "commitment"]
    assert cfg.hydra.runtime.choices["data"] == "annotations"
    # the file's own document-grouped folds, and metrics per corpus (crisis, ungdc)
    assert cfg.hydra.runtime.choices["cv"] == "annotation_folds" and cfg.cv.column == "fold"
    assert list(cfg.data.report_by) == ["corpus"]
    assert cfg.hydra.job.chdir is False


def test_the_command_line_wins_over_the_experiment():
    cfg = compose_train("experiment=actor", "features=rhetoric_tfidf", "model=hist_gb", hydra_node=True)
    choices = cfg.hydra.runtime.choices
    assert (choices["data"], choices["features"], choices["model"]) == ("crisis_documents", "rhetoric_tfidf", "hist_gb")
    assert cfg.features.tfidf is not None and cfg.features.rhetoric
    assert cfg.model._target_.endswith("HistGradientBoostingClassifier")


def test_experiment_specific_settings():
    period = compose_train("experiment=period")
    assert list(period.actors) == ["US", "RU", "UA"] and str(period.cutoff) == "2022-02-24"
    ungdc = compose_train("experiment=ungdc")
    assert set(ungdc.positive_iso3) == {"CHN", "FRA", "GBR", "USA", "RUS"}
    assert list(ungdc.features.extra_columns) == ["year"]
    assert ungdc.data.group_by == "iso3" and ungdc.data.max_items  # capped by default
    sentences = compose_train("experiment=actor", "data=crisis_sentences")
    assert sentences.data.unit == "sentence" and sentences.data.max_items


def test_one_seed_reaches_every_random_choice():
    cfg = compose_train("seed=99", "model=random_forest", "cv=grouped_kfold")
    assert cfg.model.random_state == 99 and cfg.cv.random_state == 99
    # the other experiments keep the seeded grouped folds
    for experiment in ("actor", "period", "ungdc"):
        assert compose_train(f"experiment={experiment}", "seed=99").cv.random_state == 99


@pytest.mark.parametrize("option,target", [
    ("local", "hydra._internal.core_plugins.basic_launcher.BasicLauncher"),
    ("joblib", "hydra_plugins.hydra_joblib_launcher.joblib_launcher.JoblibLauncher"),
    ("slurm", "hydra_plugins.hydra_submitit_launcher.submitit_launcher.SlurmLauncher"),
    ("submitit_local", "hydra_plugins.hydra_submitit_launcher.submitit_launcher.LocalLauncher"),
])
def test_launchers_select_hydra_launcher_plugins(option, target):
    cfg = compose_train(f"launcher={option}", hydra_node=True)
    assert cfg.hydra.launcher._target_ == target


def test_slurm_launcher_documents_its_cluster_fields():
    launcher = compose_train("launcher=slurm", hydra_node=True).hydra.launcher
    for field in ("partition", "timeout_min", "cpus_per_task", "mem_gb"):
        assert field in launcher
    text = (CONFIGS / "launcher" / "slurm.yaml").read_text()
    for field in ("partition", "timeout_min", "cpus_per_task"):
        line = next(l for l in text.splitlines() if l.strip().startswith(f"{field}:"))
        assert "#" in line, f"launcher/slurm.yaml: {field} has no comment"


def test_paths_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RHETORIC_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("RHETORIC_CACHE", str(tmp_path / "cache"))
    cfg = compose_train()
    assert cfg.paths.data_dir == str(tmp_path / "data")
    assert cfg.paths.cache_dir == str(tmp_path / "cache")
    monkeypatch.delenv("RHETORIC_DATA")
    assert compose_train().paths.data_dir is None  # rhetoric.paths.data_root() decides
    assert OmegaConf.to_yaml(compose_train().paths, resolve=False).count("${hydra:runtime.output_dir}") == 1


def test_train_script_uses_version_base_1_3_and_the_configs_folder():
    import experiments.train as train

    assert Path(train.CONFIG_DIR) == CONFIGS
    assert 'version_base="1.3"' in (REPO / "experiments" / "train.py").read_text()


def test_config_files_are_yaml_that_open_with_a_comment():
    # a config says what it is for before it says anything else
    for path in CONFIGS.rglob("*.yaml"):
        yaml.safe_load(path.read_text())
        assert path.read_text().lstrip().startswith("#"), f"{path.relative_to(REPO)} does not start with a comment"
