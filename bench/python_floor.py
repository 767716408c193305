"""Floor peer for the speed benchmark: the least work any Python scorer of one statement
per line does, with no rule run at all.

    python bench/python_floor.py INPUT.txt VOCABULARY.txt -o OUTPUT.csv

For each line of INPUT: fold its case, split it into words, look the words up in the
cue vocabulary (VOCABULARY: whitespace-separated words, the anchor words of rhetoric's
lexicons), and write one CSV row of the same width as ``rhetoric score``'s (28 numbers,
all the same here). Reading, case folding, the word look-up and writing are the part of
``rhetoric score``'s work that cannot be skipped for a line, so this process's time is
the floor under any Python implementation of it: what rhetoric spends above the floor
is what its rules, scoring and start-up cost.

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> src, voc, dst = (os.path.join(folder, f) for f in ("in.txt", "vocab.txt", "out.csv"))
>>> _ = open(src, "w").write("We will respond.\\nNice weather.\\n")
>>> _ = open(voc, "w").write("will respond")
>>> main([src, voc, "-o", dst])
0
>>> len(open(dst).read().splitlines())
3
"""

from __future__ import annotations

import argparse
import os
import sys

WIDTH = 28  # the features rhetoric score writes after the id (tests check the count)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python_floor.py", description=__doc__.split("\n")[0])
    parser.add_argument("input", help="a UTF-8 text file, one statement per line")
    parser.add_argument("vocabulary", help="the cue vocabulary, words separated by white space")
    parser.add_argument("-o", "--output", required=True, help="CSV to write")
    args = parser.parse_args(argv)
    with open(args.vocabulary, encoding="utf-8") as fh:
        vocabulary = frozenset(fh.read().split())
    header = "id," + ",".join(f"f{i}" for i in range(WIDTH)) + "\n"
    tmp = args.output + ".tmp"
    with open(args.input, encoding="utf-8") as src, open(tmp, "w", encoding="utf-8") as out:
        out.write(header)
        rows = []
        for i, line in enumerate(src):
            vocabulary.intersection(line.lower().split())  # the cues a line holds, unused here
            rows.append(f"{i}{',0.0' * WIDTH}\n")
            if len(rows) == 2000:  # written in chunks, as rhetoric score writes
                out.write("".join(rows))
                rows = []
        out.write("".join(rows))
    os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
