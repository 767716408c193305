"""What runs in a worker process: score a chunk of texts, return plain rows.

Kept free of pandas and numpy so that a process-pool worker imports only the extractor
(about 20 MB per worker instead of 80 MB); the rows are tuples of Python numbers in the
order of :func:`rhetoric.feature_names`, so every backend returns exactly the same values.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["featurise_chunk", "worker_extractor_version"]


def featurise_chunk(texts: list[str], split: bool = True, engine: str | None = None) -> list[tuple]:
    """Feature rows for ``texts``, one tuple per text, in input order, scored by
    ``engine`` ("trained", the default, or "rules")."""
    from rhetoric.scoring import feature_rows

    return feature_rows(list(texts), split=split, engine=engine)


@lru_cache(maxsize=1)
def worker_extractor_version() -> str:
    """The extractor version this worker process scores with (fixed at first call, like
    the lexicons it has loaded)."""
    from rhetoric.data.cache import extractor_version

    return extractor_version()
