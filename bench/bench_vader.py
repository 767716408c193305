"""Speed benchmark: ``rhetoric score`` (both engines) against a VADER peer, whole process
against whole process, each pinned to one core.

    python bench/bench_vader.py [--sentences 25000] [--repeats 3] [--seed 0] [--json PATH]
    python bench/bench_vader.py --input FILE.txt ...   # your own sentences, one per line

1. Draws ``--sentences`` sentences (seeded) from the crisis corpus
   (``$RHETORIC_DATA/crisis/documents.jsonl.gz``), split as the scorer splits them
   (:func:`rhetoric.text.normalise`, then :func:`rhetoric.text.split_sentences`), and
   writes them one per line to a temporary ``.txt`` (or copies ``--input``).
2. Times, alternating, ``--repeats`` runs of each command as a fresh process pinned to
   one core (``taskset -c CORE`` when available):

   - ``rhetoric score --engine trained FILE.txt -o out.csv`` (the installed console
     script; the default engine: logistic regressions, a 3 MB model read at start-up),
   - ``rhetoric score --engine rules FILE.txt -o out.csv`` (the hand-set rules),
   - ``python bench/vader_score.py FILE.txt -o out.csv`` (vaderSentiment, same file
     read line by line, compound/neg/neu/pos per line as CSV);
   - ``python bench/python_floor.py FILE.txt VOCABULARY -o out.csv``, the floor: what
     any Python scorer must do per line (read, fold case, look up the words in the
     lexicons' anchor words, write a row of the same width) with no rule run. It shows
     how much of rhetoric's time its rules and scoring take, and how far below VADER a
     Python scorer can get at all.

   One untimed run of each comes first (disk cache, bytecode). Reported per command:
   the median wall time, the median CPU time (user + system) of the child, sentences
   per second (wall) and the child's peak resident memory (``getrusage`` of that one
   child via ``os.wait4``). The headline, per command, is VADER time / its time (medians
   of this one run): above 1, it is faster than VADER. CPU time is printed too because
   wall time also counts waiting for the core when other work runs on the machine; the
   load average is recorded.
3. Memory flatness: each engine of ``rhetoric score`` on the input and on the input
   repeated four times; it streams, so both peaks should be about equal.

Results go to ``--json`` (default ``bench/results/bench_vader-<time>.json``, ignored by
git). Needs the package installed (``pip install -e '.[bench]'``) and the data folder
(see ``rhetoric.paths``; not with ``--input``). Takes about two minutes.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VADER_SCRIPT = HERE / "vader_score.py"
FLOOR_SCRIPT = HERE / "python_floor.py"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def corpus_sentences(path: Path) -> list[str]:
    """Every sentence of the corpus, as the scorer sees it, one line each."""
    from rhetoric.text import normalise, split_sentences

    out: list[str] = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                text = json.loads(line)["text"]
            except (json.JSONDecodeError, KeyError) as exc:
                raise SystemExit(f"{path}:{lineno}: not a document with a 'text' field ({exc})") from None
            norm = normalise(text)
            for start, end in split_sentences(norm):
                sentence = " ".join(norm[start:end].split())  # one line, no stray breaks
                if sentence:
                    out.append(sentence)
    return out


def draw(sentences: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    if n <= len(sentences):
        return rng.sample(sentences, n)
    return rng.choices(sentences, k=n)


def write_sample(n: str, seed: str, source: str, out_1x: str, out_4x: str, out_vocabulary: str) -> int:
    """Write the sentences (``n`` drawn from the corpus, or the lines of ``source`` when it
    is not empty) once and four times over, and the lexicons' anchor words."""
    from rhetoric._matching import _REGISTRY
    from rhetoric.paths import DataNotFound, data_root
    from rhetoric.scoring import feature_rows

    if source:
        sample = [line for line in Path(source).read_text(encoding="utf-8").splitlines() if line.strip()]
        log(f"      {len(sample):,} lines of {source}")
    else:
        try:
            corpus = data_root() / "crisis" / "documents.jsonl.gz"
        except DataNotFound as exc:
            raise SystemExit(str(exc)) from None
        log(f"      {corpus}")
        pool = corpus_sentences(corpus)
        sample = draw(pool, int(n), int(seed))
        log(f"      {len(pool):,} sentences in the corpus; drew {len(sample):,} (seed {seed})")
    text = "\n".join(sample) + "\n"
    Path(out_1x).write_text(text, encoding="utf-8")
    Path(out_4x).write_text(text * 4, encoding="utf-8")
    feature_rows(["load every lexicon"], engine="rules")  # registers their anchor words
    Path(out_vocabulary).write_text(" ".join(sorted(_REGISTRY.words)), encoding="utf-8")
    return 0


def _atomic_path():
    """The project's whole-or-nothing writer, :func:`rhetoric._atomic.atomic_path`, read
    from its file: this process imports no rhetoric (see write_sample), and that module
    needs only the standard library."""
    spec = importlib.util.spec_from_file_location("_rhetoric_atomic", HERE.parent / "rhetoric" / "_atomic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.atomic_path


def pinned(cmd: list[str], core: int | None) -> list[str]:
    return ["taskset", "-c", str(core), *cmd] if core is not None else cmd


# Both commands run as an installed program would: with their modules' byte code cached
# (a PYTHONDONTWRITEBYTECODE in this shell would make one side recompile its source at
# every start; the warm-up run writes the caches).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def console_script(name: str) -> str | None:
    """The console script ``name`` of this interpreter's environment (beside
    ``sys.executable``), not a shim or another environment's found on PATH first."""
    here = Path(sys.executable).parent / name
    return str(here) if here.is_file() else shutil.which(name)


def run(cmd: list[str]) -> dict:
    """Run ``cmd`` as a fresh process; its wall time, CPU time and peak memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=CHILD_ENV)
    # wait4 gives this one child's resource use (getrusage(RUSAGE_CHILDREN) would
    # report the largest peak of all children so far).
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n{err}")
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
    }


def count_lines(path: Path) -> int:
    with open(path, encoding="utf-8") as fh:
        return sum(1 for _ in fh)


def count_rows(path: Path) -> int:
    return count_lines(path) - 1  # minus the header


def summarise(runs: list[dict], n: int) -> dict:
    wall = statistics.median(r["wall_s"] for r in runs)
    cpu = statistics.median(r["cpu_s"] for r in runs)
    return {
        "runs": runs,
        "median_wall_s": wall,
        "median_cpu_s": cpu,
        "sentences_per_s_wall": n / wall,
        "sentences_per_s_cpu": n / cpu,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
    }


# The commands timed, in the order of the report: both engines of ``rhetoric score``,
# the VADER peer, the Python floor.
ENGINES = ("trained", "rules")
PEER = "vader"
FLOOR = "floor"


def report(stats: dict, n: int, repeats: int, core: int | None) -> tuple[str, dict]:
    """The printed table and each command's ratio VADER time / its time (medians of one
    run; above 1: faster than VADER)."""
    vader = stats[PEER]
    ratios = {name: {"wall": vader["median_wall_s"] / s["median_wall_s"], "cpu": vader["median_cpu_s"] / s["median_cpu_s"]}
              for name, s in stats.items()}
    lines = [f"{n:,} sentences, one per line; {repeats} runs each, medians; "
             f"{'pinned to core ' + str(core) if core is not None else 'NOT pinned'}",
             f"{'command':<10}{'wall s':>9}{'cpu s':>9}{'sent/s (wall)':>16}{'sent/s (cpu)':>15}{'peak RSS MB':>14}"
             f"{'VADER/x wall':>14}{'VADER/x cpu':>13}"]
    for name, s in stats.items():
        lines.append(f"{name:<10}{s['median_wall_s']:>9.2f}{s['median_cpu_s']:>9.2f}{s['sentences_per_s_wall']:>16,.0f}"
                     f"{s['sentences_per_s_cpu']:>15,.0f}{s['peak_rss_mb']:>14.1f}"
                     f"{ratios[name]['wall']:>13.2f}x{ratios[name]['cpu']:>12.2f}x")
    for name in ENGINES:
        lines.append(f"VADER time / rhetoric score --engine {name} time: {ratios[name]['wall']:.2f}x (wall), "
                     f"{ratios[name]['cpu']:.2f}x (cpu)")
    floor_wall = stats[FLOOR]["median_wall_s"]
    lines.append(f"Python floor (read, fold case, look up words, write; no rule): {floor_wall:.2f} s = VADER / "
                 f"{ratios[FLOOR]['wall']:.1f}; " + ", ".join(
                     f"{name} = floor x {stats[name]['median_wall_s'] / floor_wall:.1f}" for name in ENGINES))
    return "\n".join(lines), ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=25000, metavar="N",
                        help="sentences drawn from the crisis corpus (default: 25000)")
    parser.add_argument("--input", metavar="FILE", help="time these sentences (a .txt, one per line) instead of "
                        "a draw from the corpus")
    parser.add_argument("--repeats", type=int, default=3, metavar="R", help="timed runs per command (default: 3)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the draw (default: 0)")
    parser.add_argument("--core", type=int, default=0, help="the core to pin each run to (default: 0)")
    parser.add_argument("--json", metavar="PATH", help="where to save the results "
                        "(default: bench/results/bench_vader-<time>.json)")
    parser.add_argument("--_write-sample", nargs=6, help=argparse.SUPPRESS,
                        metavar=("N", "SEED", "SOURCE", "OUT_1X", "OUT_4X", "OUT_VOCABULARY"))
    args = parser.parse_args(argv)
    if args._write_sample:
        return write_sample(*args._write_sample)
    if args.sentences < 1 or args.repeats < 1:
        parser.error("--sentences and --repeats must be at least 1")

    # This process imports neither rhetoric nor VADER: see write_sample.
    rhetoric_exe = console_script("rhetoric")
    if rhetoric_exe is None:
        raise SystemExit("the `rhetoric` command is not installed: pip install -e '.[bench]'")
    if importlib.util.find_spec("vaderSentiment") is None:
        raise SystemExit("vaderSentiment is missing: pip install -e '.[bench]'")
    core = args.core if shutil.which("taskset") else None
    if core is None:
        log("note: taskset not found; runs are NOT pinned to one core")

    with tempfile.TemporaryDirectory(prefix="bench_vader-") as tmp:
        tmp = Path(tmp)
        text1 = tmp / "sentences.txt"
        text4 = tmp / "sentences_x4.txt"
        vocabulary = tmp / "vocabulary.txt"
        log("[1/4] " + (f"reading {args.input} ..." if args.input else "splitting the crisis corpus into sentences ..."))
        # In a child process: a process started from this one inherits its peak memory
        # (Linux carries the high-water mark across fork and exec), so this one stays small.
        done = subprocess.run([sys.executable, __file__, "--_write-sample", str(args.sentences), str(args.seed),
                               str(Path(args.input).resolve()) if args.input else "",
                               str(text1), str(text4), str(vocabulary)])
        if done.returncode != 0:
            return done.returncode
        n = count_lines(text1)
        floor_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        def score(engine: str, src: Path, out: Path) -> list[str]:
            return pinned([rhetoric_exe, "score", "--engine", engine, str(src), "-o", str(out)], core)

        outputs = {name: tmp / f"{name}.csv" for name in (*ENGINES, PEER, FLOOR)}
        commands = {name: score(name, text1, outputs[name]) for name in ENGINES}
        commands[PEER] = pinned([sys.executable, str(VADER_SCRIPT), str(text1), "-o", str(outputs[PEER])], core)
        commands[FLOOR] = pinned([sys.executable, str(FLOOR_SCRIPT), str(text1), str(vocabulary),
                                  "-o", str(outputs[FLOOR])], core)

        load_before = os.getloadavg()
        log("[2/4] warm-up run of each command (not timed) ...")
        for name, cmd in commands.items():
            run(cmd)
            rows = count_rows(outputs[name])
            if rows != n:
                raise SystemExit(f"{name} wrote {rows} rows for {n} lines")

        log(f"[3/4] timing {args.repeats} runs of each, alternating ...")
        runs: dict[str, list[dict]] = {name: [] for name in commands}
        for r in range(args.repeats):
            for name, cmd in commands.items():
                result = run(cmd)
                runs[name].append(result)
                log(f"      run {r + 1}/{args.repeats} {name:<8} wall {result['wall_s']:6.2f} s  "
                    f"cpu {result['cpu_s']:6.2f} s  peak {result['peak_rss_mb']:6.1f} MB")

        log("[4/4] memory flatness: each engine of rhetoric score on 1x and 4x the input ...")
        flatness = {}
        for name in ENGINES:
            flat_1x = run(score(name, text1, tmp / "flat1.csv"))
            flat_4x = run(score(name, text4, tmp / "flat4.csv"))
            if count_rows(tmp / "flat4.csv") != 4 * n:
                raise SystemExit(f"rhetoric score --engine {name} wrote the wrong number of rows for the 4x input")
            flatness[name] = {"peak_rss_mb_1x": flat_1x["peak_rss_mb"], "peak_rss_mb_4x": flat_4x["peak_rss_mb"],
                              "lines_1x": n, "lines_4x": 4 * n}
        load_after = os.getloadavg()

    stats = {name: summarise(rs, n) for name, rs in runs.items()}
    table, ratios = report(stats, n, args.repeats, core)
    print()
    print(table)
    for name, flat in flatness.items():
        print(f"memory flatness, rhetoric score --engine {name} peak RSS: {flat['peak_rss_mb_1x']:.1f} MB at 1x "
              f"({n:,} lines), {flat['peak_rss_mb_4x']:.1f} MB at 4x ({4 * n:,} lines)")
    print(f"(peak RSS is measured per child with wait4; a child starts from this process's "
          f"{floor_mb:.1f} MB, the floor of the measure)")
    print(f"load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} "
          f"on {os.cpu_count()} cores (other work on the machine inflates wall times)")

    results = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "sentences": n,
        "input": str(args.input) if args.input else "crisis corpus",
        "repeats": args.repeats,
        "seed": args.seed,
        "pinned_core": core,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "commands": commands,
        "results": stats,
        "ratio_vader_over": ratios,
        "peak_rss_floor_mb": floor_mb,
        "memory_flatness": flatness,
    }
    path = Path(args.json) if args.json else HERE / "results" / time.strftime("bench_vader-%Y%m%d-%H%M%S.json")
    with _atomic_path()(path) as tmp_path:
        tmp_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
