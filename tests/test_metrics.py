"""rhetoric.metrics: the project's one AUROC and precision/recall/F1."""

from __future__ import annotations

import doctest
import importlib.util
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

import rhetoric.metrics as rm
from rhetoric.metrics import auroc, auroc_rows, precision_recall_f1

REPO = Path(__file__).resolve().parents[1]


def test_doctests():
    assert doctest.testmod(rm).failed == 0


def _cases(seed: int, n_cases: int = 60):
    rng = np.random.default_rng(seed)
    for i in range(n_cases):
        n = int(rng.integers(2, 80))
        y = (rng.random(n) < rng.uniform(0.1, 0.9)).astype(int)
        if y.min() == y.max():
            y[0] = 1 - y[0]
        # every third case continuous, the others with many ties (scores on a coarse grid)
        s = rng.random(n) if i % 3 == 0 else rng.integers(0, int(rng.integers(2, 6)), n) / 4
        yield y, s


def test_auroc_equals_sklearn_with_and_without_ties():
    for y, s in _cases(0):
        assert auroc(y, s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)
        assert auroc(y.astype(bool), s) == pytest.approx(roc_auc_score(y, s), abs=1e-12)


def test_auroc_rows_is_auroc_of_each_row():
    rng = np.random.default_rng(1)
    y = rng.random((30, 25)) < 0.3
    s = rng.integers(0, 4, (30, 25)) / 3
    rows = auroc_rows(y, s)
    for i in range(len(y)):
        expected = roc_auc_score(y[i], s[i]) if 0 < y[i].sum() < y.shape[1] else math.nan
        assert rows[i] == pytest.approx(expected, abs=1e-12, nan_ok=True)


def test_auroc_is_nan_when_a_class_or_a_score_is_missing():
    assert math.isnan(auroc([1, 1, 1], [0.1, 0.5, 0.9]))
    assert math.isnan(auroc([0, 0], [0.1, 0.5]))
    assert math.isnan(auroc([], []))
    assert math.isnan(auroc([0, 1, 1], [0.1, float("nan"), 0.9]))
    assert auroc([0, 1], [0.3, 0.3]) == 0.5  # a tie counts half
    assert auroc([1, 0], [0.9, 0.1]) == 1.0 and auroc([0, 1], [0.9, 0.1]) == 0.0


def test_auroc_rejects_labels_that_are_not_binary_and_mismatched_lengths():
    with pytest.raises(ValueError, match="0/1"):
        auroc([1, 2, 2], [0.1, 0.2, 0.3])  # sklearn would take 2 as the positive class
    with pytest.raises(ValueError):
        auroc([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError):
        auroc_rows([0, 1], [0.1, 0.2])  # one row is [[...]]


def test_precision_recall_f1_equal_sklearn_with_zero_division_0():
    rng = np.random.default_rng(2)
    for _ in range(50):
        n = int(rng.integers(1, 40))
        y = (rng.random(n) < rng.random()).astype(int)
        pred = (rng.random(n) < rng.random()).astype(int)
        p, r, f = precision_recall_f1(y, pred)
        assert p == pytest.approx(precision_score(y, pred, zero_division=0))
        assert r == pytest.approx(recall_score(y, pred, zero_division=0))
        assert f == pytest.approx(f1_score(y, pred, zero_division=0))
    assert precision_recall_f1([0, 0], [0, 0]) == (0.0, 0.0, 0.0)
    assert precision_recall_f1([True, False], [True, True]) == (0.5, 1.0, pytest.approx(2 / 3))
    with pytest.raises(ValueError):
        precision_recall_f1([0, 1], [1])


def test_experiments_and_paper_use_the_same_auroc():
    sys.path.insert(0, str(REPO))
    try:
        from experiments.metrics import bootstrap_metrics, point_metrics
    finally:
        sys.path.remove(str(REPO))
    spec = importlib.util.spec_from_file_location("_cv", REPO / "paper" / "scripts" / "compute_validation.py")
    sys.path.insert(0, str(REPO / "paper" / "scripts"))
    try:
        cv = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cv)
    finally:
        sys.path.remove(str(REPO / "paper" / "scripts"))
    for y, s in _cases(3, 20):
        m = point_metrics(y, (s >= 0.5).astype(int), s[:, None], n_classes=2, positive=1)
        assert m["auroc"] == auroc(y, s) == cv.auroc(y, s)
    y, s = next(_cases(4, 1))
    boot = bootstrap_metrics(y, (s >= 0.5).astype(int), s[:, None], n_classes=2, positive=1, n_boot=50)
    assert boot["auroc"]["value"] == auroc(y, s)
    assert math.isnan(cv.auroc([1, 1], [0.2, 0.4]))


def test_importing_rhetoric_and_its_metrics_loads_no_numpy():
    code = ("import sys, rhetoric, rhetoric.metrics; "
            "assert 'numpy' not in sys.modules, 'numpy imported'; "
            "rhetoric.metrics.precision_recall_f1([1, 0], [1, 1]); "
            "assert 'numpy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
