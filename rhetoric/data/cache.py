"""The featurisation cache: features of a list of texts, kept on disk.

Featurising a corpus takes minutes to an hour; the result depends only on the texts,
the ``split`` flag and the extractor. So :func:`rhetoric.data.featurise` keeps each
result under :func:`rhetoric.paths.cache_root` (``RHETORIC_CACHE``, default
``.cache/rhetoric``) in ``features/<extractor version>/<input key>.npz`` and reads it back
the next time instead of scoring again.

The **extractor version** (:func:`extractor_version`) is a hash of everything a score
depends on: ``rhetoric.__version__``; the source of every module of the package
(``rhetoric/**/*.py``: the scoring, matching, pattern analysis and the constructs'
constants, and, to be safe, the rest); the bytes of every lexicon file (the folder
:func:`rhetoric.lexicon.lexicon_dir` reads, so ``RHETORIC_LEXICONS`` counts); and the
trained model's files (every file under ``rhetoric/models/``, and under ``RHETORIC_MODEL``
when that points elsewhere). Editing any of them therefore starts a new cache folder;
results of an older extractor are never returned (remove them with ``prune``).

The **input key** (:func:`input_key`) hashes the scoring engine (``trained`` or
``rules``: the same texts scored by each are two entries), the split flag and every
text, in order.

Files are numpy ``.npz`` archives of the frame's columns (numbers only), read with
``allow_pickle=False``: a file planted in the (user-writable) cache folder can give wrong
numbers at worst, never run code. Entries of older versions of this module (``.pkl``)
are never read; ``prune`` and ``clear`` remove them. Each file is written to a temporary
file beside the target and renamed (:func:`rhetoric._atomic.atomic_path`), so a reader
never sees half a file.

Command line::

    python -m rhetoric.data.cache info     # where, how big, which versions
    python -m rhetoric.data.cache prune    # remove entries of other extractor versions
    python -m rhetoric.data.cache clear    # remove everything
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from .._atomic import atomic_path

__all__ = [
    "extractor_version",
    "extractor_files",
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

_SUFFIX = ".npz"
_LEGACY_SUFFIXES = (".pkl",)  # pandas pickles of older versions: never read, only removed


def _package_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def _files_under(folder: Path, pattern: str = "*") -> list[Path]:
    """The files under ``folder`` matching ``pattern``, recursively, in a fixed order
    (byte-code caches left out)."""
    if not folder.is_dir():
        return []
    found = (p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.relative_to(folder).parts)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def extractor_files() -> list[tuple[str, Path]]:
    """``(name, path)`` of every file :func:`extractor_version` hashes, in order: the
    package's modules, the lexicons in use, the trained model's files."""
    pkg = _package_dir()
    files = [(f"rhetoric/{p.relative_to(pkg).as_posix()}", p) for p in _files_under(pkg, "*.py")]
    from rhetoric.lexicon import lexicon_dir

    lexicons = Path(lexicon_dir())
    files += [(f"lexicons/{p.name}", p) for p in sorted(lexicons.glob("*")) if p.is_file()]
    models = pkg / "models"
    files += [(f"models/{p.relative_to(models).as_posix()}", p) for p in _files_under(models)]
    override = os.environ.get("RHETORIC_MODEL")
    if override:
        model = Path(override).expanduser()
        if model.is_file():
            files.append((f"RHETORIC_MODEL/{model.name}", model))
        files += [(f"RHETORIC_MODEL/{p.relative_to(model).as_posix()}", p) for p in _files_under(model)]
    return files


def extractor_version() -> str:
    """A hex digest that changes whenever anything that decides a score changes.

    Computed afresh at each call (about 15 ms with a 3 MB trained model), because the
    lexicons, the model or the code may be edited while a session runs.
    """
    import rhetoric

    h = hashlib.sha256()
    h.update(f"rhetoric {rhetoric.__version__}\0".encode())
    for name, path in extractor_files():
        data = path.read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def input_key(texts: Sequence[str], split: bool, engine: str | None = None) -> str:
    """Hash of the texts (in order), the split flag and the scoring engine (None: the
    default, :data:`rhetoric.scoring.DEFAULT_ENGINE`; resolved to its name, so None and
    the default's name give one key, and an unknown engine is a ValueError)."""
    from rhetoric.scoring import check_engine

    engine = check_engine(engine)
    h = hashlib.sha256(f"engine={engine}\0split={bool(split)}\0n={len(texts)}\0".encode())
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
    """The cached DataFrame for ``key``, or None (also when the entry is unreadable or
    not what :func:`store` writes). Never unpickles anything."""
    path = entry_path(key, version)
    if not path.is_file():
        return None
    try:
        return _read_frame(path)
    except Exception:  # a damaged or foreign entry is a miss, and is rewritten
        return None


def store(frame, key: str, version: str | None = None) -> Path:
    """Write ``frame`` (numeric columns with string names) for ``key`` atomically;
    return the path."""
    import numpy as np

    columns = [str(c) for c in frame.columns]
    arrays = {f"c{i}": frame.iloc[:, i].to_numpy() for i in range(frame.shape[1])}
    for name, values in zip(columns, arrays.values()):
        if values.dtype.kind not in "biuf":
            raise TypeError(f"cache.store: column {name!r} is {values.dtype}, not numbers")
    arrays["columns"] = np.array(columns, dtype=str)
    arrays["index"] = _index_array(frame.index)
    path = entry_path(key, version)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    return path


def _index_array(index):
    """The index as numbers or strings, or an empty array for the default 0..n-1."""
    import numpy as np
    import pandas as pd

    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return np.array([], dtype=np.int64)
    values = index.to_numpy()
    if values.dtype.kind not in "biuf":
        values = np.array([str(v) for v in values], dtype=str)
    return values


def _read_frame(path: Path):
    import numpy as np
    import pandas as pd

    with np.load(path, allow_pickle=False) as archive:
        columns = archive["columns"]
        if columns.dtype.kind != "U" or columns.ndim != 1:
            raise ValueError("no column names")
        data = {str(name): archive[f"c{i}"] for i, name in enumerate(columns)}
        index = archive["index"]
    n = len(next(iter(data.values()))) if data else 0
    for values in data.values():
        if values.ndim != 1 or len(values) != n or values.dtype.kind not in "biuf":
            raise ValueError("not a numeric column of the frame's length")
    if index.size and (index.ndim != 1 or len(index) != n or index.dtype.kind not in "biufU"):
        raise ValueError("bad index")
    frame = pd.DataFrame(data, columns=list(data))
    if index.size:
        frame.index = index
    return frame


def _entries(folder: Path | None = None, legacy: bool = False) -> list[Path]:
    """The cache's entry files (of one version folder), with ``legacy``: also those of
    older formats."""
    root = folder or cache_dir()
    if not root.is_dir():
        return []
    suffixes = (_SUFFIX, *_LEGACY_SUFFIXES) if legacy else (_SUFFIX,)
    pattern = "*" if folder else "*/*"
    return sorted(p for p in root.glob(pattern) if p.suffix in suffixes and p.is_file())


def clear_cache() -> int:
    """Remove every cached feature file; return how many there were."""
    n = len(_entries(legacy=True))
    root = cache_dir()
    if root.is_dir():
        shutil.rmtree(root)
    return n


def prune_cache() -> int:
    """Remove the entries of every extractor version but the current one (and every
    entry of an older format)."""
    current = extractor_version()[:16]
    n = 0
    root = cache_dir()
    if root.is_dir():
        for sub in root.iterdir():
            if not sub.is_dir():
                continue
            if sub.name != current:
                n += len(_entries(sub, legacy=True))
                shutil.rmtree(sub)
            else:
                for old in _entries(sub, legacy=True):
                    if old.suffix != _SUFFIX:
                        old.unlink()
                        n += 1
    return n


def cache_info() -> dict:
    """Where the cache is, the current extractor version, and entries/bytes per version."""
    current = extractor_version()[:16]
    versions: dict[str, dict[str, int]] = {}
    for p in _entries(legacy=True):
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
