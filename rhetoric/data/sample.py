"""A tiny data root in the real file formats, for tests, examples and trying a pipeline
without the corpora.

>>> import tempfile
>>> root = write_sample_root(tempfile.mkdtemp())
>>> sorted(p.name for p in root.rglob("*.json*"))
['documents.jsonl.gz', 'manifest.json', 'speeches.jsonl.gz', 'train.jsonl']

The texts are written for this module (hand-made statements in the corpora's styles,
including a hard-wrapped UN speech and a Markdown one); ``manifest.json`` in the root
records their checksums, so point ``RHETORIC_MANIFEST`` at it to verify against it.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from .checksums import write_manifest

__all__ = ["SAMPLE_CRISIS", "SAMPLE_UNGDC", "SAMPLE_ANNOTATIONS", "write_sample_root"]

SAMPLE_CRISIS = [
    {
        "doc_id": "us-0001", "actor": "US", "source": "whitehouse.gov", "date": "2022-01-20",
        "doc_type": "speeches-remarks", "title": "Remarks on Ukraine", "url": "https://example.org/us-0001",
        "text": "If Russia invades, it will face swift and severe consequences.\n\n"
        "We stand with the people of Ukraine. Thank you.",
    },
    {
        "doc_id": "ru-0001", "actor": "RU", "source": "kremlin.ru", "date": "2022-01-21",
        "doc_type": "press-release", "title": "Meeting with the Security Council", "url": "https://example.org/ru-0001",
        "text": "Mr. Putin met members of the Security Council. They discussed the sanctions question. "
        "Russia will respond to any threat to its security.",
    },
    {
        "doc_id": "ua-0001", "actor": "UA", "source": "president.gov.ua", "date": "2022-01-22",
        "doc_type": "press-release", "title": "Address by the President", "url": "https://example.org/ua-0001",
        "text": "We will defend every inch of our land. The choice is theirs: dialogue or escalation.",
    },
]

SAMPLE_UNGDC = [
    {
        "doc_id": "ungdc-AAA-1950", "iso3": "AAA", "country": "Alphaland", "session": 5, "year": 1950,
        "speaker": "Mr. Example", "post": "",
        "text": "The Assembly meets again in a time of\nanxiety. Our delegation is committed to\n"
        "the Charter and will defend it.\n\nWe thank the President.",
    },
    {
        "doc_id": "ungdc-BBB-1950", "iso3": "BBB", "country": "Betaland", "session": 5, "year": 1950,
        "speaker": None, "post": "",
        "text": "Should any State cross its neighbour's border, the United Nations must respond.",
    },
    {
        "doc_id": "ungdc-AAA-2020", "iso3": "AAA", "country": "Alphaland", "session": 75, "year": 2020,
        "speaker": "Ms. Example", "post": "Minister for Foreign Affairs",
        "text": "## Peace\n\nWe **will never accept** aggression. Those who violate the Charter will pay a price.",
    },
    {
        "doc_id": "ungdc-BBB-2020", "iso3": "BBB", "country": "Betaland", "session": 75, "year": 2020,
        "speaker": "Mr. Other", "post": "President",
        "text": "We may consider new proposals. Perhaps the Assembly could look at options.",
    },
]


def _annotation(i: int, doc: dict, sentence: str, stratum: str, labels: tuple[int, int, int, int], fold: int) -> dict:
    start = doc["text"].index(sentence)
    threat, cond, two, commit = labels
    un = doc["doc_id"].startswith("ungdc-")
    return {
        "id": f"train-{i:04d}", "doc_id": doc["doc_id"], "start": start, "end": start + len(sentence),
        # UN rows: the speaker's ISO3 code and the session's year, as in the real file
        "actor": doc["iso3"] if un else doc["actor"], "date": str(doc["year"]) if un else doc["date"],
        "corpus": "ungdc" if un else "crisis", "stratum": stratum, "fold": fold, "text": sentence,
        "threat": threat, "conditionality": cond, "two_path": two, "commitment": commit,
    }


SAMPLE_ANNOTATIONS = [
    _annotation(0, SAMPLE_CRISIS[0], "If Russia invades, it will face swift and severe consequences.", "threat", (1, 1, 0, 0), 0),
    _annotation(1, SAMPLE_CRISIS[1], "They discussed the sanctions question.", "random", (0, 0, 0, 0), 1),
    _annotation(2, SAMPLE_CRISIS[2], "We will defend every inch of our land.", "random", (0, 0, 0, 1), 2),
    _annotation(3, SAMPLE_UNGDC[2], "Those who violate the Charter will pay a price.", "ungdc_cue_r1", (1, 0, 0, 0), 3),
]


def _write_jsonl(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    if path.name.endswith(".gz"):
        # mtime=0: the same bytes, hence the same checksum, on every call
        with gzip.GzipFile(path, "wb", mtime=0) as fh:
            fh.write(data)
    else:
        path.write_bytes(data)


def write_sample_root(root: str | Path) -> Path:
    """Write the sample corpora and their ``manifest.json`` under ``root``; return it."""
    from .corpora import ANNOTATIONS_FILE, CRISIS_FILE, UNGDC_FILE

    root = Path(root)
    _write_jsonl(root / CRISIS_FILE, SAMPLE_CRISIS)
    _write_jsonl(root / UNGDC_FILE, SAMPLE_UNGDC)
    _write_jsonl(root / ANNOTATIONS_FILE, SAMPLE_ANNOTATIONS)
    write_manifest(root, root / "manifest.json")
    return root
