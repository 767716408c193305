"""The project's corpora as pandas DataFrames, read from the data root.

>>> from rhetoric.data import load_crisis, load_ungdc, load_annotations
>>> docs = load_crisis(limit=20)        # doctest: +SKIP
>>> docs.columns.tolist()               # doctest: +SKIP
['doc_id', 'actor', 'source', 'date', 'doc_type', 'title', 'url', 'text']

Where the files are: :func:`rhetoric.paths.data_root` (``RHETORIC_DATA``), or the
``root`` argument. Each file is checked against ``data/manifest.json`` before it is read
(see :mod:`rhetoric.data.checksums`).

``limit=N`` keeps the **first N documents in file order** and stops reading there, so a
small slice is fast whatever the size of the file. File order is chronological: the
crisis file is sorted by date (then actor, so every actor appears within the first few
dozen documents), the UN file by year then country code. A slice is therefore the
*earliest* documents, not a random sample: for a sample across the corpus, load it
whole and use ``DataFrame.sample(n, random_state=seed)`` or
``groupby(...).sample(...)``.

Errors name what went wrong and where: a missing file says which file was expected where
and to set ``RHETORIC_DATA`` (:class:`DataFileMissing`); a damaged file names the file and
line (:class:`DataFormatError`); a file that differs from the manifest names both digests
(:class:`~rhetoric.data.checksums.ChecksumMismatch`).
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from ..paths import DataNotFound, data_root
from .checksums import verify

__all__ = [
    "CRISIS_FILE",
    "UNGDC_FILE",
    "ANNOTATIONS_FILE",
    "CRISIS_COLUMNS",
    "UNGDC_COLUMNS",
    "ANNOTATION_COLUMNS",
    "CORPORA",
    "DataFileMissing",
    "DataFormatError",
    "data_file",
    "iter_jsonl",
    "iter_documents",
    "load_crisis",
    "load_ungdc",
    "load_annotations",
    "ANNOTATED_CORPORA",
]

CRISIS_FILE = "crisis/documents.jsonl.gz"
UNGDC_FILE = "ungdc/speeches.jsonl.gz"
ANNOTATIONS_FILE = "annotations/train.jsonl"

CRISIS_COLUMNS = ("doc_id", "actor", "source", "date", "doc_type", "title", "url", "text")
UNGDC_COLUMNS = ("doc_id", "iso3", "country", "session", "year", "speaker", "post", "text")
from ..constructs import CONSTRUCTS as LABELS  # noqa: E402  (the codebook labels: one per construct)
ANNOTATION_COLUMNS = ("id", "doc_id", "start", "end", "actor", "date", "corpus", "stratum", "fold", "text") + LABELS
#: The corpora an annotated sentence can come from (its ``corpus`` field).
ANNOTATED_CORPORA = ("crisis", "ungdc")

#: corpus name -> (file relative to the data root, columns)
CORPORA = {
    "crisis": (CRISIS_FILE, CRISIS_COLUMNS),
    "ungdc": (UNGDC_FILE, UNGDC_COLUMNS),
    "annotations": (ANNOTATIONS_FILE, ANNOTATION_COLUMNS),
}


class DataFileMissing(DataNotFound):
    """An expected data file is not where the data root says it should be."""


class DataFormatError(ValueError):
    """A data file that cannot be read; the message names the file and the line."""


def data_file(relative: str, root: str | Path | None = None, *, check: bool = True) -> Path:
    """The path of a data file under ``root`` (default: the data root), verified.

    Raises :class:`DataFileMissing` when it is not there.
    """
    if root is None:
        root = data_root()
        how = f"RHETORIC_DATA={os.environ['RHETORIC_DATA']}" if os.environ.get("RHETORIC_DATA") else "the default"
    else:
        root = Path(root).expanduser()
        how = "the root argument"
    path = root / relative
    if not path.is_file():
        raise DataFileMissing(
            f"expected the data file {relative} at {path} (data root {root}, from {how}), "
            "but it is not there. Set RHETORIC_DATA to the folder that holds "
            f"{CRISIS_FILE}, {UNGDC_FILE} and {ANNOTATIONS_FILE}, "
            "e.g. `export RHETORIC_DATA=/path/to/shared/data`."
        )
    if check:
        verify(path, relative)
    return path


def iter_jsonl(path: str | Path) -> Iterator[dict]:
    """Stream the JSON objects of a ``.jsonl`` or ``.jsonl.gz`` file, one per line.

    Blank lines are skipped. A bad line raises :class:`DataFormatError` with
    ``file:line``; so does a damaged or truncated gzip stream.
    """
    path = Path(path)
    opener = gzip.open if path.name.endswith(".gz") else open
    lineno = 0
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataFormatError(
                        f"{path}:{lineno}: not valid JSON ({exc.msg} at column {exc.colno})"
                    ) from None
                if not isinstance(record, dict):
                    raise DataFormatError(f"{path}:{lineno}: expected a JSON object, got {type(record).__name__}")
                yield record
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise DataFormatError(
            f"{path}: the file is damaged after line {lineno} ({type(exc).__name__}: {exc}); "
            "restore it from its source (see data/DATASHEET.md)"
        ) from None
    except UnicodeDecodeError as exc:
        raise DataFormatError(f"{path}:{lineno + 1}: not UTF-8 text ({exc.reason})") from None


def _year_filter(years) -> frozenset[int] | None:
    if years is None:
        return None
    if isinstance(years, int):
        return frozenset([years])
    if isinstance(years, str):
        raise TypeError("years must be an int or an iterable of ints (e.g. range(1990, 2001)), not a str")
    return frozenset(int(y) for y in years)


def iter_documents(
    corpus: str,
    root: str | Path | None = None,
    *,
    limit: int | None = None,
    years: int | Iterable[int] | None = None,
) -> Iterator[dict]:
    """Stream the records of ``corpus`` ("crisis", "ungdc" or "annotations") as dicts.

    Every record is checked for the corpus's fields. ``years`` (UN only) keeps those
    years; ``limit`` stops after that many records (after the year filter). This is what
    :mod:`rhetoric.data.score_corpus` uses to score a corpus in bounded memory.
    """
    if corpus not in CORPORA:
        raise ValueError(f"unknown corpus {corpus!r}; expected one of {sorted(CORPORA)}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    relative, columns = CORPORA[corpus]
    keep_years = _year_filter(years)
    if keep_years is not None and corpus != "ungdc":
        raise ValueError("years= applies to the UN General Debate corpus only")
    path = data_file(relative, root)
    if limit == 0:
        return
    n = 0
    for lineno, record in enumerate(iter_jsonl(path), 1):
        missing = [c for c in columns if c not in record]
        if missing:
            raise DataFormatError(f"{path}: record {lineno} ({record.get('doc_id') or record.get('id')}) lacks {missing}")
        if keep_years is not None and int(record["year"]) not in keep_years:
            continue
        yield record
        n += 1
        if limit is not None and n >= limit:
            return


def _frame(records: list[dict], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame.from_records(records, columns=list(columns))


def _dates(frame: pd.DataFrame, path: str, *, year_only: pd.Series | None = None) -> pd.Series:
    """``frame.date`` as datetime64. Rows where ``year_only`` is true carry a bare year
    (YYYY: the UN General Debate session's year), read as 1 January of that year."""
    dates = frame["date"].astype(str)
    if year_only is not None and year_only.any():
        bad = year_only & ~dates.str.fullmatch(r"\d{4}")
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise DataFormatError(f"{path}:{i + 1}: a UN General Debate row's date is not a year (YYYY): {dates.iloc[i]!r}")
        dates = dates.where(~year_only, dates + "-01-01")
    parsed = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce")
    if parsed.isna().any():
        i = int(parsed.isna().to_numpy().nonzero()[0][0])
        raise DataFormatError(f"{path}:{i + 1}: the date {dates.iloc[i]!r} is not YYYY-MM-DD")
    return parsed


def load_crisis(limit: int | None = None, root: str | Path | None = None) -> pd.DataFrame:
    """The Russia-Ukraine crisis statements (US, RU, UA; Oct 2021 - Jun 2022).

    Columns: doc_id, actor, source, date (datetime64), doc_type, title, url, text.
    ``limit``: the first N documents in file (date) order; see the module docstring.
    """
    frame = _frame(list(iter_documents("crisis", root, limit=limit)), CRISIS_COLUMNS)
    frame["date"] = _dates(frame, CRISIS_FILE)
    return frame


def load_ungdc(
    limit: int | None = None, root: str | Path | None = None, years: int | Iterable[int] | None = None
) -> pd.DataFrame:
    """The UN General Debate speeches, 1946-2024.

    Columns: doc_id, iso3, country, session (int), year (int), speaker (None for 79
    speeches), post, text. ``years``: an int or an iterable of ints, e.g.
    ``range(1990, 2001)``; ``limit``: the first N matching speeches in (year, country)
    order. Texts keep the source layout (hard wrapping, Markdown): normalise before use,
    as :func:`rhetoric.score` and :func:`rhetoric.data.to_sentences` do.
    """
    frame = _frame(list(iter_documents("ungdc", root, limit=limit, years=years)), UNGDC_COLUMNS)
    for col in ("session", "year"):
        frame[col] = frame[col].astype("int64")
    return frame


def load_annotations(root: str | Path | None = None, *, path: str | Path | None = None) -> pd.DataFrame:
    """The labelled sentences (``annotations/train.jsonl``), every field of the file.

    Columns: id, doc_id, start, end (int offsets into the document's text: the crisis
    statement's, or for ``corpus == "ungdc"`` the UN speech's), actor (US, RU, UA, or a
    UN speaker's ISO3 code), date (datetime64; UN rows carry the session's year, read as
    1 January), corpus (crisis | ungdc), stratum, fold (0-4, the same for every sentence
    of a document: use it for document-grouped cross-validation), text, threat,
    conditionality, two_path, commitment (int 0/1), then any further field the file carries.

    ``path``: another annotation file in the same format (your own labels); it is not
    checked against the data manifest.
    """
    if path is None:
        path = data_file(ANNOTATIONS_FILE, root)
        records = list(iter_documents("annotations", root))
    else:
        path = Path(path)
        if not path.is_file():
            raise DataFileMissing(f"no annotation file at {path}")
        records = []
        for lineno, record in enumerate(iter_jsonl(path), 1):
            missing = [c for c in ANNOTATION_COLUMNS if c not in record]
            if missing:
                raise DataFormatError(f"{path}:{lineno}: record {record.get('id')} lacks {missing}")
            records.append(record)
    extra = [k for r in records[:1] for k in r if k not in ANNOTATION_COLUMNS]
    frame = _frame(records, ANNOTATION_COLUMNS + tuple(extra))
    unknown = ~frame["corpus"].isin(ANNOTATED_CORPORA)
    if unknown.any():
        i = int(unknown.to_numpy().nonzero()[0][0])
        raise DataFormatError(f"{path}:{i + 1}: corpus {frame['corpus'].iloc[i]!r} is not one of {ANNOTATED_CORPORA}")
    for col in ("start", "end", "fold") + LABELS:
        frame[col] = frame[col].astype("int64")
    frame["date"] = _dates(frame, str(path), year_only=frame["corpus"].eq("ungdc"))
    return frame
