"""Text normalisation and sentence splitting.

Both steps keep character offsets: :func:`normalise` changes characters but never
the length of the text, so a span found in the normalised text is the same span in
the input. That is what lets every score point back at the words that produced it.

>>> split_sentences("Mr. Smith met U.S. officials on Jan. 5. They spoke.")
[(0, 39), (40, 51)]
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

# str.translate with a mapping looks every character up in a dict (about 3 ms for a UN
# speech); a C-speed replace per mapped character present is ~80x faster on the corpora.
_REPLACEMENTS = tuple((chr(k), v) for k, v in _TRANSLATION.items())

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
    # Most text is ASCII without tabs or Markdown: nothing to translate.
    if not text.isascii() or "\r" in text or "\t" in text or "*" in text or "_" in text or "#" in text:
        for old, new in _REPLACEMENTS:
            if old in text:
                text = text.replace(old, new)
    if "\n" in text:
        text = _SINGLE_NEWLINE.sub(" ", text)
    return text


# Tokens that end in a full stop without (necessarily) ending a sentence. Lower-cased,
# without the final stop.
#
# Titles and Latin connectives never end a sentence ("Mr. Smith", "e.g. tariffs").
TITLES = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt sgt adm sen rep gov pres amb hon rev st messrs
    mme mm h.e e.g i.e vs cf al
    """.split()
)
# These abbreviate only before a number ("No. 2202", "Jan. 5", "para. 3"): "The answer
# is no. We ..." ends a sentence.
BEFORE_NUMBERS = frozenset(
    """
    no nos art arts para paras fig vol approx
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)
# These usually go on ("U.S. officials", "Acme Inc. said") but may end a sentence; they
# end it when a word that typically opens a sentence follows ("... by the U.S. The").
# Single capital letters (initials: "John F. Kennedy") are treated the same way.
MAY_END = frozenset("u.s u.s.a u.k u.n u.s.s.r e.u d.c n.y inc ltd co corp dept govt jr sr".split())
ABBREVIATIONS = TITLES | BEFORE_NUMBERS | MAY_END
SENTENCE_OPENERS = frozenset(
    """
    the this that these those there we i it he she they you our my his her their its
    in on at by for from with after before during since when while if as but and so yet
    however moreover meanwhile today now then thus therefore also a an no yes what why
    how who where let thank please
    """.split()
)

# A candidate boundary: terminal punctuation, optional closing quotes or brackets, then
# white space. Whether it really is a boundary is decided in :func:`split_sentences`.
_BOUNDARY = re.compile(r"[.!?]+[\"')\]]*(?=\s)|\n\s*\n")
# Whether a text may hold a boundary (besides a blank line): the first branch of
# _BOUNDARY, simpler, so it is found faster (no alternation to try at each character).
_MAY_BOUNDARY = re.compile(r"[.!?][\"')\]]*\s")
_WORD_BEFORE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z][A-Za-z.]*)\.$")
_WORD_AFTER = re.compile(r"[\"'(\[]*([A-Za-z]+)")
# A "sentence" that is only a paragraph or list number ("19.", "(b)", "iv.") belongs to
# what follows it (numbered paragraphs of UN records).
_LIST_MARKER = re.compile(r"[(\[]?(?:\d{1,3}|x{0,3}(?:ix|iv|v?i{0,3})|[a-z])[.)\]]", re.IGNORECASE)


def _is_abbreviation(text: str, dot: int, nxt: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation or an initial, given
    that the next word starts at ``nxt``."""
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot + 1)
    if m is None:
        return False
    word = m.group(1).lower()
    if word in TITLES:
        return True
    if word in BEFORE_NUMBERS:
        return nxt < len(text) and text[nxt].isdigit()
    if word in MAY_END or (len(word) == 1 and text[m.start(1)].isupper()):
        after = _WORD_AFTER.match(text, nxt)
        return after is None or after.group(1).lower() not in SENTENCE_OPENERS
    return False


def stripped_span(text: str) -> list[tuple[int, int]]:
    """``text`` as one sentence: the ``(start, end)`` of it without leading and trailing
    white space, or no span when nothing else is left.

    >>> stripped_span("  We act.  "), stripped_span(" ")
    ([(2, 9)], [])
    """
    end = len(text.rstrip())
    start = len(text) - len(text.lstrip())
    return [(start, end)] if end > start else []


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return ``(start, end)`` offsets into ``text``.

    Leading and trailing white space is left out of each span; empty sentences are
    dropped. A sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes) followed
    by white space and a word that can start a sentence, or at a blank line. A full
    stop after an abbreviation (:data:`ABBREVIATIONS`) or an initial, or after a
    paragraph number, does not end one.

    >>> text = 'He said: "We will respond." Then he left.'
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['He said: "We will respond."', 'Then he left.']
    >>> text = "The answer is no. Talks on Jan. 5 with U.S. officials failed."
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['The answer is no.', 'Talks on Jan. 5 with U.S. officials failed.']
    """
    if "\n" not in text and _MAY_BOUNDARY.search(text) is None:  # one sentence (most rows of a corpus of sentences)
        return stripped_span(text)
    spans: list[tuple[int, int]] = []
    n = len(text)
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if text[m.start()] != "\n":
            # What follows must look like a new sentence: a capital, digit, quote or
            # bracket. "e.g. the" and "5 p.m. on" keep going.
            nxt = end
            while nxt < n and text[nxt].isspace():
                nxt += 1
            if nxt < n and not (text[nxt].isupper() or text[nxt].isdigit() or text[nxt] in "\"'([-"):
                continue
            if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(text, m.start(), nxt):
                continue
            if end - start <= 12 and _LIST_MARKER.fullmatch(text[start:end].strip()):
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
