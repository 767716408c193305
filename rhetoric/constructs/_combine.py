"""How matches of one rule combine within a sentence."""

from __future__ import annotations

from ._base import Evidence

__all__ = ["once_per_rule"]


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
