"""An HTML report of scored statements: every sentence, its scores, and the words behind them.

One self-contained page (CSS and script inline, nothing fetched from the network: it opens
from disk and can be sent as an attachment) that shows

- a summary: documents and sentences scored, the share of sentences >= 0.5 per construct,
  and the model card's cross-validated figures;
- each document with its sentences; per sentence the scores as small bars and the
  evidence of the explanation (:mod:`rhetoric.explain`): terms with a span are
  highlighted as ``<mark data-construct=".." data-feature="..">`` (weight and reason in the
  tooltip), and every term is listed in the sentence's evidence list;
- filters by construct and threshold and sorting by score, in plain inline JavaScript;
  with scripts off the page is complete, only without the controls.

Which sentences are shown: every sentence of every document for an input of up to
:data:`LARGE_INPUT` records; above that, unless asked otherwise, the
:data:`DEFAULT_TOP` highest-scoring sentences per construct (their union, each with its
document), so that a report of a whole corpus stays small enough to open. The page says
when it is such a top-N view and how many sentences it leaves out.

Which terms are highlighted: those with a span and ``|weight| >= MARK_MIN_WEIGHT`` (the
size from which ``rhetoric explain`` highlights a term; a trained model weighs nearly every
word a little, and marking those too buries the words that decide). Where such spans overlap,
a term of a construct the sentence is labelled with wins over one of a construct it is not,
then the largest ``|weight|``; the others stay in the evidence list ("under a stronger
mark"), so every ``<mark>`` holds exactly the characters of its span.

Statement text and ids are untrusted: everything from the input is escaped, and the
page's Content-Security-Policy lets only its own script run.

>>> page = to_html([("a1", "If Russia invades, it will face swift and severe consequences.")])
>>> page.startswith("<!DOCTYPE html>"), page.count('class="sentence"'), '<mark data-construct="conditionality"' in page
(True, 1, True)
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import html
import io
import json
import re
from dataclasses import dataclass, field
from typing import IO, Iterable, Iterator

from .constructs import CONSTRUCTS, REGISTRY
from .explain import HIGHLIGHT, SMALL
from .io import Record
from .scoring import THRESHOLD, feature_rows, score_sentence
from .text import normalise, split_sentences

__all__ = [
    "DEFAULT_TOP",
    "LARGE_INPUT",
    "MARK_MIN_WEIGHT",
    "ReportData",
    "collect",
    "marked_evidence",
    "to_html",
    "write_html",
]

#: Sentences kept per construct in a top-N view when none is asked for.
DEFAULT_TOP = 200
#: Inputs of more records than this get a top-:data:`DEFAULT_TOP` view by default.
LARGE_INPUT = 1000
#: Terms at least this large in size are highlighted (smaller ones are listed only).
MARK_MIN_WEIGHT = HIGHLIGHT
# Sentences scored together by feature_rows: they meet the lexicons in one pass, and
# memory stays flat however large the input.
_SENTENCES_PER_BATCH = 2000
# One colour per construct, in registry order (a fifth construct takes the fifth).
_PALETTE = ("#c0392b", "#b7791f", "#7d3c98", "#138d90", "#2e6db4", "#5d6d1e")


# --- collecting: stream the input, keep what the page shows ------------------------

@dataclass(slots=True)
class _Document:
    index: int  # 0-based position in the input
    id: object
    n_sentences: int


@dataclass(slots=True)
class _Sentence:
    document: _Document
    index: int  # position in its document
    start: int  # offsets into the document's text
    end: int
    shown: str  # the input's characters, made safe to put in HTML (same length)
    normalised: str  # what is scored
    scores: tuple = ()  # in CONSTRUCTS order


@dataclass
class ReportData:
    """What :func:`write_html` renders: the counts of everything scored and the
    sentences to show, grouped by document (from :func:`collect`)."""

    engine: str | None
    top: int | None  # None: every sentence is shown
    n_documents: int = 0
    n_sentences: int = 0
    at_or_above: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CONSTRUCTS, 0))
    #: (document, its sentences to show) in input order; documents with none are left out
    #: of a top-N view
    documents: list[tuple[_Document, list[_Sentence]]] = field(default_factory=list)
    title: str = "rhetoric report"

    @property
    def n_shown(self) -> int:
        return sum(len(sentences) for _, sentences in self.documents)


# Characters an HTML parser would drop or rewrite (CR becomes LF, NUL is dropped, C0
# controls are errors) and lone surrogates (not encodable as UTF-8), each replaced by
# one character, so that offsets into the input still hold on the page: CR by a space
# (as the scorer reads it), the others by U+FFFD.
_UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0d-\x1f\x7f\ud800-\udfff]")


def _displayable(text: str) -> str:
    """``text`` with the characters a browser would not keep replaced, one for one.

    >>> _displayable("a\\r\\nb\\x00c")
    'a \\nb\\ufffdc'
    """
    if not _UNSAFE_CHARACTERS.search(text):
        return text
    return _UNSAFE_CHARACTERS.sub(lambda m: " " if m.group() == "\r" else "\ufffd", text)


def _pairs(records) -> Iterator[tuple[object, str]]:
    """``(id, text)`` of each record: an :class:`rhetoric.io.Record` or a pair."""
    for n, record in enumerate(records):
        if isinstance(record, Record):
            rid, text = record.id, record.text
        elif isinstance(record, (str, bytes)):
            raise TypeError(f"record {n} is a bare text: pass (id, text) pairs, e.g. enumerate(texts)")
        else:
            rid, text = record
        if not isinstance(text, str):
            raise TypeError(f"record {n} ({rid!r}): the text is {type(text).__name__}, expected str")
        yield rid, text


def collect(records: Iterable, *, top: int | None = None, show_all: bool = False,
            engine: str | None = None, title: str = "rhetoric report") -> ReportData:
    """Score ``records`` ((id, text) pairs or :class:`~rhetoric.io.Record`\\ s), reading
    them one at a time, and keep what the page will show.

    ``top=N`` keeps the N highest-scoring sentences per construct (a heap each, so memory
    stays flat however large the input); ``top=None`` keeps every sentence of an input of
    up to :data:`LARGE_INPUT` records and is ``top=DEFAULT_TOP`` above that, unless
    ``show_all``. Ties keep the earlier sentence.

    >>> data = collect([("a", "We will respond. It rained."), ("b", "Hello.")])
    >>> data.n_documents, data.n_sentences, data.top, data.n_shown
    (2, 3, None, 3)
    >>> collect([("a", "We will respond. It rained.")], top=1).n_shown <= 1 * len(CONSTRUCTS)
    True
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 1):
        raise ValueError(f"top={top!r}: give a number of sentences, 1 or more (or None)")
    if show_all and top is not None:
        raise ValueError("show_all and top exclude each other")
    data = ReportData(engine=engine, top=top, title=title)
    heap_size = None if show_all else (top or DEFAULT_TOP)
    heaps: list[list] = [[] for _ in CONSTRUCTS]
    # every document while a full view is still possible (at most LARGE_INPUT of them)
    kept: list | None = [] if (show_all or top is None) else None
    pending: list[_Sentence] = []

    def score_pending() -> None:
        rows = feature_rows([s.normalised for s in pending], split=False, engine=engine)
        k = len(CONSTRUCTS)
        for sentence, row in zip(pending, rows):
            scores = sentence.scores = tuple(row[:k])
            for c, value in enumerate(scores):
                if value >= THRESHOLD:
                    data.at_or_above[CONSTRUCTS[c]] += 1
            if heap_size is None:
                continue
            for heap, value in zip(heaps, scores):
                # (score, -document, -sentence): the smallest is the first to go, and of
                # equal scores the later sentence goes first
                if len(heap) < heap_size:
                    heapq.heappush(heap, (value, -sentence.document.index, -sentence.index, sentence))
                elif value > heap[0][0]:
                    heapq.heapreplace(heap, (value, -sentence.document.index, -sentence.index, sentence))
        pending.clear()

    for rid, text in _pairs(records):
        norm = normalise(text)
        spans = split_sentences(norm)
        document = _Document(data.n_documents, rid, len(spans))
        sentences = [_Sentence(document, i, s, e, _displayable(text[s:e]), norm[s:e]) for i, (s, e) in enumerate(spans)]
        data.n_documents += 1
        data.n_sentences += len(sentences)
        pending.extend(sentences)
        if kept is not None:
            kept.append((document, sentences))
            if not show_all and data.n_documents > LARGE_INPUT:
                kept = None  # a large input: the top-N view it is
                data.top = DEFAULT_TOP
        if len(pending) >= _SENTENCES_PER_BATCH:
            score_pending()
    if pending:
        score_pending()

    if kept is not None:
        data.documents = kept
    else:
        chosen = {id(entry[3]): entry[3] for heap in heaps for entry in heap}
        by_document: dict[int, tuple[_Document, list[_Sentence]]] = {}
        for sentence in sorted(chosen.values(), key=lambda s: (s.document.index, s.index)):
            by_document.setdefault(sentence.document.index, (sentence.document, []))[1].append(sentence)
        data.documents = list(by_document.values())
    return data


# --- which evidence is marked --------------------------------------------------------

def marked_evidence(evidence, scores: dict | None = None) -> list:
    """The evidence records highlighted in a sentence, in text order: those with a span
    and ``|weight| >= MARK_MIN_WEIGHT``; of overlapping spans, a term of a construct the
    sentence is labelled with (``scores[construct] >= 0.5``) before one of a construct it
    is not (the marks show what made the labels), then the largest ``|weight|`` (then the
    earlier, then the construct first in the registry).

    >>> from rhetoric.constructs._base import Evidence
    >>> big = Evidence("threat", "w:severe consequences", 0.9, 10, 31, "severe consequences", "words")
    >>> small = Evidence("threat", "w:consequences", 0.5, 17, 31, "consequences", "words")
    >>> [e.rule for e in marked_evidence([small, big])]
    ['w:severe consequences']
    >>> other = Evidence("two_path", "w:severe", 1.2, 10, 16, "severe", "words")
    >>> [e.rule for e in marked_evidence([other, big], {"threat": 0.9, "two_path": 0.1})]
    ['w:severe consequences']
    """
    order = {c: i for i, c in enumerate(CONSTRUCTS)}
    labelled = {c for c, v in (scores or {}).items() if v >= THRESHOLD}
    candidates = sorted(
        (e for e in evidence if e.start is not None and e.end > e.start and abs(e.weight) >= MARK_MIN_WEIGHT),
        key=lambda e: (scores is not None and e.construct not in labelled, -abs(e.weight), e.start, e.end,
                       order.get(e.construct, len(order)), e.rule),
    )
    chosen: list = []
    for e in candidates:
        if all(e.end <= c.start or e.start >= c.end for c in chosen):
            chosen.append(e)
    return sorted(chosen, key=lambda e: e.start)


# --- rendering -----------------------------------------------------------------------

def _esc(value) -> str:
    """Text or an attribute value, escaped (quotes included)."""
    return html.escape(str(value), quote=True)


def _id_text(rid) -> str:
    """A record id as text: strings as they are, anything else as JSON (1, null, [..])."""
    return rid if isinstance(rid, str) else json.dumps(rid, ensure_ascii=False)


def json_for_script(value) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` as \\u escapes, so
    no text in it can close the element or open a comment.

    >>> json_for_script({"a": "</script>"})
    '{"a": "\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _colour(index: int) -> str:
    return _PALETTE[index % len(_PALETTE)]


def _tint(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


_CSS = """
*{box-sizing:border-box}
[hidden]{display:none !important}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d1d1f;background:#fafafa;margin:0}
.page{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:1.6em;margin:0 0 4px}
h2{font-size:1.2em;margin:28px 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#666;font-size:.9em}
.note{background:#fff8e1;border:1px solid #f0d890;border-radius:6px;padding:8px 12px;margin:12px 0}
table.figures{border-collapse:collapse;font-size:.9em;background:#fff}
table.figures th,table.figures td{border:1px solid #e2e2e2;padding:4px 9px;text-align:right;white-space:nowrap}
table.figures th:first-child,table.figures td:first-child{text-align:left}
table.figures thead th{background:#f1f1f1}
.ci{color:#888;font-size:.85em}
.summary-grid{display:flex;flex-wrap:wrap;gap:28px;align-items:flex-start}
.counts{font-size:1.05em}
.counts b{font-size:1.3em}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin:8px 0;font-size:.9em}
#controls{position:sticky;top:0;z-index:2;background:#fff;border:1px solid #ddd;border-radius:6px;padding:8px 12px;margin:16px 0;display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center;font-size:.92em;box-shadow:0 2px 6px rgba(0,0,0,.06)}
#controls label{white-space:nowrap}
#controls input[type=number]{width:5em}
section.document{background:#fff;border:1px solid #e2e2e2;border-radius:8px;margin:16px 0;padding:4px 16px 8px}
section.document>h3{font-size:1em;margin:10px 0 4px;font-weight:600}
section.document>h3 .meta{font-weight:400;margin-left:8px}
.sentence{display:grid;grid-template-columns:205px minmax(0,1fr);gap:14px;padding:9px 0;border-top:1px solid #eee}
section.document>h3+.sentence{border-top:none}
#sorted .sentence{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:9px 12px;margin:8px 0}
.scores{font-size:.78em;line-height:1.35;font-variant-numeric:tabular-nums}
.score{display:grid;grid-template-columns:92px 64px 36px;align-items:center;gap:5px}
.score .name{color:#555;overflow:hidden;text-overflow:ellipsis}
.bar{display:block;height:8px;background:#ececec;border-radius:4px;overflow:hidden}
.bar span{display:block;height:100%;border-radius:4px}
.score .value{text-align:right}
.score.hit .value{font-weight:700}
.text{margin:0 0 4px;white-space:pre-wrap;overflow-wrap:anywhere}
.doc-label{display:none;font-size:.8em;color:#666}
#sorted .doc-label{display:block}
mark{color:inherit;border-radius:3px;padding:0 1px;cursor:help}
mark.neg{background:transparent;border-bottom:2px dashed}
details.evidence{font-size:.8em;color:#333}
details.evidence summary{cursor:pointer;color:#555}
table.terms{border-collapse:collapse;margin:4px 0 6px;font-variant-numeric:tabular-nums}
table.terms th,table.terms td{padding:1px 7px;border-bottom:1px solid #f0f0f0;text-align:right;vertical-align:top}
table.terms th{font-weight:600;background:#f6f6f6}
table.terms td:nth-child(-n+2),table.terms th:nth-child(-n+2),table.terms td:last-child,table.terms th:last-child{text-align:left}
table.terms td:last-child{color:#777;max-width:24em}
table.terms td:first-child{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95em}
table.terms tr.total td:first-child,table.terms tr.small td:first-child{font-family:inherit}
table.terms td.n{color:#a33}
table.terms td.m{font-weight:700;outline:1px solid #999;outline-offset:-1px}
table.terms tr.total td{background:#fafafa;font-weight:600}
table.terms tr.small td{color:#777}
code{font-size:.95em}
footer{margin-top:40px;color:#888;font-size:.8em}
"""


def _construct_css() -> str:
    """Each construct's colour, for its marks, bars and evidence list; with a construct
    chosen in the filter, the marks of the others fade."""
    rules = []
    for i, c in enumerate(REGISTRY):
        colour = _colour(i)
        rules.append(f'mark[data-construct="{c.name}"]{{background:{_tint(colour, 0.22)};'
                     f'box-shadow:inset 0 -2px 0 {colour}}}')
        rules.append(f'mark.neg[data-construct="{c.name}"]{{background:transparent;box-shadow:none;border-color:{colour}}}')
        rules.append(f'.c-{c.name} .bar span,.swatch.c-{c.name}{{background:{colour}}}')
        rules.append(f'th.c-{c.name}{{color:{colour}}}')
        rules.append(f'body[data-focus="{c.name}"] mark:not([data-construct="{c.name}"])'
                     "{background:transparent;box-shadow:none;border-color:transparent}")
    rules.append(".swatch{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:-1px;margin-right:4px}")
    return "\n".join(rules)


# The controls' behaviour. Rows keep their data in data-scores; constructs come from the
# JSON config, never typed here. Without scripts the page is whole, only unfiltered.
_SCRIPT = r"""
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("report-config").textContent);
  var rows = Array.prototype.slice.call(document.querySelectorAll(".sentence"));
  var homes = rows.map(function (row) { return row.parentNode; });
  var scores = rows.map(function (row) { return JSON.parse(row.getAttribute("data-scores")); });
  var docs = Array.prototype.slice.call(document.querySelectorAll("section.document"));
  var construct = document.getElementById("filter-construct");
  var threshold = document.getElementById("filter-threshold");
  var order = document.getElementById("sort-by");
  var counter = document.getElementById("shown-count");
  var documents = document.getElementById("documents");
  var sorted = document.getElementById("sorted");

  function passes(s, c, t) {
    if (c !== "any") { return s[c] >= t; }
    for (var i = 0; i < config.constructs.length; i++) {
      if (s[config.constructs[i]] >= t) { return true; }
    }
    return false;
  }

  function apply() {
    var c = construct.value;
    var t = parseFloat(threshold.value);
    if (isNaN(t)) { t = 0; }
    document.body.setAttribute("data-focus", c);
    var visible = 0;
    rows.forEach(function (row, i) {
      var ok = passes(scores[i], c, t);
      row.hidden = !ok;
      if (ok) { visible++; }
    });
    var by = order.value;
    var indices = rows.map(function (row, i) { return i; });
    if (by === "document") {
      indices.forEach(function (i) { homes[i].appendChild(rows[i]); });
      docs.forEach(function (doc) { doc.hidden = !doc.querySelector(".sentence:not([hidden])"); });
      sorted.hidden = true;
      documents.hidden = false;
    } else {
      indices.sort(function (a, b) { return (scores[b][by] - scores[a][by]) || (a - b); });
      indices.forEach(function (i) { sorted.appendChild(rows[i]); });
      sorted.hidden = false;
      documents.hidden = true;
    }
    counter.textContent = visible + " of " + rows.length + " sentences shown";
  }

  [construct, threshold, order].forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  document.getElementById("controls").hidden = false;
  apply();
  document.documentElement.setAttribute("data-enhanced", "yes");
})();
"""


def _csp(script: str) -> str:
    """Only this page's own script may run (by its hash), nothing may be fetched; inline
    styles are allowed (the bars' widths). A defence behind the escaping."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def _with_code(text: str) -> str:
    """Escaped text whose `backticked` words (Markdown, as the model card writes them)
    are set as code."""
    return re.sub(r"`([^`<]+)`", r"<code>\1</code>", _esc(text))


def _number(n: int) -> str:
    return f"{n:,}"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


def _figure(m: dict | None, key: str) -> str:
    if not m or m.get(key) is None:
        return "-"
    ci = m.get(f"{key}_ci")
    interval = f' <span class="ci">[{ci[0]:.2f}, {ci[1]:.2f}]</span>' if ci and ci[0] is not None else ""
    return f"{m[key]:.3f}{interval}"


def _model_card() -> dict | None:
    """The shipped (or ``RHETORIC_MODEL``'s) model card, None when there is none."""
    from .trained import ModelError, load_model

    try:
        return load_model().card
    except (ModelError, OSError, ValueError):
        return None


def _card_section(card: dict | None, engine: str | None) -> str:
    """The model card's out-of-fold figures, read as :func:`rhetoric.validation.card_table`
    reads them."""
    cv = (card or {}).get("cross_validation") or {}
    figures = cv.get("figures")
    out = ['<h2>How good the scores are: the model card\'s validation</h2>']
    if not figures:
        out.append('<p class="note">The model has no model card with cross-validated figures '
                   "(rebuild it with <code>rhetoric train</code>).</p>")
        return "\n".join(out)
    data = card.get("training_data") or {}
    out.append(f'<p class="meta">Grouped cross-validation of the trained scorer, from its model card '
               f'(<code>card.json</code>, dated {_esc(card.get("date", "?"))}, '
               f'{_number(data.get("sentences", 0))} labelled sentences): {_with_code(cv.get("method", ""))}. '
               "Figures at 0.5 with 95% intervals; the last column is the false-positive rate on "
               "UN General Debate sentences.</p>")
    if engine == "rules":
        out.append('<p class="note">This report was scored with the hand-set rules '
                   "(<code>--engine rules</code>); these figures are the trained scorer's.</p>")
    out.append('<table class="figures"><thead><tr><th>construct</th><th>positives</th><th>precision</th>'
               "<th>recall</th><th>F1 (grouped CV)</th><th>AUROC</th><th>FPR, UN sentences</th></tr></thead><tbody>")
    for c in CONSTRUCTS:
        if c not in figures:
            continue
        m = figures[c].get("all", {})
        un = (figures[c].get("by_corpus") or {}).get("ungdc")
        out.append(f"<tr><td>{_esc(c)}</td><td>{_number(m.get('positives', 0))}</td><td>{_figure(m, 'precision')}</td>"
                   f"<td>{_figure(m, 'recall')}</td><td>{_figure(m, 'f1')}</td><td>{_figure(m, 'auroc')}</td>"
                   f"<td>{_figure(un, 'fpr')}</td></tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _view_note(data: ReportData) -> str:
    if data.top is None:
        return (f'<p class="note">Every sentence of every document is shown '
                f"({_number(data.n_sentences)} sentences).</p>")
    left_out = data.n_sentences - data.n_shown
    return (f'<p class="note"><b>Top-{_number(data.top)} view:</b> the {_number(data.top)} highest-scoring '
            f"sentences per construct (their union, each under its document): {_number(data.n_shown)} of "
            f"{_number(data.n_sentences)} sentences shown, <b>{_number(left_out)} left out</b>, from "
            f"{_number(len(data.documents))} of {_number(data.n_documents)} documents. "
            "The counts and shares above are over every sentence.</p>")


def _summary(data: ReportData, card: dict | None) -> str:
    out = ['<h2>Summary</h2>', '<div class="summary-grid">',
           f'<div class="counts"><b>{_number(data.n_documents)}</b> documents<br>'
           f'<b>{_number(data.n_sentences)}</b> sentences scored</div>',
           '<table class="figures"><thead><tr><th>construct</th><th>sentences &ge; 0.5</th>'
           "<th>share</th></tr></thead><tbody>"]
    for i, c in enumerate(REGISTRY):
        n = data.at_or_above[c.name]
        out.append(f'<tr><td><span class="swatch c-{c.name}"></span>{_esc(c.name)}</td>'
                   f"<td>{_number(n)}</td><td>{_share(n, data.n_sentences)}</td></tr>")
    out.append("</tbody></table></div>")
    out.append(_view_note(data))
    out.append(_card_section(card, data.engine))
    return "\n".join(out)


def _legend() -> str:
    items = "".join(f'<span><span class="swatch c-{c.name}"></span>{_esc(c.name)}: {_esc(c.description)}</span>'
                    for c in REGISTRY)
    return (f'<h2>Sentences</h2><div class="legend">{items}</div>'
            f'<p class="meta">Highlighted: each term of the explanation with a span and a weight of '
            f"at least {MARK_MIN_WEIGHT:g} in size, coloured by construct; a dashed underline is a "
            "negative weight (it lowers the score). Hover a highlight for its weight and reason. Where "
            "terms overlap, a term of a label the sentence has wins, then the largest; the sentence's "
            "evidence list has every term. "
            "A score &ge; 0.5 means the codebook label is 1 (bold).</p>")


def _controls() -> str:
    options = "".join(f'<option value="{_esc(c)}">{_esc(c)}</option>' for c in CONSTRUCTS)
    sorts = "".join(f'<option value="{_esc(c)}">{_esc(c)} score, highest first</option>' for c in CONSTRUCTS)
    return ('<div id="controls" hidden>'
            f'<label>construct <select id="filter-construct"><option value="any">any</option>{options}</select></label>'
            '<label>score &ge; <input id="filter-threshold" type="number" min="0" max="1" step="0.05" value="0"></label>'
            f'<label>order <select id="sort-by"><option value="document">documents, as in the input</option>{sorts}</select></label>'
            '<span id="shown-count" class="meta"></span></div>')


def _mark(e, text: str) -> str:
    title = f"{e.construct} {e.weight:+.2f} · {e.rule} · {e.reason}" if e.reason else f"{e.construct} {e.weight:+.2f} · {e.rule}"
    negative = ' class="neg"' if e.weight < 0 else ""
    return (f'<mark data-construct="{_esc(e.construct)}" data-feature="{_esc(e.rule)}" data-weight="{e.weight:.4f}" '
            f'data-start="{e.start}" data-end="{e.end}"{negative} title="{_esc(title)}">{_esc(text)}</mark>')


def _marked_text(sentence: _Sentence, marks: list) -> str:
    out, at = [], 0
    for e in marks:
        start, end = e.start - sentence.start, e.end - sentence.start
        out.append(_esc(sentence.shown[at:start]))
        out.append(_mark(e, sentence.shown[start:end]))
        at = end
    out.append(_esc(sentence.shown[at:]))
    return "".join(out)


def _evidence_table(scored, marks: list) -> str:
    """Every term of every construct's log-odds, as :func:`rhetoric.explain.explain_text`
    accounts for them, one row per term and span with its weight for each construct
    (the trained scorer weighs every term for all four): the intercepts, the terms with a
    weight of at least :data:`~rhetoric.explain.SMALL` in size (largest first; the
    highlighted ones bold), the smaller ones summed on one row that names them, then the
    log-odds and the score. Intercept plus the column is the log-odds."""
    marked = {(e.construct, e.rule, e.start, e.end) for e in marks}
    rows: dict[tuple, tuple] = {}  # (rule, start, end) -> (first record, {construct: weight})
    for e in scored.evidence:
        weights = rows.setdefault((e.rule, e.start, e.end), (e, {}))[1]
        weights[e.construct] = weights.get(e.construct, 0.0) + e.weight
    big = [r for r in rows.values() if max(abs(w) for w in r[1].values()) >= SMALL]
    big.sort(key=lambda r: (-max(abs(w) for w in r[1].values()), r[0].start if r[0].start is not None else -1))
    small = [r for r in rows.values() if max(abs(w) for w in r[1].values()) < SMALL]

    def cell(value: float | None, highlighted: bool = False) -> str:
        if value is None:
            return "<td>"
        classes = " ".join(name for name, on in (("m", highlighted), ("n", value < 0)) if on)
        return f'<td class="{classes}">{value:+.2f}' if classes else f"<td>{value:+.2f}"

    # End tags of cells and rows are optional in HTML and left out: this table is most of
    # a page's bytes.
    head = "".join(f'<th class="c-{c}">{_esc(c)}' for c in CONSTRUCTS)
    out = [f'<table class="terms"><thead><tr><th>term<th>words{head}<th>why</thead><tbody>',
           '<tr class="total"><td colspan="2">intercept' + "".join(cell(scored.intercepts[c]) for c in CONSTRUCTS)
           + "<td>"]
    for first, weights in big:
        where = f"\u2018{_esc(first.text)}\u2019" if first.start is not None else "(the sentence)"
        cells = "".join(cell(weights.get(c), (c, first.rule, first.start, first.end) in marked) for c in CONSTRUCTS)
        out.append(f"<tr><td>{_esc(first.rule)}<td>{where}{cells}<td>{_esc(first.reason)}")
    if small:
        sums = "".join(cell(sum(w.get(c, 0.0) for _, w in small)) for c in CONSTRUCTS)
        names = ", ".join(_esc(first.rule) for first, _ in small)
        out.append(f'<tr class="small"><td colspan="2">{len(small)} terms under {SMALL:g}{sums}<td>{names}')
    logits = "".join(cell(scored.logit(c)) for c in CONSTRUCTS)
    score_cells = "".join(f"<td>{scored.scores[c]:.3f}" for c in CONSTRUCTS)
    out.append(f'<tr class="total"><td colspan="2">log-odds (sum){logits}<td>'
               f'<tr class="total"><td colspan="2">score = sigmoid(log-odds){score_cells}<td>'
               "</tbody></table>")
    return "".join(out)


def _sentence_row(sentence: _Sentence, engine: str | None) -> str:
    scored = score_sentence(sentence.normalised, sentence.start, engine=engine)
    marks = marked_evidence(scored.evidence, scored.scores)
    document = sentence.document
    scores = {c: round(scored.scores[c], 4) for c in CONSTRUCTS}
    bars = []
    for c in CONSTRUCTS:
        value = scored.scores[c]
        hit = " hit" if value >= THRESHOLD else ""
        bars.append(f'<div class="score c-{c}{hit}" title="{_esc(c)} {value:.3f}"><span class="name">{_esc(c)}</span>'
                    f'<span class="bar"><span style="width:{value * 100:.1f}%"></span></span>'
                    f'<span class="value">{value:.3f}</span></div>')
    rid = _esc(_id_text(document.id))
    return (f'<div class="sentence" data-id="{rid}" data-sentence="{sentence.index}" '
            f'data-start="{sentence.start}" data-end="{sentence.end}" data-scores="{_esc(json.dumps(scores))}">'
            f'<div class="scores">{"".join(bars)}</div>'
            f'<div class="body"><span class="doc-label">{rid}, sentence {sentence.index + 1}</span>'
            f'<p class="text">{_marked_text(sentence, marks)}</p>'
            f'<details class="evidence"><summary>evidence: {len(scored.evidence)} terms, {len(marks)} highlighted</summary>'
            f"{_evidence_table(scored, marks)}</details></div></div>\n")


def _document(document: _Document, sentences: list[_Sentence], data: ReportData, engine) -> Iterator[str]:
    rid = _esc(_id_text(document.id))
    if data.top is None:
        what = f"{document.n_sentences} sentence{'s' if document.n_sentences != 1 else ''}"
    else:
        what = f"{len(sentences)} of {document.n_sentences} sentences shown"
    yield (f'<section class="document" data-id="{rid}"><h3>{rid}<span class="meta">record {document.index + 1}, '
           f"{what}</span></h3>\n")
    if not sentences:
        yield '<p class="meta">(no sentences)</p>\n'
    for sentence in sentences:
        yield _sentence_row(sentence, engine)
    yield "</section>\n"


def write_html(data: ReportData, fh: IO[str]) -> None:
    """Write the page of ``data`` (:func:`collect`) to the text file ``fh``, a sentence
    at a time (each is scored again here, with its evidence).

    >>> buffer = io.StringIO()
    >>> write_html(collect([("a", "We will respond.")]), buffer)
    >>> buffer.getvalue().count('<div class="sentence"')
    1
    """
    from . import __version__

    script = _SCRIPT
    config = {"constructs": list(CONSTRUCTS), "threshold": THRESHOLD}
    engine_name = data.engine or "trained"
    fh.write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
             f'<meta http-equiv="Content-Security-Policy" content="{_esc(_csp(script))}">\n'
             f"<title>{_esc(data.title)}</title>\n<style>{_CSS}\n{_construct_css()}\n</style>\n</head>\n<body>\n"
             '<div class="page">\n'
             f"<header><h1>{_esc(data.title)}</h1><p class=\"meta\">Scored by rhetoric {_esc(__version__)}, "
             f"engine <code>{_esc(engine_name)}</code>: threat, conditionality, two-path and commitment per "
             "sentence, each score = sigmoid(intercept + the sum of its evidence weights).</p></header>\n")
    fh.write(_summary(data, _model_card()))
    fh.write("\n" + _legend() + "\n" + _controls() + '\n<main id="documents">\n')
    if not data.documents:
        fh.write('<p class="meta">No documents.</p>\n')
    for document, sentences in data.documents:
        for piece in _document(document, sentences, data, data.engine):
            fh.write(piece)
    fh.write('</main>\n<div id="sorted" hidden></div>\n'
             '<footer>Made by <code>rhetoric report</code>. Self-contained: nothing on this page is fetched '
             "from the network.</footer>\n</div>\n"
             f'<script type="application/json" id="report-config">{json_for_script(config)}</script>\n'
             f"<script>{script}</script>\n</body>\n</html>\n")


def to_html(records: Iterable, *, top: int | None = None, show_all: bool = False, engine: str | None = None,
            title: str = "rhetoric report") -> str:
    """The report of ``records`` ((id, text) pairs or :class:`~rhetoric.io.Record`\\ s) as
    one self-contained HTML page; ``top``, ``show_all``: see :func:`collect`;
    ``engine``: "trained" (default) or "rules".

    >>> page = to_html([(1, "<script>alert(1)</script> We will respond.")], engine="rules")
    >>> "<script>alert" in page, "&lt;script&gt;alert(1)" in page
    (False, True)
    """
    buffer = io.StringIO()
    write_html(collect(records, top=top, show_all=show_all, engine=engine, title=title), buffer)
    return buffer.getvalue()
