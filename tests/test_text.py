"""The sentence splitter and the offset-preserving normalisation."""

from __future__ import annotations

import pytest

from rhetoric.text import normalise, sentences, split_sentences
from hypothesis import given, settings
from hypothesis import strategies as st

import rhetoric.text as text_module



def split(text: str) -> list[str]:
    """Sentences of ``text`` as the scorer sees them (normalised, then split), checking
    on the way that every span is a valid, stripped slice of the normalised text."""
    norm = normalise(text)
    assert len(norm) == len(text)
    spans = split_sentences(norm)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(norm)
        assert norm[start:end] == norm[start:end].strip()
        previous_end = end
    return [norm[s:e] for s, e in spans]


@pytest.mark.parametrize(
    "text, expected",
    [
        # Abbreviations and initials do not end a sentence ...
        ("The U.S. Government will respond. It said so.", ["The U.S. Government will respond.", "It said so."]),
        ("Mr. Smith met Mrs. Jones and Dr. Brown. They spoke.", ["Mr. Smith met Mrs. Jones and Dr. Brown.", "They spoke."]),
        ("The talks began on Jan. 5. They failed.", ["The talks began on Jan. 5.", "They failed."]),
        ("Costs, e.g. tariffs, rise. Prices too.", ["Costs, e.g. tariffs, rise.", "Prices too."]),
        ("Some costs, i.e. Tariffs, rise.", ["Some costs, i.e. Tariffs, rise."]),
        ("John F. Kennedy spoke. He left.", ["John F. Kennedy spoke.", "He left."]),
        ("See Resolution No. 2202 on this. We agree.", ["See Resolution No. 2202 on this.", "We agree."]),
        ("MS. PSAKI: We will respond.", ["MS. PSAKI: We will respond."]),
        # ... nor does a decimal point.
        ("Growth was 3.5 percent. Inflation fell.", ["Growth was 3.5 percent.", "Inflation fell."]),
        ("It costs $1.2 billion. We pay.", ["It costs $1.2 billion.", "We pay."]),
        # Words that are also abbreviations end a sentence when one ends there.
        ("The answer is no. We need decades of peace.", ["The answer is no.", "We need decades of peace."]),
        ("The briefing starts at 10 a.m. The President will speak.",
         ["The briefing starts at 10 a.m.", "The President will speak."]),
        ("We discussed trade, energy, etc. The talks were frank.",
         ["We discussed trade, energy, etc.", "The talks were frank."]),
        ("Sanctions were imposed by the U.S. The measures hurt.", ["Sanctions were imposed by the U.S.", "The measures hurt."]),
        ("They met at 5 p.m. on Friday.", ["They met at 5 p.m. on Friday."]),
        # Quotes and brackets closing after the full stop belong to the sentence.
        ('He said: "We will respond." Then he left.', ['He said: "We will respond."', "Then he left."]),
        ("He said: \u201cWe will respond.\u201d Then he left.", ['He said: "We will respond."', "Then he left."]),
        ("(We will respond.) Then he left.", ["(We will respond.)", "Then he left."]),
        ('"Why not?" he asked. Nobody answered.', ['"Why not?" he asked.', "Nobody answered."]),
        # Question and exclamation marks.
        ("Will you respond? We will! Of course.", ["Will you respond?", "We will!", "Of course."]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
        # A blank line ends a sentence even without punctuation (headings).
        ("Statement by the Minister\n\nWe will respond.", ["Statement by the Minister", "We will respond."]),
        # Hard-wrapped UN records: a single line break is a space.
        ("We will not\naccept this. The Assembly\nmust act.", ["We will not accept this.", "The Assembly must act."]),
        ("End of the line.\nNext line starts here.", ["End of the line.", "Next line starts here."]),
        # Numbered paragraphs of UN records: the number belongs to its paragraph.
        ("first paragraph.\n\n19. Recently, this Organization acted.", ["first paragraph.", "19. Recently, this Organization acted."]),
        ("1. We will respond. 2. We will win.", ["1. We will respond.", "2. We will win."]),
        # Markdown emphasis is not text.
        ("**We will respond.** Then _we_ will act.", ["We will respond.", "Then  we  will act."]),
        ("# Remarks\n\nWe will respond.", ["Remarks", "We will respond."]),
        # Ellipses end a sentence before a capital.
        ("We waited... Then we acted.", ["We waited...", "Then we acted."]),
        # Edge cases.
        ("", []),
        ("   \n\n  ", []),
        ("No punctuation at all", ["No punctuation at all"]),
        ("Trailing spaces.   ", ["Trailing spaces."]),
    ],
)
def test_splitter(text, expected):
    assert split(text) == expected


def test_offsets_point_into_the_input():
    text = "  Mr. Smith\u2019s \u201cplan\u201d failed.\n\nWe will act!  "
    spans = split_sentences(normalise(text))
    assert [text[s:e] for s, e in spans] == ["Mr. Smith\u2019s \u201cplan\u201d failed.", "We will act!"]


def test_sentences_helper_normalises():
    assert sentences("We\u2019ll act \u2014 swiftly. Then rest.") == ["We'll act - swiftly.", "Then rest."]


@pytest.mark.parametrize(
    "text",
    ["a\nb", "a\n\nb", "a\r\nb", "\u2018x\u2019 \u2014 y", "**bold** _it_ #tag", "\u0130stanbul \u00a0x", "\t\t", ""],
)
def test_normalise_keeps_length(text):
    assert len(normalise(text)) == len(text)


def test_normalise_maps_typography_to_ascii():
    assert normalise("\u201cWe\u2019ll\u201d \u2014 now\u00a0") == '"We\'ll" - now '


def test_long_hard_wrapped_text_splits_in_linear_time():
    # 20,000 wrapped lines: the splitter must not be quadratic.
    text = "We will not accept this. The Assembly\nmust act now.\n" * 20000
    assert len(split_sentences(normalise(text))) == 40000


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .\n\t\r*_#") + [chr(k) for k in text_module._TRANSLATION]
                                        + ["\u00e9", "\u4e2d"]), max_size=60))
def test_normalise_replaces_exactly_what_the_translation_table_says(text):
    """The fast path (one str.replace per mapped character) is the table's translate."""
    expected = text.translate(text_module._TRANSLATION)
    expected = text_module._SINGLE_NEWLINE.sub(" ", expected)
    assert text_module.normalise(text) == expected
