"""COMMITMENT: the speaker (or the actor whose words are carried) binds itself firmly to a
position or course of action: pledges, resolve, red lines, guarantees, firm refusals
(codebook, "COMMITMENT").

Rules: ``rhetoric/lexicons/commitment.tsv`` and the constants below.
"""

from __future__ import annotations

from ..cues import SentenceCues
from ._base import Evidence, Modifiers
from ._combine import rule_evidence, with_modifiers

NAME = "commitment"

# Commitment is the most frequent construct (about 11% of annotated sentences).
BIAS = -3.5

MODIFIERS = Modifiers(
    # "unwavering", "every inch": intensity marks resolve.
    booster=0.5,
    # "we may consider", "we hope": hedged positions are 0 by the codebook.
    hedge=-2.5,
    hedge_cap=1,
    denial=-6.0,
    question=-8.0,
    # "I will now give the floor": routine procedure is 0.
    procedural=-6.0,
)


def evidence(sentence: str, cues: SentenceCues, offset: int = 0) -> list[Evidence]:
    """All evidence for COMMITMENT in one normalised sentence."""
    found = rule_evidence(NAME, "commitment", cues, sentence, offset)
    return with_modifiers(NAME, MODIFIERS, found, cues, sentence, offset)
