"""The featurisation cache: features of a list of texts, kept on disk.

Featurising a corpus takes minutes to an hour; the result depends only on the texts,
the ``split`` flag and the extractor. So :func:`rhetoric.data.featurise` keeps each
result under :func:`rhetoric.paths.cache_root` (``RHETORIC_CACHE``, default
``.cache/rhetoric``) in ``features/<extractor version>/<input key>.pkl`` and reads it back
the next time instead of scoring again.

The **extractor version** (:func:`extractor_version`) is a hash of
``rhetoric.__version__``, the bytes of every lexicon file (the folder
:func:`rhetoric.lexicon.lexicon_dir` reads, so ``RHETORIC_LEXICONS`` counts) and the
source of ``rhetoric/constructs/*.py``, ``scoring.py``, ``cues.py``, ``text.py`` and
``lexicon.py``. Editing any rule or weight therefore starts a new cache folder; results
of an older extractor are never returned (remove them with ``prune``).

The **input key** (:func:`input_key`) hashes the split flag and every text, in order.

Files are pandas pickles (no extra dependency; pyarrow is not needed), written to a
temporary file beside the target and renamed, so a reader never sees half a file.

Command line::

    python -m rhetoric.data.cache info     # where, how big, which versions
    python -m rhetoric.data.cache prune    # remove entries of other extractor versions
    python -m rhetoric.data.cache clear    # remove everything
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from ._atomic import atomic_path

__all__ = [
    "extractor_version",
    "input_key",
    "cache_dir",
    "entry_path",
    "load",
    "store",
    "clear_cache",
    "prune_cache",
    "cache_info",
    "main",
]

# The modules whose source decides the scores (see the module docstring).
_SOURCE_FILES = ("scoring.py", "cues.py", "text.py", "lexicon.py")
_SUFFIX = ".pkl"


def _package_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def extractor_version() -> str:
    """A hex digest that changes whenever anything that decides a score changes.

    Computed afresh at each call (about a millisecond), because the lexicons may be
    edited while a session runs.
    """
    import rhetoric
    from rhetoric.lexicon import lexicon_dir

    pkg = _package_dir()
    h = hashlib.sha256()
    h.update(f"rhetoric {rhetoric.__version__}\0".encode())
    files = [(f"lexicons/{p.name}", p) for p in sorted(Path(lexicon_dir()).glob("*")) if p.is_file()]
    files += [(f"constructs/{p.name}", p) for p in sorted((pkg / "constructs").glob("*.py"))]
    files += [(name, pkg / name) for name in _SOURCE_FILES]
    for name, path in files:
        data = path.read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def input_key(texts: Sequence[str], split: bool) -> str:
    """Hash of the texts (in order) and the split flag."""
    h = hashlib.sha256(f"split={bool(split)}\0n={len(texts)}\0".encode())
    for t in texts:
        b = t.encode("utf-8", "surrogatepass")
        # the length first, so ["ab", "c"] and ["a", "bc"] differ
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def cache_dir() -> Path:
    """The folder holding cached features: ``cache_root()/features``."""
    from ..paths import cache_root

    return cache_root() / "features"


def entry_path(key: str, version: str | None = None) -> Path:
    """Where the features for ``key`` under extractor ``version`` are (or would be) kept."""
    version = version or extractor_version()
    return cache_dir() / version[:16] / f"{key[:32]}{_SUFFIX}"


def load(key: str, version: str | None = None):
    """The cached DataFrame for ``key``, or None (also when the entry is unreadable)."""
    import pandas as pd

    path = entry_path(key, version)
    if not path.is_file():
        return None
    try:
        return pd.read_pickle(path)
    except Exception:  # a damaged entry is a miss, and is rewritten
        return None


def store(frame, key: str, version: str | None = None) -> Path:
    """Write ``frame`` for ``key`` atomically; return the path."""
    path = entry_path(key, version)
    with atomic_path(path) as tmp:
        frame.to_pickle(tmp, compression=None)
    return path


def _entries() -> list[Path]:
    root = cache_dir()
    return sorted(root.glob(f"*/*{_SUFFIX}")) if root.is_dir() else []


def clear_cache() -> int:
    """Remove every cached feature file; return how many there were."""
    n = len(_entries())
    root = cache_dir()
    if root.is_dir():
        shutil.rmtree(root)
    return n


def prune_cache() -> int:
    """Remove the entries of every extractor version but the current one."""
    current = extractor_version()[:16]
    n = 0
    root = cache_dir()
    if root.is_dir():
        for sub in root.iterdir():
            if sub.is_dir() and sub.name != current:
                n += len(list(sub.glob(f"*{_SUFFIX}")))
                shutil.rmtree(sub)
    return n


def cache_info() -> dict:
    """Where the cache is, the current extractor version, and entries/bytes per version."""
    current = extractor_version()[:16]
    versions: dict[str, dict[str, int]] = {}
    for p in _entries():
        v = versions.setdefault(p.parent.name, {"entries": 0, "bytes": 0})
        v["entries"] += 1
        v["bytes"] += p.stat().st_size
    return {"path": str(cache_dir()), "current_version": current, "versions": versions}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rhetoric.data.cache", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["info", "clear", "prune"])
    args = parser.parse_args(argv)
    if args.action == "clear":
        print(f"removed {clear_cache()} cached feature files from {cache_dir()}")
    elif args.action == "prune":
        print(f"removed {prune_cache()} cached feature files of other extractor versions")
    else:
        info = cache_info()
        print(f"cache:            {info['path']}")
        print(f"current version:  {info['current_version']}")
        if not info["versions"]:
            print("(empty)")
        for v, d in sorted(info["versions"].items()):
            mark = "  <- current" if v == info["current_version"] else ""
            print(f"  {v}  {d['entries']:6d} entries  {d['bytes'] / 1e6:9.2f} MB{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
