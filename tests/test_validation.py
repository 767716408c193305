"""rhetoric.validation.labels_needed: how many times today's labels the learning curve's
last step says each aim needs, with paired document-bootstrap intervals."""

from __future__ import annotations

import numpy as np
import pytest

from rhetoric.constructs import CONSTRUCTS
from rhetoric.evaluate import format_report
from rhetoric.validation import F1_AIMS, labels_needed


def _f1(y, s):
    pred = np.asarray(s) >= 0.5
    y = np.asarray(y, dtype=bool)
    tp = (pred & y).sum()
    return 2 * tp / (pred.sum() + y.sum())


def _scores(rng, y, hit_rate):
    """Scores that find each positive with probability ``hit_rate`` and no negative."""
    return np.where(y == 1, (rng.random(len(y)) < hit_rate) * 0.9, 0.1)


def test_the_multiple_carries_the_last_steps_gain_on_to_the_aim():
    rng = np.random.default_rng(0)
    y = (rng.random(4000) < 0.2).astype(int)
    groups = np.repeat(np.arange(400), 10)
    smaller, larger = _scores(rng, y, 0.3), _scores(rng, y, 0.5)
    f_small, f_large = _f1(y, smaller), _f1(y, larger)
    r = labels_needed(y, smaller, larger, groups, 1.0, 0.8, n_boot=200, seed=1)
    assert r["f1"] == pytest.approx(f_large)
    assert r["gain_per_doubling"] == pytest.approx(f_large - f_small)
    assert r["multiple"] == pytest.approx(2 ** ((0.8 - f_large) / (f_large - f_small)))
    lo, hi = r["multiple_ci"]
    assert lo < r["multiple"] < hi
    assert r["gain_ci"][0] < r["gain_per_doubling"] < r["gain_ci"][1]
    # the step spans 2.5 doublings (20% -> 100% of the documents): the gain per doubling is smaller
    spread = labels_needed(y, smaller, larger, groups, np.log2(5), 0.8, n_boot=50, seed=1)
    assert spread["gain_per_doubling"] == pytest.approx((f_large - f_small) / np.log2(5))
    assert spread["multiple"] > r["multiple"]
    # the same seed gives the same interval
    assert labels_needed(y, smaller, larger, groups, 1.0, 0.8, n_boot=200, seed=1) == r


def test_a_met_aim_needs_no_more_labels_and_a_flat_curve_gives_no_bound():
    rng = np.random.default_rng(2)
    y = (rng.random(2000) < 0.3).astype(int)
    groups = np.arange(2000) // 5
    smaller, larger = _scores(rng, y, 0.6), _scores(rng, y, 0.9)
    assert labels_needed(y, smaller, larger, groups, 1.0, 0.5, n_boot=50)["multiple"] == 1.0
    flat = labels_needed(y, larger, smaller, groups, 1.0, 0.9, n_boot=50)  # the curve falls
    assert flat["gain_per_doubling"] < 0 and flat["multiple"] is None and flat["multiple_ci"][1] is None


def test_the_report_says_what_each_aim_needs():
    to_aim = {"aim": 0.6, "f1": 0.476, "doublings": 1.0, "gain_per_doubling": 0.047, "gain_ci": [0.01, 0.08],
              "multiple": 6.2, "multiple_ci": [2.9, None]}
    row = {"fraction": 1.0, "sentences": 100}
    for c in CONSTRUCTS:
        row[c] = {"f1": 0.5, "f1_ci": [0.4, 0.6], "auroc": 0.9, "to_aim": dict(to_aim, aim=F1_AIMS[c])}
    figures = {c: {"all": {"n": 1, "positives": 1}, "by_corpus": {}, "by_actor": {}, "calibration": []}
               for c in CONSTRUCTS}
    result = {"annotations": {"sentences": 100, "documents": 10, "file": "x"}, "bootstrap": {"resamples": 20},
              "engines": {"trained": {"how": "out-of-fold", "figures": figures, "learning_curve": [row]}}}
    text = format_report(result)
    assert "labels the aims need" in text
    for c in CONSTRUCTS:
        assert f"{c:<15}aim F1 {F1_AIMS[c]:.2f}, now 0.476; +0.047 F1 per doubling [+0.010, +0.080]: " \
               "6.2x today's labels [2.9x, no bound]" in text


def test_the_aims_are_the_constructs():
    assert set(F1_AIMS) == set(CONSTRUCTS)
