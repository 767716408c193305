"""CONDITIONALITY: an outcome made contingent on what a target does or chooses; with the
sub-flag TWO_PATH when the sentence frames alternative paths with different outcomes
(codebook, "CONDITIONALITY").

Rules: ``rhetoric/lexicons/conditionality.tsv`` (condition markers, consequents and the
conditionals of logic or time that do not count), ``rhetoric/lexicons/two_path.tsv``,
and the constants below.

A condition needs both halves, so the weights are set that a marker ("if Russia
invades") alone stays below 0.5, consequents ("will respond", "then") without a marker
count as one at most (:data:`CONSEQUENTS_WITHOUT_MARKER`), and the two together pass
it. A threat found in the same sentence is a consequent too (:data:`THREAT_AS_CONSEQUENT`).
"""

from __future__ import annotations

from ..cues import SentenceCues
from ._base import Evidence, Modifiers
from ._combine import rule_evidence, with_modifiers

NAME = "conditionality"
TWO_PATH = "two_path"

BIAS = -4.0
TWO_PATH_BIAS = -4.0

# A threat in the sentence supplies the consequent of a condition ("if Russia invades,
# it will face severe costs"). Added once, only when a condition marker fired.
THREAT_AS_CONSEQUENT = 2.0

# Rules named ``consequent_*`` (a response, cost or change of policy follows) add up
# fully only in a sentence where a condition marker (rules ``if*`` and ``marker*``)
# fired; without one, together they count at most this much (one strong consequent),
# which keeps such a sentence below 0.5 and still ranks it above one with no consequent.
CONSEQUENT = "consequent"
CONSEQUENTS_WITHOUT_MARKER = 2.0

MODIFIERS = Modifiers(
    denial=-6.0,
    # "If they attack, will you respond?": hypothetical questions by journalists are 0.
    question=-8.0,
)


def _has_marker(found: list[Evidence]) -> bool:
    return any(e.rule.startswith("if") or e.rule.startswith("marker") for e in found if e.weight > 0)


def evidence(sentence: str, cues: SentenceCues, threat: list[Evidence], offset: int = 0) -> list[Evidence]:
    """All evidence for CONDITIONALITY in one sentence; ``threat`` is THREAT's evidence."""
    found = rule_evidence(NAME, "conditionality", cues, sentence, offset)
    if not found:
        return found
    if not _has_marker(found):
        # Consequents without a condition are outcomes, not conditions ("the President
        # will then get the report"): several of them must not add up to one.
        consequents = sum(e.weight for e in found if e.rule.startswith(CONSEQUENT) and e.weight > 0)
        excess = consequents - CONSEQUENTS_WITHOUT_MARKER
        if excess > 0:
            found.append(Evidence(NAME, "no_condition_marker", -excess, None, None, "",
                                  f"no condition marker: consequents count {CONSEQUENTS_WITHOUT_MARKER:g} at most"))
        return with_modifiers(NAME, MODIFIERS, found, cues, sentence, offset)
    if threat and sum(e.weight for e in threat) > 0:
        best = max((e for e in threat if e.weight > 0 and e.start is not None), key=lambda e: e.weight, default=None)
        if best is not None:
            found.append(
                Evidence(NAME, "threat_consequent", THREAT_AS_CONSEQUENT, best.start, best.end, best.text,
                         "a threatened cost is the consequent of the condition")
            )
    return with_modifiers(NAME, MODIFIERS, found, cues, sentence, offset)


TWO_PATH_MODIFIERS = Modifiers(
    # Paths put to a named actor ("Moscow can choose ...") rather than to no one.
    target=1.0,
    denial=-6.0,
    question=-8.0,
)


def two_path_evidence(sentence: str, cues: SentenceCues, offset: int = 0) -> list[Evidence]:
    """All evidence for TWO_PATH: both alternative paths framed in this sentence."""
    found = rule_evidence(TWO_PATH, "two_path", cues, sentence, offset)
    return with_modifiers(TWO_PATH, TWO_PATH_MODIFIERS, found, cues, sentence, offset)
