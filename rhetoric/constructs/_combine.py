"""How matches of one rule combine within a sentence."""

from __future__ import annotations

from ..cues import SentenceCues
from ..lexicon import load
from ._base import Evidence, Modifiers, cue_evidence, modifier_evidence

__all__ = ["once_per_rule", "rule_evidence", "with_modifiers"]


def rule_evidence(construct: str, lexicon: str, cues: SentenceCues, sentence: str, offset: int) -> list[Evidence]:
    """The evidence of a construct's own lexicon in one sentence, each rule once."""
    return once_per_rule(cue_evidence(construct, load(lexicon), cues, sentence, offset))


def with_modifiers(construct: str, mods: Modifiers, found: list[Evidence], cues: SentenceCues,
                   sentence: str, offset: int) -> list[Evidence]:
    """Add the shared cues (boosters, hedges, targets, denials, questions) to ``found``,
    only when the construct's own evidence sums above zero (see :class:`Modifiers`)."""
    if found and sum(e.weight for e in found) > 0:
        found += modifier_evidence(construct, mods, cues, sentence, offset)
    return found


def once_per_rule(found: list[Evidence]) -> list[Evidence]:
    """Keep the first match of each rule (with the negation that cancels it, if any).

    Repetition is not escalation: "sanctions ... sanctions ... sanctions" in a list of
    policy areas is one mention of sanctions, not three times the evidence of a threat.
    """
    seen: set[str] = set()
    out: list[Evidence] = []
    keep_negation = False
    for e in found:
        if e.rule.startswith("negated:"):
            if keep_negation:
                out.append(e)
            continue
        keep_negation = e.rule not in seen
        if keep_negation:
            seen.add(e.rule)
            out.append(e)
    return out
