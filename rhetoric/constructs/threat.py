"""THREAT: the sentence signals that some actor will or may impose costs, punishment,
force or other harm on a target (codebook, "THREAT").

Rules: ``rhetoric/lexicons/threat.tsv`` (cues, each with its weight and reason) and the
constants below (how the shared cues move the score).
"""

from __future__ import annotations

from ..cues import SentenceCues
from ._base import Evidence, Modifiers
from ._combine import rule_evidence, with_modifiers

NAME = "threat"

# Log-odds of a sentence with no cue at all. Threats are rare (about 7% of the annotated
# sentences, far fewer in the corpus), so the prior is low: sigmoid(-4) ~ 0.02.
BIAS = -4.0

MODIFIERS = Modifiers(
    # "swift and severe": intensity makes a cost a threat rather than a description.
    booster=0.75,
    # "we may consider sanctions": hedged costs are weaker threats, but the codebook
    # counts vague and possible costs ("will or may impose"), so a hedge only dampens.
    hedge=-0.75,
    # A named target ("on Russia") makes a cost a signal aimed at someone.
    target=0.5,
    # "Moscow denies it plans an attack": denials are 0 on all labels.
    denial=-6.0,
    # Questions, journalists' included, are 0 on all labels.
    question=-8.0,
)


def evidence(sentence: str, cues: SentenceCues, offset: int = 0) -> list[Evidence]:
    """All evidence for THREAT in one normalised sentence."""
    found = rule_evidence(NAME, "threat", cues, sentence, offset)
    return with_modifiers(NAME, MODIFIERS, found, cues, sentence, offset)
