"""How often each lexicon rule fires: on the labelled sentences and on unlabelled corpus text.

    python bench/rule_firings.py                      # the table, every lexicon
    python bench/rule_firings.py --max-labelled 1     # only rules firing on <= 1 labelled sentence
    python bench/rule_firings.py --show threat:cost_verb --examples 20   # read a rule's corpus firings
    python bench/rule_firings.py --json out.json

A rule *fires* on a sentence when the lexicon's matcher gives a match of it there
(:func:`rhetoric.lexicon.match_many`: the alternation of the lexicon's rules, the first
listed rule winning at a position, so a rule whose words an earlier rule takes does not
fire). Columns:

``labelled``
    labelled sentences (``annotations/train.jsonl``) it fires on;
``evidence``
    (construct lexicons) labelled sentences where it is evidence of the score
    (``rhetoric.score(text, split=False)``): a match the construct's module kept;
``positive``
    (construct lexicons) of the ``labelled`` firings, those whose label of the construct is 1;
``corpus``
    sentences of a seeded sample of unlabelled crisis-corpus sentences (labelled texts
    left out) it fires on.

A rule that fires on at most one labelled sentence and few corpus sentences was likely
written for one quotation; the codebook's patterns are general (issue 9). The counts
are for reading rules, not for tuning them to the labels.
"""

from __future__ import annotations

import argparse
import inspect
import json
import random
import sys
from collections import Counter

from rhetoric import score
from rhetoric.constructs import REGISTRY
from rhetoric.cues import CUE_LEXICONS, lowercase
from rhetoric.data import load_annotations, load_crisis, to_sentences
from rhetoric.lexicon import load, match_many
from rhetoric.text import normalise

CONSTRUCT_LEXICONS = tuple(c.lexicon for c in REGISTRY)
LEXICONS = (*CONSTRUCT_LEXICONS, *CUE_LEXICONS.values(), "targets")
LABEL = {c.lexicon: c.name for c in REGISTRY}  # a construct lexicon's codebook label


def corpus_sample(n: int, seed: int, exclude: set[str]) -> list[str]:
    """``n`` seeded crisis-corpus sentences (normalised), none of them a labelled text."""
    sents = [t for t in to_sentences(load_crisis())["text"].tolist() if t not in exclude]
    rng = random.Random(seed)
    return rng.sample(sents, min(n, len(sents)))


def firings(texts: list[str]) -> dict[tuple[str, str], list[int]]:
    """``{(lexicon, rule): [index of each text it fires on]}``."""
    lexicons = [load(name) for name in LEXICONS]
    by_id = {lex.id: lex.name for lex in lexicons}
    out: dict[tuple[str, str], list[int]] = {}
    chunk = 2000
    for base in range(0, len(texts), chunk):
        lows = [lowercase(t) for t in texts[base : base + chunk]]
        for k, found in enumerate(match_many(lows, lexicons)):
            if not found:
                continue
            for lex_id, matches in found.items():
                if lex_id not in by_id:
                    continue
                for name in {m.rule.name for m in matches}:
                    out.setdefault((by_id[lex_id], name), []).append(base + k)
    return out


def evidence_counts(texts: list[str]) -> Counter:
    """``{(construct lexicon, rule): labelled sentences where the rule is evidence}``
    (of the hand-set rules' scores, where ``score`` offers more than one engine)."""
    kwargs = {"engine": "rules"} if "engine" in inspect.signature(score).parameters else {}
    counts: Counter = Counter()
    for text in texts:
        seen = set()
        for ev in score(text, split=False, **kwargs).evidence:
            if ev.start is not None and not ev.rule.startswith("negated:"):
                seen.add((ev.construct, ev.rule))
        counts.update(seen)
    return counts


def table(n_corpus: int = 50_000, seed: int = 0) -> tuple[list[dict], list[str], list[str]]:
    """One row per rule of every lexicon, the labelled texts and the corpus sample."""
    rows = load_annotations()
    labelled = [normalise(t) for t in rows["text"].tolist()]  # as score() reads them
    corpus = corpus_sample(n_corpus, seed, set(labelled))
    lab = firings(labelled)
    cor = firings(corpus)
    ev = evidence_counts(labelled)
    out = []
    for name in LEXICONS:
        label = LABEL.get(name)
        y = rows[label].tolist() if label else None
        for rule in load(name).rules:
            hits = lab.get((name, rule.name), [])
            out.append({
                "lexicon": name,
                "rule": rule.name,
                "weight": rule.weight,
                "labelled": len(hits),
                "evidence": ev.get((name, rule.name), 0) if label else None,
                "positive": sum(y[i] for i in hits) if label else None,
                "corpus": len(cor.get((name, rule.name), [])),
            })
    return out, labelled, corpus


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus-sentences", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-labelled", type=int, default=None, help="only rules firing on at most this many labelled sentences")
    ap.add_argument("--constructs-only", action="store_true", help="only the four construct lexicons")
    ap.add_argument("--show", action="append", default=[], metavar="LEXICON:RULE", help="print corpus sentences the rule fires on")
    ap.add_argument("--examples", type=int, default=20)
    ap.add_argument("--json", help="write the table as JSON")
    args = ap.parse_args(argv)

    rows, labelled, corpus = table(args.corpus_sentences, args.seed)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=1)
    shown = [r for r in rows
             if (args.max_labelled is None or r["labelled"] <= args.max_labelled)
             and (not args.constructs_only or r["lexicon"] in CONSTRUCT_LEXICONS)]
    if not args.show:
        print(f"{'lexicon':<15} {'rule':<28} {'weight':>6} {'labelled':>8} {'evidence':>8} {'positive':>8} {'corpus':>7}")
        for r in shown:
            dash = lambda v: "-" if v is None else v  # noqa: E731
            print(f"{r['lexicon']:<15} {r['rule']:<28} {r['weight']:>6g} {r['labelled']:>8} {dash(r['evidence']):>8} "
                  f"{dash(r['positive']):>8} {r['corpus']:>7}")
        construct = [r for r in rows if r["lexicon"] in CONSTRUCT_LEXICONS]
        print(f"\n{len(labelled)} labelled sentences, {len(corpus)} corpus sentences (seed {args.seed})")
        print(f"construct rules: {len(construct)}; firing on <= 1 labelled sentence: "
              f"{sum(r['labelled'] <= 1 for r in construct)}; on none: {sum(r['labelled'] == 0 for r in construct)}; "
              f"on no corpus sentence either: {sum(r['labelled'] == 0 and r['corpus'] == 0 for r in construct)}")
    for spec in args.show:
        lexicon, _, rule = spec.partition(":")
        hits = firings(corpus)
        idx = hits.get((lexicon, rule), [])
        print(f"\n== {lexicon}:{rule}: {len(idx)} of {len(corpus)} corpus sentences")
        lex = load(lexicon)
        for i in random.Random(args.seed).sample(idx, min(args.examples, len(idx))):
            low = lowercase(corpus[i])
            spans = [(s, e) for m in lex.finditer(low) for (r, s, e) in [m] if r.name == rule]
            s, e = spans[0]
            print(f"- {corpus[i][:s]}[[{corpus[i][s:e]}]]{corpus[i][e:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
