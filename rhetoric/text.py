"""Text normalisation and sentence splitting.

Both steps keep character offsets: :func:`normalise` changes characters but never
the length of the text, so a span found in the normalised text is the same span in
the input. That is what lets every score point back at the words that produced it.

>>> split_sentences("Mr. Smith met U.S. officials on Jan. 5. They spoke.")
[(0, 38), (39, 51)]
"""

from __future__ import annotations

import re

__all__ = ["normalise", "split_sentences", "sentences"]

# One character for one character, so offsets survive. Curly quotes and dashes become
# their ASCII forms so that lexicon patterns need to spell each word only once.
_TRANSLATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\t": " ",
        "\r": " ",
        # Markdown emphasis in recent UN speeches; '#' only matters at a line start but
        # never carries meaning in these corpora.
        "*": " ",
        "_": " ",
        "#": " ",
    }
)

# A single line break inside a paragraph is hard wrapping (printed UN records break
# every 40-60 characters); a blank line is a paragraph break and always ends a sentence.
_SINGLE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")


def normalise(text: str) -> str:
    """Return ``text`` with quotes, dashes, spaces and wrapping normalised, same length.

    >>> normalise("We\\u2019ll act \\u2014 swiftly")
    "We'll act - swiftly"
    >>> len(normalise("a\\nb")) == len("a\\nb")
    True
    """
    text = text.translate(_TRANSLATION)
    if "\n" in text:
        text = _SINGLE_NEWLINE.sub(" ", text)
    return text


# Tokens that end in a full stop without ending a sentence. Lower-cased, without the
# final stop. Titles, months, the common abbreviations of these corpora, and initials.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt sgt adm sen rep gov pres amb hon rev st jr sr
    messrs mme mm h.e e.g i.e etc vs cf al approx no nos art para arts paras fig vol
    jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.s.a u.k u.n u.s.s.r e.u d.c p.m a.m n.y inc ltd co corp dept govt
    """.split()
)

# A candidate boundary: terminal punctuation, optional closing quotes or brackets, then
# white space. Whether it really is a boundary is decided in :func:`split_sentences`.
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s)|\n\s*\n")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot + 1)
    if m is None:
        return False
    word = m.group(1).lower()
    if word in ABBREVIATIONS:
        return True
    # A single capital letter ("John F. Kennedy") is an initial.
    return len(word) == 1 and text[m.start(1)].isupper()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return ``(start, end)`` offsets into ``text``.

    Leading and trailing white space is left out of each span; empty sentences are
    dropped. A sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes) followed
    by white space and a word that can start a sentence, or at a blank line.

    >>> text = 'He said: "We will respond." Then he left.'
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['He said: "We will respond."', 'Then he left.']
    """
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if text[m.start()] not in "\n":
            # What follows must look like a new sentence: a capital, digit, quote or
            # bracket. "e.g. the" and "5 p.m. on" keep going.
            nxt = end
            while nxt < n and text[nxt].isspace():
                nxt += 1
            if nxt < n and not (text[nxt].isupper() or text[nxt].isdigit() or text[nxt] in "\"'([-"):
                continue
            if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, m.start()):
                continue
        _append_span(text, start, end, spans)
        start = end
    _append_span(text, start, n, spans)
    return spans


def _append_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings (normalised first).

    >>> sentences("Russia will pay a price. We are ready.")
    ['Russia will pay a price.', 'We are ready.']
    """
    norm = normalise(text)
    return [norm[s:e] for s, e in split_sentences(norm)]
