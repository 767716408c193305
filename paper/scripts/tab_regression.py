"""Table: the actor x period linear probability models, naive beside DSL, one pair of
columns per construct: coefficients in percentage points with their 95% intervals
(clustered by document) beneath, each actor's implied change after 24 February 2022, and
the counts.

    python paper/scripts/tab_regression.py

Reads ``build/data/regression_coefs.csv`` (``compute_regression.py``) and writes
``tables/tab_regression.tex``: a booktabs ``tabular`` (the float and caption are in
paper.tex).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import atomic_write_text, log, out_dirs  # noqa: E402

LABEL = {"threat": "Threat", "conditionality": "Conditionality", "two_path": "Two paths", "commitment": "Commitment"}
METHODS = {"naive": "Naive", "dsl": "DSL"}
COEFS = {
    "Intercept": "Constant (US, before)",
    "RU": "Russia",
    "UA": "Ukraine",
    "after": r"After 24 Feb 2022",
    "RU:after": r"Russia $\times$ after",
    "UA:after": r"Ukraine $\times$ after",
}
CHANGES = {"change:US": "United States", "change:RU": "Russia", "change:UA": "Ukraine"}


def num(x: float, digits: int = 2) -> str:
    text = f"{x:.{digits}f}"
    if float(text) == 0:
        text = f"{0:.{digits}f}"
    return text.replace("-", "$-$")


def render(coefs) -> str:
    constructs = list(dict.fromkeys(coefs["construct"]))
    coefs = coefs[coefs["method"].isin(METHODS)]
    key = coefs.set_index(["construct", "method", "term"])
    cols = [(c, m) for c in constructs for m in METHODS]
    lines = [
        r"\begin{tabular}{@{}l" + "rr" * len(constructs) + "@{}}",
        r"\toprule",
        " & ".join([""] + [r"\multicolumn{2}{c}{%s}" % LABEL.get(c, c) for c in constructs]) + r" \\",
        "".join(r"\cmidrule(lr){%d-%d}" % (2 + 2 * i, 3 + 2 * i) for i in range(len(constructs))),
        " & ".join([""] + [METHODS[m] for _, m in cols]) + r" \\",
        r"\midrule",
    ]
    # a rare construct's coefficients are hundredths of a point: give them a third decimal
    digits = {c: 3 if coefs.loc[coefs["construct"] == c, "coef"].abs().max() < 0.1 else 2 for c in constructs}

    def block(terms: dict[str, str]) -> None:
        for term, label in terms.items():
            row = [label] + [num(key.loc[(c, m, term), "coef"], digits[c]) for c, m in cols]
            ci = [""] + [f"[{num(key.loc[(c, m, term), 'low'], digits[c])}, {num(key.loc[(c, m, term), 'high'], digits[c])}]"
                         for c, m in cols]
            lines.append(" & ".join(row) + r" \\")
            lines.append(" & ".join(ci) + r" \\[1pt]")

    block(COEFS)
    lines.append(r"\midrule")
    lines.append(r"\multicolumn{%d}{@{}l}{\emph{Implied change after 24 Feb 2022}} \\" % (2 * len(constructs) + 1))
    block(CHANGES)
    lines.append(r"\midrule")
    first = coefs.groupby(["construct", "method"]).first()
    lines.append(" & ".join(["Sentences (N)"] + [f"{int(first.loc[(c, m), 'n']):,}" for c, m in cols]) + r" \\")
    lines.append(" & ".join(["Expert-coded"] + ["" if m == "naive" else f"{int(first.loc[(c, m), 'labelled']):,}"
                                                for c, m in cols]) + r" \\")
    lines.append(" & ".join(["Documents (clusters)"] + [f"{int(first.loc[(c, m), 'clusters']):,}" for c, m in cols])
                 + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def main() -> int:
    import pandas as pd

    dirs = out_dirs()
    coefs = pd.read_csv(dirs["data"] / "regression_coefs.csv")
    target = dirs["tables"] / "tab_regression.tex"
    atomic_write_text(render(coefs), target)
    log(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
