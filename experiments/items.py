"""The items of a run and the targets each experiment predicts.

An *item* is one row to classify: an annotated sentence, a crisis document, a crisis
sentence or a UN speech. :func:`load_items` returns them with two columns every
experiment relies on, ``item_id`` (unique) and ``group`` (what cross-validation keeps
together: the document, or the country for UN speeches), next to ``text`` and the
corpus's own columns. :func:`build_targets` turns them into what is predicted.

>>> import pandas as pd
>>> items = pd.DataFrame({"item_id": ["a", "b"], "group": ["d1", "d2"], "text": ["x", "y"],
...                       "actor": ["US", "RU"], "date": pd.to_datetime(["2022-01-01", "2022-03-01"])})
>>> [t.name for t in build_targets({"task": "period", "actors": ["US", "RU"], "cutoff": "2022-02-24"}, items)]
['US', 'RU']
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Target", "load_items", "build_targets", "TASKS", "CORPORA"]

log = logging.getLogger(__name__)

TASKS = ("labels", "actor", "period", "ungdc")
CORPORA = ("annotations", "crisis", "ungdc")


def load_items(data, seed: int, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The items described by a ``data`` config (see ``configs/data/*.yaml``).

    ``limit`` keeps the first N records in file order (fast, for trials); ``max_items``
    then draws a random subsample of that many items with ``seed`` (kept in file order).
    The result has a fresh 0..n-1 index and the columns ``item_id``, ``group``, ``text``.
    """
    from rhetoric.data import load_annotations, load_crisis, load_ungdc, to_sentences

    corpus = data["corpus"]
    limit = data.get("limit")
    if corpus == "annotations":
        frame = load_annotations(root=data_dir)
        if limit is not None:
            frame = frame.head(int(limit))
    elif corpus == "crisis":
        frame = load_crisis(limit=limit, root=data_dir)
    elif corpus == "ungdc":
        years = data.get("years")
        frame = load_ungdc(limit=limit, root=data_dir, years=list(years) if years is not None else None)
    else:
        raise ValueError(f"data.corpus={corpus!r} is not one of {CORPORA}")

    if data.get("unit") == "sentence" and corpus != "annotations":
        frame = to_sentences(frame)
        frame["sentence_id"] = frame["doc_id"].astype(str) + ":" + frame["sent_index"].astype(str)
        min_chars = data.get("min_chars") or 0
        if min_chars:
            frame = frame[frame["text"].str.len() >= int(min_chars)]
    elif data.get("unit") not in ("sentence", "document"):
        raise ValueError(f"data.unit={data.get('unit')!r} must be 'sentence' or 'document'")

    for key in ("id_column", "group_by"):
        if data[key] not in frame.columns:
            raise KeyError(f"data.{key}={data[key]!r} is not a column of {corpus} (columns: {list(frame.columns)})")

    max_items = data.get("max_items")
    if max_items is not None and len(frame) > int(max_items):
        # a seeded simple random sample, put back in file order
        frame = frame.sample(n=int(max_items), random_state=seed).sort_index()
    frame = frame.reset_index(drop=True)
    frame["item_id"] = frame[data["id_column"]].astype(str)
    frame["group"] = frame[data["group_by"]].astype(str)
    if frame["item_id"].duplicated().any():
        dup = frame.loc[frame["item_id"].duplicated(), "item_id"].iloc[0]
        raise ValueError(f"data.id_column={data['id_column']!r} is not unique in {corpus} (e.g. {dup!r})")
    if frame.empty:
        raise ValueError(f"data: no items in {corpus} (limit={limit}, max_items={max_items})")
    return frame


@dataclass
class Target:
    """One thing to predict: its ``name``, the ``rows`` of the items it uses
    (positions), the true labels ``y`` for those rows, the ``classes`` in a fixed order
    (binary: ``[negative, positive]``), and the ``positive`` class (None: more than two).
    """

    name: str
    rows: np.ndarray
    y: np.ndarray
    classes: list
    positive: object = None

    @property
    def binary(self) -> bool:
        return self.positive is not None


def _require(items: pd.DataFrame, column: str, task: str) -> None:
    if column not in items.columns:
        raise KeyError(
            f"experiment={task} needs the column {column!r}, which data has not "
            f"(columns: {list(items.columns)}); pick a data config that has it"
        )


def build_targets(cfg, items: pd.DataFrame) -> list[Target]:
    """The targets of ``cfg["task"]`` over ``items`` (see ``configs/experiment/``)."""
    task = cfg["task"]
    every = np.arange(len(items))
    if task == "labels":
        targets = []
        for name in cfg["targets"]:
            _require(items, name, task)
            targets.append(Target(name, every, items[name].astype(int).to_numpy(), [0, 1], 1))
        return targets
    if task == "actor":
        _require(items, "actor", task)
        y = items["actor"].astype(str).to_numpy()
        classes = sorted(set(y))
        return [Target("actor", every, y, classes, classes[1] if len(classes) == 2 else None)]
    if task == "period":
        _require(items, "actor", task)
        _require(items, "date", task)
        cutoff = pd.Timestamp(str(cfg["cutoff"]))
        targets = []
        for actor in cfg["actors"]:
            rows = np.flatnonzero(items["actor"].to_numpy() == actor)
            if rows.size == 0:
                raise ValueError(f"actors: no item of actor {actor!r} in the data (actors present: "
                                 f"{sorted(items['actor'].unique())})")
            after = items["date"].to_numpy()[rows] >= np.datetime64(cutoff)
            targets.append(Target(str(actor), rows, np.where(after, "after", "before"), ["before", "after"], "after"))
        return targets
    if task == "ungdc":
        _require(items, "iso3", task)
        codes = [str(c) for c in cfg["positive_iso3"]]
        missing = sorted(set(codes) - set(items["iso3"]))
        if missing:
            log.warning("positive_iso3: no speech of %s among the %d items", missing, len(items))
        y = np.where(items["iso3"].isin(codes).to_numpy(), "P5", "other")
        return [Target("P5", every, y, ["other", "P5"], "P5")]
    raise ValueError(f"task={task!r} is not one of {TASKS}")
