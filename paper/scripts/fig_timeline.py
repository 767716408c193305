"""Figure: weekly shares of threat, conditionality and commitment per actor, and the
weekly count of "swift and severe".

    python paper/scripts/fig_timeline.py

Reads ``build/data/timeline_weekly.csv`` and ``timeline_swift_severe.csv``
(``compute_timeline.py``) and writes ``figures/fig_timeline.pdf`` and ``.png``: one panel
per construct (percent of the actor's sentences that week, one line per actor told apart
by line style and marker), a bottom panel of weekly "swift and severe" occurrences (bars
hatched by actor), and a dashed line at 24 February 2022 in each. An actor's week with
fewer than ``min_week_sentences`` sentences (config.yaml, ``timeline``) is left as a gap:
a share of a handful of sentences says little.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import log, out_dirs, section  # noqa: E402
from _style import (ACTOR, ACTOR_FILL, ACTOR_HATCH, ACTOR_LABEL, ACTOR_ORDER,  # noqa: E402
                    CONSTRUCT_LABEL, WIDTH, mark_invasion, save, setup)


def main() -> int:
    import matplotlib.dates as mdates
    import numpy as np
    import pandas as pd

    plt = setup()
    dirs = out_dirs()
    _, settings = section("timeline", {"constructs": ["threat", "conditionality", "commitment"],
                                       "invasion": "2022-02-24", "min_week_sentences": 50})
    constructs = list(settings["constructs"])
    weekly = pd.read_csv(dirs["data"] / "timeline_weekly.csv", parse_dates=["week"])
    occ = pd.read_csv(dirs["data"] / "timeline_swift_severe.csv", parse_dates=["date", "week"])
    min_n = int(settings["min_week_sentences"])

    heights = [1.0] * len(constructs) + [0.6]
    fig, axes = plt.subplots(len(constructs) + 1, 1, figsize=(WIDTH, 1.75 * len(constructs) + 1.2),
                             sharex=True, gridspec_kw={"height_ratios": heights})
    centre = pd.Timedelta(days=3)  # plot a week at its middle (Thursday)
    for ax, c in zip(axes, constructs):
        for a in ACTOR_ORDER:
            d = weekly[weekly["actor"] == a].sort_values("week")
            y = np.where(d["sentences"] >= min_n, d[c] * 100, np.nan)
            ax.plot(d["week"] + centre, y, markersize=3.2, linewidth=1.0, **ACTOR[a])
        ax.set_ylabel(f"{CONSTRUCT_LABEL[c]}\n(% of sentences)")
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="0.92", linewidth=0.6)
        ax.set_axisbelow(True)
        mark_invasion(ax, settings["invasion"], label=ax is axes[0])
    axes[0].legend(loc="upper left", ncol=3, bbox_to_anchor=(0.0, 1.32))

    ax = axes[-1]
    weeks = pd.date_range(weekly["week"].min(), weekly["week"].max(), freq="W-MON")
    bottom = np.zeros(len(weeks))
    for a in ACTOR_ORDER:
        counts = occ[occ["actor"] == a].groupby("week").size().reindex(weeks, fill_value=0).to_numpy()
        if counts.sum() == 0:
            continue
        ax.bar(weeks + centre, counts, width=6, bottom=bottom, color=ACTOR_FILL[a], hatch=ACTOR_HATCH[a],
               edgecolor="0.0", linewidth=0.5, label=ACTOR_LABEL[a])
        bottom += counts
    ax.set_ylabel('"swift and severe"\n(occurrences)')
    top = max(1, int(bottom.max()))
    ax.set_ylim(0, top * 1.15)
    ax.yaxis.set_major_locator(plt.MaxNLocator(integer=True, nbins=4))
    mark_invasion(ax, settings["invasion"], label=False)
    if bottom.sum():
        ax.legend(loc="upper right")
    ax.set_xlabel("Week (ISO weeks, Monday to Sunday)")
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))
    ax.set_xlim(weekly["week"].min() - pd.Timedelta(days=2), weekly["week"].max() + pd.Timedelta(days=9))
    fig.align_ylabels(axes)
    fig.subplots_adjust(hspace=0.18)
    save(fig, "fig_timeline")
    log("fig_timeline done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
