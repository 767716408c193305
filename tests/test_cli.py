"""The ``rhetoric`` command line, run as a user would: in a subprocess."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

import rhetoric

THREAT = "If Russia invades, it will face swift and severe consequences."
NEUTRAL = "The weather in Geneva was pleasant on Tuesday."
TWO_SENTENCES = "The weather was pleasant. We will defend every inch of our land."
TEXTS = [THREAT, NEUTRAL, TWO_SENTENCES]
COLUMNS = ["id", *rhetoric.CONSTRUCTS, *[f for f in rhetoric.feature_names() if f not in rhetoric.CONSTRUCTS]]
ROOT = Path(__file__).resolve().parent.parent


def run(*args, stdin: bytes | str | None = None, cwd=None, env=None) -> subprocess.CompletedProcess:
    if isinstance(stdin, str):
        stdin = stdin.encode("utf-8")
    return subprocess.run(
        [sys.executable, "-m", "rhetoric.cli", *map(str, args)],
        input=stdin, capture_output=True, cwd=cwd, env=env, timeout=60,
    )


def csv_rows(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text))
    return reader.fieldnames, list(reader)


def jsonl(texts, **extra) -> str:
    return "".join(json.dumps({"text": t, **{k: v[i] for k, v in extra.items()}}) + "\n" for i, t in enumerate(texts))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def expected(text: str, split: bool = True) -> dict[str, float]:
    return {k: round(v, 4) for k, v in rhetoric.score(text, split=split).features.items()}


# --- score ---------------------------------------------------------------------------

def test_jsonl_to_stdout_keeps_order_ids_and_columns(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(jsonl(TEXTS, doc=["d-a", "d-b", "d-c"]))
    res = run("score", src, "--id-field", "doc")
    assert res.returncode == 0, res.stderr
    header, rows = csv_rows(res.stdout.decode())
    assert header == COLUMNS
    assert [r["id"] for r in rows] == ["d-a", "d-b", "d-c"]
    for row, text in zip(rows, TEXTS):
        assert {k: float(row[k]) for k in COLUMNS[1:]} == expected(text)
    assert float(rows[0]["threat"]) >= 0.5 > float(rows[1]["threat"])


def test_csv_input_with_fields_to_jsonl_output(tmp_path):
    src = tmp_path / "in.csv"
    with open(src, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "body", "other"])
        for i, t in enumerate(TEXTS):
            w.writerow([f"k{i}", t, "x"])
    out = tmp_path / "out.jsonl"
    res = run("score", src, "-o", out, "--text-field", "body", "--id-field", "key")
    assert res.returncode == 0, res.stderr
    assert res.stdout == b""
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [list(r) for r in rows] == [COLUMNS] * 3
    assert [r["id"] for r in rows] == ["k0", "k1", "k2"]
    assert rows[2]["n_sentences"] == 2


def test_txt_rows_default_to_row_numbers(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("\n".join(TEXTS) + "\n")
    out = tmp_path / "out.csv"
    assert run("score", src, "-o", out).returncode == 0
    header, rows = csv_rows(out.read_text())
    assert [r["id"] for r in rows] == ["0", "1", "2"]


def test_gzip_in_and_out(tmp_path):
    src = tmp_path / "in.jsonl.gz"
    src.write_bytes(gzip.compress(jsonl(TEXTS * 5).encode()))
    out = tmp_path / "out.csv.gz"
    res = run("score", src, "-o", out)
    assert res.returncode == 0, res.stderr
    header, rows = csv_rows(gzip.decompress(out.read_bytes()).decode())
    assert len(rows) == 15 and header == COLUMNS


def test_stdin_txt_by_default_and_jsonl_with_format():
    res = run("score", "-", stdin="\n".join(TEXTS) + "\n")
    assert res.returncode == 0, res.stderr
    assert len(csv_rows(res.stdout.decode())[1]) == 3
    res = run("score", "-", "--format", "jsonl", stdin=jsonl(TEXTS))
    assert [float(r["threat"]) for r in csv_rows(res.stdout.decode())[1]] == [expected(t)["threat"] for t in TEXTS]


def test_no_split_scores_each_row_as_one_sentence():
    whole = run("score", "-", "--no-split", stdin=TWO_SENTENCES)
    split = run("score", "-", stdin=TWO_SENTENCES)
    assert csv_rows(whole.stdout.decode())[1][0]["n_sentences"] == "1"
    assert csv_rows(split.stdout.decode())[1][0]["n_sentences"] == "2"


def test_digits_keep_output_small():
    res = run("score", "-", "--digits", "2", stdin=THREAT)
    row = csv_rows(res.stdout.decode())[1][0]
    assert all(len(row[c].split(".")[-1]) <= 2 for c in rhetoric.CONSTRUCTS)


BAD_INPUTS = [
    # name, content (good rows first, so a non-atomic writer would leave rows behind), line, fragment
    ("bad.jsonl", jsonl(TEXTS) + '{"text": "unfinished\n', 4, "not valid JSON"),
    ("bad.jsonl", jsonl(TEXTS) + '{"body": "x"}\n', 4, "no field 'text'"),
    ("bad.jsonl", jsonl(TEXTS) + '{"text": ["a", "b"]}\n', 4, "is list, expected a string"),
    ("bad.txt", (NEUTRAL + "\n" + THREAT + "\n").encode() + b"caf\xe9\n", 3, "not UTF-8"),
    ("bad.csv", "body\n" + NEUTRAL + "\n", 1, "no column 'text'"),
    ("bad.csv", 'text\n"' + NEUTRAL + '"\n"' + THREAT + '\n', 3, "not valid CSV"),
]


@pytest.mark.parametrize("name, content, line, fragment", BAD_INPUTS)
def test_bad_input_exits_2_and_leaves_old_output_intact(tmp_path, name, content, line, fragment):
    src = tmp_path / name
    src.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "out.csv"
    out.write_text("old results\n")
    res = run("score", src, "-o", out)
    assert res.returncode == 2
    err = res.stderr.decode()
    assert err.startswith(f"rhetoric: error: {src}:{line}: "), err
    assert fragment in err
    assert out.read_text() == "old results\n"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("content", [THREAT + "\n", NEUTRAL + "\n" + "caf\xe9\n"])
def test_score_in_process_leaves_the_garbage_collector_as_it_was(tmp_path, content):
    """``main`` collects less while scoring (lexicons frozen, young threshold raised);
    a caller's process gets its settings back, after a run and after a bad row."""
    import gc

    from rhetoric.cli import main

    src = tmp_path / "in.txt"
    src.write_bytes(content.encode("latin-1"))
    before = gc.get_threshold(), gc.get_freeze_count()
    code = main(["score", str(src), "-o", str(tmp_path / "out.csv")])
    assert code == (0 if "caf" not in content else 2)
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_bad_input_creates_no_output(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text(jsonl(TEXTS) + "not json\n")
    out = tmp_path / "out.jsonl"
    res = run("score", src, "-o", out)
    assert res.returncode == 2
    assert not out.exists() and leftovers(tmp_path) == []


def test_bad_stdin_names_stdin():
    res = run("score", "-", "--format", "jsonl", stdin=jsonl([THREAT]) + "{oops\n")
    assert res.returncode == 2
    assert b"rhetoric: error: <stdin>:2: not valid JSON" in res.stderr


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["score", "{missing}"], "cannot open"),
        (["score", "{src}", "-o", "{tmp}/out.xlsx"], "cannot tell the output format"),
        (["score", "{src}", "-o", "{tmp}/no/such/folder/out.csv"], "No such file or directory"),
    ],
)
def test_usage_errors_exit_2(tmp_path, args, fragment):
    src = tmp_path / "in.txt"
    src.write_text(THREAT)
    args = [a.format(missing=tmp_path / "missing.jsonl", src=src, tmp=tmp_path) for a in args]
    res = run(*args)
    assert res.returncode == 2
    assert res.stderr.decode().startswith("rhetoric: error: ")
    assert fragment in res.stderr.decode()


def test_jobs_give_the_same_rows_in_the_same_order(tmp_path):
    src = tmp_path / "in.jsonl"
    texts = [f"{TEXTS[i % 3]} Row {i}." for i in range(70)]  # more batches than workers
    src.write_text(jsonl(texts, doc=[f"d{i}" for i in range(len(texts))]))
    serial = run("score", src, "--id-field", "doc")
    parallel = run("score", src, "--id-field", "doc", "--jobs", "2")
    assert parallel.returncode == 0, parallel.stderr
    assert parallel.stdout == serial.stdout
    assert len(csv_rows(parallel.stdout.decode())[1]) == len(texts)


@pytest.mark.parametrize(
    "sig, code, jobs",
    [(signal.SIGINT, 130, "1"), (signal.SIGTERM, 143, "1"), (signal.SIGINT, 130, "2")],
    ids=["ctrl-c", "sigterm", "ctrl-c-jobs"],
)
def test_interrupted_run_leaves_no_output(tmp_path, sig, code, jobs):
    out = tmp_path / "out.csv"
    out.write_text("old results\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "rhetoric.cli", "score", "-", "-o", str(out), "--jobs", jobs],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        # a test run started in the background (`make test &`) ignores SIGINT, and children
        # inherit that: give the child the disposition a terminal user's process has
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        proc.stdin.write((THREAT + "\n").encode() * 3)
        proc.stdin.flush()
        deadline = time.monotonic() + 30
        while not leftovers(tmp_path):  # the temporary output exists: scoring has begun
            assert time.monotonic() < deadline, "the temporary output never appeared"
            time.sleep(0.02)
        time.sleep(0.2)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, err
    assert err.startswith(b"rhetoric: "), err
    assert out.read_text() == "old results\n"
    assert leftovers(tmp_path) == []


# --- explain -------------------------------------------------------------------------

def test_explain_brackets_the_matched_words_without_colour():
    res = run("explain", THREAT, "--color", "never")
    assert res.returncode == 0, res.stderr
    out = res.stdout.decode()
    assert out.splitlines()[0].startswith("threat ")
    marked = [e.text for e in rhetoric.score(THREAT).evidence if e.weight > 0 and e.start is not None]
    assert marked and any(f"[{word}]" in out for word in marked)
    assert "\x1b[" not in out


def test_explain_colours_when_asked_and_not_when_piped(tmp_path):
    assert b"\x1b[1;" in run("explain", THREAT, "--color", "always").stdout
    assert b"\x1b[" not in run("explain", THREAT).stdout  # auto: stdout is a pipe here


def test_explain_json_from_stdin():
    res = run("explain", "-", "--json", stdin=TWO_SENTENCES)
    doc = json.loads(res.stdout)
    assert list(doc["features"]) == list(rhetoric.feature_names())
    assert len(doc["sentences"]) == 2
    evidence = [e for s in doc["sentences"] for e in s["evidence"]]
    assert evidence and {"construct", "rule", "weight", "start", "end", "text", "reason"} <= set(evidence[0])
    for e in evidence:
        if e["start"] is not None:
            assert TWO_SENTENCES[e["start"]:e["end"]] == e["text"]


# --- evaluate, version, installation, start-up ---------------------------------------

def test_evaluate_is_delegated(tmp_path):
    ann = tmp_path / "ann.jsonl"
    rows = [{"text": THREAT, "threat": 1, "conditionality": 1, "two_path": 0, "commitment": 0},
            {"text": NEUTRAL, "threat": 0, "conditionality": 0, "two_path": 0, "commitment": 0}]
    ann.write_text("".join(json.dumps(r) + "\n" for r in rows))
    res = run("evaluate", "--annotations", ann, "--engine", "rules", "--json", "--n-boot", "20")
    assert res.returncode == 0, res.stderr
    table = json.loads(res.stdout)["engines"]["rules"]["figures"]
    assert set(table) == set(rhetoric.CONSTRUCTS) and table["threat"]["all"]["n"] == 2
    # the trained scorer is judged by grouped CV: a file without folds is a clear error
    res = run("evaluate", "--annotations", ann, "--engine", "trained")
    assert res.returncode == 2 and b"needs a `fold`" in res.stderr


def test_version():
    res = run("--version")
    assert res.stdout.decode().strip() == f"rhetoric {rhetoric.__version__}"


def test_installed_console_script():
    try:
        scripts = metadata.entry_points(group="console_scripts")
    except Exception:  # pragma: no cover
        scripts = []
    entry = [ep for ep in scripts if ep.name == "rhetoric"]
    if not entry:
        pytest.skip("rhetoric is not installed (pip install -e .)")
    assert entry[0].value == "rhetoric.cli:main"
    exe = shutil.which("rhetoric") or shutil.which("rhetoric", path=str(Path(sys.executable).parent))
    assert exe, "the rhetoric script is not on PATH"
    res = subprocess.run([exe, "--version"], capture_output=True, timeout=60)
    assert res.returncode == 0 and res.stdout.decode().startswith("rhetoric ")


HEAVY = ("numpy", "pandas", "sklearn", "scipy")


@pytest.mark.parametrize("args", [["--help"], ["score", "{src}"]])
def test_start_up_imports_no_heavy_module(tmp_path, args):
    src = tmp_path / "one.txt"
    src.write_text(THREAT + "\n")
    res = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "rhetoric.cli", *[a.format(src=src) for a in args]],
        capture_output=True, timeout=60,
    )
    assert res.returncode == 0, res.stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in res.stderr.decode().splitlines()
                if line.startswith("import time:")}
    assert not imported & set(HEAVY), sorted(imported & set(HEAVY))
