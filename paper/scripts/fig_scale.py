"""Figure: sentences per second by worker processes, with VADER as a reference line.

    python paper/scripts/fig_scale.py

Reads ``build/data/scale_runs.csv`` and ``scale_summary.csv`` (written by
``compute_scale.py``; plotting only, nothing is timed here) and writes
``figures/fig_scale.pdf`` and ``.png``. Points are the median over rounds, whiskers the
fastest and slowest round; the y axis is logarithmic because VADER (a sentiment lexicon,
shown for cost only) is an order of magnitude or more away.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import out_dirs  # noqa: E402
from _style import save, setup  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    plt = setup()
    import pandas as pd
    from matplotlib.ticker import FuncFormatter

    dirs = out_dirs()
    summary = pd.read_csv(dirs["data"] / "scale_summary.csv")
    n = int(summary["sentences"].iloc[0])
    procs = summary[(summary["engine"] == "rhetoric") & (summary["backend"] == "processes")].sort_values("workers")
    serial = summary[(summary["engine"] == "rhetoric") & (summary["backend"] == "serial")].iloc[0]
    vader = summary[summary["engine"] == "vader"].iloc[0]

    def rate_range(rows):
        return [rows["sentences_per_s"] - n / rows["seconds_max"], n / rows["seconds_min"] - rows["sentences_per_s"]]

    fig, ax = plt.subplots(figsize=(4.2, 3.2))
    ax.errorbar(procs["workers"], procs["sentences_per_s"], yerr=rate_range(procs), color="black", marker="o",
                ms=5, ls="-", lw=1.3, capsize=3, label="rhetoric, worker processes (featurise)")
    ax.errorbar([serial["workers"] - 0.15], [serial["sentences_per_s"]],
                yerr=[[v] for v in rate_range(serial)], color="0.35", marker="^", mfc="white", ms=6,
                ls="none", capsize=3, label="rhetoric, in the calling process")
    ax.axhline(vader["sentences_per_s"], color="0.3", ls="--", lw=1.1,
               label="VADER sentiment, in one process (reference)")
    for _, r in procs.iterrows():
        ax.annotate(f"{r['sentences_per_s']:,.0f}/s\n{r['vader_time_ratio']:.2f} x VADER's speed",
                    (r["workers"], r["sentences_per_s"]), textcoords="offset points", xytext=(8, -4),
                    fontsize=7, va="top")
    ax.annotate(f"VADER {vader['sentences_per_s']:,.0f}/s", (procs["workers"].max() + 0.75, vader["sentences_per_s"]),
                textcoords="offset points", xytext=(0, 3), fontsize=7, ha="right", va="bottom", color="0.3")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xticks(procs["workers"].tolist())
    lo, hi = procs["workers"].min(), procs["workers"].max()
    ax.set_xlim(lo - 0.5, hi + 0.8)
    ymin = min(procs["sentences_per_s"].min(), serial["sentences_per_s"]) / 2
    ax.set_ylim(ymin, vader["sentences_per_s"] * 3)
    ax.set_xlabel("Worker processes")
    ax.set_ylabel("Sentences per second (log scale)")
    ax.set_title(f"Scoring speed on {n:,} sentences")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1)
    save(fig, "fig_scale")
    return 0


if __name__ == "__main__":
    sys.exit(main())
