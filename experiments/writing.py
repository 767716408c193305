"""Outputs are written whole or not at all: to a temporary file beside the target, then
``os.replace`` (atomic on one file system), so a crash never leaves half a file
(:func:`rhetoric._atomic.atomic_path`, the project's one helper for it).

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_json(d / "m.json", {"auroc": float("nan"), "n": 3})
>>> (d / "m.json").read_text()
'{\\n  "auroc": null,\\n  "n": 3\\n}\\n'
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from rhetoric._atomic import atomic_path

__all__ = ["write_text", "write_json", "write_csv", "to_jsonable"]


def write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (creating its folder)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


def to_jsonable(value):
    """NaN and infinities become null (strict JSON); numpy scalars become Python ones."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(path: str | Path, obj) -> None:
    """Write ``obj`` as indented, strict JSON (NaN -> null), atomically."""
    write_text(path, json.dumps(to_jsonable(obj), indent=2, allow_nan=False) + "\n")


def write_csv(path: str | Path, frame) -> None:
    """Write a DataFrame as CSV without its index, atomically."""
    write_text(path, frame.to_csv(index=False, lineterminator="\n"))
