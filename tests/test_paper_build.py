"""The paper's build driver: finding the scripts, merging the numbers, and the build of
the core analyses on the small slice (twice, to show that it is deterministic).

The end-to-end fixture runs ``paper/build.py --small --no-pdf --only
validation,timeline,regression`` into two temporary ``RHETORIC_PAPER_OUT`` folders at
the same time (one per core), each with its own featurisation cache.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rhetoric.paths import data_root

REPO = Path(__file__).resolve().parents[1]
PAPER = REPO / "paper"
sys.path.insert(0, str(PAPER))

import build  # noqa: E402

CORE = ("validation", "timeline", "regression")

needs_data = pytest.mark.skipif(
    not (data_root(required=False) / "crisis" / "documents.jsonl.gz").is_file(),
    reason="the shared data is not there (set RHETORIC_DATA)",
)


# ---------------------------------------------------------------- scripts

def test_discover_finds_every_core_script_in_order():
    found = build.discover()
    names = {kind: [p.name for p in paths] for kind, paths in found.items()}
    for name in CORE:
        assert f"compute_{name}.py" in names["compute"] and f"fig_{name}.py" in names["fig"]
    assert names["compute"] == sorted(names["compute"])
    assert not any(n.startswith("_") for kind in names.values() for n in kind)


def test_scripts_belong_to_the_longest_matching_analysis():
    analyses = ["time", "timeline", "validation"]
    assert build.analysis_of(Path("fig_timeline.py"), analyses) == "timeline"
    assert build.analysis_of(Path("fig_timeline_swift.py"), analyses) == "timeline"
    assert build.analysis_of(Path("tab_validation.py"), analyses) == "validation"
    assert build.analysis_of(Path("fig_orphan.py"), analyses) == "orphan"


def test_only_selects_an_analysis_and_rejects_unknown_names(tmp_path):
    for name in ("compute_a.py", "fig_a.py", "tab_a_extra.py", "compute_b.py", "fig_b.py"):
        (tmp_path / name).write_text("")
    found = build.discover(tmp_path)
    picked = build.select(found, ["a"])
    assert [p.name for kind in build.KINDS for p in picked[kind]] == ["compute_a.py", "fig_a.py", "tab_a_extra.py"]
    with pytest.raises(SystemExit, match="nope"):
        build.select(found, ["nope"])


def test_only_brings_the_analyses_a_step_reads_and_their_scripts_join_its_inputs(tmp_path, monkeypatch):
    for name in ("compute_crossfit.py", "compute_regression.py", "fig_regression.py", "compute_timeline.py"):
        (tmp_path / name).write_text(f"# {name}\n")
    found = build.discover(tmp_path)
    picked = build.select(found, ["regression"])
    assert [p.name for p in picked["compute"]] == ["compute_crossfit.py", "compute_regression.py"]
    # a change to the script it reads from makes the step stale
    script = tmp_path / "compute_regression.py"
    before = build.input_digest(script, small=True)
    (tmp_path / "compute_crossfit.py").write_text("# changed\n")
    assert build.input_digest(script, small=True) != before
    # and the full settings are other inputs than the default ones
    monkeypatch.setenv("RHETORIC_PAPER_FULL", "1")
    assert build.input_digest(script, small=True) != build.input_digest(tmp_path / "compute_timeline.py", small=True)
    full = build.input_digest(script, small=True)
    monkeypatch.delenv("RHETORIC_PAPER_FULL")
    assert build.input_digest(script, small=True) != full


def test_full_settings_are_laid_over_the_defaults(monkeypatch):
    monkeypatch.syspath_prepend(str(build.SCRIPTS))
    import _common

    defaults = {"models": ["logreg"], "seeds": [0], "full": {"models": ["logreg", "hist_gb"], "seeds": [0, 1, 2]}}
    monkeypatch.delenv("RHETORIC_PAPER_FULL", raising=False)
    _, settings = _common.section("no_such_section", defaults)
    assert settings["models"] == ["logreg"] and settings["seeds"] == [0]
    monkeypatch.setenv("RHETORIC_PAPER_FULL", "1")
    _, settings = _common.section("no_such_section", defaults)
    assert settings["models"] == ["logreg", "hist_gb"] and settings["seeds"] == [0, 1, 2]


def test_full_and_small_exclude_each_other():
    proc = subprocess.run([sys.executable, str(PAPER / "build.py"), "--full", "--small", "--list"],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode != 0 and "exclude" in proc.stderr


# ---------------------------------------------------------------- numbers.tex

def _numbers(tmp_path, **files):
    folder = tmp_path / "numbers"
    folder.mkdir()
    for name, values in files.items():
        (folder / f"{name}.json").write_text(json.dumps(values))
    return folder


def test_numbers_are_merged_into_newcommands_with_fallbacks_for_the_missing(tmp_path):
    folder = _numbers(tmp_path, a={"AlphaOne": "0.71", "Beta": "3,946"}, b={"Gamma": "$-$0.2"})
    tex = tmp_path / "paper.tex"
    tex.write_text(r"\IfFileExists{x}{}{} \AlphaOne{} and \Gamma{} and \Missing{} \LaTeX")
    text, merged, unresolved = build.merge_numbers(folder, tex)
    assert r"\newcommand{\AlphaOne}{0.71}" in text and r"\newcommand{\Gamma}{$-$0.2}" in text
    assert merged == {"AlphaOne": "0.71", "Beta": "3,946", "Gamma": "$-$0.2"}
    # everything capitalised that no analysis wrote gets a fallback that LaTeX commands ignore
    assert unresolved == ["IfFileExists", "LaTeX", "Missing"]
    assert r"\providecommand{\Missing}{\missingnumber{Missing}}" in text


def test_a_macro_defined_twice_is_an_error_naming_both_files(tmp_path):
    folder = _numbers(tmp_path, a={"Same": "1"}, b={"Same": "2"})
    with pytest.raises(SystemExit, match=r"b\.json.*Same.*a\.json"):
        build.merge_numbers(folder, tmp_path / "absent.tex")


@pytest.mark.parametrize("values, message", [({"Has1Digit": "1"}, "letters only"), ({"Fine": 0.5}, "not a string")])
def test_bad_numbers_are_errors_naming_the_file(tmp_path, values, message):
    folder = _numbers(tmp_path, bad=values)
    with pytest.raises(SystemExit, match=rf"bad\.json.*{message}"):
        build.merge_numbers(folder, tmp_path / "absent.tex")


def test_a_compute_step_is_up_to_date_only_with_the_same_inputs_and_its_numbers(tmp_path):
    script = build.SCRIPTS / "compute_validation.py"
    digest = build.input_digest(script, small=True)
    assert digest == build.input_digest(script, small=True)
    assert digest != build.input_digest(script, small=False)
    assert digest != build.input_digest(build.SCRIPTS / "compute_timeline.py", small=True)
    assert not build.up_to_date(tmp_path, script, digest)  # never ran
    build.write_whole(digest + "\n", build.stamp_path(tmp_path, script))
    assert not build.up_to_date(tmp_path, script, digest)  # its numbers are gone
    (tmp_path / "build" / "numbers").mkdir(parents=True)
    (tmp_path / "build" / "numbers" / "validation.json").write_text("{}")
    assert build.up_to_date(tmp_path, script, digest)
    assert not build.up_to_date(tmp_path, script, "another digest")


def test_unknown_only_name_exits_with_the_list():
    proc = subprocess.run([sys.executable, str(PAPER / "build.py"), "--only", "nope", "--list"],
                          capture_output=True, text=True, cwd=REPO)
    assert proc.returncode != 0 and "validation" in proc.stderr


# ---------------------------------------------------------------- the small build, twice

@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    outs = [tmp_path_factory.mktemp(f"build{i}") for i in (1, 2)]
    procs = []
    for out in outs:
        env = {**os.environ, "RHETORIC_PAPER_OUT": str(out), "RHETORIC_CACHE": str(out / "cache")}
        env.pop("RHETORIC_PAPER_SMALL", None)
        cmd = [sys.executable, str(PAPER / "build.py"), "--small", "--no-pdf", "--only", ",".join(CORE)]
        procs.append(subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True))
    for proc in procs:
        log, _ = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"build failed:\n{log}"
        proc.log = log
    return outs, [p.log for p in procs]


@needs_data
def test_build_writes_numbers_tex_with_every_core_macro(two_builds):
    (out, _), (log, _) = two_builds
    text = (out / "build" / "numbers.tex").read_text()
    defined = set(re.findall(r"\\newcommand\{\\([A-Za-z]+)\}", text))
    for name in CORE:
        values = json.loads((out / "build" / "numbers" / f"{name}.json").read_text())
        assert set(values) <= defined
    tex = (PAPER / "paper.tex").read_text()
    used = {m for m in re.findall(r"\\([A-Z][A-Za-z]+)", tex) if m.startswith(("Val", "Time", "SwiftSevere", "Reg"))}
    assert used <= defined, f"paper.tex uses core numbers the build did not write: {sorted(used - defined)}"
    for fig in ("fig_validation", "fig_timeline", "fig_regression"):
        assert (out / "figures" / f"{fig}.pdf").stat().st_size > 10_000
    assert "total" in log and "--no-pdf" in log
    assert not (out / "paper.pdf").exists()


@needs_data
def test_two_builds_give_identical_numbers(two_builds):
    (one, two), _ = two_builds
    for name in CORE:
        a = (one / "build" / "numbers" / f"{name}.json").read_text()
        b = (two / "build" / "numbers" / f"{name}.json").read_text()
        assert a == b, f"{name}.json differs between two builds"
    for csv in ("validation_metrics.csv", "timeline_weekly.csv", "regression_coefs.csv"):
        assert (one / "build" / "data" / csv).read_bytes() == (two / "build" / "data" / csv).read_bytes(), csv


@needs_data
@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("latexmk") and not shutil.which("pdflatex"), reason="no LaTeX toolchain")
def test_the_paper_compiles_from_the_small_build(two_builds):
    (out, _), _ = two_builds
    env = {**os.environ, "RHETORIC_PAPER_OUT": str(out)}
    proc = subprocess.run([sys.executable, "-c", "import sys; sys.path.insert(0, 'paper'); import build; "
                           "from pathlib import Path; sys.exit(0 if build.build_pdf(Path(sys.argv[1])) else 1)",
                           str(out)], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "paper.pdf").stat().st_size > 50_000
