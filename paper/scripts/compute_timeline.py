"""The crisis over time: weekly threat, conditionality and commitment per actor, and
where the "swift and severe" formula appears.

    python paper/scripts/compute_timeline.py [--small]

Every crisis document (:func:`rhetoric.data.load_crisis`) is cut into sentences
(:func:`rhetoric.data.to_sentences`) and each sentence scored on its own
(:func:`rhetoric.data.featurise` with ``split=False``, cached). A sentence carries a
construct when its score is >= the threshold (0.5). The weekly share of an actor is the
share of all its sentences that week that carry the construct, so long documents weigh
by their length (a sentence-weighted mean of the documents' ``*_share``). Weeks are ISO
weeks (Monday to Sunday), labelled by their Monday, from ``start`` to ``end``.

"Swift and severe": a regular expression over each document's normalised text finds
``swift``/``swiftly`` and ``severe``/``severely`` within ``swift_severe_gap`` words of each
other, in either order ("swift and severe", "swift, severe and united", "severe and
swift"). Occurrences are counted per week and actor. Press-briefing transcripts include
the journalists' questions, so a reporter quoting the formula counts too: the formula's
presence in the record, not only in the speaker's mouth.

Writes (under ``paper/`` or ``$RHETORIC_PAPER_OUT``):

``build/data/timeline_weekly.csv``        week x actor: sentences, documents, share per construct
``build/data/timeline_periods.csv``       actor x period (before / from 24 Feb): the same
``build/data/timeline_swift_severe.csv``  one row per occurrence: doc_id, actor, date, week, match
``build/numbers/timeline.json``           the numbers the text quotes (macros ``Time...``, ``Swift...``)

``--small``: a seeded sample of a few documents per actor before and after the invasion,
each cut short (``crisis`` section of config.yaml); seconds.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (atomic_write_csv, crisis_documents, crisis_sentences, fmt,  # noqa: E402
                     fmt_date, log, macro, numbers_json, out_dirs, parse_args, section)

ACTORS = ("US", "RU", "UA")
DEFAULTS = {
    "threshold": 0.5,
    "start": "2021-10-25",
    "end": "2022-06-26",
    "invasion": "2022-02-24",
    "constructs": ["threat", "conditionality", "commitment"],
    "swift_severe_gap": 3,
    "peak_min_sentences": 50,  # a week's peak share counts only with this many sentences
    "small": {"peak_min_sentences": 1},
}


def swift_severe_pattern(gap: int = 3) -> re.Pattern:
    """``swift(ly)`` and ``severe(ly)`` within ``gap`` words of each other, either order.

    >>> p = swift_severe_pattern(3)
    >>> [bool(p.search(t)) for t in ("a swift and severe response", "swift, severe and united",
    ...  "severely and swiftly", "swift action was taken before the severe storm")]
    [True, True, True, False]
    """
    between = rf"(?:\W+\w+){{0,{int(gap)}}}?\W+"
    return re.compile(rf"\bswift(?:ly)?\b{between}severe(?:ly)?\b|\bsevere(?:ly)?\b{between}swift(?:ly)?\b",
                      re.IGNORECASE)


def week_of(dates):
    """The Monday of each date's ISO week (a datetime64 Series)."""
    import pandas as pd

    dates = pd.to_datetime(dates)
    return (dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")).dt.normalize()


def weekly_shares(sents, constructs, start, end):
    """week x actor: sentences, documents and the share of sentences carrying each
    construct; every week of [start, end] for every actor, empty weeks with 0 sentences."""
    import pandas as pd

    d = sents.assign(week=week_of(sents["date"]))
    d = d[(d["date"] >= pd.Timestamp(start)) & (d["date"] <= pd.Timestamp(end))]
    grouped = d.groupby(["week", "actor"])
    table = grouped.agg(sentences=("doc_id", "size"), documents=("doc_id", "nunique"),
                        **{c: (f"{c}_on", "mean") for c in constructs})
    weeks = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="W-MON")
    full = pd.MultiIndex.from_product([weeks, list(ACTORS)], names=["week", "actor"])
    table = table.reindex(full)
    table[["sentences", "documents"]] = table[["sentences", "documents"]].fillna(0).astype(int)
    return table.reset_index()


def period_shares(sents, constructs, invasion):
    """actor x period: sentences, documents and share of sentences per construct."""
    import pandas as pd

    d = sents.assign(period=(sents["date"] >= pd.Timestamp(invasion)).map({False: "before", True: "after"}))
    return (d.groupby(["actor", "period"])
            .agg(sentences=("doc_id", "size"), documents=("doc_id", "nunique"),
                 **{c: (f"{c}_on", "mean") for c in constructs})
            .reset_index())


def swift_severe(docs, gap: int):
    """One row per occurrence: doc_id, actor, date, week, the words matched."""
    import pandas as pd

    from rhetoric import normalise

    pat = swift_severe_pattern(gap)
    rows = []
    for doc in docs.itertuples(index=False):
        for m in pat.finditer(normalise(doc.text)):
            rows.append({"doc_id": doc.doc_id, "actor": doc.actor, "date": doc.date, "doc_type": doc.doc_type,
                         "start": m.start(), "match": m.group(0)})
    out = pd.DataFrame(rows, columns=["doc_id", "actor", "date", "doc_type", "start", "match"])
    out["date"] = pd.to_datetime(out["date"])
    out["week"] = week_of(out["date"]) if len(out) else out["date"]
    return out.sort_values(["date", "doc_id", "start"]).reset_index(drop=True)


ACTOR_MACRO = {"US": "Us", "RU": "Ru", "UA": "Ua"}


def numbers(sents, weekly, periods, occurrences, constructs, invasion, peak_min: int = 50) -> dict[str, str]:
    import pandas as pd

    values = {
        "TimeDocuments": fmt(sents["doc_id"].nunique()),
        "TimeSentences": fmt(len(sents)),
        "TimeWeeks": fmt(weekly["week"].nunique()),
        "TimeFirstWeek": fmt_date(weekly["week"].min()),
        "TimeLastWeek": fmt_date(weekly["week"].max()),
        "TimeMedianWeekSentences": fmt(weekly.loc[weekly["sentences"] > 0, "sentences"].median()),
    }
    for a in ACTORS:
        values[f"TimeDocuments{ACTOR_MACRO[a]}"] = fmt(sents.loc[sents["actor"] == a, "doc_id"].nunique())
        values[f"TimeSentences{ACTOR_MACRO[a]}"] = fmt(int((sents["actor"] == a).sum()))
    p = periods.set_index(["actor", "period"])
    for (a, period), row in p.iterrows():
        values[f"TimeSentences{ACTOR_MACRO[a]}{period.title()}"] = fmt(int(row["sentences"]))
        values[f"TimeDocuments{ACTOR_MACRO[a]}{period.title()}"] = fmt(int(row["documents"]))
    for c in constructs:
        for a in ACTORS:
            for period, word in (("before", "Before"), ("after", "After")):
                if (a, period) in p.index:
                    values[macro("time", c, ACTOR_MACRO[a], word)] = fmt(p.loc[(a, period), c], 1, percent=True)
            # the week with the highest share, among weeks with enough sentences to mean much
            w = weekly[(weekly["actor"] == a) & (weekly["sentences"] >= peak_min)].dropna(subset=[c])
            if len(w):
                top = w.loc[w[c].idxmax()]
                values[macro("time", c, ACTOR_MACRO[a], "peak")] = fmt(top[c], 1, percent=True)
                values[macro("time", c, ACTOR_MACRO[a], "peak", "week")] = fmt_date(top["week"])
    inv = pd.Timestamp(invasion)
    occ = occurrences
    values["SwiftSevereCount"] = fmt(len(occ))
    values["SwiftSevereDocuments"] = fmt(occ["doc_id"].nunique())
    values["SwiftSevereBefore"] = fmt(int((occ["date"] < inv).sum()))
    values["SwiftSevereAfter"] = fmt(int((occ["date"] >= inv).sum()))
    for a in ACTORS:
        values[f"SwiftSevere{ACTOR_MACRO[a]}"] = fmt(int((occ["actor"] == a).sum()))
    values["SwiftSevereFirst"] = fmt_date(occ["date"].min()) if len(occ) else "n/a"
    values["SwiftSevereLast"] = fmt_date(occ["date"].max()) if len(occ) else "n/a"
    if len(occ):
        per_week = occ.groupby("week").size()
        values["SwiftSevereTopWeek"] = fmt_date(per_week.idxmax())
        values["SwiftSevereTopWeekCount"] = fmt(int(per_week.max()))
        values["SwiftSevereLastBeforeInvasion"] = (fmt_date(occ.loc[occ["date"] < inv, "date"].max())
                                                   if (occ["date"] < inv).any() else "n/a")
    else:
        values.update(SwiftSevereTopWeek="n/a", SwiftSevereTopWeekCount="0", SwiftSevereLastBeforeInvasion="n/a")
    return values


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__, argv)
    seed, settings = section("timeline", DEFAULTS)
    constructs = list(settings["constructs"])
    dirs = out_dirs()

    docs = crisis_documents(args.small, seed)
    sents = crisis_sentences(args.small, seed, threshold=float(settings["threshold"]), docs=docs)
    weekly = weekly_shares(sents, constructs, settings["start"], settings["end"])
    periods = period_shares(sents, constructs, settings["invasion"])
    log(f"weekly shares: {weekly['week'].nunique()} weeks x {len(ACTORS)} actors")

    occurrences = swift_severe(docs, int(settings["swift_severe_gap"]))
    log(f"'swift and severe': {len(occurrences)} occurrences in {occurrences['doc_id'].nunique()} documents")

    atomic_write_csv(weekly, dirs["data"] / "timeline_weekly.csv")
    atomic_write_csv(periods, dirs["data"] / "timeline_periods.csv")
    atomic_write_csv(occurrences, dirs["data"] / "timeline_swift_severe.csv")
    peak_min = int(settings["small"]["peak_min_sentences"] if args.small else settings["peak_min_sentences"])
    numbers_json(numbers(sents, weekly, periods, occurrences, constructs, settings["invasion"], peak_min),
                 dirs["numbers"] / "timeline.json")
    log("timeline done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
