"""rhetoric._pool: the one ordered, bounded worker-pool map behind `rhetoric score -j`
and rhetoric.data.featurise."""

from __future__ import annotations

import doctest
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

import rhetoric._pool as pool_module
from rhetoric import feature_rows
from rhetoric._pool import available_cores, imap_ordered, resolve_jobs
from rhetoric.io import Record


def test_doctests():
    assert doctest.testmod(pool_module).failed == 0


class _Recorder:
    """submit() for imap_ordered: futures finished by threads in *reverse* order of
    submission (later items sleep less), recording how many were in flight."""

    def __init__(self, executor):
        self.executor = executor
        self.submitted = 0
        self.yielded = 0
        self.max_in_flight = 0
        self.futures: list[Future] = []

    def __call__(self, x):
        self.submitted += 1
        self.max_in_flight = max(self.max_in_flight, self.submitted - self.yielded)
        fut = self.executor.submit(lambda: (time.sleep(0.002 * (20 - x % 20)), x * 10)[1])
        self.futures.append(fut)
        return fut


def test_results_come_in_input_order_with_a_bounded_window():
    reads = []

    def items():
        for i in range(60):
            reads.append(i)
            yield i

    with ThreadPoolExecutor(4) as ex:
        rec = _Recorder(ex)
        out = []
        for item, result in imap_ordered(rec, items(), max_in_flight=3):
            rec.yielded += 1
            # the input is read only as work is submitted: never more than the window ahead
            assert len(reads) - rec.yielded < 3
            out.append((item, result))
    assert out == [(i, i * 10) for i in range(60)]
    assert rec.max_in_flight == 3


def test_a_failing_input_cancels_what_is_pending_and_propagates():
    started = threading.Event()

    def items():
        yield 1
        yield 2
        started.wait(1)
        raise ValueError("bad row")

    blocker = threading.Event()
    with ThreadPoolExecutor(1) as ex:
        futures = []

        def submit(x):
            fut = ex.submit(blocker.wait, 5) if x == 1 else Future()  # 2 never starts
            futures.append(fut)
            started.set()
            return fut

        with pytest.raises(ValueError, match="bad row"):
            list(imap_ordered(submit, items(), max_in_flight=10))
        blocker.set()
    assert futures[1].cancelled()


def test_a_consumer_that_stops_early_cancels_what_is_pending():
    futures = []

    def submit(x):
        fut = Future()
        if x == 0:
            fut.set_result("first")
        futures.append(fut)
        return fut

    gen = imap_ordered(submit, range(10), max_in_flight=3)
    assert next(gen) == (0, "first")
    gen.close()
    assert len(futures) == 3 and all(f.cancelled() for f in futures[1:])


def test_ready_results_are_taken_without_waiting_for_the_window():
    done = Future()
    done.set_result("cached")
    taken = []

    def submit(x):
        return done if x % 2 == 0 else Future()  # odd ones never finish

    gen = imap_ordered(submit, range(100), max_in_flight=50, ready=lambda f: f is done)
    taken.append(next(gen))  # item 0 is ready: no need to fill the window first
    assert taken == [(0, "cached")]
    gen.close()


def test_window_must_be_positive():
    with pytest.raises(ValueError):
        list(imap_ordered(lambda x: None, [1], max_in_flight=0))


def test_resolve_jobs():
    cores = available_cores()
    assert resolve_jobs(3) == 3 and resolve_jobs(-1) == cores
    assert resolve_jobs(-2) == max(1, cores - 1) and resolve_jobs(-10_000) == 1
    with pytest.raises(ValueError):
        resolve_jobs(0)


def test_cli_pool_keeps_order_over_many_batches_and_stops_at_a_bad_row():
    from rhetoric import cli

    texts = [f"If they attack, we will respond ({i})." if i % 3 else f"We met on day {i}." for i in range(150)]
    records = [Record(i + 1, f"d{i}", t) for i, t in enumerate(texts)]
    got = list(cli._score_in_parallel(iter(records), True, 2))  # 5 batches of 32, window of 4
    assert [rid for rid, _ in got] == [r.id for r in records]
    assert [row for _, row in got] == feature_rows(texts)

    def bad_input():
        yield from records[:100]
        raise RuntimeError("rows.jsonl:101: not JSON")

    with pytest.raises(RuntimeError, match="101"):
        list(cli._score_in_parallel(bad_input(), True, 2))
