"""Scoring on several worker processes, results in input order: the one helper behind
``rhetoric score -j N`` (:mod:`rhetoric.cli`, a ``concurrent.futures`` process pool) and
:func:`rhetoric.data.featurise` (:mod:`rhetoric.data.parallel`: joblib's reusable
executor, or a Dask cluster).

:func:`imap_ordered` submits work as it reads its input and keeps at most
``max_in_flight`` pieces submitted and unread, so memory stays flat however long the
input is (``Pool.imap`` would read all of it ahead), and yields the results in input
order whatever order the workers finish in.

>>> from concurrent.futures import ThreadPoolExecutor
>>> with ThreadPoolExecutor(2) as pool:
...     [r for _, r in imap_ordered(lambda x: pool.submit(pow, x, 2), range(5), max_in_flight=2)]
[0, 1, 4, 9, 16]

Only the standard library is imported (the command line loads no numpy).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["available_cores", "resolve_jobs", "imap_ordered"]

T = TypeVar("T")


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, where the system has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def resolve_jobs(jobs: int) -> int:
    """joblib's convention: ``k > 0`` is k workers, ``-1`` all cores, ``-2`` all but one,
    and so on (at least one). 0 is a ValueError (callers say so in their own terms)."""
    jobs = int(jobs)
    if jobs == 0:
        raise ValueError("0 workers")
    return jobs if jobs > 0 else max(1, available_cores() + 1 + jobs)


def imap_ordered(submit: Callable[[T], Any], items: Iterable[T], max_in_flight: int,
                 ready: Callable[[Any], bool] | None = None) -> Iterator[tuple[T, Any]]:
    """``(item, submit(item).result())`` for each item, in the order of ``items``.

    ``submit`` starts the work on one item and returns a future (anything with
    ``result()`` and ``cancel()``). Items are read only as work is submitted; when
    ``max_in_flight`` futures are pending, the oldest is waited for before the next item
    is read. ``ready(future)`` true for the oldest pending future: its result is taken
    at once, without waiting for the window to fill (results read from a cache). If
    reading ``items``, a worker or the consumer fails (or stops early), the futures not
    yet read are cancelled and the error propagates.
    """
    if max_in_flight < 1:
        raise ValueError(f"max_in_flight must be >= 1, got {max_in_flight}")
    pending: deque = deque()
    try:
        for item in items:
            pending.append((item, submit(item)))
            while pending and (len(pending) >= max_in_flight or (ready is not None and ready(pending[0][1]))):
                item, future = pending.popleft()
                yield item, future.result()
        while pending:
            item, future = pending.popleft()
            yield item, future.result()
    finally:
        for _, future in pending:
            future.cancel()
