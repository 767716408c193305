"""Streaming input and atomic output for scoring files of statements.

Readers yield one :class:`Record` ``(line, id, text)`` at a time and never hold more
than one row, so memory stays flat however large the input. Writers go through
:func:`atomic_output`: rows are written to a temporary file beside the target, which
replaces the target only once everything was written. An error (or Ctrl-C) half-way
leaves no half-written file and any older output untouched.

Input formats (chosen by suffix, ``.gz`` allowed after it; ``-`` is standard input):

``.jsonl``
    one JSON object per line; the text is in ``text_field`` (blank lines are skipped);
``.csv``
    a header row, then one row per statement; the text is the ``text_field`` column;
``.txt``
    one statement per line (every line is a row, blank ones too, so that row ``i`` is
    line ``i + 1`` of the file).

A record's id is the value of ``id_field`` when one is given, else its 0-based row
number. Bad input raises :class:`InputError` naming the file and the 1-based line
(for CSV the physical line where the row starts).

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> path = os.path.join(folder, "in.jsonl")
>>> with atomic_output(path) as fh:
...     _ = fh.write('{"doc": "a1", "text": "We will respond."}\\n')
>>> list(read_records(path, id_field="doc"))
[Record(line=1, id='a1', text='We will respond.')]
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import operator
import os
import re
import sys
from array import array
from itertools import chain, repeat
from pathlib import Path
from typing import IO, Iterator, NamedTuple

__all__ = [
    "INPUT_FORMATS",
    "OUTPUT_FORMATS",
    "InputError",
    "Record",
    "read_records",
    "input_format",
    "output_format",
    "atomic_output",
    "RecordWriter",
]

INPUT_FORMATS = ("jsonl", "csv", "txt")
OUTPUT_FORMATS = ("csv", "jsonl")
STDIN = "-"


class InputError(ValueError):
    """Input that cannot be read: ``str(err)`` is ``"PATH:LINE: message"``.

    ``line`` is 1-based, or ``None`` when the problem is the file as a whole.
    """

    def __init__(self, path: str | os.PathLike, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"

    def __reduce__(self):  # picklable, e.g. across process pools
        return (type(self), (self.path, self.line, self.message))


class Record(NamedTuple):
    """One statement read from an input: its 1-based line, its id and its text."""

    line: int
    id: object
    text: str


def _format_from_suffix(path: str | os.PathLike, allowed: tuple[str, ...]) -> str | None:
    name = Path(path).name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = name.rpartition(".")[2] if "." in name else ""
    return suffix if suffix in allowed else None


def input_format(path: str | os.PathLike, fmt: str | None = None) -> str:
    """The input format: ``fmt`` if given, else from the suffix (``-`` defaults to txt)."""
    if fmt is not None:
        if fmt not in INPUT_FORMATS:
            raise ValueError(f"unknown input format {fmt!r}; use one of {', '.join(INPUT_FORMATS)}")
        return fmt
    if str(path) == STDIN:
        return "txt"
    found = _format_from_suffix(path, INPUT_FORMATS)
    if found is None:
        raise InputError(path, None, "cannot tell the format: name the file .jsonl, .csv or .txt "
                         "(optionally + .gz), or pass the format explicitly")
    return found


def output_format(path: str | os.PathLike) -> str:
    """The output format from the suffix: ``.csv`` or ``.jsonl`` (optionally + ``.gz``)."""
    found = _format_from_suffix(path, OUTPUT_FORMATS)
    if found is None:
        raise ValueError(f"{path}: cannot tell the output format: name it .csv or .jsonl (optionally + .gz)")
    return found


# --- reading -------------------------------------------------------------------------

@contextlib.contextmanager
def _open_binary(path: str | os.PathLike, stdin: IO[bytes] | None):
    if str(path) == STDIN:
        yield stdin if stdin is not None else sys.stdin.buffer
        return
    try:
        raw = open(path, "rb")
    except OSError as exc:
        raise InputError(path, None, f"cannot open: {exc.strerror or exc}") from None
    with raw:
        if str(path).lower().endswith(".gz"):
            with gzip.GzipFile(fileobj=raw, mode="rb") as gz:
                yield gz
        else:
            yield raw


def _decoded_lines(fh: IO[bytes], path, counter: list[int]) -> Iterator[str]:
    """Lines of ``fh`` decoded as strict UTF-8, newline kept; ``counter[0]`` is the
    number of the line last yielded. Decoding line by line is what lets a bad byte be
    reported with its line number."""
    lineno = 0
    while True:
        try:
            raw = fh.readline()
        except (OSError, EOFError) as exc:  # a corrupt or truncated .gz
            raise InputError(path, lineno + 1, f"cannot read compressed data ({exc})") from None
        if not raw:
            return
        lineno += 1
        counter[0] = lineno
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(path, lineno, f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1}") from None
        if lineno == 1 and line.startswith("\ufeff"):  # a byte-order mark (Excel, Notepad)
            line = line[1:]
        yield line


def _strip_newline(line: str) -> str:
    if line.endswith("\n"):
        line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
    return line


def _type_name(value) -> str:
    return "null" if value is None else type(value).__name__


def _read_jsonl(lines, counter, path, text_field, id_field) -> Iterator[Record]:
    row = 0
    for line in lines:
        lineno = counter[0]
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, lineno, f"not valid JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(obj, dict):
            raise InputError(path, lineno, f"expected a JSON object, got {_type_name(obj)}")
        if text_field not in obj:
            raise InputError(path, lineno, f"no field {text_field!r} (fields: {', '.join(map(str, obj)) or 'none'})")
        text = obj[text_field]
        if not isinstance(text, str):
            raise InputError(path, lineno, f"field {text_field!r} is {_type_name(text)}, expected a string")
        if id_field is None:
            rid = row
        elif id_field in obj:
            rid = obj[id_field]
        else:
            raise InputError(path, lineno, f"no id field {id_field!r} (fields: {', '.join(map(str, obj))})")
        yield Record(lineno, rid, text)
        row += 1


def _read_csv(lines, counter, path, text_field, id_field) -> Iterator[Record]:
    # Long documents exceed the csv module's default field limit of 128 KiB.
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(2**31 - 1)
    reader = csv.reader(lines, strict=True)  # bad quoting is an error, not a silent merge
    start = 1  # physical line where the current row starts

    def rows():
        nonlocal start
        while True:
            start = counter[0] + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(path, start, f"not valid CSV ({exc})") from None
            yield fields

    it = rows()
    header = next(it, None)
    if header is None:
        raise InputError(path, 1, "empty file: expected a header row naming the columns")
    if text_field not in header:
        raise InputError(path, 1, f"no column {text_field!r} (columns: {', '.join(header)})")
    text_col = header.index(text_field)
    if id_field is not None and id_field not in header:
        raise InputError(path, 1, f"no id column {id_field!r} (columns: {', '.join(header)})")
    id_col = header.index(id_field) if id_field is not None else None
    row = 0
    for fields in it:
        if not fields:  # csv yields [] for a blank line: not a row
            continue
        if len(fields) != len(header):
            raise InputError(path, start, f"{len(fields)} fields, but the header has {len(header)}")
        rid = fields[id_col] if id_col is not None else row
        yield Record(start, rid, fields[text_col])
        row += 1


def _read_txt(lines, counter, path, text_field, id_field) -> Iterator[Record]:
    for row, line in enumerate(lines):
        yield Record(counter[0], row, _strip_newline(line))


_READERS = {"jsonl": _read_jsonl, "csv": _read_csv, "txt": _read_txt}


def read_records(
    path: str | os.PathLike,
    *,
    text_field: str = "text",
    id_field: str | None = None,
    format: str | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[Record]:
    """Yield the :class:`Record`\\ s of ``path`` one at a time (see the module docstring).

    ``path`` ``"-"`` reads ``stdin`` (default ``sys.stdin.buffer``; bytes). ``format``
    overrides the suffix. Raises :class:`InputError` on the first bad row, after the
    good rows before it have been yielded.
    """
    fmt = input_format(path, format)
    if fmt == "txt" and id_field is not None:
        raise InputError(path, None, "a .txt input has no fields: an id field needs .jsonl or .csv input")
    name = "<stdin>" if str(path) == STDIN else str(path)
    counter = [0]
    with _open_binary(path, stdin) as fh:
        lines = _decoded_lines(fh, name, counter)
        yield from _READERS[fmt](lines, counter, name, text_field, id_field)


# --- writing -------------------------------------------------------------------------

@contextlib.contextmanager
def atomic_output(path: str | os.PathLike, *, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Open ``path`` for writing text, all or nothing.

    Yields a text file (``newline=""``: what you write is what is stored; gzip-compressed
    when ``path`` ends in ``.gz``) that is really a temporary file in the same folder
    (:func:`rhetoric._atomic.atomic_path`). On a clean exit it replaces ``path`` in one
    step (``os.replace``); on any exception, KeyboardInterrupt included, it is deleted
    and ``path`` is left as it was. The folder must exist.
    """
    from ._atomic import atomic_path

    path = Path(path)
    with atomic_path(path, mkdir=False) as tmp, open(tmp, "wb") as raw:
        if path.name.lower().endswith(".gz"):
            # mtime=0 and the final name in the header: the same rows give the same bytes.
            binary = gzip.GzipFile(filename=path.name[:-3], mode="wb", fileobj=raw, mtime=0)
        else:
            binary = raw
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        with text:  # closes the gzip stream (writing its trailer); GzipFile leaves ``raw`` open
            yield text


def _compact(value, digits: int | None):
    """Floats rounded to ``digits`` decimals (shortest form); ints and others as they are."""
    if digits is not None and isinstance(value, float):
        return round(value, digits)
    return value


class RecordWriter:
    """Write rows of ``id`` plus named values as CSV (header first) or JSON lines.

    >>> buf = io.StringIO()
    >>> w = RecordWriter(buf, "csv", ["threat", "n_sentences"], digits=4)
    >>> w.write(7, {"threat": 0.123456, "n_sentences": 2})
    >>> w.write_row(8, (0.123456, 2))
    >>> print(buf.getvalue(), end="")
    id,threat,n_sentences
    7,0.1235,2
    8,0.1235,2
    """

    # Rows remembered as text (see write_row); the memory is cleared when it is full.
    MAX_REMEMBERED = 50_000

    def __init__(self, fh: IO[str], fmt: str, columns, *, digits: int | None = 4):
        if fmt not in OUTPUT_FORMATS:
            raise ValueError(f"unknown output format {fmt!r}; use one of {', '.join(OUTPUT_FORMATS)}")
        self.fh = fh
        self.fmt = fmt
        self.columns = tuple(columns)
        self.digits = digits
        self._text_of_row: dict[tuple, str] = {}
        self._last_row: tuple | None = None
        self._last_text: str | None = None
        # CSV rows of ints and floats only (see _numbers): per sequence of types, a
        # str.format template and the floats' and ints' positions; each float's text
        self._plans: dict[tuple, tuple | None] = {}
        self._float_text: dict[float, str] = {}
        if fmt == "csv":
            csv.writer(fh, lineterminator="\n").writerow(("id",) + self.columns)

    def write(self, record_id, values) -> None:
        """One row: ``values`` maps every column to its value."""
        self.write_row(record_id, tuple(values[c] for c in self.columns))

    def write_row(self, record_id, row: tuple) -> None:
        """One row: ``row`` holds the values in the order of ``columns``."""
        self.fh.write(self._line(record_id, row))

    def write_rows(self, record_ids, rows) -> None:
        """Many rows at once (one write to the file)."""
        if self.fmt == "csv":
            rows, record_ids = list(rows), list(record_ids)
            if rows and set(map(type, record_ids)) == {int}:
                texts = self._csv_texts(rows)
                self._last_row, self._last_text = rows[-1], texts[-1]
                self.fh.write("".join(map("{},{}\n".format, record_ids, texts)))
                return
        self.fh.write("".join(map(self._line, record_ids, rows)))

    def _csv_texts(self, rows: list) -> list[str]:
        """The CSV text of each row (as :meth:`_format`), remembered rows from memory, new
        ones formatted together (:meth:`_format_many`)."""
        memo = self._text_of_row
        # (hashing a row of floats costs more than formatting it: no lookups in an empty memo)
        texts = list(map(memo.get, rows)) if memo else [None] * len(rows)
        new = [i for i, t in enumerate(texts) if t is None]
        if new:
            fresh = [rows[i] for i in new]
            # a row repeated is the same object (rhetoric.scoring shares them): found by
            # identity, without hashing; an equal copy is formatted again, to the same text
            todo = list(dict(zip(map(id, fresh), fresh)).values())
            formatted = self._format_many(todo) or list(map(self._format, todo))
            if len(todo) == len(fresh):  # all distinct
                for i, text in zip(new, formatted):
                    texts[i] = text
            else:
                text_of = dict(zip(map(id, todo), formatted))
                for i in new:
                    texts[i] = text_of[id(rows[i])]
            if len(todo) <= len(rows) // 2:  # rows that repeat (all distinct: not worth it)
                if len(memo) + len(todo) > self.MAX_REMEMBERED:
                    memo.clear()
                memo.update(zip(todo, formatted))
        return texts

    def _format_many(self, rows: list) -> list[str] | None:
        """:meth:`_format` of each of ``rows`` when they are rows of ints and floats of one
        shape, in bulk: each distinct float rounded once for them all, each row then one
        ``str.format``; None for other rows."""
        types = set(map(tuple, map(map, repeat(type), rows)))
        if len(types) != 1:
            return None
        self._numbers(rows[0])  # makes the plan of that shape, if it has one
        plan = self._plans.get(types.pop())
        if plan is None:
            return None
        template, get_floats, get_ints = plan
        floats = list(chain.from_iterable(map(get_floats, rows)))
        # 0.0 and -0.0 are one key with two texts: rows holding a -0.0 go row by row
        bits = array("q")
        bits.frombytes(array("d", floats).tobytes())
        if _NEGATIVE_ZERO in bits:
            return None
        unique = dict.fromkeys(floats)
        text_of = dict(zip(unique, _rounded_texts(list(unique), self.digits)))
        width = len(floats) // len(rows)
        float_texts = zip(*[iter(map(text_of.__getitem__, floats))] * width) if width else repeat(())
        return [template.format(*f, *i) for f, i in zip(float_texts, map(get_ints, rows))]

    def _line(self, record_id, row: tuple) -> str:
        # Rows repeat (most statements carry no cue, and their values are all alike), so
        # each distinct row is formatted once and its text reused.
        if row is self._last_row:  # the same row object again (see rhetoric.scoring)
            text = self._last_text
        else:
            text = self._text_of_row.get(row)
        if text is None:
            if len(self._text_of_row) >= self.MAX_REMEMBERED:
                self._text_of_row.clear()
            text = self._text_of_row[row] = self._format(row)
        self._last_row, self._last_text = row, text
        if self.fmt == "csv":
            if type(record_id) is int:
                return f"{record_id},{text}\n"
            if isinstance(record_id, (list, dict)):  # a JSON id stays JSON, not a Python repr
                record_id = json.dumps(record_id, ensure_ascii=False, separators=(",", ":"))
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow([record_id, ""])  # "id," quoted as csv quotes it
            return f"{buf.getvalue()}{text}\n"
        return f'{{"id":{json.dumps(record_id, ensure_ascii=False, separators=(",", ":"))},{text}}}\n'

    def _format(self, row: tuple) -> str:
        if self.fmt == "csv":
            text = self._numbers(row)
            if text is not None:
                return text
        values = [_compact(v, self.digits) for v in row]
        if self.fmt == "csv":
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow(values)
            return buf.getvalue()
        obj = json.dumps(dict(zip(self.columns, values)), ensure_ascii=False, separators=(",", ":"))
        return obj[1:-1]  # the members, without braces: the id goes first

    # Float texts remembered (see _numbers); the memory is cleared when it is full.
    MAX_FLOAT_TEXTS = 100_000

    def _numbers(self, row: tuple) -> str | None:
        """The CSV text of a row of ints and floats (exactly those types), as the csv
        module writes it (``str`` of an int, ``repr`` of a float rounded to ``digits``;
        nothing a number holds needs quoting), in a few calls for the whole row: scores
        rows are all distinct with the trained engine. None for any other row."""
        types = tuple(map(type, row))
        plan = self._plans.get(types)
        if plan is None:
            if types in self._plans or not set(types) <= {int, float}:
                self._plans[types] = None
                return None
            floats = [i for i, t in enumerate(types) if t is float]
            ints = [i for i, t in enumerate(types) if t is int]
            slot = {i: n for n, i in enumerate(floats + ints)}
            template = ",".join(f"{{{slot[i]}}}" for i in range(len(types)))
            plan = self._plans[types] = (template, _getter(floats), _getter(ints))
        template, get_floats, get_ints = plan
        floats = get_floats(row)
        known = self._float_text
        texts = list(map(known.get, floats))
        if None in texts:
            if len(known) >= self.MAX_FLOAT_TEXTS:
                known.clear()
            digits = self.digits
            for n, value in enumerate(floats):
                if texts[n] is None:
                    if not value:  # 0.0 and -0.0: equal keys, two texts
                        texts[n] = repr(value)
                        continue
                    text = known.get(value)  # the same value earlier in the row
                    if text is None:
                        text = known[value] = repr(value if digits is None else round(value, digits))
                    texts[n] = text
        return template.format(*texts, *get_ints(row))


_NEGATIVE_ZERO = -(1 << 63)  # the bits of -0.0 as a signed 64-bit integer

# ``"%.{digits}f" % v`` with its trailing zeros cut (but one after the point) is
# ``repr(round(v, digits))``, written twice as fast (both round the exact binary
# value half to even), while the rounded value has at most 15 significant digits (so
# that its shortest repr is those digits) and repr would not switch to an exponent
# (it does below 1e-4): for 1 <= digits <= 4 and |v| below this.
_FIXED_LIMIT = 1e10
_TRAILING_ZEROS = re.compile(r"0+$", re.MULTILINE)
_BARE_POINT = re.compile(r"\.$", re.MULTILINE)


def _rounded_texts(values: list[float], digits: int | None) -> list[str]:
    """``repr(round(v, digits))`` (``repr(v)`` when ``digits`` is None) of each float.

    >>> _rounded_texts([0.04000001, 1.0, -0.00001, 2.5e-05, 123.45678], 4)
    ['0.04', '1.0', '-0.0', '0.0', '123.4568']
    """
    if digits is None:
        return list(map(repr, values))
    # a sum of magnitudes below the limit: every value is, and none is nan or inf
    if 1 <= digits <= 4 and values and sum(map(abs, values)) < _FIXED_LIMIT:
        fixed = "\n".join(map(f"%.{digits}f".__mod__, values))
        return _BARE_POINT.sub(".0", _TRAILING_ZEROS.sub("", fixed)).split("\n")
    return list(map(repr, map(round, values, repeat(digits))))


def _getter(positions: list[int]):
    """``row -> tuple of row[i] for i in positions``."""
    if not positions:
        return lambda row: ()
    if len(positions) == 1:
        i = positions[0]
        return lambda row: (row[i],)
    return operator.itemgetter(*positions)
