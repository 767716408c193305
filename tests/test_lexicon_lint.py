"""Lint of the packaged lexicons: patterns with parts that can never match.

A rule's words are separated by single spaces, so an alternative that always ends in a
space, followed by a part that always starts with one, can only match two spaces in a
row, which normalised text almost never has: ``(if|in the event (that )?) (\\S+ )`` never
matched "in the event that Russia ...". This was a real bug; the test keeps it from
coming back in any lexicon.
"""

from __future__ import annotations

import re
from pathlib import Path
from re import _constants as sre
from re import _parser as sre_parse

import pytest

from rhetoric._patterns import _LITERALS, _REPEATS as REPEATS, _ZERO_WIDTH as ZERO_WIDTH
from rhetoric._patterns import _class_chars, _edge, _merge_literals
from rhetoric.lexicon import LexiconError, lexicon_dir, load

from test_properties import LEXICON_NAMES

# These test the hand-set rules: score with them (the default engine is the trained one).
pytestmark = pytest.mark.usefixtures("rules_engine")


def _item_ends(op, av, first: bool):
    """The characters a non-empty match of one item can start (first) or end with;
    None when unknown (a wildcard, a large class)."""
    if op is _LITERALS:
        return {av[0] if first else av[-1]}
    if op is sre.LITERAL:
        return {chr(av)}
    if op is sre.IN:
        chars = _class_chars(av)
        return set(chars) if chars is not None else None
    if op is sre.SUBPATTERN:
        return _seq_ends(av[3].data, first)
    if op is sre.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            part = _seq_ends(branch.data, first)
            if part is None:
                return None
            out |= part
        return out
    if op in REPEATS:
        return _seq_ends(av[2].data, first)
    return None


def _seq_ends(items, first: bool):
    """The characters every match of the sequence can start (first) or end with."""
    items = _merge_literals(items)
    found: set[str] = set()
    for op, av in items if first else reversed(items):
        if op in ZERO_WIDTH:
            continue
        part = _item_ends(op, av, first)
        if part is None:
            return None
        found |= part
        if not _edge(op, av)[0]:  # this item cannot be empty: the edge is here
            return found
    return None  # the whole sequence can be empty: its edge is its neighbour's


def _dead_alternatives(items) -> list[str]:
    """Alternatives that always end in a space, followed by a part that always starts
    with one."""
    items = _merge_literals(items)
    dead = []
    for i, (op, av) in enumerate(items):
        # The parser factors a common start out of the alternatives: (if|in the event)
        # becomes i(f|n the event), a prefix and a branch.
        prefix, branch = [], None
        if op is sre.BRANCH:
            branch = av
        elif op is sre.SUBPATTERN and av[3].data and av[3].data[-1][0] is sre.BRANCH:
            prefix, branch = list(av[3].data[:-1]), av[3].data[-1][1]
        if branch is not None and _seq_ends(items[i + 1 :], first=True) == {" "}:
            for alternative in branch[1]:
                if _seq_ends(prefix + list(alternative.data), first=False) == {" "}:
                    dead.append(str(alternative))
        for sub in _children(op, av):
            dead += _dead_alternatives(sub)
    return dead


def _children(op, av):
    if op is sre.SUBPATTERN:
        yield av[3].data
    elif op is sre.BRANCH:
        for branch in av[1]:
            yield branch.data
    elif op in REPEATS:
        yield av[2].data
    elif op in (sre.ASSERT, sre.ASSERT_NOT):
        yield av[1].data


@pytest.mark.parametrize("name", LEXICON_NAMES)
def test_no_alternative_needs_two_spaces(name):
    problems = []
    for rule in load(name).rules:
        dead = _dead_alternatives(sre_parse.parse(rule.pattern).data)
        if dead:
            problems.append(f"{name}.tsv rule {rule.name}: an alternative always ends in a space "
                            f"and is followed by one: {rule.pattern}")
    assert not problems, "\n".join(problems)


def test_the_lint_finds_the_bug_it_is_for():
    assert _dead_alternatives(sre_parse.parse(r"(if|in the event (that )?) (\S+ ){0,4}decides").data)
    assert not _dead_alternatives(sre_parse.parse(r"(if|in the event( that)?) (\S+ ){0,4}decides").data)
    assert not _dead_alternatives(sre_parse.parse(r"(stand|stood) (firmly )?(with|by)").data)


# --- Named patterns ({name}): one place for a list of actors (issue 9) -----------------

_HEADER = "rule\tweight\tflags\tpattern\treason\n"


def _folder(tmp_path, **files):
    for name, rows in files.items():
        (tmp_path / f"{name}.tsv").write_text(_HEADER + "".join(rows), encoding="utf-8")
    return tmp_path


def test_a_named_pattern_is_expanded_from_the_gazetteer_and_actors_tsv(tmp_path):
    folder = _folder(
        tmp_path,
        targets=["russia\t0\tgroup=russia\trussia('s)?\tRussia\n", "moscow\t0\tgroup=russia\tmoscow\tmetonym\n",
                 "nato\t0\tgroup=nato\tnato\tthe alliance\n"],
        actors=["opponent\t0\t-\t{russia}|the aggressor\tthe other side\n"],
        threat=["costs_on\t4\t-\tcosts? (on|for) ({opponent}|them)\ta cost aimed at a target\n",
                "any_target\t1\t-\tpressure on ({targets})\tany actor of the gazetteer\n"],
    )
    lex = load(str(folder / "threat.tsv"))
    assert lex.rules[0].pattern == "costs? (on|for) ((?:(?:russia('s)?|moscow)|the aggressor)|them)"
    found = lambda text: [r.name for r, _, _ in lex.finditer(text)]  # noqa: E731
    assert found("costs on moscow") == found("costs for the aggressor") == ["costs_on"]
    assert found("costs on nato") == []
    assert found("pressure on nato") == ["any_target"]
    # counted repeats are no names
    folder = _folder(tmp_path, boosters=["b\t0\t-\t(\\w+ ){0,2}swift\tx\n"])
    assert load(str(folder / "boosters.tsv")).rules[0].pattern == "(\\w+ ){0,2}swift"


def test_an_unknown_name_is_an_error(tmp_path):
    folder = _folder(tmp_path, threat=["r\t1\t-\tcosts on {nobody}\tx\n"])
    load.cache_clear()
    with pytest.raises(LexiconError, match=r"threat.tsv:2: \{nobody\} is not a named pattern"):
        load(str(folder / "threat.tsv"))


def test_a_change_of_actors_tsv_is_read_anew(tmp_path):
    folder = _folder(tmp_path, actors=["foe\t0\t-\tmoscow\tx\n"], threat=["r\t1\t-\tcosts on {foe}\tx\n"])
    first = load(str(folder / "threat.tsv"))
    _folder(tmp_path, actors=["foe\t0\t-\tminsk\tx\n"])
    load.cache_clear()
    again = load(str(folder / "threat.tsv"))
    assert first.rules[0].pattern != again.rules[0].pattern == "costs on (?:minsk)"
    load.cache_clear()


def test_actor_lists_are_not_copied_into_the_construct_lexicons():
    # The gazetteer's Russian actors, listed side by side in a rule, belong in
    # targets.tsv / actors.tsv (used as {russia}, {opponent}, {actor}, ...).
    copied = re.compile(r"\b(russia|moscow|putin)\|(russia|moscow|putin|the kremlin)\b")
    problems = []
    for name in ("threat", "conditionality", "two_path", "commitment"):
        text = (Path(lexicon_dir()) / f"{name}.tsv").read_text(encoding="utf-8")
        for line in text.splitlines():
            if not line.startswith("#") and copied.search(line.split("\t")[3] if line.count("\t") >= 4 else ""):
                problems.append(f"{name}.tsv: {line.split(chr(9))[0]}")
    assert not problems, problems
