"""The sampling frame of the labels' random strata, and how it maps onto the project's sentences.

``annotations/sampling_frame.jsonl.gz`` lists, by character offsets, every eligible sentence
(6-70 words) of the crisis documents the annotators sampled from. The ``random_r1``
stratum of ``annotations/train.jsonl`` is a simple random sample of that list, so each
listed sentence had the same, known chance of being labelled (2,000 / 95,596): what a
design-based correction of downstream estimates needs (:mod:`rhetoric.inference.dsl`).

The frame's sentence boundaries are the annotation tool's, not the project's splitter's;
:func:`map_to_sentences` pairs each frame sentence with the project sentence it overlaps
most, and keeps the pair only when each covers most of the other.

>>> from rhetoric.data.frame import document_fold
>>> document_fold("us-4911d5f820")
2
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from .corpora import DataFormatError, data_file, iter_jsonl

__all__ = [
    "SAMPLING_FRAME_FILE",
    "FRAME_COLUMNS",
    "RANDOM_STRATUM",
    "MIN_OVERLAP_SHARE",
    "load_sampling_frame",
    "document_fold",
    "check_fold_rule",
    "random_sample",
    "map_to_sentences",
]

SAMPLING_FRAME_FILE = "annotations/sampling_frame.jsonl.gz"
FRAME_COLUMNS = ("doc_id", "start", "end")
#: The labelled stratum that is a simple random sample of the whole frame (data README).
RANDOM_STRATUM = "random_r1"
#: A frame sentence and a project sentence are the same sentence when their overlap covers
#: more than this share of each: one splitter may cut where the other does not (an
#: abbreviation, a quotation), and a sentence merged with its neighbour is a different unit.
MIN_OVERLAP_SHARE = 0.5
#: The annotation file's ``fold`` is this hash of the document id, modulo the folds.
N_FOLDS = 5


def load_sampling_frame(root: str | Path | None = None) -> pd.DataFrame:
    """The frame: one row per eligible sentence, ``doc_id, start, end`` (int offsets into
    the crisis document's text), in file order. Checked against the data manifest; a bad
    record names the file and line."""
    path = data_file(SAMPLING_FRAME_FILE, root)
    doc_ids, starts, ends = [], [], []
    for lineno, record in enumerate(iter_jsonl(path), 1):
        try:
            doc_id, start, end = record["doc_id"], int(record["start"]), int(record["end"])
        except (KeyError, TypeError, ValueError):
            raise DataFormatError(f"{path}:{lineno}: expected doc_id, start, end (ints), got {record!r}") from None
        if not 0 <= start < end:
            raise DataFormatError(f"{path}:{lineno}: offsets {start}..{end} are not a non-empty span")
        doc_ids.append(doc_id)
        starts.append(start)
        ends.append(end)
    return pd.DataFrame({"doc_id": doc_ids, "start": np.asarray(starts, "int64"), "end": np.asarray(ends, "int64")})


def document_fold(doc_id: str, n_folds: int = N_FOLDS) -> int:
    """The cross-validation fold of a document: SHA-1 of its id, modulo ``n_folds``.

    This is the rule behind the annotation file's ``fold`` (every labelled document
    follows it: :func:`check_fold_rule`), so unlabelled documents of the same corpus can
    be given the fold they would have had.
    """
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest(), 16) % n_folds


def check_fold_rule(annotations: pd.DataFrame) -> None:
    """Raise ``ValueError`` when a labelled document's ``fold`` is not :func:`document_fold`'s."""
    folds = annotations.drop_duplicates("doc_id").set_index("doc_id")["fold"]
    expected = pd.Series([document_fold(d) for d in folds.index], index=folds.index)
    bad = folds[folds != expected]
    if len(bad):
        raise ValueError(f"{len(bad)} labelled documents do not follow the fold rule (sha1(doc_id) % {N_FOLDS}), "
                         f"e.g. {bad.index[0]} has fold {bad.iloc[0]}, the rule gives {expected[bad.index[0]]}: "
                         "the annotation file's folds changed; update rhetoric.data.frame.document_fold")


def random_sample(annotations: pd.DataFrame, frame: pd.DataFrame, stratum: str = RANDOM_STRATUM) -> pd.DataFrame:
    """The labelled rows of ``stratum`` with their frame row (``frame_row``) and inclusion
    probability (``sample_prob`` = sampled / frame size). Raises when a sampled sentence is
    not in the frame (then it was not sampled from it)."""
    sample = annotations[annotations["stratum"] == stratum]
    if sample.empty:
        raise ValueError(f"no labelled sentences of stratum {stratum!r}")
    key = frame.reset_index(drop=True).reset_index().rename(columns={"index": "frame_row"})
    joined = sample.merge(key, on=["doc_id", "start", "end"], how="left", validate="one_to_one")
    missing = joined["frame_row"].isna()
    if missing.any():
        raise ValueError(f"{int(missing.sum())} sentences of stratum {stratum!r} are not in the sampling frame "
                         f"(e.g. {joined.loc[missing, 'id'].iloc[0]}): it is not a sample of this frame")
    joined["frame_row"] = joined["frame_row"].astype("int64")
    joined["sample_prob"] = len(sample) / len(frame)
    return joined


def map_to_sentences(frame: pd.DataFrame, sentences: pd.DataFrame,
                     min_share: float = MIN_OVERLAP_SHARE) -> pd.DataFrame:
    """Pair each frame sentence with the project sentence (``sentences``: doc_id, start,
    end, as :func:`rhetoric.data.to_sentences` gives) it overlaps most.

    Returns one row per frame row (same index order): ``sentence_row`` (the position in
    ``sentences``, -1 when none overlaps), ``share_of_frame`` and ``share_of_sentence``
    (the overlap over each one's length) and ``mapped``: both shares above ``min_share``.

    >>> frame = pd.DataFrame({"doc_id": ["d", "d", "d"], "start": [0, 20, 60], "end": [19, 59, 70]})
    >>> sents = pd.DataFrame({"doc_id": ["d", "d"], "start": [0, 20], "end": [19, 70]})
    >>> map_to_sentences(frame, sents)[["sentence_row", "mapped"]].values.tolist()
    [[0, True], [1, True], [1, False]]
    """
    out_row = np.full(len(frame), -1, "int64")
    share_frame = np.zeros(len(frame))
    share_sent = np.zeros(len(frame))
    by_doc = {d: idx for d, idx in sentences.groupby("doc_id", sort=False).indices.items()}
    s_start = sentences["start"].to_numpy("int64")
    s_end = sentences["end"].to_numpy("int64")
    f_start = frame["start"].to_numpy("int64")
    f_end = frame["end"].to_numpy("int64")
    for doc, rows in frame.groupby("doc_id", sort=False).indices.items():
        cand = by_doc.get(doc)
        if cand is None:
            continue
        cand = cand[np.argsort(s_start[cand], kind="stable")]
        c_start, c_end = s_start[cand], s_end[cand]
        for r in rows:
            lo, hi = f_start[r], f_end[r]
            # candidates that end after the frame sentence starts and start before it ends
            first = int(np.searchsorted(c_end, lo, side="right"))
            best, best_overlap = -1, 0
            j = first
            while j < len(cand) and c_start[j] < hi:
                overlap = min(hi, c_end[j]) - max(lo, c_start[j])
                if overlap > best_overlap:
                    best, best_overlap = j, overlap
                j += 1
            if best >= 0:
                out_row[r] = cand[best]
                share_frame[r] = best_overlap / (hi - lo)
                share_sent[r] = best_overlap / (c_end[best] - c_start[best])
    return pd.DataFrame({"sentence_row": out_row, "share_of_frame": share_frame, "share_of_sentence": share_sent,
                         "mapped": (share_frame > min_share) & (share_sent > min_share)}, index=frame.index)
