"""Figure: sentences per second by worker processes, with VADER as a reference line.

    python paper/scripts/fig_scale.py

Reads ``build/data/scale_runs.csv`` and ``scale_summary.csv`` (written by
``compute_scale.py``; plotting only, nothing is timed here) and writes
``figures/fig_scale.pdf`` and ``.png``. Points are the median over rounds, whiskers the
fastest and slowest round. VADER (a sentiment lexicon, shown for cost only) is a dashed
line. The y axis is linear from zero, or logarithmic when the engines are more than ten
times apart.
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
    from matplotlib.ticker import FuncFormatter, NullFormatter

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
    box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85}
    for _, r in procs.iterrows():
        ax.annotate(f"{r['sentences_per_s']:,.0f}/s\n{r['vader_time_ratio']:.2f} x VADER's speed",
                    (r["workers"], r["sentences_per_s"]), textcoords="offset points", xytext=(9, 0),
                    fontsize=7, va="center", bbox=box)
    lo, hi = procs["workers"].min(), procs["workers"].max()
    ax.annotate(f"VADER {vader['sentences_per_s']:,.0f}/s", (lo - 0.45, vader["sentences_per_s"]),
                textcoords="offset points", xytext=(0, 3), fontsize=7, ha="left", va="bottom", color="0.3")
    rates = pd.concat([procs["sentences_per_s"], pd.Series([serial["sentences_per_s"], vader["sentences_per_s"]])])
    log_scale = rates.max() / rates.min() > 10  # a linear axis from 0 when the engines are within 10x
    if log_scale:
        ax.set_yscale("log")
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_ylim(rates.min() / 2, rates.max() * 3)
    else:
        top = max(rates.max(), (n / summary["seconds_min"]).max())
        ax.set_ylim(0, top * 1.15)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xticks(procs["workers"].tolist())
    ax.set_xlim(lo - 0.5, hi + 0.9)
    ax.set_xlabel("Worker processes")
    ax.set_ylabel("Sentences per second" + (" (log scale)" if log_scale else ""))
    ax.set_title(f"Scoring speed on {n:,} sentences")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=1)
    save(fig, "fig_scale")
    return 0


if __name__ == "__main__":
    sys.exit(main())
