"""Write a file whole or not at all: to a temporary file beside it, then rename.

The one helper for it in the project: the package (command-line output, the feature
and lexicon caches, data manifests), ``experiments/``, ``paper/`` and ``bench/`` use it.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
>>> with atomic_path(target) as tmp:
...     _ = tmp.write_text("done")
>>> target.read_text()
'done'

Only the standard library is imported (the command line and the benchmark's driver use it).
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: str | os.PathLike, suffix: str = ".tmp", *, mkdir: bool = True):
    """Yield a temporary path beside ``target``; on success rename it onto ``target``
    (with the permissions of the file it replaces, else what a plain ``open()`` would
    give, not mkstemp's private 0600), on failure (any exception, KeyboardInterrupt
    included) remove it and leave ``target`` as it was.

    ``suffix`` lets writers that infer the format from the name (pandas' compression
    from ``.gz``, matplotlib's) see the right one. ``mkdir=False``: the target's folder
    must exist already (FileNotFoundError otherwise), as for ``open(target, "w")``.
    """
    target = Path(target)
    if mkdir:
        target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
