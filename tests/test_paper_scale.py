"""The throughput analysis of the paper: timing summary, figure and numbers.

The end-to-end test runs ``compute_scale.py --small`` (a few hundred sentences, one round)
into a temporary ``RHETORIC_PAPER_OUT``, then the figure script. Timings are not
asserted (the machine may be busy); their bookkeeping is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rhetoric.paths import data_root

SCRIPTS = Path(__file__).resolve().parents[1] / "paper" / "scripts"
sys.path.insert(0, str(SCRIPTS))

import compute_scale  # noqa: E402

needs_data = pytest.mark.skipif(
    not (data_root(required=False) / "ungdc" / "speeches.jsonl.gz").is_file(),
    reason="the shared data is not there (set RHETORIC_DATA)",
)

PAPER_KEYS = {
    "ScaleSentences", "ScaleWords", "ScaleCores", "ScaleSerialRate", "ScaleVaderRate",
    "ScaleVaderRatioSerial", "ScaleVaderRatioSerialCPU", "ScaleRateWorkersOne", "ScaleRateWorkersTwo",
    "ScaleVaderRatioWorkersOne", "ScaleVaderRatioWorkersTwo", "ScaleSpeedupMaxWorkers",
}


def test_summary_takes_median_over_rounds_and_ratio_against_vader():
    rows = []
    for rnd, (vader, serial, two) in enumerate([(1.0, 4.0, 2.0), (3.0, 8.0, 3.0), (2.0, 6.0, 100.0)]):
        rows += [
            {"engine": "vader", "backend": "serial", "workers": 1, "round": rnd, "seconds": vader},
            {"engine": "rhetoric", "backend": "serial", "workers": 1, "round": rnd, "seconds": serial},
            {"engine": "rhetoric", "backend": "processes", "workers": 2, "round": rnd, "seconds": two},
        ]
    runs = pd.DataFrame(rows).assign(sentences=600, words=6000)
    summary = compute_scale.summarise(runs.assign(cpu_seconds=runs["seconds"] / 2), {2: 0.5}).set_index(["engine", "backend", "workers"])
    # medians: vader 2, serial 6, two workers 3 (the 100 s outlier round does not count)
    assert summary.loc[("rhetoric", "processes", 2), "seconds"] == 3.0
    assert summary.loc[("rhetoric", "processes", 2), "sentences_per_s"] == 200.0
    assert summary.loc[("rhetoric", "serial", 1), "vader_time_ratio"] == pytest.approx(2 / 6)
    assert summary.loc[("vader", "serial", 1), "vader_time_ratio"] == 1.0
    assert summary.loc[("rhetoric", "serial", 1), "vader_cpu_ratio"] == pytest.approx(1 / 3)
    assert summary.loc[("rhetoric", "processes", 2), "pool_start_s"] == 0.5


def test_whole_process_benchmark_numbers_are_read_from_its_json():
    bench = {
        "sentences": 25000, "repeats": 3,
        "ratio_vader_over_rhetoric_wall": 0.636, "ratio_vader_over_rhetoric_cpu": 0.658,
        "results": {name: {"sentences_per_s_cpu": rate, "peak_rss_mb": 19.7}
                    for name, rate in (("rhetoric", 9541.3), ("vader", 14493.4))},
    }
    nums = compute_scale.bench_numbers(bench)
    assert nums["ScaleBenchRatioCPU"] == "0.66" and nums["ScaleBenchSentences"] == "25,000"
    assert nums["ScaleBenchRhetoricRateCPU"] == "9,541"
    assert compute_scale.bench_numbers({"sentences": 10, "repeats": 1}) == {}  # all or nothing


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("paper")
    env = {**os.environ, "RHETORIC_PAPER_OUT": str(out)}
    for args in (["compute_scale.py", "--small"], ["fig_scale.py"]):
        proc = subprocess.run([sys.executable, str(SCRIPTS / args[0])] + args[1:], env=env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{args[0]} failed:\n{proc.stdout}\n{proc.stderr}"
    return out


@needs_data
def test_small_build_times_every_engine_on_the_same_sentences(small_build):
    summary = pd.read_csv(small_build / "build" / "data" / "scale_summary.csv")
    engines = set(zip(summary["engine"], summary["backend"], summary["workers"]))
    assert {("rhetoric", "processes", 1), ("rhetoric", "processes", 2), ("rhetoric", "serial", 1),
            ("vader", "serial", 1)} <= engines
    assert summary["sentences"].nunique() == 1 and summary["sentences"].iloc[0] > 0
    assert (summary["sentences_per_s"] > 0).all()
    vader_s = summary.loc[summary["engine"] == "vader", "seconds"].iloc[0]
    assert (summary["vader_time_ratio"] - vader_s / summary["seconds"]).abs().max() < 1e-9


@needs_data
def test_small_build_writes_numbers_and_figure(small_build):
    numbers = json.loads((small_build / "build" / "numbers" / "scale.json").read_text())
    assert PAPER_KEYS <= set(numbers)
    assert all(isinstance(v, str) and v for v in numbers.values())
    for ext, min_bytes in (("pdf", 5_000), ("png", 15_000)):
        assert (small_build / "figures" / f"fig_scale.{ext}").stat().st_size > min_bytes
    assert (small_build / "figures" / "fig_scale.pdf").read_bytes().startswith(b"%PDF")


@needs_data
def test_sample_is_the_same_for_the_same_seed():
    cfg = {**compute_scale.DEFAULTS, **compute_scale.DEFAULTS["small"], "sentences": 60}
    a = compute_scale.sample_sentences(cfg, small=True, seed=7)
    b = compute_scale.sample_sentences(cfg, small=True, seed=7)
    c = compute_scale.sample_sentences(cfg, small=True, seed=8)
    assert a["text"].tolist() == b["text"].tolist()
    assert a["text"].tolist() != c["text"].tolist()
    assert a["corpus"].value_counts().to_dict() == {"crisis": 30, "ungdc": 30}
