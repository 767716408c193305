"""Properties of the scoring engine that must hold for any input (hypothesis).

Any Unicode text scores without error and within range; a text scores the same alone
or in a batch; evidence points at the words it names; normalisation keeps offsets; and
the lexicons' prefilter (which runs only the rules whose anchor words occur in a text)
finds exactly what the full alternation of all rules finds.
"""

from __future__ import annotations

import importlib.util
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rhetoric
from rhetoric.cues import lowercase
from rhetoric.lexicon import lexicon_dir, load
from rhetoric.scoring import CONSTRUCTS, feature_names
from rhetoric.text import normalise

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LEXICON_NAMES = sorted(p.stem for p in lexicon_dir().glob("*.tsv"))

# Characters that have broken text code elsewhere: 'İ' grows when lower-cased, combining
# marks, controls, zero-width and bidi marks, typographic quotes and dashes that
# normalise() rewrites, Markdown, line and paragraph breaks, non-BMP characters.
TRICKY = [
    "\u0130", "\u0131", "\u00df", "\ufb03", "\u0301", "\u0308", "\u0000", "\u0007", "\u001b", "\u200b",
    "\u200e", "\u202e", "\ufeff", "\u2018", "\u2019", "\u201c", "\u201d", "\u2014", "\u00a0", "\u2028",
    "\u2029", "\r\n", "\n", "\n\n", "\t", "*", "**", "_", "#", "...", "?", "!", ".", "U.S.", "Mr.",
    "\U0001f600", "\u0645\u0631\u062d\u0628\u0627", "\u4e2d\u6587", "\u0420\u043e\u0441\u0441\u0438\u044f",
]


def _lexicon_words() -> list[str]:
    """Words and phrases the lexicons look for, so that random text fires rules."""
    words: set[str] = set()
    for name in LEXICON_NAMES:
        for anchors in load(name)._filter.anchors:  # each rule's anchor words
            for anchor in anchors:
                words |= anchor.words | anchor.substrings
        for alternatives in load(name)._filter.alternatives:  # and its alternatives' words
            for alternative in alternatives or ():
                for anchor_words in alternative:
                    words |= anchor_words
    return sorted(words)


WORDS = _lexicon_words()
# Phrases that fire the constructs, with negations, hedges, questions and denials.
PHRASES = [
    "If Russia invades, it will face swift and severe consequences.", "We will not impose sanctions",
    "we will never accept", "Moscow can choose diplomacy or face isolation", "either", " or ",
    "we stand with Ukraine", "will impose new sanctions on Russia", "Russia will pay a heavy price",
    "we may consider", "denies that it plans an attack", "Q: If they attack, will you respond?",
    "We are ready to respond decisively", "unless", "the United States", "won't", "every inch",
    "I will now give the floor", "if necessary", "the choice is theirs", "any further aggression will",
]

# Text built from lexicon words, tricky characters, punctuation and arbitrary text
# (hypothesis' text() draws any code point except surrogates).
token = st.one_of(
    st.sampled_from(PHRASES),
    st.sampled_from(PHRASES),
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(str.upper),
    st.sampled_from(WORDS).map(str.title),
    st.sampled_from(TRICKY),
    st.sampled_from([" ", " ", " ", ", ", ". ", "; ", "? ", "! ", "\n", '" ', "(", ")"]),
    st.text(max_size=8),
)
texts = st.one_of(st.text(), st.lists(token, max_size=40).map("".join), st.lists(token, max_size=40).map(" ".join))


def check_ranges(result) -> None:
    feats = result.features
    assert tuple(feats) == feature_names()
    for name, value in feats.items():
        assert not (isinstance(value, float) and math.isnan(value)), name
    n = feats["n_sentences"]
    assert isinstance(n, int) and n >= 0
    for c in CONSTRUCTS:
        for key in (c, f"{c}_share", f"{c}_mean"):
            assert 0.0 <= feats[key] <= 1.0, key
    for name in feature_names()[len(CONSTRUCTS):]:
        if not name.endswith(("_share", "_mean")):
            assert isinstance(feats[name], int) and feats[name] >= 0, name
    assert len(result.sentences) == n
    for sent in result.sentences:
        for c in CONSTRUCTS:
            assert 0.0 <= sent.scores[c] <= 1.0


def check_evidence(text: str, result) -> None:
    norm = normalise(text)
    for sent in result.sentences:
        assert 0 <= sent.start <= sent.end <= len(text)
        assert norm[sent.start : sent.end] == sent.text
        for ev in sent.evidence:
            if ev.start is None:
                assert ev.end is None
                continue
            assert sent.start <= ev.start <= ev.end <= sent.end
            assert norm[ev.start : ev.end] == ev.text


@SETTINGS
@given(texts)
def test_any_text_scores_in_range(text):
    result = rhetoric.score(text)
    check_ranges(result)
    check_evidence(text, result)


@SETTINGS
@given(texts)
def test_any_text_scores_in_range_as_one_sentence(text):
    result = rhetoric.score(text, split=False)
    check_ranges(result)
    check_evidence(text, result)
    assert result.features["n_sentences"] <= 1


@SETTINGS
@given(texts)
def test_normalise_keeps_length_and_idempotent(text):
    norm = normalise(text)
    assert len(norm) == len(text)
    assert normalise(norm) == norm


@SETTINGS
@given(texts)
def test_lowercase_keeps_length(text):
    assert len(lowercase(text)) == len(text)


def test_empty_text_scores_zero():
    for text in ("", "   ", "\n\n\t"):
        result = rhetoric.score(text)
        assert result.sentences == []
        assert all(value == 0 for value in result.features.values())


def test_long_text_scores_like_its_parts():
    paragraph = (
        "If Russia invades, it will face swift and severe consequences. We will not accept this. "
        "The weather was pleasant in Geneva, and the delegates met for lunch.\n\n"
    )
    k = 8000  # about 1.6 MB
    text = paragraph * k
    assert len(text) > 1_000_000
    one, many = rhetoric.score(paragraph), rhetoric.score(text)
    assert many.features["n_sentences"] == k * one.features["n_sentences"]
    for c in CONSTRUCTS:
        assert many.features[c] == one.features[c]
        assert many.features[f"{c}_share"] == pytest.approx(one.features[f"{c}_share"])
        assert many.features[f"{c}_mean"] == pytest.approx(one.features[f"{c}_mean"])
    for name in feature_names():
        if not name.endswith(("_share", "_mean")) and name not in CONSTRUCTS and name != "n_sentences":
            assert many.features[name] == k * one.features[name], name
    last = many.sentences[-1]
    assert normalise(text)[last.start : last.end] == last.text


@settings(max_examples=60, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6), st.lists(texts, min_size=1, max_size=6))
def test_text_scores_the_same_alone_or_in_a_batch(batch, others):
    alone = [rhetoric.score(t).features for t in batch]
    interleaved = []
    for i, t in enumerate(batch):
        rhetoric.score(others[i % len(others)])  # other texts in between
        interleaved.append(rhetoric.score(t).features)
        rhetoric.score(t.upper())
    assert interleaved == alone
    # The same text object twice in a row (the engine keeps the last text's matches).
    for t, expected in zip(batch, alone):
        assert rhetoric.score(t).features == expected
        assert rhetoric.score(t).features == expected


@settings(max_examples=40, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6), st.lists(texts, min_size=1, max_size=6))
def test_transformer_scores_the_same_as_score(batch, others):
    if importlib.util.find_spec("rhetoric.features") is None:
        pytest.skip("rhetoric.features is not there yet")
    from rhetoric.features import RhetoricFeatures

    names = list(feature_names())
    rf = RhetoricFeatures().fit(batch)
    mixed = [t for pair in zip(batch, others * len(batch)) for t in pair]
    X_alone, X_mixed = rf.transform(batch), rf.transform(mixed)
    for i, t in enumerate(batch):
        expected = [float(rhetoric.score(t).features[f]) for f in names]
        assert X_alone[i].tolist() == expected
        assert X_mixed[2 * i].tolist() == expected


# The prefilter must never drop a match: compare each lexicon's prefiltered scan with
# the full alternation of its rules (Lexicon.regex) on text dense in lexicon words.
@settings(max_examples=300, deadline=None)
@given(texts)
def test_prefilter_finds_what_the_full_alternation_finds(text):
    low = lowercase(normalise(text))
    for name in LEXICON_NAMES:
        lex = load(name)
        expected = [(lex.rules[int(m.lastgroup[1:])], m.start(), m.end()) for m in lex.regex.finditer(low)]
        assert list(lex.finditer(low)) == expected, name
        assert lex.search(low) == bool(expected)


def test_prefilter_on_every_rule_example():
    # Each rule's own anchor words in a row: several candidate rules at once, so the
    # rule-by-rule merge must reproduce the alternation's "first listed rule wins".
    for name in LEXICON_NAMES:
        lex = load(name)
        for anchors in lex._filter.anchors:
            words = sorted({w for a in anchors for w in a.words | a.substrings})
            text = " ".join(words) + " . " + ", ".join(reversed(words))
            expected = [(lex.rules[int(m.lastgroup[1:])], m.start(), m.end()) for m in lex.regex.finditer(text)]
            assert list(lex.finditer(text)) == expected


def test_prefilter_on_every_rule_alternative():
    # Each alternative's anchor words in a row, with all of them and with one left out:
    # a rule skipped for want of an alternative must have had no match.
    for name in LEXICON_NAMES:
        lex = load(name)
        for alternatives in lex._filter.alternatives:
            for alternative in alternatives or ():
                for left_out in [None, *range(len(alternative))]:
                    words = sorted({w for k, a in enumerate(alternative) if k != left_out for w in a})
                    for text in (" ".join(words), " ".join(reversed(words)) + " or " + " and ".join(words)):
                        expected = [(lex.rules[int(m.lastgroup[1:])], m.start(), m.end())
                                    for m in lex.regex.finditer(text)]
                        assert list(lex.finditer(text)) == expected, (name, text)


@pytest.mark.usefixtures("rules_engine")  # a new rule has no trained weight: the rules engine reads it
def test_a_reloaded_lexicon_takes_effect(tmp_path, monkeypatch):
    # The engine keeps lexicons and their anchor index between calls; after
    # load.cache_clear() a changed lexicon folder must be used (and then the old one).
    import shutil

    text = "Moscow will face a glorp."
    before = rhetoric.score(text).features
    folder = tmp_path / "lexicons"
    shutil.copytree(lexicon_dir(), folder)
    threat = folder / "threat.tsv"
    threat.write_text(threat.read_text(encoding="utf-8") + "glorp\t3.0\tnegatable\tglorp\ta test rule\n",
                      encoding="utf-8")
    monkeypatch.setenv("RHETORIC_LEXICONS", str(folder))
    load.cache_clear()
    try:
        changed = rhetoric.score(text)
        assert changed.features["threat"] > before["threat"]
        assert any(e.rule == "glorp" for e in changed.evidence)
    finally:
        monkeypatch.delenv("RHETORIC_LEXICONS")
        load.cache_clear()
    assert rhetoric.score(text).features == before


def _negation_before_by_scan(cues, start, end):
    """The plain definition of ``SentenceCues.negation_before``: a negation inside the
    cue, else the nearest one ending before it if the window allows (what the bisection
    in rhetoric.cues must answer, cue by cue)."""
    from rhetoric.cues import _CLAUSE_BREAK, _WORD, NEGATION_WINDOW_WORDS

    negations = cues.matches["negations"]
    for neg in negations:
        if start <= neg.start < end:
            return neg
    for neg in reversed(negations):
        if neg.end > start:
            continue
        between = cues.low[neg.end : start]
        if len(_WORD.findall(between)) > NEGATION_WINDOW_WORDS or _CLAUSE_BREAK.search(between):
            return None
        return neg
    return None


@SETTINGS
@given(texts)
def test_negation_scope_by_bisection_is_the_plain_scan(text):
    from rhetoric.cues import find_cues

    norm = normalise(text)
    cues = find_cues(norm)
    # Every match of every lexicon in the text is a cue someone may ask about, and
    # every position too.
    spans = [(m.start, m.end) for found in cues.found.values() for m in found]
    spans += [(i, i + 1) for i in range(0, len(norm), 7)]
    # ... and the edges of each negation, where an off-by-one would show.
    for neg in cues.matches["negations"]:
        spans += [(neg.end, neg.end + 1), (neg.end + 1, neg.end + 4), (neg.start, neg.start + 1),
                  (max(neg.start - 1, 0), neg.start + 1), (neg.start + 1, neg.end + 2)]
    for start, end in spans:
        assert cues.negation_before(start, end) == _negation_before_by_scan(cues, start, end)
