"""The batch engine: many sentences through the lexicons at once must give exactly what
one sentence at a time gives, and a lexicon's stored analysis must follow its file."""

from __future__ import annotations

import shutil
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

import rhetoric
from rhetoric.cues import lowercase
from rhetoric.lexicon import load, match_many
from rhetoric.scoring import feature_names, feature_rows
from rhetoric.text import normalise

from test_properties import LEXICON_NAMES, texts

# Sentences where several rules of one lexicon match, overlapping or not: the merge of
# rule-by-rule matches must make the alternation's choice.
OVERLAPS = [
    "If Russia chooses to invade, if it attacks, unless it stops, it will face consequences.",
    "We will never accept it, we will not accept it and we will never, ever accept it.",
    "Either Moscow chooses diplomacy or it chooses confrontation; either way, sanctions.",
    "not only sanctions but not just sanctions: no sanctions relief, no new sanctions",
    "the United States and the United Kingdom, the U.S. and NATO, Russia and the Russian Federation",
]


def _lexicons() -> list:
    return [load(name) for name in LEXICON_NAMES]


def _by_lexicon(low: str) -> dict[int, list]:
    return {lex.id: found for lex in _lexicons() if (found := list(lex.finditer(low)))}


@settings(max_examples=150, deadline=None)
@given(st.lists(texts, max_size=8))
def test_match_many_finds_what_each_lexicon_finds(batch):
    lows = [lowercase(normalise(t)) for t in batch + OVERLAPS]
    for low, found in zip(lows, match_many(lows, _lexicons())):
        assert (found or {}) == _by_lexicon(low)


def test_match_many_on_overlapping_rules():
    lows = [lowercase(t) for t in OVERLAPS]
    many = match_many(lows, _lexicons())
    for low, found in zip(lows, many):
        assert found == _by_lexicon(low)
    # The fixtures do reach the merge: some lexicon has matches of several rules.
    assert any(len({m.rule.name for m in ms}) > 1 for found in many for ms in found.values())


@settings(max_examples=80, deadline=None)
@given(st.lists(texts, max_size=8), st.booleans())
def test_feature_rows_are_the_features_of_score(batch, split):
    rows = feature_rows(batch + OVERLAPS, split=split)
    assert rows == [tuple(rhetoric.score(t, split=split).features.values()) for t in batch + OVERLAPS]
    for row in rows:
        assert len(row) == len(feature_names())


def test_feature_rows_rejects_a_non_text():
    import pytest

    with pytest.raises(TypeError, match="str"):
        feature_rows(["fine", None])


def _copy_lexicons(tmp_path):
    folder = tmp_path / "lexicons"
    shutil.copytree(load("threat").path.rsplit("/", 1)[0], folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_a_lexicons_analysis_is_stored_in_the_cache_and_follows_the_file(tmp_path, monkeypatch):
    folder = _copy_lexicons(tmp_path)
    cache = tmp_path / "cache" / "lexicons"
    monkeypatch.setenv("RHETORIC_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = str(folder / "threat.tsv")
    first = load(path)
    stored = list(cache.glob("threat-*.json"))
    assert len(stored) == 1
    assert not (folder / "__pycache__").exists()  # nothing written beside the lexicons
    load.cache_clear()
    again = load(path)  # read from the stored analysis
    assert again.rules == first.rules
    def anchors(lex):
        return [[(a.words, a.substrings, a.cost) for a in found] for found in lex._filter.anchors]

    assert anchors(again) == anchors(first) and again._filter.may_be_empty == first._filter.may_be_empty
    assert again._filter.programs == first._filter.programs
    assert again._filter.alternatives == first._filter.alternatives
    # A changed file is read anew (a new key), and the old analysis is removed.
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("glorp\t3.0\tnegatable\tglorp\ta test rule\n")
    load.cache_clear()
    changed = load(path)
    assert changed.rules[-1].name == "glorp"
    assert [r for r, _, _ in changed.finditer("they will face a glorp")][-1].name == "glorp"
    now = list(cache.glob("threat-*.json"))
    assert len(now) == 1 and now != stored
    load.cache_clear()


def test_no_analysis_is_written_when_byte_code_is_not(tmp_path, monkeypatch):
    folder = _copy_lexicons(tmp_path)
    monkeypatch.setenv("RHETORIC_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    load(str(folder / "hedges.tsv"))
    assert not (folder / "__pycache__").exists() and not (tmp_path / "cache").exists()
    load.cache_clear()


def test_a_damaged_stored_analysis_is_ignored(tmp_path, monkeypatch):
    folder = _copy_lexicons(tmp_path)
    monkeypatch.setenv("RHETORIC_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    path = str(folder / "boosters.tsv")
    expected = [r.name for r, _, _ in load(path).finditer("a swift and severe response")]
    stored = list((tmp_path / "cache" / "lexicons").glob("boosters-*.json"))
    assert stored
    for damaged in (b"not json", b'{"format": "rhetoric-lexicon-analysis/1"}', b"\x80\x04K\x01."):
        for entry in stored:
            entry.write_bytes(damaged)
        load.cache_clear()
        assert [r.name for r, _, _ in load(path).finditer("a swift and severe response")] == expected
    load.cache_clear()


def test_match_many_asks_only_the_lexicons_given():
    hedges, boosters = load("hedges"), load("boosters")
    low = "we may respond in a swift and severe way"
    everything = match_many([low], _lexicons())[0]
    assert hedges.id in everything and boosters.id in everything
    only = match_many([low], [boosters])[0]
    assert set(only) == {boosters.id} and only[boosters.id] == everything[boosters.id]
    assert match_many([low], [])[0] is None


def test_the_engines_docstring_examples_hold():
    import doctest

    from rhetoric import _matching, _patterns, cues, lexicon, scoring, text

    for module in (lexicon, _patterns, _matching, cues, text, scoring):
        assert doctest.testmod(module).failed == 0, module.__name__


def test_a_kept_program_compiles_to_the_same_pattern():
    import re

    from rhetoric._patterns import _compile_rule, _program, _rule_source

    text = " ".join(OVERLAPS).lower() + " we'll respond; they're ready to act; don't"
    for name in LEXICON_NAMES:
        for rule in load(name).rules:
            source = _rule_source(rule.pattern)
            program = _program(source)
            assert program is not None, rule.name
            kept, fresh = _compile_rule(source, program), re.compile(source)
            assert (kept.pattern, kept.flags, kept.groups, kept.groupindex) == \
                   (fresh.pattern, fresh.flags, fresh.groups, fresh.groupindex), rule.name
            assert [m.span() for m in kept.finditer(text)] == [m.span() for m in fresh.finditer(text)], rule.name
    # A program the engine refuses falls back to compiling the source.
    assert _compile_rule("abc", (0, [999999], 0, {}, ())).search("xabc").span() == (1, 4)


def test_alternatives_need_all_the_words_of_one_branch():
    from rhetoric._patterns import _alternatives

    alternatives = _alternatives(r"(peace|talks) (\S+ ){0,4}or war|two (\w+ )?paths")
    assert alternatives == [[{"war"}, {"peace", "talks"}, {"or"}], [{"paths"}, {"two"}]]
    # a group of branches at the top is multiplied out with what follows it, and every
    # word of a literal is needed
    assert _alternatives(r"(we|i) will (pay|respond)") == [[{"pay"}, {"we"}, {"will"}], [{"respond"}, {"we"}, {"will"}],
                                                           [{"pay"}, {"i"}, {"will"}], [{"respond"}, {"i"}, {"will"}]]
    assert _alternatives(r"sanctions?") is None  # no branch: the anchors say it all
    assert _alternatives(r"war|\w+ing") is None  # a branch without a word could be anywhere
