"""Table: calibration of the trained scorer's out-of-fold scores, per construct.

    python paper/scripts/tab_calibration.py

Reads ``build/data/validation_calibration.csv`` (``compute_validation.py``, from
:func:`rhetoric.validation.calibration_table`) and writes ``tables/tab_calibration.tex``, a
booktabs ``tabular`` (the float and caption are in paper.tex): one row per score bin, and
per construct the share of its sentences labelled positive and, in parentheses, how many
sentences fall in the bin. A calibrated score has a share near the bin's middle.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import atomic_write_text, log, out_dirs  # noqa: E402

from rhetoric.constructs import CONSTRUCTS  # noqa: E402  (the registry)

LABEL = {"threat": "Threat", "conditionality": "Conditionality", "two_path": "Two paths", "commitment": "Commitment"}
ENGINE = "trained"


def share(x) -> str:
    """0.78 -> '.78'; a bin without sentences -> '--'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "--"
    text = f"{x:.2f}"
    return text[1:] if text.startswith("0") else text


def render(cal) -> str:
    cal = cal[cal["engine"] == ENGINE]
    bins = list(dict.fromkeys(cal["bin"]))
    lines = [
        r"\begin{tabular}{@{}l" + "r" * len(CONSTRUCTS) + "@{}}",
        r"\toprule",
        "Score & " + " & ".join(LABEL[c] for c in CONSTRUCTS) + r" \\",
        r"\midrule",
    ]
    key = cal.set_index(["construct", "bin"])
    for b in bins:
        cells = []
        for c in CONSTRUCTS:
            r = key.loc[(c, b)]
            n = int(r["n"])
            cells.append(f"{share(r['observed'])} ({n:,})" if n else "-- (0)")
        lo, hi = b.split("-")
        lines.append(f"{lo}--{hi} & " + " & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def main() -> int:
    import pandas as pd

    dirs = out_dirs()
    cal = pd.read_csv(dirs["data"] / "validation_calibration.csv")
    target = dirs["tables"] / "tab_calibration.tex"
    atomic_write_text(render(cal), target)
    log(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
