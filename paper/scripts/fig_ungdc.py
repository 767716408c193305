"""Figure: threat and commitment at the UN General Debate by year, P5 against the rest.

    python paper/scripts/fig_ungdc.py

Reads ``build/data/ungdc_yearly.csv`` and ``ungdc_coefs.csv`` (written by
``compute_ungdc.py``; plotting only, no scoring) and writes ``figures/fig_ungdc.pdf`` and
``.png``. Yearly means are points (P5 filled circles, the rest open squares), the centred
rolling mean a line (P5 solid, the rest dashed), so the series stay apart in greyscale;
dotted verticals mark the first year of each period in the model.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import out_dirs  # noqa: E402
from _style import WIDTH, save, setup  # noqa: E402

LABELS = {"threat": "Sentences with a threat (%)", "commitment": "Sentences with a commitment (%)"}
TITLES = {"threat": "Threat", "commitment": "Commitment"}
STYLE = {
    "P5": {"marker": "o", "mfc": "black", "color": "black", "ls": "-", "label": "P5 (USA, GBR, FRA, CHN, RUS)"},
    "Rest": {"marker": "s", "mfc": "white", "color": "0.45", "ls": "--", "label": "All other members"},
}


def main(argv: list[str] | None = None) -> int:
    plt = setup()
    import pandas as pd

    dirs = out_dirs()
    yearly = pd.read_csv(dirs["data"] / "ungdc_yearly.csv")
    coefs = pd.read_csv(dirs["data"] / "ungdc_coefs.csv")
    breaks = sorted(coefs["period_start"].unique())

    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, 2.9), sharex=True)
    for ax, outcome in zip(axes, ("threat", "commitment")):
        for group in ("Rest", "P5"):  # P5 drawn last, on top
            st = STYLE[group]
            d = yearly[(yearly["outcome"] == outcome) & (yearly["group"] == group)].sort_values("year")
            ax.plot(d["year"], d["mean"], ls="none", marker=st["marker"], ms=2.6, mfc=st["mfc"],
                    mec=st["color"], mew=0.6, alpha=0.55)
            ax.plot(d["year"], d["rolling"], ls=st["ls"], color=st["color"], lw=1.4)
        for year in breaks:
            ax.axvline(year, color="0.6", ls=":", lw=0.8, zorder=0)
        ax.set_title(TITLES[outcome])
        ax.set_ylabel(LABELS[outcome])
        ax.set_xlabel("Year of the General Debate")
        ax.set_ylim(bottom=0)
    from matplotlib.lines import Line2D

    window = int(yearly["rolling_window"].iloc[0])
    handles = [
        Line2D([], [], ls=STYLE[g]["ls"], color=STYLE[g]["color"], marker=STYLE[g]["marker"],
               mfc=STYLE[g]["mfc"], mec=STYLE[g]["color"], ms=3.5, lw=1.4)
        for g in ("P5", "Rest")
    ] + [Line2D([], [], ls=":", color="0.6", lw=0.8)]
    labels = [STYLE[g]["label"] for g in ("P5", "Rest")] + [
        "Periods from " + ", ".join(str(int(b)) for b in breaks)
    ]
    fig.text(0.5, 0.005, f"Points: yearly means of speeches; lines: centred {window}-year rolling means.",
             ha="center", va="bottom", fontsize=7, color="0.3")
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.05), ncol=3)
    fig.tight_layout(rect=(0, 0.13, 1, 1))
    save(fig, "fig_ungdc")
    return 0


if __name__ == "__main__":
    sys.exit(main())
