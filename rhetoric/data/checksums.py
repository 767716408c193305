"""Checksums of the data files: the manifest, and verifying a file against it.

The manifest (``data/manifest.json`` in the checkout) records, for each expected file
under the data root, its SHA-256 digest, its size in bytes and how many records it holds.
Every loader calls :func:`verify` before reading, so an analysis never runs silently on a
different or damaged copy of the data. Hashing the 66 MB UN file takes about 0.1 s; the
result is remembered per process, per file path, size and modification time, so repeated
loads do not hash again.

Settings:

``RHETORIC_MANIFEST``
    another manifest file to verify against (e.g. for your own copy of the data);
``RHETORIC_SKIP_CHECKSUM=1``
    do not verify (a deliberate, visible choice: a warning is issued once per file).

Command line::

    python -m rhetoric.data.checksums verify   # check every file in the manifest
    python -m rhetoric.data.checksums write    # record the current files (maintainers)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import warnings
from pathlib import Path

from ._atomic import atomic_path

__all__ = [
    "EXPECTED_FILES",
    "OPTIONAL_FILES",
    "ChecksumMismatch",
    "manifest_path",
    "read_manifest",
    "sha256_file",
    "verify",
    "write_manifest",
    "main",
]

#: The files the project reads, relative to the data root.
EXPECTED_FILES = (
    "crisis/documents.jsonl.gz",
    "ungdc/speeches.jsonl.gz",
    "annotations/train.jsonl",
)
#: Files recorded when present: the random stratum's sampling frame (the paper's
#: design-based regression, rhetoric.data.frame), which a data root of your own may lack.
OPTIONAL_FILES = ("annotations/sampling_frame.jsonl.gz",)


class ChecksumMismatch(ValueError):
    """A data file differs from the one the manifest records; the message says how to proceed."""


# (resolved path, size, mtime_ns) -> hex digest; files are only re-hashed when they change.
_DIGESTS: dict[tuple[str, int, int], str] = {}
_WARNED: set[str] = set()


def manifest_path() -> Path:
    """``$RHETORIC_MANIFEST``, else ``data/manifest.json`` in this checkout."""
    env = os.environ.get("RHETORIC_MANIFEST")
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[2] / "data" / "manifest.json"


def read_manifest(path: str | Path | None = None) -> dict | None:
    """The manifest's ``files`` table, or None when there is no manifest to check against."""
    path = Path(path) if path is not None else manifest_path()
    if not path.is_file():
        if os.environ.get("RHETORIC_MANIFEST"):
            raise FileNotFoundError(f"RHETORIC_MANIFEST={path} does not exist")
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))["files"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise ValueError(f"{path}: not a data manifest ({exc})") from None


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file, remembered per (path, size, mtime) for this process."""
    path = Path(path).resolve()
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    digest = _DIGESTS.get(key)
    if digest is None:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        digest = _DIGESTS[key] = h.hexdigest()
    return digest


def verify(path: str | Path, relative: str, manifest: dict | None = None) -> None:
    """Check ``path`` (the data file ``relative`` to the data root) against the manifest.

    Raises :class:`ChecksumMismatch` naming the file, the expected and the found digest.
    Does nothing when ``RHETORIC_SKIP_CHECKSUM`` is set, when there is no manifest (an
    installed package without the checkout) or when the manifest does not list the file.
    """
    if os.environ.get("RHETORIC_SKIP_CHECKSUM", "").strip() not in ("", "0"):
        if relative not in _WARNED:
            _WARNED.add(relative)
            warnings.warn(f"RHETORIC_SKIP_CHECKSUM is set: {path} is not verified", stacklevel=3)
        return
    files = manifest if manifest is not None else read_manifest()
    if not files or relative not in files:
        return
    expected = files[relative]["sha256"]
    found = sha256_file(path)
    if found != expected:
        size = Path(path).stat().st_size
        raise ChecksumMismatch(
            f"{path} does not match the data manifest ({manifest_path()}):\n"
            f"  expected sha256 {expected} ({files[relative].get('bytes', '?')} bytes)\n"
            f"  found    sha256 {found} ({size} bytes)\n"
            "The file is damaged or is a different version of the data. Restore the original "
            "(see data/DATASHEET.md for its source), point RHETORIC_DATA at the right copy, or, "
            "to use this copy knowingly, set RHETORIC_SKIP_CHECKSUM=1 (or record it with "
            "`python -m rhetoric.data.checksums write` and RHETORIC_MANIFEST)."
        )


def _count_records(path: Path) -> int:
    from .corpora import iter_jsonl

    return sum(1 for _ in iter_jsonl(path))


def write_manifest(root: str | Path | None = None, path: str | Path | None = None) -> Path:
    """Record digest, size and record count of every expected file, and of each optional
    one that is there (atomically)."""
    from ..paths import data_root

    root = Path(root) if root is not None else data_root()
    path = Path(path) if path is not None else manifest_path()
    files = {}
    for rel in EXPECTED_FILES + tuple(r for r in OPTIONAL_FILES if (root / r).is_file()):
        f = root / rel
        files[rel] = {"sha256": sha256_file(f), "bytes": f.stat().st_size, "records": _count_records(f)}
    doc = {
        "about": "SHA-256, size and record count of each data file under RHETORIC_DATA; "
        "verified on load (see rhetoric/data/checksums.py). Regenerate with "
        "`python -m rhetoric.data.checksums write`.",
        "files": files,
    }
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    from ..paths import data_root

    parser = argparse.ArgumentParser(prog="python -m rhetoric.data.checksums", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=["verify", "write"])
    parser.add_argument("--root", help="data root (default: $RHETORIC_DATA)")
    args = parser.parse_args(argv)
    root = Path(args.root) if args.root else data_root()
    if args.action == "write":
        print(f"wrote {write_manifest(root)}")
        return 0
    files = read_manifest()
    if files is None:
        print(f"no manifest at {manifest_path()}", file=sys.stderr)
        return 1
    status = 0
    for rel in files:
        try:
            verify(root / rel, rel, files)
            print(f"ok        {rel}")
        except (ChecksumMismatch, FileNotFoundError) as exc:
            print(f"MISMATCH  {rel}\n{exc}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
