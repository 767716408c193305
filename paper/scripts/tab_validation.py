"""Table: the trained scorer's out-of-fold precision, recall, F1, AUROC and false-positive
rate [document-bootstrap 95% interval] per construct, on all sentences and by corpus, with
the annotators' agreement (Cohen's kappa).

    python paper/scripts/tab_validation.py

Reads ``build/data/validation_metrics.csv`` and ``validation_kappa.csv``
(``compute_validation.py``) and writes ``tables/tab_validation.tex``: a booktabs
``tabular`` (the float and caption are in paper.tex); and ``tables/tab_validation_example.tex``,
the rules' explanation of the codebook's worked example as a verbatim block.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import atomic_write_text, log, out_dirs  # noqa: E402

from rhetoric.constructs import CONSTRUCTS  # noqa: E402  (the registry)
LABEL = {"threat": "Threat", "conditionality": "Conditionality", "two_path": "Two paths", "commitment": "Commitment"}
#: the rows of each construct: subset of validation_metrics.csv (method "trained") and its label
SUBSETS = (("all", "All"), ("all:corpus=crisis", "Crisis"), ("all:corpus=ungdc", "UN GD"))


def short(x: float) -> str:
    """0.79 -> '.79' (the table is narrow); NaN -> '--'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "--"
    text = f"{x:.2f}"
    return text[1:] if text.startswith("0") else text


def cell(est: float, lo: float, hi: float) -> str:
    return f"{short(est)} [{short(lo)}, {short(hi)}]"


def pct(x: float) -> str:
    return "--" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}"


def render(tidy, kappa) -> str:
    lines = [
        r"\begin{tabular}{@{}lrlrrccccc@{}}",
        r"\toprule",
        r"Construct & $\kappa$ & Sentences & $n$ & Pos. & Precision & Recall & F1 & AUROC & FPR (\%) \\",
        r"\midrule",
    ]
    key = tidy[tidy["method"] == "trained"].set_index(["subset", "construct", "metric"])
    for i, c in enumerate(CONSTRUCTS):
        subsets = [(s, label) for s, label in SUBSETS if (s, c, "f1") in key.index]
        for j, (s, label) in enumerate(subsets):
            p, r, f, a, fpr = (key.loc[(s, c, m)] for m in ("precision", "recall", "f1", "auroc", "fpr"))
            first = j == 0
            lines.append(" & ".join([
                LABEL[c] if first else "",
                f"{kappa[c]:.2f}" if first else "",
                label,
                f"{int(p['n']):,}",
                str(int(p["positives"])),
                cell(p["estimate"], p["low"], p["high"]),
                cell(r["estimate"], r["low"], r["high"]),
                (r"\textbf{%s}" % short(f["estimate"]) if s == "all" else short(f["estimate"]))
                + f" [{short(f['low'])}, {short(f['high'])}]",
                cell(a["estimate"], a["low"], a["high"]),
                f"{pct(fpr['estimate'])} [{pct(fpr['low'])}, {pct(fpr['high'])}]",
            ]) + r" \\")
        if i < len(CONSTRUCTS) - 1:
            lines.append(r"\addlinespace")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def wrap(text: str, width: int = 96) -> str:
    """Break lines longer than ``width`` (a verbatim block does not wrap), continuing
    each under its own indentation plus four spaces."""
    import textwrap

    out = []
    for line in text.splitlines():
        indent = " " * (len(line) - len(line.lstrip()) + 4)
        out += textwrap.wrap(line, width=width, subsequent_indent=indent, break_on_hyphens=False) or [""]
    return "\n".join(out)


def main() -> int:
    import pandas as pd

    dirs = out_dirs()
    tidy = pd.read_csv(dirs["data"] / "validation_metrics.csv")
    kappa = pd.read_csv(dirs["data"] / "validation_kappa.csv").set_index("construct")["kappa"].to_dict()
    target = dirs["tables"] / "tab_validation.tex"
    atomic_write_text(render(tidy, kappa), target)
    log(f"wrote {target}")
    example = wrap((dirs["data"] / "validation_example.txt").read_text(encoding="utf-8").rstrip("\n"))
    if "\\end{verbatim}" in example:
        raise ValueError("validation_example.txt contains \\end{verbatim}; it cannot be shown verbatim")
    target = dirs["tables"] / "tab_validation_example.tex"
    atomic_write_text("\\begin{verbatim}\n" + example + "\n\\end{verbatim}\n", target)
    log(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
