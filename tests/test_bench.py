"""The speed benchmark's peers: checked for what makes the comparison fair, not timed."""

import doctest
import importlib.util
from pathlib import Path

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
