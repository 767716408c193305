"""Measure a long run: wall time, peak memory of this process plus its workers, CPU time.

``/usr/bin/time -v`` reports the largest *single* process; a parallel run's footprint is
the sum over the parent and every worker at the same moment, which is what this samples.

>>> with ResourceMonitor(interval=0.05) as mon:
...     _ = sum(range(10**5))
>>> mon.report()["wall_seconds"] >= 0
True

Needs ``psutil`` (installed with the ``dask`` extra); without it only wall time is
measured.
"""

from __future__ import annotations

import threading
import time

__all__ = ["ResourceMonitor"]


class ResourceMonitor:
    """Sample the RSS of this process and all its descendants every ``interval`` s."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.peak_total_rss = 0
        self.peak_parent_rss = 0
        self.peak_processes = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._t0 = self._t1 = None
        self._cpu0 = 0.0

    def _sample(self, me) -> None:
        import psutil

        procs = [me]
        try:
            procs += me.children(recursive=True)
        except psutil.Error:
            pass
        total = 0
        for p in procs:
            try:
                with p.oneshot():
                    rss = p.memory_info().rss
                    t = p.cpu_times()
                total += rss
                self._cpu[p.pid] = t.user + t.system
                if p.pid == me.pid:
                    self.peak_parent_rss = max(self.peak_parent_rss, rss)
            except psutil.Error:  # a worker that just ended
                continue
        self.peak_total_rss = max(self.peak_total_rss, total)
        self.peak_processes = max(self.peak_processes, len(procs))

    def _run(self, me) -> None:
        while not self._stop.wait(self.interval):
            self._sample(me)

    def __enter__(self) -> "ResourceMonitor":
        self._t0 = time.perf_counter()
        try:
            import psutil
        except ImportError:
            return self
        me = psutil.Process()
        t = me.cpu_times()
        self._cpu0 = t.user + t.system
        self._sample(me)
        self._thread = threading.Thread(target=self._run, args=(me,), daemon=True, name="rhetoric-resources")
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._t1 = time.perf_counter()
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            import psutil

            self._sample(psutil.Process())

    def report(self) -> dict:
        end = self._t1 if self._t1 is not None else time.perf_counter()
        return {
            "wall_seconds": end - self._t0,
            "peak_rss_total_mb": self.peak_total_rss / 1e6 if self._thread else None,
            "peak_rss_parent_mb": self.peak_parent_rss / 1e6 if self._thread else None,
            "peak_processes": self.peak_processes if self._thread else None,
            # CPU seconds of every process seen (workers' last sample), minus what this
            # process had spent before the run
            "cpu_seconds": (sum(self._cpu.values()) - self._cpu0) if self._thread else None,
        }

    def summary(self) -> str:
        r = self.report()
        text = f"wall {r['wall_seconds']:.1f} s"
        if r["peak_rss_total_mb"] is not None:
            text += (
                f"; peak RSS {r['peak_rss_total_mb']:.0f} MB over {r['peak_processes']} processes "
                f"(parent {r['peak_rss_parent_mb']:.0f} MB); CPU {r['cpu_seconds']:.0f} s"
            )
        return text
