"""Score a whole corpus, document by document, in bounded memory.

    python -m rhetoric.data.score_corpus ungdc -o results/ungdc_features.csv.gz --n-jobs -1
    python -m rhetoric.data.score_corpus crisis -o crisis.pkl --dask-scheduler tcp://host:8786
    python -m rhetoric.data.score_corpus ungdc -o sample.csv --limit 200 --years 1990-2000
    python -m rhetoric.data.score_corpus crisis -o crisis_rules.csv.gz --engine rules

writes one row per document: the document's metadata (every field but the text), its
length (``n_chars``, ``n_words``) and the features of :func:`rhetoric.feature_names`,
scored by ``--engine`` (``trained``, the default, or ``rules``).
The file type follows the suffix: ``.csv`` (``.csv.gz``), ``.pkl`` or, with pyarrow
installed, ``.parquet``. The file is written whole at the end (temporary file, then
rename), never half.

How it stays within memory: documents are streamed from the gzip file in chunks of
``--chunksize`` documents; at most a few chunks per worker are in flight; a worker
scores one document at a time and returns only its feature row. The parent holds the
feature rows (a few MB for the UN corpus), never the texts or sentence objects.

Where it runs: ``--n-jobs`` local worker processes (``-1``: all cores), or a Dask cluster
(``--dask-scheduler ADDRESS``; ``local`` starts a ``LocalCluster`` of ``--n-jobs``
workers here). Each chunk's features are kept in the featurisation cache
(:mod:`rhetoric.data.cache`), so an interrupted run picks up where it stopped, and a
second run with the same extractor reads everything back (``--no-cache`` to turn off).

``--measure`` prints the wall time, the peak memory of this process plus its workers and
the CPU time used (:class:`rhetoric.data.resources.ResourceMonitor`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from .._atomic import atomic_path
from .._pool import imap_ordered
from ..scoring import DEFAULT_ENGINE, ENGINES, check_engine
from . import cache as _cache
from .corpora import CORPORA, iter_documents
from .parallel import Featuriser, _Done, _progress_bar, _to_frame, resolve_n_jobs

__all__ = ["score_corpus", "write_table", "main"]


def _parse_years(text: str | None):
    """``1990``, ``1990-2000`` (inclusive) or ``1990,1995,2000``."""
    if not text:
        return None
    years: list[int] = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            years.extend(range(int(a), int(b) + 1))
        else:
            years.append(int(part))
    return years


def _output_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    if name.endswith((".pkl", ".pickle")):
        return "pickle"
    if name.endswith(".parquet"):
        return "parquet"
    raise ValueError(f"{path}: unknown output type; use .csv, .csv.gz, .pkl or .parquet")


def write_table(frame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` (type from the suffix), atomically."""
    path = Path(path)
    kind = _output_kind(path)
    name = path.name.lower()
    suffix = ".gz" if name.endswith(".gz") else ".tmp"  # pandas infers compression from it
    with atomic_path(path, suffix=suffix) as tmp:
        if kind == "csv":
            frame.to_csv(tmp, index=False)
        elif kind == "pickle":
            frame.to_pickle(tmp, compression=None)
        else:
            frame.to_parquet(tmp, index=False)
    return path


def _chunks(corpus: str, root, limit, years, size: int) -> Iterator[tuple[list[dict], list[str]]]:
    """(metadata rows, texts) for ``size`` documents at a time."""
    meta: list[dict] = []
    texts: list[str] = []
    for record in iter_documents(corpus, root, limit=limit, years=years):
        text = record.pop("text")
        if not isinstance(text, str):
            raise TypeError(f"{corpus}: document {record.get('doc_id')!r} has a {type(text).__name__} text")
        record["n_chars"] = len(text)
        record["n_words"] = len(text.split())
        meta.append(record)
        texts.append(text)
        if len(texts) >= size:
            yield meta, texts
            meta, texts = [], []
    if texts:
        yield meta, texts


def _expected_total(corpus: str, limit, years) -> int | None:
    from .checksums import read_manifest

    if years is not None:
        return limit
    try:
        files = read_manifest() or {}
    except (OSError, ValueError):
        files = {}
    n = files.get(CORPORA[corpus][0], {}).get("records")
    if n is None:
        return limit
    return min(n, limit) if limit is not None else n


def score_corpus(
    corpus: str,
    output: str | Path | None = None,
    *,
    root: str | Path | None = None,
    limit: int | None = None,
    years=None,
    n_jobs: int | None = -1,
    dask_scheduler: str | None = None,
    chunksize: int = 32,
    cache: bool = True,
    progress: bool | None = None,
    engine: str | None = None,
):
    """Per-document features of ``corpus`` ("crisis" or "ungdc"); written to ``output``
    when given. Returns the DataFrame (metadata, n_chars, n_words, features).

    ``dask_scheduler``: an address, ``"local"`` (a LocalCluster of ``n_jobs`` workers),
    or None (local processes, or serial when ``n_jobs`` is 1). ``engine``: the scoring
    engine, ``"trained"`` (None: the default) or ``"rules"``.
    """
    import pandas as pd

    engine = check_engine(engine)
    if corpus not in ("crisis", "ungdc"):
        raise ValueError(f"score_corpus: corpus must be 'crisis' or 'ungdc', got {corpus!r}")
    if chunksize < 1:
        raise ValueError(f"chunksize must be >= 1, got {chunksize}")
    if output is not None:
        _output_kind(Path(output))  # a bad suffix fails now, not after an hour of scoring
    cluster = client = None
    if dask_scheduler:
        from distributed import Client, LocalCluster

        if dask_scheduler == "local":
            cluster = LocalCluster(
                n_workers=resolve_n_jobs(n_jobs), threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = Client(cluster)
        else:
            client = Client(dask_scheduler)
        backend = "dask"
    else:
        backend = "processes" if resolve_n_jobs(n_jobs) > 1 else "serial"
    version = _cache.extractor_version() if cache else None
    parts: list = []
    bar = _progress_bar(progress, _expected_total(corpus, limit, years), f"score {corpus}", unit="doc")

    def finish(meta, key, result):
        if isinstance(result, pd.DataFrame):  # read from the cache
            feats = result.reset_index(drop=True)
        else:
            feats = _to_frame(result)
            if cache:
                _cache.store(feats, key, version)
        parts.append(pd.concat([pd.DataFrame.from_records(meta), feats], axis=1))
        if bar is not None:
            bar.update(len(meta))

    def keyed():
        for meta, texts in _chunks(corpus, root, limit, years, chunksize):
            yield meta, texts, (_cache.input_key(texts, True, engine) if cache else None)

    try:
        with Featuriser(backend, n_jobs=n_jobs, split=True, engine=engine) as runner:

            def start(item):
                meta, texts, key = item
                hit = _cache.load(key, version) if cache else None
                return _Done(hit) if hit is not None and len(hit) == len(texts) else runner.submit(texts)

            # Chunks in order, 3 per worker in flight; one read from the cache is taken at once.
            for (meta, _, key), result in imap_ordered(start, keyed(), 3 * runner.workers,
                                                       ready=lambda pending: isinstance(pending, _Done)):
                finish(meta, key, result)
    finally:
        if bar is not None:
            bar.close()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    columns = [c for c in CORPORA[corpus][1] if c != "text"] + ["n_chars", "n_words"]
    if parts:
        frame = pd.concat(parts, ignore_index=True)
    else:
        frame = pd.concat([pd.DataFrame(columns=columns), _to_frame([])], axis=1)
    if corpus == "crisis":
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    if output is not None:
        write_table(frame, output)
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rhetoric.data.score_corpus",
        description="Score every document of a corpus; write per-document features.",
    )
    parser.add_argument("corpus", choices=["crisis", "ungdc"])
    parser.add_argument("-o", "--output", required=True, help="output file: .csv, .csv.gz, .pkl or .parquet")
    parser.add_argument("--n-jobs", type=int, default=-1, help="local worker processes; -1 = all cores (default)")
    parser.add_argument("--dask-scheduler", metavar="ADDRESS", help="score on this Dask scheduler ('local' starts a LocalCluster)")
    parser.add_argument("--limit", type=int, help="only the first N documents (file order)")
    parser.add_argument("--years", help="UN only: 1990, 1990-2000 or 1990,1995")
    parser.add_argument("--chunksize", type=int, default=32, help="documents per task (default 32)")
    parser.add_argument("--root", help="data root (default: $RHETORIC_DATA)")
    parser.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE,
                        help=f"scoring engine: the trained model or the hand-set rules (default {DEFAULT_ENGINE})")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the featurisation cache")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar (default: when stderr is a terminal)")
    parser.add_argument("--measure", action="store_true", help="print wall time, peak memory (parent + workers) and CPU time")
    args = parser.parse_args(argv)
    from .resources import ResourceMonitor

    with ResourceMonitor() as monitor:
        frame = score_corpus(
            args.corpus,
            args.output,
            root=args.root,
            limit=args.limit,
            years=_parse_years(args.years),
            n_jobs=args.n_jobs,
            dask_scheduler=args.dask_scheduler,
            chunksize=args.chunksize,
            cache=not args.no_cache,
            progress=args.progress,
            engine=args.engine,
        )
    print(f"wrote {len(frame)} documents x {frame.shape[1]} columns to {args.output}", file=sys.stderr)
    if args.measure:
        print(f"measured: {monitor.summary()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
