"""The HTML report (``rhetoric report``, :func:`rhetoric.report.to_html`), read back with
Python's own HTML parser: every highlight holds exactly its span's characters, rows carry
their ids and scores, hostile input stays text, and the command line streams, picks the
top sentences and fails cleanly."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import rhetoric
from rhetoric import report
from rhetoric.constructs import CONSTRUCTS
from rhetoric.explain import SMALL
from rhetoric.io import Record

THREAT = "If Russia invades, it will face swift and severe consequences."
TWO_PATH = "Russia can choose the path of diplomacy or the path of confrontation and consequences."
PLEDGE = "We will defend every inch of NATO territory. The weather in Geneva was pleasant."
# curly quotes and a dash (normalised for scoring, shown as typed), a hard wrap, a CR
TYPOGRAPHY = "\u201cWe\u2019ll respond \u2014 firmly,\u201d he said.\nThey will pay\r\na heavy price."
HOSTILE_TEXT = '<script>alert(1)</script> " onmouseover="x & <img src=x onerror=alert(2)> They will face consequences.'
HOSTILE_ID = '" onmouseover="x <script>alert(3)</script> &amp;'
RECORDS = [("d-threat", THREAT), ("d-two-path", TWO_PATH), ("d-pledge", PLEDGE), ("d-typo", TYPOGRAPHY)]


class ReportParser(HTMLParser):
    """The parts of a report the tests read: sentence rows (attributes, the text of their
    sentence with each mark's offset in it, the cells of their evidence table), every
    element's attributes, and the scripts."""

    def __init__(self):
        super().__init__()  # convert_charrefs: data arrives unescaped
        self.rows: list[dict] = []
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._row_depth = 0  # open divs inside the current row
        self._in_text = False
        self._marks_open: list[dict] = []
        self._in_script: str | None = None
        self._in_terms = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        classes = (a.get("class") or "").split()
        if tag == "script":
            self._in_script = ""
        if tag == "div" and "sentence" in classes:
            self.rows.append({"attrs": a, "text": "", "marks": [], "table": []})
            self._row_depth = 1
            return
        if not self._row_depth:
            return
        row = self.rows[-1]
        if tag == "div":
            self._row_depth += 1
        elif tag == "p" and "text" in classes:
            self._in_text = True
        elif tag == "mark":
            assert self._in_text, "a mark outside the sentence's text"
            mark = {"attrs": a, "offset": len(row["text"]), "text": "", "nested": bool(self._marks_open)}
            row["marks"].append(mark)
            self._marks_open.append(mark)
        elif tag == "table" and "terms" in classes:
            self._in_terms = True
        elif self._in_terms and tag == "tr":
            row["table"].append([])
        elif self._in_terms and tag in ("td", "th"):
            row["table"][-1].append("")

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append(self._in_script)
            self._in_script = None
        if not self._row_depth:
            return
        if tag == "div":
            self._row_depth -= 1
        elif tag == "p":
            self._in_text = False
        elif tag == "mark":
            self._marks_open.pop()
        elif tag == "table":
            self._in_terms = False

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script += data
        if not self._row_depth:
            return
        row = self.rows[-1]
        if self._in_text:
            row["text"] += data
            for mark in self._marks_open:
                mark["text"] += data
        elif self._in_terms and row["table"] and row["table"][-1]:
            row["table"][-1][-1] += data


def parse(page: str) -> ReportParser:
    parser = ReportParser()
    parser.feed(page)
    parser.close()
    return parser


def sentences_of(records, engine=None):
    """``[(id, SentenceScore, input text)]`` for every sentence, as rhetoric.score gives them."""
    return [(rid, s, text) for rid, text in records for s in rhetoric.score(text, engine=engine).sentences]


def shown_as(text: str) -> str:
    """The characters the page shows for ``text``: a browser turns CR into LF and drops
    NUL, so the page has a space and U+FFFD there (one for one: offsets hold)."""
    return "".join(" " if ch == "\r" else "\ufffd" if ch == "\x00" or ch == "\x07" or "\ud800" <= ch <= "\udfff"
                   else ch for ch in text)


def check_rows_against_scores(page: str, records, engine=None) -> ReportParser:
    """Every sentence is one row, in order, with its id, its scores and its exact
    characters; each mark holds the characters of its span; marks never nest or overlap;
    the marks are the largest terms of the explanation, those of the sentence's labels
    first (see rhetoric.report)."""
    parsed = parse(page)
    expected = sentences_of(records, engine)
    assert len(parsed.rows) == len(expected)
    for row, (rid, sent, text) in zip(parsed.rows, expected):
        attrs = row["attrs"]
        assert attrs["data-id"] == (rid if isinstance(rid, str) else json.dumps(rid))
        scores = json.loads(attrs["data-scores"])
        assert list(scores) == list(CONSTRUCTS)
        assert scores == {c: round(sent.scores[c], 4) for c in CONSTRUCTS}
        start = int(attrs["data-start"])
        assert (start, int(attrs["data-end"])) == (sent.start, sent.end)
        shown = shown_as(text)[sent.start : sent.end]
        assert row["text"] == shown

        spanned = {(e.construct, e.rule, e.start, e.end): e for e in sent.evidence
                   if e.start is not None and e.end > e.start}
        marked = []
        for mark in row["marks"]:
            m = mark["attrs"]
            assert not mark["nested"]
            s, e = int(m["data-start"]), int(m["data-end"])
            assert mark["offset"] == s - start, "a mark is not where its span says"
            assert mark["text"] == shown[s - start : e - start] == shown_as(text[s:e])
            record = spanned[(m["data-construct"], m["data-feature"], s, e)]
            assert abs(record.weight) >= report.MARK_MIN_WEIGHT
            assert m["title"].startswith(f"{record.construct} {record.weight:+.2f} · {record.rule}")
            assert ("neg" in m.get("class", "")) == (record.weight < 0)
            marked.append(record)
        for a, b in zip(marked, marked[1:]):
            assert a.end <= b.start, "marks overlap"
        # a large spanned term is either marked or under a mark that outranks it: of a
        # construct the sentence is labelled with while its own is not, else as large
        labelled = {c for c in CONSTRUCTS if sent.scores[c] >= 0.5}

        def rank(e):
            return (e.construct in labelled, abs(e.weight))

        for record in spanned.values():
            if abs(record.weight) >= report.MARK_MIN_WEIGHT and record not in marked:
                assert any(m.start < record.end and record.start < m.end and rank(m) >= rank(record)
                           for m in marked), record
    return parsed


def terms_table(row) -> dict[str, list[str]]:
    """The evidence table of a row: {term or row label: its cells}."""
    return {cells[0].strip(): cells[1:] for cells in row["table"] if cells}


# --- the page ----------------------------------------------------------------------

def test_every_sentence_is_a_row_and_every_mark_holds_its_characters():
    page = report.to_html(RECORDS)
    parsed = check_rows_against_scores(page, RECORDS)
    assert sum(len(r["marks"]) for r in parsed.rows) > 3  # the check above had marks to check
    assert page.count("<mark ") == sum(len(r["marks"]) for r in parsed.rows)
    # each highlighted term is bold ("m") in its row's table, once per mark
    assert page.count('<td class="m') == page.count("<mark ")


def test_marks_with_the_rules_engine_too():
    page = report.to_html(RECORDS, engine="rules")
    parsed = check_rows_against_scores(page, RECORDS, engine="rules")
    assert any(r["marks"] for r in parsed.rows)
    assert "engine <code>rules</code>" in page and "these figures are the trained scorer's" in page


def test_evidence_without_a_span_is_listed_not_marked():
    (rid, sent, _), = sentences_of([("d", TWO_PATH)])
    unspanned = [e for e in sent.evidence if e.start is None and abs(e.weight) >= SMALL]
    assert unspanned, "the two-path sentence lifts conditionality (a record without a span)"
    row, = parse(report.to_html([("d", TWO_PATH)])).rows
    table = terms_table(row)
    for e in unspanned:
        assert table[e.rule][0] == "(the sentence)"
        assert e.rule not in {m["attrs"]["data-feature"] for m in row["marks"]}
    # the table accounts for every term: intercepts first, the score last
    assert list(table)[1] == "intercept" and table["score = sigmoid(log-odds)"][:4] == [
        f"{sent.scores[c]:.3f}" for c in CONSTRUCTS]


def test_every_term_is_in_the_table_one_by_one_or_summed():
    (rid, sent, _), = sentences_of([("d", THREAT)])
    row, = parse(report.to_html([("d", THREAT)])).rows
    table = terms_table(row)
    small_label = next(k for k in table if k.endswith(f"terms under {SMALL:g}"))
    small_names = set(table[small_label][-1].split(", "))
    for e in sent.evidence:
        assert e.rule in table or e.rule in small_names, e.rule


def test_hostile_text_and_ids_stay_text():
    records = [(HOSTILE_ID, HOSTILE_TEXT), ("plain", THREAT)]
    page = report.to_html(records)
    parsed = check_rows_against_scores(page, records)
    # the only scripts are the page's own: its configuration (JSON) and its behaviour
    assert [tag for tag, _ in parsed.elements].count("script") == 2
    assert parsed.scripts[1] == report._SCRIPT
    assert json.loads(parsed.scripts[0])["constructs"] == list(CONSTRUCTS)
    assert not any(tag == "img" for tag, _ in parsed.elements)
    for tag, attrs in parsed.elements:  # no attribute broke out of its quotes
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert set(attrs) <= {"class", "id", "title", "style", "lang", "charset", "name", "content", "http-equiv",
                              "type", "min", "max", "step", "value", "hidden", "colspan", "open"} | {
            name for name in attrs if name.startswith("data-")}, (tag, attrs)
    hostile_rows = [r for r in parsed.rows if r["attrs"]["data-id"] == HOSTILE_ID]
    assert hostile_rows and hostile_rows[0]["text"].startswith("<script>alert(1)</script>")
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&quot; onmouseover=&quot;x" in page


def test_json_in_a_script_cannot_close_it():
    text = report.json_for_script({"x": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"x": "</script><!-- & \u2028"}


def test_only_its_own_script_may_run():
    page = report.to_html(RECORDS[:1])
    policy = next(a["content"] for t, a in parse(page).elements if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy and report._csp(report._SCRIPT) == policy
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # nothing fetched


def test_characters_a_browser_would_rewrite_keep_their_offsets():
    text = "We will\x00 respond\x07 firmly. Russia will face\ud800 severe consequences."
    page = report.to_html([("odd", text)])
    page.encode("utf-8")  # a lone surrogate would not encode
    parsed = parse(page)
    assert "".join(r["text"] for r in parsed.rows).count("\ufffd") == 3
    assert all(len(r["text"]) == int(r["attrs"]["data-end"]) - int(r["attrs"]["data-start"]) for r in parsed.rows)


def test_summary_counts_shares_and_the_model_cards_figures():
    page = report.to_html(RECORDS)
    sentences = sentences_of(RECORDS)
    assert f"<b>{len(RECORDS)}</b> documents" in page and f"<b>{len(sentences)}</b> sentences scored" in page
    for c in CONSTRUCTS:
        n = sum(s.scores[c] >= 0.5 for _, s, _ in sentences)
        assert f"{c}</td><td>{n}</td><td>{n / len(sentences):.1%}</td>" in page
    card = rhetoric.trained.load_model().card
    f1 = card["cross_validation"]["figures"]["threat"]["all"]["f1"]
    assert "F1 (grouped CV)" in page and f"{f1:.3f}" in page and card["date"] in page
    assert "Every sentence of every document is shown" in page


def test_records_are_pairs_or_io_records():
    from_pairs = report.to_html([("a", THREAT), ("b", PLEDGE)])
    from_records = report.to_html([Record(1, "a", THREAT), Record(2, "b", PLEDGE)])
    assert from_pairs == from_records  # and the same input gives the same bytes
    with pytest.raises(TypeError, match="bare text"):
        report.to_html([THREAT])
    with pytest.raises(TypeError, match="expected str"):
        report.to_html([("a", None)])
    with pytest.raises(ValueError):
        report.to_html([("a", THREAT)], top=0)


def test_ids_that_are_not_strings_are_json():
    parsed = parse(report.to_html([(7, THREAT), (None, PLEDGE)]))
    assert {r["attrs"]["data-id"] for r in parsed.rows} == {"7", "null"}


def test_empty_documents_and_no_documents():
    page = report.to_html([("empty", "   "), ("a", THREAT)])
    assert "(no sentences)" in page and len(parse(page).rows) == 1
    assert "No documents." in report.to_html([])


# --- top N -------------------------------------------------------------------------

MANY = [(f"r{i}", text) for i, text in enumerate([THREAT, PLEDGE, TWO_PATH, TYPOGRAPHY, "It rained. It was cold.",
                                                   "We will never accept it.", "Sanctions will follow an invasion."])]


def test_top_n_keeps_the_best_sentences_of_each_construct():
    top = 2
    data = report.collect(MANY, top=top)
    everything = [(rid, s) for rid, s, _ in sentences_of(MANY)]
    expected = set()
    for c in CONSTRUCTS:  # the first-read of equal scores wins
        ranked = sorted(range(len(everything)), key=lambda i: (-everything[i][1].scores[c], i))
        expected |= {(everything[i][0], everything[i][1].start) for i in ranked[:top]}
    shown = {(doc.id, s.start) for doc, sentences in data.documents for s in sentences}
    assert shown == expected
    assert [doc.index for doc, _ in data.documents] == sorted(doc.index for doc, _ in data.documents)
    page = report.to_html(MANY, top=top)
    rows = parse(page).rows
    assert len(rows) == len(expected)
    left_out = len(everything) - len(expected)
    assert f"Top-{top} view:" in page and f"<b>{left_out} left out</b>" in page


def test_a_top_larger_than_the_input_shows_what_the_full_page_shows():
    full, top = parse(report.to_html(MANY)).rows, parse(report.to_html(MANY, top=1000)).rows
    assert [(r["attrs"], r["text"]) for r in full] == [(r["attrs"], r["text"]) for r in top]


def test_large_inputs_get_a_top_view_by_default(monkeypatch):
    monkeypatch.setattr(report, "LARGE_INPUT", 4)
    monkeypatch.setattr(report, "DEFAULT_TOP", 1)
    data = report.collect(MANY)
    assert data.top == 1 and data.n_documents == len(MANY) and 0 < data.n_shown <= len(CONSTRUCTS)
    assert report.collect(MANY[:4]).top is None
    assert report.collect(MANY, show_all=True).n_shown == data.n_sentences


def test_a_top_view_keeps_only_its_heaps():
    """Memory stays flat: what a top-N collection keeps does not grow with the input."""
    import gc

    def kept_sentences(n_records: int) -> int:
        records = ((f"r{i}", f"Row {i}. {MANY[i % len(MANY)][1]}") for i in range(n_records))
        data = report.collect(records, top=3)
        gc.collect()
        # type(), not isinstance(): isinstance reads __class__, which wakes deprecated lazy
        # attributes of modules other tests imported (torch warns)
        alive = sum(type(o) is report._Sentence for o in gc.get_objects())
        del data
        return alive

    assert kept_sentences(300) == kept_sentences(900) <= 3 * len(CONSTRUCTS)


# --- command line ------------------------------------------------------------------

def run(*args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rhetoric.cli", *map(str, args)], capture_output=True, timeout=timeout)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_cli_report_from_jsonl(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"doc": rid, "body": text}) + "\n" for rid, text in RECORDS))
    out = tmp_path / "report.html"
    res = run("report", src, "-o", out, "--text-field", "body", "--id-field", "doc")
    assert res.returncode == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    check_rows_against_scores(page, RECORDS)
    assert "<title>rhetoric report: in.jsonl</title>" in page
    assert leftovers(tmp_path) == []


def test_cli_report_from_csv_with_top(tmp_path):
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["key", "statement", "other"])
        writer.writerows([rid, text, "x"] for rid, text in MANY)
    out = tmp_path / "top.html"
    res = run("report", src, "-o", out, "--text-field", "statement", "--id-field", "key", "--top", "1",
              "--engine", "rules")
    assert res.returncode == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    assert parse(page).rows and page == report.to_html(MANY, top=1, engine="rules", title="rhetoric report: in.csv")
    assert "Top-1 view:" in page


def test_cli_report_to_stdout(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(THREAT + "\n" + PLEDGE + "\n")
    res = run("report", src, "-o", "-")
    assert res.returncode == 0, res.stderr
    check_rows_against_scores(res.stdout.decode("utf-8"), [(0, THREAT), (1, PLEDGE)])


def test_cli_large_input_is_a_top_view_by_default(tmp_path):
    n = report.LARGE_INPUT + 1
    src = tmp_path / "big.txt"
    one_line = [text for _, text in MANY if "\n" not in text and "\r" not in text]  # a .txt row is a line
    src.write_text("".join(f"Statement {i}. {one_line[i % len(one_line)]}\n" for i in range(n)))
    out = tmp_path / "big.html"
    res = run("report", src, "-o", out)
    assert res.returncode == 0, res.stderr
    assert f"showing the top {report.DEFAULT_TOP} sentences" in res.stderr.decode()
    page = out.read_text(encoding="utf-8")
    rows = parse(page).rows
    assert f"Top-{report.DEFAULT_TOP} view:" in page
    assert report.DEFAULT_TOP <= len(rows) <= report.DEFAULT_TOP * len(CONSTRUCTS)
    assert f"from {len({r['attrs']['data-id'] for r in rows}):,} of {n:,} documents" in page


def test_cli_missing_field_names_file_and_line_and_writes_nothing(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_text(json.dumps({"text": THREAT}) + "\n" + json.dumps({"text": PLEDGE}) + "\n"
                   + json.dumps({"body": "no text here"}) + "\n")
    out = tmp_path / "report.html"
    res = run("report", src, "-o", out)
    assert res.returncode == 2
    assert res.stderr.decode().startswith(f"rhetoric: error: {src}:3: no field 'text'")
    assert not out.exists() and leftovers(tmp_path) == []
    out.write_text("old report")
    assert run("report", src, "-o", out).returncode == 2
    assert out.read_text() == "old report"


@pytest.mark.parametrize("args, fragment", [
    (["--top", "0"], "--top must be 1 or more"),
    (["-o", "{tmp}/no/such/folder/r.html"], "the folder does not exist"),
    (["--top", "3", "--all"], "not allowed with"),
])
def test_cli_usage_errors(tmp_path, args, fragment):
    src = tmp_path / "in.txt"
    src.write_text(THREAT + "\n")
    res = run("report", src, *[a.format(tmp=tmp_path) for a in args])
    assert res.returncode == 2 and fragment in res.stderr.decode()


def test_report_help_imports_no_heavy_module():
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "rhetoric.cli", "report", "--help"],
                         capture_output=True, timeout=60)
    assert res.returncode == 0 and b"--top" in res.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in res.stderr.decode().splitlines()
                if line.startswith("import time:")}
    assert not imported & {"numpy", "pandas", "sklearn", "scipy"}


def test_the_docstring_examples_hold():
    import doctest

    assert doctest.testmod(report).failed == 0
