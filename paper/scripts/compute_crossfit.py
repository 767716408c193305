"""Cross-fitted predictions of the trained scorer: for the labelled sentences (the
validation's out-of-fold scores) and for the population of the design-based regression.

    python paper/scripts/compute_crossfit.py [--small]

One run of :func:`rhetoric.training.cross_fit`, nested document-grouped cross-validation
over the annotations' ``fold`` (settings and thresholds chosen in inner folds), serves two
analyses, so the five models are fitted once:

* every labelled sentence is scored by the model fitted without its fold (what
  ``rhetoric evaluate`` reports; ``compute_validation.py`` reads these scores);
* every sentence of the **population** is scored by the model of its document's fold
  (:func:`rhetoric.data.frame.document_fold`, the rule behind the annotations' ``fold``), so no
  labelled sentence's prediction comes from a model that saw its label
  (``compute_regression.py`` reads these).

The population is the sampling frame of the ``random_r1`` stratum
(``annotations/sampling_frame.jsonl.gz``: the eligible sentences, 6-70 words, of the crisis
documents the annotators sampled from), each frame sentence mapped to the project's own
sentence it overlaps most (:func:`rhetoric.data.frame.map_to_sentences`; a pair counts when
each covers more than half of the other; the others are counted and left out). Each carries
its expert labels when it is in the random sample (probability sampled / frame size).

Writes (under ``paper/`` or ``$RHETORIC_PAPER_OUT``):

``build/data/crossfit_labels.csv``      id, fold and the out-of-fold score per construct of each labelled sentence
``build/data/crossfit_population.csv``  frame_row, doc_id, actor, date, fold, labelled, expert labels (empty
                                        where unlabelled), cross-fitted score per construct
``build/data/crossfit.json``            what was fitted (config, settings by fold, the labels' SHA-256, small
                                        or not) and the population's counts (frame, mapped, unmapped, labelled)
``build/numbers/crossfit.json``         the counts the text quotes (macros ``Pop...``)

``--small``: the first ``validation.small.limit`` labelled sentences and a seeded sample of
frame documents that hold labelled sentences (``regression.small``); seconds.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (atomic_write_csv, atomic_write_json, fmt, log, numbers_json, out_dirs,  # noqa: E402
                     parse_args, section)

DEFAULTS = {
    "n_jobs": 2,          # outer folds fitted in parallel
    "stratum": "random_r1",
    "invasion": "2022-02-24",
    "small": {"labels": 1500, "docs_per_actor_period": 8},
}


def population(small: bool, seed: int, settings: dict):
    """The mapped frame sentences (doc_id, actor, date, text, frame_row, fold, labelled and
    the expert labels, NaN where unlabelled), the annotations, and counts of what mapped."""
    import numpy as np
    import pandas as pd

    from rhetoric.constructs import CONSTRUCTS
    from rhetoric.data import load_annotations, load_crisis, to_sentences
    from rhetoric.data.frame import (check_fold_rule, document_fold, load_sampling_frame, map_to_sentences,
                                     random_sample)

    annotations = load_annotations()
    check_fold_rule(annotations)
    frame = load_sampling_frame()
    sample = random_sample(annotations, frame, settings["stratum"])
    counts = {"frame_sentences": len(frame), "frame_documents": int(frame["doc_id"].nunique()),
              "sampled": len(sample), "sample_prob": float(sample["sample_prob"].iloc[0]),
              "stratum": settings["stratum"]}
    docs = load_crisis()
    docs = docs[docs["doc_id"].isin(set(frame["doc_id"]))]
    if small:
        sm = settings["small"]
        pool = docs[docs["doc_id"].isin(set(sample["doc_id"]))]
        after = pool["date"] >= pd.Timestamp(settings["invasion"])
        # a seeded shuffle, then the first N documents of each actor and period
        docs = (pool.assign(_after=after).sample(frac=1.0, random_state=seed)
                .groupby(["actor", "_after"]).head(int(sm["docs_per_actor_period"]))
                .drop(columns="_after").sort_values(["date", "doc_id"]))
        frame = frame[frame["doc_id"].isin(set(docs["doc_id"]))]
    log(f"population: {len(frame):,} frame sentences of {frame['doc_id'].nunique():,} documents; splitting")
    sents = to_sentences(docs[["doc_id", "actor", "date", "text"]])
    mapping = map_to_sentences(frame, sents)
    mapped = mapping["mapped"].to_numpy()
    rows = mapping["sentence_row"].to_numpy()
    exact = (rows >= 0) & (sents["start"].to_numpy()[rows] == frame["start"].to_numpy()) \
        & (sents["end"].to_numpy()[rows] == frame["end"].to_numpy())
    pop = sents.iloc[rows[mapped]][["doc_id", "actor", "date", "text"]].reset_index(drop=True)
    pop.insert(0, "frame_row", frame.index.to_numpy()[mapped])
    pop["fold"] = [document_fold(d) for d in pop["doc_id"]]
    labels = sample.set_index("frame_row")
    pop["labelled"] = pop["frame_row"].isin(labels.index).astype(int)
    for c in CONSTRUCTS:
        pop[c] = pop["frame_row"].map(labels[c]).astype(float)  # NaN: not labelled
    sampled_here = int(sample["frame_row"].isin(frame.index).sum())
    counts.update({
        "scope_sentences": len(frame), "scope_documents": int(frame["doc_id"].nunique()),
        "mapped": int(mapped.sum()), "unmapped": int((~mapped).sum()), "mapped_exactly": int(exact.sum()),
        "sampled_in_scope": sampled_here, "labelled": int(pop["labelled"].sum()),
        "labelled_unmapped": sampled_here - int(pop["labelled"].sum()),
        "documents": int(pop["doc_id"].nunique()),
    })
    if not np.isfinite(pop.loc[pop["labelled"] == 1, list(CONSTRUCTS)].to_numpy()).all():
        raise RuntimeError("a labelled population sentence lacks a label")
    log(f"population: {counts['mapped']:,} mapped ({counts['unmapped']:,} not), {counts['labelled']:,} labelled")
    return pop, annotations, counts


def main(argv: list[str] | None = None) -> int:
    import numpy as np
    import pandas as pd

    from rhetoric.constructs import CONSTRUCTS
    from rhetoric.data.checksums import sha256_file
    from rhetoric.data.corpora import ANNOTATIONS_FILE, data_file
    from rhetoric.data.frame import MIN_OVERLAP_SHARE
    from rhetoric.training import _merged, cross_fit, labelled_terms, term_options

    args = parse_args(__doc__, argv)
    seed, settings = section("crossfit", DEFAULTS)
    dirs = out_dirs()
    pop, annotations, counts = population(args.small, seed, settings)
    train = annotations.iloc[: int(settings["small"]["labels"])] if args.small else annotations
    cfg = _merged({"n_jobs": int(settings["n_jobs"])})
    options = term_options(cfg)
    log(f"cross-fit: terms of {len(train):,} labelled and {len(pop):,} population sentences")
    terms = labelled_terms(train["text"], options)
    new_terms = labelled_terms(pop["text"], options)
    Y = {c: train[c].to_numpy() for c in CONSTRUCTS}
    log(f"cross-fit: {train['fold'].nunique()} models (inner folds choose settings and thresholds), "
        f"{cfg['n_jobs']} at a time")
    oof, scores, settings_by_fold = cross_fit(terms, Y, train["fold"].to_numpy(), cfg, new_terms,
                                              pop["fold"].to_numpy(), progress=log)
    labels_out = pd.DataFrame({"id": train["id"].to_numpy(), "fold": train["fold"].to_numpy(),
                               **{c: np.round(oof[c], 8) for c in CONSTRUCTS}})
    pop_out = pop.drop(columns=["text"]).assign(**{f"{c}_score": np.round(scores[c], 8) for c in CONSTRUCTS})
    atomic_write_csv(labels_out, dirs["data"] / "crossfit_labels.csv")
    atomic_write_csv(pop_out, dirs["data"] / "crossfit_population.csv")
    atomic_write_json({"small": bool(args.small), "labels": len(train),
                       "annotations_sha256": sha256_file(data_file(ANNOTATIONS_FILE)),
                       "config": {k: cfg[k] for k in ("features", "model")},
                       "settings_by_fold": {str(k): v for k, v in settings_by_fold.items()},
                       "population": counts}, dirs["data"] / "crossfit.json")
    numbers_json({
        "PopFrameSentences": fmt(counts["frame_sentences"]), "PopFrameDocuments": fmt(counts["frame_documents"]),
        "PopSentences": fmt(counts["mapped"]), "PopDocuments": fmt(counts["documents"]),
        "PopUnmapped": fmt(counts["unmapped"]), "PopMappedExactly": fmt(counts["mapped_exactly"]),
        "PopSampled": fmt(counts["sampled"]), "PopLabelled": fmt(counts["labelled"]),
        "PopLabelledUnmapped": fmt(counts["labelled_unmapped"]),
        "PopSampleProbPercent": fmt(counts["sample_prob"], 2, percent=True),
        "PopMinOverlapPercent": fmt(MIN_OVERLAP_SHARE, 0, percent=True),
    }, dirs["numbers"] / "crossfit.json")
    log(f"crossfit done: {len(train):,} labelled sentences out-of-fold, {len(pop):,} population sentences")
    return 0


def read(dirs: dict, small: bool) -> tuple[dict, "object", "object"]:
    """``(crossfit.json, labels' scores, population)`` as the last run wrote them; an
    error that says what to run when they are missing or from another slice or labels."""
    import json

    import pandas as pd

    from rhetoric.data.checksums import sha256_file
    from rhetoric.data.corpora import ANNOTATIONS_FILE, data_file

    meta_path = dirs["data"] / "crossfit.json"
    if not meta_path.is_file():
        raise SystemExit(f"{meta_path} is missing: run paper/scripts/compute_crossfit.py{' --small' if small else ''} "
                         "first (paper/build.py runs it before the analyses that read it)")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if bool(meta.get("small")) != bool(small):
        raise SystemExit(f"{meta_path} is from the {'small' if meta.get('small') else 'full'} run: run "
                         f"compute_crossfit.py{' --small' if small else ''} again")
    if meta.get("annotations_sha256") != sha256_file(data_file(ANNOTATIONS_FILE)):
        raise SystemExit(f"{meta_path} was computed from other labels: run compute_crossfit.py again")
    labels = pd.read_csv(dirs["data"] / "crossfit_labels.csv")
    pop = pd.read_csv(dirs["data"] / "crossfit_population.csv", parse_dates=["date"])
    return meta, labels, pop


if __name__ == "__main__":
    sys.exit(main())
