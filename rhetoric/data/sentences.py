"""Documents to sentences, keeping the offsets back into each document.

>>> import pandas as pd
>>> docs = pd.DataFrame({"doc_id": ["a"], "actor": ["US"],
...                      "text": ["We will\\nrespond \\u2014 firmly. We stand ready."]})
>>> to_sentences(docs).values.tolist()
[['a', 0, 0, 25, 'We will respond - firmly.', 'US'], ['a', 1, 26, 41, 'We stand ready.', 'US']]

The sentence ``text`` is the normalised form (quotes, dashes, hard wrapping) of
``document[start:end]``: normalisation keeps the length, so the offsets are the same in both.
"""

from __future__ import annotations

import pandas as pd

from ..text import normalise, split_sentences

__all__ = ["to_sentences", "iter_sentences"]


def iter_sentences(text: str):
    """``(sent_index, start, end, sentence)`` for each sentence of one document."""
    norm = normalise(text)
    for i, (s, e) in enumerate(split_sentences(norm)):
        yield i, s, e, norm[s:e]


def to_sentences(docs: pd.DataFrame, text_col: str = "text", id_col: str = "doc_id") -> pd.DataFrame:
    """One row per sentence of every document in ``docs``.

    Columns: ``id_col``, ``sent_index`` (0-based within the document), ``start``,
    ``end`` (character offsets into the document's original ``text_col``), ``text`` (the
    sentence, normalised), then every other column of ``docs`` (the document text itself
    is left out). Documents without a sentence contribute no row.
    """
    for col in (text_col, id_col):
        if col not in docs.columns:
            raise KeyError(f"to_sentences: docs has no column {col!r} (columns: {list(docs.columns)})")
    meta_cols = [c for c in docs.columns if c not in (text_col, id_col, "sent_index", "start", "end", "text")]
    positions: list[int] = []
    sent_index: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    texts: list[str] = []
    for pos, text in enumerate(docs[text_col].tolist()):
        if not isinstance(text, str):
            raise TypeError(
                f"to_sentences: {text_col!r} of row {docs.index.tolist()[pos]!r} is {type(text).__name__}, not str"
            )
        for i, s, e, sent in iter_sentences(text):
            positions.append(pos)
            sent_index.append(i)
            starts.append(s)
            ends.append(e)
            texts.append(sent)
    out = pd.DataFrame(
        {
            id_col: docs[id_col].to_numpy()[positions] if positions else docs[id_col].iloc[:0].to_numpy(),
            "sent_index": pd.array(sent_index, dtype="int64"),
            "start": pd.array(starts, dtype="int64"),
            "end": pd.array(ends, dtype="int64"),
            "text": pd.array(texts, dtype=object),
        }
    )
    for col in meta_cols:
        # take() keeps the column's dtype (datetime64 dates stay dates)
        out[col] = docs[col].take(positions).to_numpy() if positions else docs[col].iloc[:0].to_numpy()
    return out
