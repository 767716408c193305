"""Featurise many texts: serially, on all local cores, or on a Dask cluster; cached.

>>> from rhetoric.data import featurise
>>> X = featurise(["Russia will pay a heavy price.", "We met today."], cache=False)
>>> X.shape[0], list(X.columns[:4])
(2, ['threat', 'conditionality', 'two_path', 'commitment'])
>>> bool(X.loc[0, "threat"] > X.loc[1, "threat"])
True

Backends (``backend=``):

``"serial"``
    in this process;
``"processes"``
    a pool of ``n_jobs`` local worker processes (``n_jobs=-1``: all cores), joblib's
    reusable loky executor, so repeated calls do not start new processes;
``"dask"``
    the ``dask.distributed`` Client already running in this process (connect one with
    ``Client("tcp://scheduler:8786")`` or start ``LocalCluster``); each chunk of texts is
    scattered to the cluster, scored there, and the results gathered back in order. The
    workers must have the same version of ``rhetoric`` installed: this is checked, and a
    worker scoring with another extractor is an error;
``"auto"`` (default)
    ``dask`` when a Client is running in this process, else ``processes`` when
    ``n_jobs`` asks for more than one worker and there is more than one chunk, else
    ``serial``.

Every backend runs the same function on the same chunks, so the results are identical,
in the input's order.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from .._pool import imap_ordered, resolve_jobs
from . import cache as _cache
from ._worker import featurise_chunk, worker_extractor_version

__all__ = ["featurise", "Featuriser", "resolve_n_jobs", "BACKENDS"]

BACKENDS = ("auto", "serial", "processes", "dask")


def resolve_n_jobs(n_jobs: int | None) -> int:
    """joblib's convention: ``-1`` all cores, ``-2`` all but one, ``None`` one."""
    if n_jobs is None:
        return 1
    try:
        return resolve_jobs(n_jobs)
    except ValueError:
        raise ValueError("n_jobs=0 makes no sense; use 1 (serial), k > 1, or -1 (all cores)") from None


def _current_dask_client():
    """The running ``distributed`` Client, or None (without importing distributed)."""
    if "distributed" not in sys.modules:
        return None
    from distributed import get_client

    try:
        return get_client()
    except ValueError:
        return None


_POOL_VERSION: str | None = None


def _local_pool(workers: int):
    """joblib's reusable loky executor: workers start once per session (about 0.5 s)
    and are reused by later calls; they are started with a clean interpreter (no fork
    of a process running threads) and work from a notebook or ``python -c`` too.

    Workers keep the lexicons they loaded, so when the extractor has changed since the
    pool started (lexicons edited in this session), the pool is replaced.
    """
    global _POOL_VERSION
    from joblib.externals.loky import get_reusable_executor

    version = _cache.extractor_version()
    pool = get_reusable_executor(max_workers=workers, reuse=version == _POOL_VERSION or _POOL_VERSION is None)
    _POOL_VERSION = version
    return pool


@lru_cache(maxsize=1)
def _dtypes() -> dict[str, str]:
    """int64 for counts, float64 for scores: the types score() gives an empty text."""
    from rhetoric.scoring import score

    return {k: ("int64" if isinstance(v, int) else "float64") for k, v in score("").features.items()}


def _to_frame(rows: list[tuple], index=None):
    import pandas as pd

    from rhetoric.scoring import feature_names

    names = list(feature_names())
    frame = pd.DataFrame.from_records(rows, columns=names, nrows=len(rows)) if rows else pd.DataFrame(columns=names)
    frame = frame.astype(_dtypes())
    if index is not None:
        frame.index = index
    return frame


def _chunks(seq: Sequence[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(seq), size):
        yield list(seq[i : i + size])


class _Done:
    """A finished result with the interface of a future."""

    __slots__ = ("_value",)

    def __init__(self, value):
        self._value = value

    def result(self):
        return self._value

    def cancel(self) -> bool:
        return False


class Featuriser:
    """A reusable pool that scores chunks of texts and yields their rows in order.

    Used as a context manager; :meth:`imap` keeps at most ``max_in_flight`` chunks
    submitted at once, so a corpus streamed through it is never all in memory. Every
    backend scores with ``engine`` (``"trained"``, the default for None, or ``"rules"``).

    >>> with Featuriser(backend="serial") as f:
    ...     [len(rows) for rows in f.imap([["A."], ["B.", "C."]])]
    [1, 2]
    """

    def __init__(self, backend: str = "processes", n_jobs: int | None = -1, split: bool = True,
                 engine: str | None = None):
        if backend not in BACKENDS or backend == "auto":
            raise ValueError(f"backend must be one of 'serial', 'processes', 'dask', got {backend!r}")
        from rhetoric.scoring import check_engine

        self.backend = backend
        self.n_jobs = n_jobs
        self.split = split
        self.engine = check_engine(engine)  # "trained" (None: the default) or "rules"
        self._pool = None
        self._client = None

    # -- set-up ---------------------------------------------------------------------
    def __enter__(self) -> "Featuriser":
        if self.backend == "processes":
            self._pool = _local_pool(self.workers)
        elif self.backend == "dask":
            self._client = _current_dask_client()
            if self._client is None:
                raise RuntimeError(
                    "backend='dask' needs a running dask.distributed Client in this process: "
                    "`from dask.distributed import Client; client = Client('tcp://HOST:8786')` "
                    "(or `Client(LocalCluster(n_workers=2))`) before calling featurise; "
                    "install it with `pip install rhetoric[dask]`."
                )
            self._check_dask_workers()
        return self

    def __exit__(self, *exc) -> None:
        # the local pool is kept for the next call (loky shuts idle workers down itself)
        self._pool = None
        self._client = None

    @property
    def workers(self) -> int:
        """How many chunks run at once."""
        if self.backend == "serial":
            return 1
        if self.backend == "dask":
            client = self._client or _current_dask_client()
            return max(1, sum(client.nthreads().values())) if client else 1
        return resolve_n_jobs(self.n_jobs)

    def _check_dask_workers(self) -> None:
        here = _cache.extractor_version()
        there = self._client.run(worker_extractor_version)
        if not there:
            raise RuntimeError("the Dask cluster has no workers")
        stale = {w: v[:12] for w, v in there.items() if v != here}
        if stale:
            raise RuntimeError(
                f"Dask workers score with another extractor version than this process ({here[:12]}): "
                f"{stale}. Install the same rhetoric (and lexicons) on the workers, or restart them "
                "(`client.restart()`) after editing the lexicons."
            )

    # -- work -----------------------------------------------------------------------
    def _submit(self, chunk: list[str]):
        if self.backend == "processes":
            return self._pool.submit(featurise_chunk, chunk, self.split, self.engine)
        # One object per chunk, under a unique key: scattering the list itself would make
        # one key per text, shared (by content hash) between chunks holding the same text,
        # and released under the other chunk's feet.
        (scattered,) = self._client.scatter([chunk], hash=False)
        return self._client.submit(featurise_chunk, scattered, self.split, self.engine, pure=False)

    def submit(self, chunk: list[str]):
        """Start scoring one chunk; return an object whose ``.result()`` gives its rows
        (the serial backend scores it right away)."""
        if self.backend == "serial":
            return _Done(featurise_chunk(chunk, self.split, self.engine))
        if self._pool is None and self._client is None:
            raise RuntimeError("use Featuriser as a context manager: `with Featuriser(...) as f:`")
        return self._submit(chunk)

    def imap(self, chunks: Iterable[list[str]], max_in_flight: int | None = None) -> Iterator[list[tuple]]:
        """Rows for each chunk, in the order of ``chunks`` (:func:`rhetoric._pool.imap_ordered`:
        at most ``max_in_flight`` chunks submitted and unread, default 3 per worker)."""
        if self.backend == "serial":
            for chunk in chunks:
                yield featurise_chunk(chunk, self.split, self.engine)
            return
        if self._pool is None and self._client is None:
            raise RuntimeError("use Featuriser as a context manager: `with Featuriser(...) as f:`")
        for _, rows in imap_ordered(self._submit, chunks, max_in_flight or 3 * self.workers):
            yield rows


def _as_texts(texts) -> tuple[list[str], object]:
    """The texts as a list, and the index the result should carry (None: RangeIndex)."""
    if isinstance(texts, str):
        raise TypeError("featurise() takes a sequence of texts; for one text use featurise([text]) or rhetoric.score(text)")
    index = None
    if hasattr(texts, "index") and hasattr(texts, "tolist") and not isinstance(texts, list):  # a Series
        index = texts.index
        values = texts.tolist()
    else:
        values = list(texts)
    for i, t in enumerate(values):
        if not isinstance(t, str):
            where = f"index {index[i]!r}" if index is not None else f"position {i}"
            raise TypeError(f"featurise(): the text at {where} is {type(t).__name__} ({t!r:.40}), not str")
    return values, index


def _resolve_backend(backend: str, n_jobs: int | None, n_chunks: int) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend != "auto":
        return backend
    if _current_dask_client() is not None:
        return "dask"
    return "processes" if resolve_n_jobs(n_jobs) > 1 and n_chunks > 1 else "serial"


def _progress_bar(progress: bool | None, total: int | None, desc: str, unit: str = "text"):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # the [progress] extra is not installed: say so once, go on
        print("featurise: install tqdm (`pip install rhetoric[progress]`) for a progress bar", file=sys.stderr)
        return None
    return tqdm(total=total, desc=desc, unit=unit, smoothing=0.05)


def default_chunksize(n_texts: int, workers: int) -> int:
    """About 8 chunks per worker (to balance long and short texts), 1..256 texts each."""
    return max(1, min(256, -(-n_texts // (8 * max(1, workers)))))


def featurise(
    texts,
    *,
    split: bool = True,
    n_jobs: int | None = 1,
    backend: str = "auto",
    cache: bool = True,
    progress: bool | None = False,
    chunksize: int | None = None,
    engine: str | None = None,
):
    """Score every text; return a DataFrame with one column per :func:`rhetoric.feature_names`.

    Parameters
    ----------
    texts
        a sequence of str; a pandas Series keeps its index in the result, anything else
        gets a RangeIndex.
    split
        score each text as sentences (True) or as one sentence (False, for data already
        cut into sentences, such as the annotations).
    n_jobs
        worker processes for ``backend="processes"``; ``-1`` is all cores.
    backend
        ``"auto"``, ``"serial"``, ``"processes"`` or ``"dask"`` (module docstring).
    cache
        read and write the on-disk cache (:mod:`rhetoric.data.cache`).
    progress
        show a tqdm bar (``None``: when stderr is a terminal).
    chunksize
        texts per task (default: :func:`default_chunksize`).
    engine
        the scoring engine: ``"trained"`` (None: the default) or ``"rules"``
        (:func:`rhetoric.score`); part of the cache's input key.
    """
    from rhetoric.scoring import check_engine

    engine = check_engine(engine)
    values, index = _as_texts(texts)
    version = key = None
    if cache:
        version = _cache.extractor_version()
        key = _cache.input_key(values, split, engine)
        hit = _cache.load(key, version)
        if hit is not None and len(hit) == len(values):
            if index is not None:
                hit.index = index
            return hit
    if chunksize is not None and chunksize < 1:
        raise ValueError(f"chunksize must be >= 1, got {chunksize}")
    workers_guess = resolve_n_jobs(n_jobs)
    size = chunksize or default_chunksize(len(values), workers_guess)
    n_chunks = -(-len(values) // size)
    chosen = _resolve_backend(backend, n_jobs, n_chunks)
    if chosen == "dask" and chunksize is None:
        client = _current_dask_client()
        if client is not None:
            size = default_chunksize(len(values), sum(client.nthreads().values()))
    rows: list[tuple] = []
    bar = _progress_bar(progress, len(values), "featurise")
    try:
        with Featuriser(chosen, n_jobs=n_jobs, split=split, engine=engine) as runner:
            for chunk_rows in runner.imap(_chunks(values, size)):
                rows.extend(chunk_rows)
                if bar is not None:
                    bar.update(len(chunk_rows))
    finally:
        if bar is not None:
            bar.close()
    frame = _to_frame(rows)
    if cache:
        _cache.store(frame, key, version)
    if index is not None:
        frame.index = index
    return frame
