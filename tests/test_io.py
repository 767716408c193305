"""Streaming readers and all-or-nothing writers (rhetoric.io)."""

from __future__ import annotations

import doctest
import gzip
import io
import json
import os
import pickle

import pytest

import rhetoric.io as rio
from rhetoric.io import InputError, Record, RecordWriter, atomic_output, read_records


def write(path, data: bytes | str):
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_docstring_examples():
    assert doctest.testmod(rio).failed == 0


# --- reading -------------------------------------------------------------------------

def test_jsonl_ids_default_to_row_numbers_and_blank_lines_are_skipped(tmp_path):
    p = write(tmp_path / "a.jsonl", '{"text": "one"}\n\n{"text": "two", "id": "x"}\n')
    assert list(read_records(p)) == [Record(1, 0, "one"), Record(3, 1, "two")]


def test_jsonl_id_field_keeps_json_types(tmp_path):
    p = write(tmp_path / "a.jsonl", '{"doc": 17, "body": "one"}\n{"doc": "b", "body": "two"}\n')
    recs = list(read_records(p, text_field="body", id_field="doc"))
    assert [(r.id, r.text) for r in recs] == [(17, "one"), ("b", "two")]


def test_csv_reports_the_physical_line_where_a_row_starts(tmp_path):
    p = write(tmp_path / "a.csv", 'id,text\nA,"two\nlines"\nB,plain\n')
    recs = list(read_records(p, id_field="id"))
    assert recs == [Record(2, "A", "two\nlines"), Record(4, "B", "plain")]


def test_csv_byte_order_mark_and_crlf(tmp_path):
    p = write(tmp_path / "a.csv", b"\xef\xbb\xbftext,n\r\nhello,1\r\n")
    assert list(read_records(p)) == [Record(2, 0, "hello")]


def test_csv_long_field_is_read(tmp_path):
    long = "word " * 60_000  # beyond the csv module's default 128 KiB field limit
    p = write(tmp_path / "a.csv", f'text\n"{long}"\n')
    assert [r.text for r in read_records(p)] == [long]


def test_txt_every_line_is_a_row(tmp_path):
    p = write(tmp_path / "a.txt", "first\r\n\nthird")
    assert list(read_records(p)) == [Record(1, 0, "first"), Record(2, 1, ""), Record(3, 2, "third")]


def test_gzip_input(tmp_path):
    p = tmp_path / "a.jsonl.gz"
    p.write_bytes(gzip.compress(b'{"text": "one"}\n{"text": "two"}\n'))
    assert [r.text for r in read_records(p)] == ["one", "two"]


def test_stdin_with_explicit_format():
    stdin = io.BytesIO(b"text\nfrom stdin\n")
    assert list(read_records("-", format="csv", stdin=stdin)) == [Record(2, 0, "from stdin")]


def test_rows_are_read_lazily(tmp_path):
    # The second line is broken: the first record still comes out before the error, so
    # nothing is read ahead (memory stays flat on large inputs).
    p = write(tmp_path / "a.jsonl", '{"text": "ok"}\n{broken\n')
    records = read_records(p)
    assert next(records).text == "ok"
    with pytest.raises(InputError):
        next(records)


@pytest.mark.parametrize(
    "name, data, line, fragment",
    [
        ("a.jsonl", '{"text": "ok"}\n{"text": "no end"\n', 2, "not valid JSON"),
        ("a.jsonl", '{"text": "ok"}\n["a list"]\n', 2, "expected a JSON object"),
        ("a.jsonl", '{"text": "ok"}\n\n{"body": "x"}\n', 3, "no field 'text'"),
        ("a.jsonl", '{"text": "ok"}\n{"text": 42}\n', 2, "is int, expected a string"),
        ("a.jsonl", '{"text": "ok"}\n{"text": null}\n', 2, "is null"),
        ("a.jsonl", b'{"text": "ok"}\n{"text": "ok"}\n{"text": "caf\xe9"}\n', 3, "not UTF-8"),
        ("a.txt", b"fine\n\xff\xfe\n", 2, "not UTF-8"),
        ("a.csv", "body\nhello\n", 1, "no column 'text'"),
        ("a.csv", "", 1, "empty file"),
        ("a.csv", "text,n\nok,1\nbad\n", 3, "1 fields, but the header has 2"),
        ("a.csv", 'text\nok\n"a"b"\n', 3, "not valid CSV"),
        ("a.csv", 'text\nok\n"never closed\nmore\n', 3, "not valid CSV"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path, name, data, line, fragment):
    p = write(tmp_path / name, data)
    with pytest.raises(InputError) as info:
        list(read_records(p))
    err = info.value
    assert (err.path, err.line) == (str(p), line)
    assert str(err).startswith(f"{p}:{line}: ")
    assert fragment in err.message


def test_missing_id_field(tmp_path):
    p = write(tmp_path / "a.jsonl", '{"id": 1, "text": "a"}\n{"text": "b"}\n')
    with pytest.raises(InputError, match=r"a\.jsonl:2: no id field 'id'"):
        list(read_records(p, id_field="id"))
    q = write(tmp_path / "a.csv", "text\nx\n")
    with pytest.raises(InputError, match=r"a\.csv:1: no id column 'key'"):
        list(read_records(q, id_field="key"))


def test_truncated_gzip(tmp_path):
    p = tmp_path / "a.jsonl.gz"
    p.write_bytes(gzip.compress(b'{"text": "one"}\n' * 1000)[:-40])
    with pytest.raises(InputError, match="cannot read compressed data"):
        list(read_records(p))


def test_missing_file_and_unknown_suffix(tmp_path):
    with pytest.raises(InputError, match="cannot open"):
        list(read_records(tmp_path / "nope.jsonl"))
    with pytest.raises(InputError, match="cannot tell the format"):
        list(read_records(write(tmp_path / "a.xml", "<a/>")))
    with pytest.raises(InputError, match="id field needs .jsonl or .csv"):
        list(read_records(write(tmp_path / "a.txt", "x"), id_field="id"))


def test_input_error_pickles():
    err = pickle.loads(pickle.dumps(InputError("f.jsonl", 3, "bad")))
    assert (err.path, err.line, str(err)) == ("f.jsonl", 3, "f.jsonl:3: bad")
    assert str(InputError("f.csv", None, "cannot open")) == "f.csv: cannot open"


# --- writing -------------------------------------------------------------------------

def test_atomic_output_replaces_the_target_at_the_end(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with atomic_output(target) as fh:
        fh.write("new\n")
        assert target.read_text() == "old\n"  # not yet
    assert target.read_text() == "new\n"
    assert leftovers(tmp_path) == []


def test_atomic_output_new_file_has_ordinary_permissions(tmp_path):
    target = tmp_path / "out.csv"
    with atomic_output(target) as fh:
        fh.write("x")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_atomic_output_on_error_keeps_the_old_file(tmp_path, exc):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(type(exc)):
        with atomic_output(target) as fh:
            fh.write("half\n")
            raise exc
    assert target.read_text() == "old\n"
    assert leftovers(tmp_path) == []
    fresh = tmp_path / "fresh.csv"
    with pytest.raises(type(exc)):
        with atomic_output(fresh) as fh:
            raise exc
    assert not fresh.exists()
    assert leftovers(tmp_path) == []


def test_atomic_gzip_output_is_reproducible(tmp_path):
    outs = []
    for name in ("a.csv.gz", "b.csv.gz"):
        with atomic_output(tmp_path / name) as fh:
            fh.write("id,x\n0,1\n")
        outs.append((tmp_path / name).read_bytes())
    assert gzip.decompress(outs[0]) == b"id,x\n0,1\n"
    assert gzip.decompress(outs[1]) == gzip.decompress(outs[0])
    with atomic_output(tmp_path / "a.csv.gz") as fh:
        fh.write("id,x\n0,1\n")
    assert (tmp_path / "a.csv.gz").read_bytes() == outs[0]  # no timestamp: same rows, same bytes


def test_record_writer_jsonl_is_compact():
    buf = io.StringIO()
    w = RecordWriter(buf, "jsonl", ["threat", "n_sentences"], digits=4)
    w.write("doc-1", {"threat": 0.98765432, "n_sentences": 3})
    w.write(2, {"threat": 0.0, "n_sentences": 0})
    lines = buf.getvalue().splitlines()
    assert lines[0] == '{"id":"doc-1","threat":0.9877,"n_sentences":3}'
    assert json.loads(lines[1]) == {"id": 2, "threat": 0.0, "n_sentences": 0}


def test_record_writer_csv_keeps_json_ids_as_json():
    buf = io.StringIO()
    w = RecordWriter(buf, "csv", ["threat"], digits=2)
    w.write(["a", 1], {"threat": 0.5})
    w.write(None, {"threat": 0.5})
    assert buf.getvalue().splitlines()[1:] == ['"[""a"",1]",0.5', ",0.5"]


def test_record_writer_rejects_unknown_format():
    with pytest.raises(ValueError, match="unknown output format"):
        RecordWriter(io.StringIO(), "xlsx", ["threat"])


@pytest.mark.parametrize("digits", [None, 0, 1, 2, 3, 4, 5, 8])
def test_rounded_texts_are_the_reprs_of_the_rounded_floats(digits):
    """The writer's bulk path prints floats as ``%.Nf`` cut of its trailing zeros where
    that is ``repr(round(v, N))``; across magnitudes, signs and halves it is."""
    import random

    from rhetoric.io import _rounded_texts

    rng = random.Random(digits)
    for _ in range(40):
        scale = 10 ** rng.uniform(-8, 9)
        values = [rng.choice((1, -1)) * rng.random() * scale for _ in range(200)]
        values += [k / 2 ** rng.randint(1, 12) for k in range(-20, 20)]  # exact halves: ties
        values += [0.0, -0.0, 0.00005, 0.00015, 2.675, 1e-05]
        assert _rounded_texts(values, digits) == [repr(v if digits is None else round(v, digits)) for v in values]
