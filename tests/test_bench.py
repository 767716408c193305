"""The speed benchmark's peers: checked for what makes the comparison fair, not timed."""

import doctest
import importlib.util
import json
from pathlib import Path

import pytest

from rhetoric.scoring import feature_names

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_floor_peer_writes_rows_as_wide_as_rhetoric_score(tmp_path):
    floor = _module("python_floor")
    assert doctest.testmod(floor).failed == 0
    # The floor stands for rhetoric's unavoidable per-line work, writing included: its
    # rows must be as wide as rhetoric score's (an id, then every feature).
    assert floor.WIDTH == len(feature_names())
    src, vocabulary, out = tmp_path / "in.txt", tmp_path / "vocabulary.txt", tmp_path / "out.csv"
    src.write_text("one\ntwo words\n\nthree\n", encoding="utf-8")
    vocabulary.write_text("words", encoding="utf-8")
    assert floor.main([str(src), str(vocabulary), "-o", str(out)]) == 0
    rows = out.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 4  # header + one row per input line, blank lines included
    assert {len(r.split(",")) for r in rows} == {1 + len(feature_names())}
    assert [r.split(",")[0] for r in rows[1:]] == ["0", "1", "2", "3"]


def test_long_text_benchmark_runs_every_size_against_its_peer(capsys):
    bench = _module("bench_long_text")
    assert bench.main(["--words", "40", "--steps", "3", "--repeats", "1", "--seed", "1"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line.strip()[:1].isdigit()]
    # One row per size, each twice the last, with the text's length and both times.
    assert [int(r[0].replace(",", "")) for r in rows] == [40, 80, 160]
    assert all(float(r[2]) >= 0 and float(r[4]) >= 0 for r in rows)
    assert rows[0][3] == "-" and all(float(r[3]) > 0 for r in rows[1:])


def test_vader_benchmark_times_both_engines_against_vader_in_one_run(tmp_path, capsys):
    pytest.importorskip("vaderSentiment")
    bench = _module("bench_vader")
    if bench.console_script("rhetoric") is None:
        pytest.skip("the rhetoric console script is not installed")
    src, saved = tmp_path / "in.txt", tmp_path / "bench.json"
    src.write_text("We will respond decisively.\nIf Russia invades, it will pay.\nNice weather.\n", encoding="utf-8")
    assert bench.main(["--input", str(src), "--repeats", "1", "--json", str(saved)]) == 0
    printed = capsys.readouterr().out.splitlines()
    # One row per command: both engines of rhetoric score, the VADER peer, the floor;
    # each with its ratio to VADER (VADER's own is 1).
    names = ["trained", "rules", "vader", "floor"]
    rows = {line.split()[0]: line.split() for line in printed if line.split()[:1] and line.split()[0] in names}
    assert list(rows) == names
    assert all(len(r) == 8 and r[-1].endswith("x") and r[-2].endswith("x") for r in rows.values())
    assert rows["vader"][-2:] == ["1.00x", "1.00x"]
    for engine in ("trained", "rules"):
        assert any(line.startswith(f"VADER time / rhetoric score --engine {engine} time: ") for line in printed)
        assert any(line.startswith(f"memory flatness, rhetoric score --engine {engine} peak RSS: ") for line in printed)
    results = json.loads(saved.read_text(encoding="utf-8"))
    assert results["sentences"] == 3 and results["repeats"] == 1
    assert list(results["results"]) == names and list(results["ratio_vader_over"]) == names
    assert all(len(s["runs"]) == 1 and s["median_wall_s"] > 0 and s["peak_rss_mb"] > 0
               for s in results["results"].values())
    assert results["ratio_vader_over"]["vader"] == {"wall": 1.0, "cpu": 1.0}
    # Each engine is named on its command line, not left to the default.
    assert results["commands"]["trained"][-5:-3] == ["--engine", "trained"]
    assert results["commands"]["rules"][-5:-3] == ["--engine", "rules"]
    assert {e: (f["lines_1x"], f["lines_4x"]) for e, f in results["memory_flatness"].items()} == \
        {"trained": (3, 12), "rules": (3, 12)}
