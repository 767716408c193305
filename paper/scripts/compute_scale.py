"""Throughput: sentences per second by number of worker processes, against VADER.

    python paper/scripts/compute_scale.py [--small]

One fixed, seeded sample of sentences (half from crisis statements, half from General
Debate speeches) is scored, in the same run and on the same machine:

* by :func:`rhetoric.data.featurise` with ``backend="processes"`` and ``n_jobs=k`` for each
  ``k`` in ``scale.workers`` (``cache=False``: the cache would time a file read), after a
  warm-up call that starts the pool and loads the lexicons in the workers (start-up is
  measured separately, as ``pool_start_s``);
* by ``featurise(..., backend="serial")`` in this process, the one-core baseline;
* by VADER (``vaderSentiment``'s ``polarity_scores``), one sentence at a time in this
  process, after building the analyser once.

Each engine runs ``scale.repeats`` times, in rounds (every engine once per round) so that
drift in the machine's speed hits them alike; the median time is reported. Ratios are
VADER's time over rhetoric's time on the same sentences (> 1: rhetoric is faster). VADER
scores sentiment, not coercion: it is a reference point for cost, a lexicon scorer
everyone knows, not a competitor on the task.

With ``bench: true`` (the ``full`` settings: ``build.py --full``), ``bench/bench_vader.py``'s
whole-process benchmark (``--json``) is run too and stored beside the rest: it takes about two
minutes and the text quotes none of its numbers, so the default build leaves it to
``make bench``.

Writes ``data/scale_runs.csv`` (every timed run), ``data/scale_summary.csv`` (one row per
engine and worker count), ``data/scale_bench.json`` (when the benchmark exists) and
``numbers/scale.json``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, atomic_write_csv, atomic_write_text, fmt, log, numbers_json, out_dirs, parse_args, section  # noqa: E402

DEFAULTS = {
    "workers": [1, 2],
    # enough that one timed run lasts about a second: at ~20,000 sentences/s a few
    # thousand sentences take 0.2 s, and the rounds then differ by 30%
    "sentences": 20000,
    "repeats": 3,
    "docs_per_corpus": 1000,  # documents drawn per corpus before sentences are drawn
    "bench_timeout_s": 900,
    "bench_args": ["--repeats", "3"],  # passed to bench/bench_vader.py (its own --sentences default)
    "bench_small": False,
    "bench": False,  # the whole-process benchmark (bench/bench_vader.py): full settings only
    "full": {"bench": True, "repeats": 5},
    "small": {"sentences": 400, "repeats": 1, "docs_per_corpus": 40, "ungdc_limit": 300},
}

NUMBER_WORDS = "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve".split()


def sample_sentences(cfg: dict, small: bool, seed: int):
    """``cfg['sentences']`` sentences, half per corpus, drawn with ``seed``.

    Documents are drawn first (so the whole UN corpus is never split into sentences),
    then sentences from them; sentences under three words are skipped (headings, numbers).
    """
    import pandas as pd

    from rhetoric.data import load_crisis, load_ungdc, to_sentences

    n_docs = int(cfg["docs_per_corpus"])
    per_corpus = int(cfg["sentences"]) // 2
    crisis = load_crisis()
    ungdc = load_ungdc(limit=cfg.get("ungdc_limit")) if small else load_ungdc()
    parts = []
    for name, docs in (("crisis", crisis), ("ungdc", ungdc)):
        docs = docs.sample(n=min(n_docs, len(docs)), random_state=seed)
        sents = to_sentences(docs[["doc_id", "text"]])
        sents = sents[sents["text"].str.split().str.len() >= 3]
        if len(sents) < per_corpus:
            raise ValueError(
                f"scale: only {len(sents)} sentences in {n_docs} {name} documents, {per_corpus} wanted; "
                "raise scale.docs_per_corpus in paper/config.yaml"
            )
        sents = sents.sample(n=per_corpus, random_state=seed).assign(corpus=name)
        parts.append(sents[["corpus", "doc_id", "text"]])
    return pd.concat(parts, ignore_index=True)


def make_engines(texts: list[str], workers: list[int]):
    """name -> (engine, backend, workers, warm-up callable, timed callable).

    The warm-up runs (untimed) right before each timed run: the local pool is shared and
    resized between worker counts, and resizing starts workers, which must load the
    lexicons; that start-up is measured once per worker count, as ``pool_start_s``.
    """
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from rhetoric.data import featurise

    warm = texts[:64]
    engines, pool_start = {}, {}
    for k in workers:
        # one sentence per task and several tasks per worker, so that every worker of the
        # pool gets one (and loads the lexicons) before the timer starts
        def warm_pool(k=k):
            return featurise(texts[: 8 * k], split=False, n_jobs=k, backend="processes", cache=False, chunksize=1)

        t = time.perf_counter()
        warm_pool()
        pool_start[k] = time.perf_counter() - t
        engines[f"rhetoric_processes_{k}"] = (
            "rhetoric", "processes", k,
            warm_pool,
            lambda k=k: featurise(texts, split=False, n_jobs=k, backend="processes", cache=False),
        )
    engines["rhetoric_serial"] = (
        "rhetoric", "serial", 1,
        lambda: featurise(warm, split=False, backend="serial", cache=False),
        lambda: featurise(texts, split=False, backend="serial", cache=False),
    )
    analyser = SentimentIntensityAnalyzer()  # built once, outside the timer (it reads its lexicon)
    engines["vader_serial"] = (
        "vader", "serial", 1,
        lambda: [analyser.polarity_scores(t) for t in warm],
        lambda: [analyser.polarity_scores(t) for t in texts],
    )
    return engines, pool_start


def time_engines(engines: dict, repeats: int, n: int, words: int):
    """Every engine once per round, ``repeats`` rounds; one row per timed run."""
    import pandas as pd

    rows = []
    for r in range(repeats):
        for name, (engine, backend, k, warm_up, run) in engines.items():
            warm_up()
            t, c = time.perf_counter(), time.process_time()
            out = run()
            seconds = time.perf_counter() - t
            # CPU time of this process: the whole cost for in-process engines, robust to a busy
            # machine; for worker processes it only counts the hand-over, so it is left out
            cpu = time.process_time() - c if backend == "serial" else float("nan")
            if len(out) != n:
                raise RuntimeError(f"scale: {name} returned {len(out)} rows for {n} sentences")
            rows.append({"engine": engine, "backend": backend, "workers": k, "round": r,
                         "seconds": seconds, "cpu_seconds": cpu, "sentences": n, "words": words,
                         "sentences_per_s": n / seconds})
            log(f"scale: round {r + 1}/{repeats} {name:<22} {seconds:7.2f} s  {n / seconds:8.0f} sentences/s")
    return pd.DataFrame(rows)


def summarise(runs, pool_start: dict[int, float]):
    """Median time per engine; ratio = VADER's median time / this engine's median time."""
    summary = (
        runs.groupby(["engine", "backend", "workers"], sort=False)
        .agg(seconds=("seconds", "median"), seconds_min=("seconds", "min"), seconds_max=("seconds", "max"),
             cpu_seconds=("cpu_seconds", "median"),
             runs=("seconds", "size"), sentences=("sentences", "first"), words=("words", "first"))
        .reset_index()
    )
    summary["sentences_per_s"] = summary["sentences"] / summary["seconds"]
    summary["words_per_s"] = summary["words"] / summary["seconds"]
    vader = summary.loc[summary["engine"] == "vader", "seconds"].iloc[0]
    summary["vader_time_ratio"] = vader / summary["seconds"]
    vader_cpu = summary.loc[summary["engine"] == "vader", "cpu_seconds"].iloc[0]
    summary["vader_cpu_ratio"] = vader_cpu / summary["cpu_seconds"]
    summary["pool_start_s"] = [pool_start.get(k) if b == "processes" else None
                               for b, k in zip(summary["backend"], summary["workers"])]
    return summary


def run_bench(cfg: dict, small: bool, seed: int, target: Path):
    """Run ``bench/bench_vader.py`` (whole processes pinned to one core) writing its JSON to
    ``target``; return the parsed results, or None when the script is absent, fails, or
    this is the small slice (it takes a minute or more)."""
    script = REPO / "bench" / "bench_vader.py"
    if not script.is_file():
        log("scale: bench/bench_vader.py not found; whole-process benchmark skipped (optional)")
        return None
    if not small and not cfg.get("bench", True):
        log("scale: whole-process benchmark skipped (bench: false; `make bench` or build.py --full runs it)")
        return None
    if small and not cfg.get("bench_small", False):
        log("scale: whole-process benchmark skipped on the small slice")
        return None
    from rhetoric._atomic import atomic_path

    try:
        # the benchmark writes into a temporary file beside ``target``, kept only when it parses
        with atomic_path(target, suffix=".partial") as tmp:
            cmd = [sys.executable, str(script), "--seed", str(seed), *map(str, cfg.get("bench_args") or []),
                   "--json", str(tmp)]
            log(f"scale: running bench/bench_vader.py {' '.join(cmd[2:])}")
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=cfg["bench_timeout_s"], cwd=REPO)
            except subprocess.TimeoutExpired:
                log(f"scale: the benchmark took over {cfg['bench_timeout_s']} s; skipped")
                raise _Skip from None
            if proc.returncode != 0 or not tmp.stat().st_size:
                log(f"scale: the benchmark failed (exit {proc.returncode}); skipped: {proc.stderr.strip()[-300:]}")
                raise _Skip
            try:
                result = json.loads(tmp.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                log("scale: the benchmark's JSON does not parse; skipped")
                raise _Skip from None
    except _Skip:
        return None
    return result


class _Skip(Exception):
    """The benchmark left nothing to keep (the reason is logged); its file is removed."""


def bench_numbers(bench: dict) -> dict[str, str]:
    """Macros from the whole-process benchmark (names as bench_vader.py writes them); all
    of them or, when its JSON lacks a field, none."""
    out = {}
    try:
        res = bench["results"]
        out["ScaleBenchSentences"] = fmt(bench["sentences"])
        out["ScaleBenchRepeats"] = str(bench["repeats"])
        out["ScaleBenchRatioWall"] = fmt(bench["ratio_vader_over_rhetoric_wall"], 2)
        out["ScaleBenchRatioCPU"] = fmt(bench["ratio_vader_over_rhetoric_cpu"], 2)
        out["ScaleBenchRhetoricRateCPU"] = fmt(res["rhetoric"]["sentences_per_s_cpu"])
        out["ScaleBenchVaderRateCPU"] = fmt(res["vader"]["sentences_per_s_cpu"])
        out["ScaleBenchRhetoricPeakMB"] = fmt(res["rhetoric"]["peak_rss_mb"])
        out["ScaleBenchVaderPeakMB"] = fmt(res["vader"]["peak_rss_mb"])
    except (KeyError, TypeError) as exc:
        log(f"scale: the benchmark's JSON lacks {exc}; its numbers are left out")
        return {}
    return out


def numbers(summary, sample) -> dict[str, str]:
    def row(engine, backend, k=1):
        sel = summary[(summary["engine"] == engine) & (summary["backend"] == backend) & (summary["workers"] == k)]
        return sel.iloc[0]

    serial = row("rhetoric", "serial")
    vader = row("vader", "serial")
    out = {
        "ScaleSentences": fmt(len(sample)),
        "ScaleWords": fmt(serial["words"]),
        "ScaleRepeats": str(int(serial["runs"])),
        "ScaleCores": str(os.cpu_count()),
        "ScaleSerialRate": fmt(serial["sentences_per_s"]),
        "ScaleSerialWordRate": fmt(serial["words_per_s"]),
        "ScaleVaderRate": fmt(vader["sentences_per_s"]),
        "ScaleVaderRatioSerial": fmt(serial["vader_time_ratio"], 2),
        "ScaleVaderRatioSerialCPU": fmt(serial["vader_cpu_ratio"], 2),
    }
    procs = summary[summary["backend"] == "processes"].set_index("workers")
    for k, r in procs.iterrows():
        word = NUMBER_WORDS[k] if k < len(NUMBER_WORDS) else None
        if word is None:
            continue
        out[f"ScaleRateWorkers{word}"] = fmt(r["sentences_per_s"])
        out[f"ScaleVaderRatioWorkers{word}"] = fmt(r["vader_time_ratio"], 2)
    if len(procs) > 1:
        k_lo, k_hi = procs.index.min(), procs.index.max()
        out["ScaleMaxWorkers"] = str(int(k_hi))
        out["ScaleSpeedupMaxWorkers"] = fmt(procs.loc[k_hi, "sentences_per_s"] / procs.loc[k_lo, "sentences_per_s"], 2)
    return out


def main(argv: list[str] | None = None) -> int:
    small = parse_args(__doc__, argv).small
    seed, cfg = section("scale", DEFAULTS)
    if small:
        cfg = {**cfg, **cfg["small"]}
    dirs = out_dirs()
    t0 = time.perf_counter()
    load_before = os.getloadavg()[0]
    if load_before > (os.cpu_count() or 1) * 0.5:
        log(f"scale: the machine is busy (load average {load_before:.1f} on {os.cpu_count()} cores): "
            "the throughputs will be low; the ratios, timed in the same rounds, suffer less")

    sample = sample_sentences(cfg, small, seed)
    texts = sample["text"].tolist()
    words = int(sample["text"].str.split().str.len().sum())
    log(f"scale: {len(texts):,} sentences ({words:,} words), seed {seed}, in {time.perf_counter() - t0:.1f} s")
    workers = [int(k) for k in cfg["workers"]]
    engines, pool_start = make_engines(texts, workers)
    runs = time_engines(engines, int(cfg["repeats"]), len(texts), words)
    summary = summarise(runs, pool_start)

    atomic_write_csv(runs, dirs["data"] / "scale_runs.csv")
    atomic_write_csv(summary, dirs["data"] / "scale_summary.csv")
    meta = {"python": platform.python_version(), "machine": platform.machine(), "cpu_count": os.cpu_count(),
            "seed": seed, "small": small, "load_average_before": round(load_before, 2),
            "load_average_after": round(os.getloadavg()[0], 2)}
    atomic_write_text(json.dumps(meta, indent=2) + "\n", dirs["data"] / "scale_machine.json")
    nums = numbers(summary, sample)
    stale = dirs["data"] / "scale_bench.json"
    bench = run_bench(cfg, small, seed, stale)
    if bench is not None:
        nums.update(bench_numbers(bench))
    else:
        stale.unlink(missing_ok=True)  # never leave an older run's benchmark beside this one
    numbers_json(nums, dirs["numbers"] / "scale.json")
    for _, r in summary.iterrows():
        log(f"scale: {r['engine']:<8} {r['backend']:<9} x{r['workers']}: {r['sentences_per_s']:8.0f} sentences/s, "
            f"VADER time / this = {r['vader_time_ratio']:.2f}")
    log(f"scale: done in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
