"""What the paper's tests share: where the scripts are, which macros the paper quotes,
and a small build of one analysis into a temporary ``RHETORIC_PAPER_OUT``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rhetoric.paths import data_root

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "paper" / "scripts"
if str(SCRIPTS) not in sys.path:  # the compute scripts are imported by the unit tests
    sys.path.insert(0, str(SCRIPTS))


def needs_data(relative: str):
    """Skip unless the shared data file ``relative`` (under the data root) is there."""
    return pytest.mark.skipif(
        not (data_root(required=False) / relative).is_file(),
        reason="the shared data is not there (set RHETORIC_DATA)",
    )


def paper_macros(*prefixes: str) -> set[str]:
    """The number macros paper.tex uses that start with one of ``prefixes``."""
    tex = (REPO / "paper" / "paper.tex").read_text(encoding="utf-8")
    return {m for m in re.findall(r"\\([A-Z][A-Za-z]+)", tex) if m.startswith(prefixes)}


#: analysis -> the folder where its small build ran in this test session, so an analysis
#: that others read (``crossfit``) runs once and is copied into the others' folders
_BUILT: dict[str, Path] = {}


def _requires(name: str) -> tuple[str, ...]:
    sys.path.insert(0, str(REPO / "paper"))
    try:
        from build import REQUIRES
    finally:
        sys.path.remove(str(REPO / "paper"))
    return tuple(REQUIRES.get(name, ()))


def small_build(out: Path, name: str, steps: tuple[str, ...] = ("fig", "tab")) -> Path:
    """Run ``compute_<name>.py --small`` then the ``<step>_<name>.py`` scripts into ``out``,
    after the small builds of the analyses it reads (``paper/build.py``'s ``REQUIRES``: run
    once per test session, their outputs copied in)."""
    import shutil

    for required in _requires(name):
        if required not in _BUILT:
            small_build(out.parent / f"_{required}_small", required, steps=())
        for kind in ("data", "numbers"):
            dest = out / "build" / kind
            dest.mkdir(parents=True, exist_ok=True)
            for path in (_BUILT[required] / "build" / kind).glob(f"{required}*"):
                shutil.copy2(path, dest / path.name)
    env = {**os.environ, "RHETORIC_PAPER_OUT": str(out), "RHETORIC_CACHE": str(out / "cache")}
    for script in [[f"compute_{name}.py", "--small"]] + [[f"{step}_{name}.py"] for step in steps]:
        proc = subprocess.run([sys.executable, str(SCRIPTS / script[0])] + script[1:], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{script[0]} failed:\n{proc.stdout}\n{proc.stderr}"
    _BUILT[name] = out
    return out
