"""The paper's figure style: one look for every figure, readable in greyscale.

>>> from _style import setup, ACTOR, CONSTRUCT_LABEL, save     # doctest: +SKIP
>>> plt = setup()                   # matplotlib (Agg) with the paper's rc settings
>>> fig, ax = plt.subplots()
>>> ax.plot([0, 1], [0, 1], **ACTOR["US"])
>>> save(fig, "fig_example")        # figures/fig_example.pdf and .png, written whole

Series are told apart by line style and marker first and by grey level second, so a
figure printed in black and white loses nothing. Figure scripts import this module and
:mod:`_common` only; they never compute anything that needs the data.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "WIDTH", "HEIGHT", "ACTOR", "ACTOR_LABEL", "ACTOR_ORDER", "METHOD", "METHOD_LABEL",
    "CONSTRUCT_LABEL", "CONSTRUCT_STYLE", "GREYS", "setup", "save", "despine", "mark_invasion",
]

#: the text width of the paper's page (inches) and a default panel height
WIDTH = 6.5
HEIGHT = 2.4

#: grey levels from dark to light (matplotlib accepts "0.0".."1.0" strings as greys)
GREYS = ("0.0", "0.35", "0.6")

ACTOR_ORDER = ("US", "RU", "UA")
ACTOR_LABEL = {"US": "United States", "RU": "Russia", "UA": "Ukraine"}
#: keyword arguments for ax.plot, one style per actor
ACTOR = {
    "US": {"color": "0.0", "linestyle": "-", "marker": "o", "markerfacecolor": "0.0", "label": "United States"},
    "RU": {"color": "0.3", "linestyle": "--", "marker": "s", "markerfacecolor": "white", "label": "Russia"},
    "UA": {"color": "0.55", "linestyle": ":", "marker": "^", "markerfacecolor": "0.55", "label": "Ukraine"},
}
#: hatches for bars, one per actor
ACTOR_HATCH = {"US": "", "RU": "////", "UA": "...."}
ACTOR_FILL = {"US": "0.15", "RU": "white", "UA": "0.75"}

CONSTRUCT_LABEL = {
    "threat": "Threat",
    "conditionality": "Conditionality",
    "two_path": "Two paths",
    "commitment": "Commitment",
}

METHOD_LABEL = {
    "extractor": "rhetoric (rules)",
    "keyword": "Keyword count",
    "vader": "VADER negativity",
    "trained": "Trained scorer (out-of-fold)",
    "rules": "Rules",
}
#: keyword arguments for ax.errorbar / ax.plot, one style per method
METHOD = {
    "extractor": {"color": "0.0", "marker": "o", "markerfacecolor": "0.0", "linestyle": "none"},
    "keyword": {"color": "0.35", "marker": "s", "markerfacecolor": "white", "linestyle": "none"},
    "vader": {"color": "0.5", "marker": "D", "markerfacecolor": "0.75", "linestyle": "none"},
    "trained": {"color": "0.0", "marker": "o", "markerfacecolor": "0.0", "linestyle": "none"},
    "rules": {"color": "0.3", "marker": "^", "markerfacecolor": "white", "linestyle": "none"},
}
#: keyword arguments for ax.plot, one style per construct (lines: learning curves)
CONSTRUCT_STYLE = {
    "threat": {"color": "0.0", "linestyle": "-", "marker": "o", "markerfacecolor": "0.0"},
    "conditionality": {"color": "0.3", "linestyle": "--", "marker": "s", "markerfacecolor": "white"},
    "two_path": {"color": "0.5", "linestyle": ":", "marker": "^", "markerfacecolor": "0.5"},
    "commitment": {"color": "0.2", "linestyle": "-.", "marker": "D", "markerfacecolor": "white"},
}

_RC = {
    "font.family": "serif",
    "font.serif": ["DejaVu Serif", "Times New Roman", "Times"],
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.labelsize": 8.5,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "lines.linewidth": 1.1,
    "lines.markersize": 3.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.03,
    "pdf.fonttype": 42,  # embed TrueType: text stays text in the PDF
    "svg.fonttype": "none",
}


def setup():
    """matplotlib with the Agg backend and the paper's rc settings; returns pyplot."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(_RC)
    return plt


def despine(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)


def mark_invasion(ax, date="2022-02-24", label: bool = True) -> None:
    """A dashed vertical line at the invasion (24 February 2022), labelled at the top."""
    import pandas as pd

    x = pd.Timestamp(date)
    ax.axvline(x, color="0.2", linestyle=(0, (4, 2)), linewidth=0.8, zorder=0)
    if label:
        ax.annotate("24 Feb 2022", xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -2),
                    textcoords="offset points", ha="left", va="top", fontsize=7, color="0.2")


def save(fig, name: str, dpi: int = 150) -> tuple[Path, Path]:
    """Write ``figures/<name>.pdf`` (vector) and ``.png`` (``dpi``) whole, close the figure."""
    import matplotlib.pyplot as plt
    from _common import log, out_dirs

    from rhetoric._atomic import atomic_path

    folder = out_dirs()["figures"]
    paths = []
    for ext in ("pdf", "png"):
        target = folder / f"{name}.{ext}"
        with atomic_path(target, suffix=f".{ext}") as tmp:
            # a fixed creation date keeps the PDF identical from run to run
            meta = {"CreationDate": None} if ext == "pdf" else {"Software": None}
            fig.savefig(tmp, format=ext, dpi=dpi, metadata=meta)
        paths.append(target)
    plt.close(fig)
    log(f"wrote {paths[0]} and .png")
    return paths[0], paths[1]
