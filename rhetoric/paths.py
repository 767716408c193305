"""Where the project's data and cache live: one setting each, an environment variable
with a default.

``RHETORIC_DATA``
    the folder holding ``crisis/``, ``ungdc/`` and ``annotations/`` (default: the first
    of ``../shared/data`` beside the current directory or beside this checkout);
``RHETORIC_CACHE``
    the featurisation cache (default: ``.cache/rhetoric`` in the current directory).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DataNotFound", "data_root", "cache_root"]


class DataNotFound(FileNotFoundError):
    """The data folder is missing; the message says what to set."""


def _candidates() -> list[Path]:
    here = Path(__file__).resolve().parent.parent  # the checkout (or site-packages)
    return [Path.cwd() / ".." / "shared" / "data", here / ".." / "shared" / "data"]


def data_root(required: bool = True) -> Path:
    """The data folder: ``$RHETORIC_DATA``, else ``../shared/data`` beside the checkout."""
    env = os.environ.get("RHETORIC_DATA")
    if env:
        root = Path(env).expanduser()
        if required and not root.is_dir():
            raise DataNotFound(
                f"RHETORIC_DATA={env} is not a folder. Set RHETORIC_DATA to the folder that holds "
                "crisis/documents.jsonl.gz, ungdc/speeches.jsonl.gz and annotations/train.jsonl."
            )
        return root
    for cand in _candidates():
        if cand.is_dir():
            return cand.resolve()
    if required:
        tried = ", ".join(str(c.resolve()) for c in _candidates())
        raise DataNotFound(
            f"the data folder was not found (looked in {tried}). Set RHETORIC_DATA to the folder "
            "that holds crisis/documents.jsonl.gz, ungdc/speeches.jsonl.gz and annotations/train.jsonl, "
            "e.g. `export RHETORIC_DATA=/path/to/shared/data`."
        )
    return _candidates()[0]


def cache_root() -> Path:
    """The featurisation cache: ``$RHETORIC_CACHE`` or ``.cache/rhetoric`` here."""
    return Path(os.environ.get("RHETORIC_CACHE", Path.cwd() / ".cache" / "rhetoric")).expanduser()
