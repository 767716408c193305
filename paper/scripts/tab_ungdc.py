"""Table: P5 x period coefficients of the two-way fixed-effects models (booktabs).

    python paper/scripts/tab_ungdc.py

Reads ``build/data/ungdc_coefs.csv`` (written by ``compute_ungdc.py``) and writes
``tables/tab_ungdc.tex``: one column per outcome (percent of a speech's sentences), the
coefficient with its country-clustered standard error below it, then N, countries, years
and the fixed effects. A tabular only; the caption (with the note: OLS, errors clustered
by country, stars, only five treated countries) belongs to ``paper.tex``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import atomic_write_text, log, out_dirs  # noqa: E402

OUTCOMES = {"threat": "Threat", "commitment": "Commitment"}
PERIOD_LABELS = {
    "post_cold_war": "P5 $\\times$ after the Cold War ({start}--)",
    "from_2014": "P5 $\\times$ {start} onward",
}


def stars(p: float) -> str:
    return "^{***}" if p < 0.001 else "^{**}" if p < 0.01 else "^{*}" if p < 0.05 else ""


def render(coefs) -> str:
    outcomes = [o for o in OUTCOMES if o in set(coefs["outcome"])]
    terms = list(dict.fromkeys(coefs["term"]))
    lines = [
        "\\begin{tabular}{@{}l" + "r" * len(outcomes) + "@{}}",
        "\\toprule",
        " & " + " & ".join(OUTCOMES[o] for o in outcomes) + " \\\\",
        " & " + " & ".join("(\\% of sentences)" for _ in outcomes) + " \\\\",
        "\\midrule",
    ]
    for term in terms:
        rows = coefs[coefs["term"] == term].set_index("outcome")
        name = term[len("p5_x_"):]
        start = int(rows["period_start"].iloc[0])
        label = PERIOD_LABELS.get(name, "P5 $\\times$ " + name.replace("_", " ") + " ({start}--)").format(start=start)
        est = [f"${rows.loc[o, 'coef']:.2f}{stars(rows.loc[o, 'p'])}$" for o in outcomes]
        se = [f"$({rows.loc[o, 'se']:.2f})$" for o in outcomes]
        lines.append(f"{label} & " + " & ".join(est) + " \\\\")
        lines.append(" & " + " & ".join(se) + " \\\\")
    first = coefs.drop_duplicates("outcome").set_index("outcome")
    lines += [
        "\\midrule",
        "Country and year fixed effects & " + " & ".join("yes" for _ in outcomes) + " \\\\",
        "Speeches ($N$) & " + " & ".join(f"{int(first.loc[o, 'n']):,}" for o in outcomes) + " \\\\",
        "Countries (clusters) & " + " & ".join(f"{int(first.loc[o, 'countries'])}" for o in outcomes) + " \\\\",
        "Years & " + " & ".join(f"{int(first.loc[o, 'years'])}" for o in outcomes) + " \\\\",
        "$R^2$ & " + " & ".join(f"{first.loc[o, 'r2']:.2f}" for o in outcomes) + " \\\\",
        "\\bottomrule",
        "\\end{tabular}",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import pandas as pd

    dirs = out_dirs()
    coefs = pd.read_csv(dirs["data"] / "ungdc_coefs.csv")
    target = dirs["tables"] / "tab_ungdc.tex"
    atomic_write_text(render(coefs), target)
    log(f"tab_ungdc: wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
