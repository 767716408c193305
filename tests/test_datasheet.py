"""The datasheet's generated counts (``rhetoric.data.datasheet``): on the sample root, with
an agreement file and a sampling frame written beside it, and against the committed
``data/DATASHEET.md`` for the real annotations (read with pandas, independently)."""

from __future__ import annotations

import gzip
import json
import re

import pandas as pd
import pytest

from rhetoric.data import checksums, corpora, load_annotations
from rhetoric.data import datasheet as ds
from rhetoric.data.sample import SAMPLE_ANNOTATIONS, write_sample_root
from rhetoric.paths import data_root

LABELS = list(corpora.LABELS)

AGREEMENT = {
    "held_out_sample": {"sentences": 31, "passes": 2,
                        "cohen_kappa": {"threat": 0.81, "conditionality": 0.72, "two_path": 0.63, "commitment": 0.54},
                        "pairwise_f1": {"threat": 0.83, "conditionality": 0.74, "two_path": 0.65, "commitment": 0.56}},
    "training_labels_vs_adjudicated": {"quality_control_sentences": 17,
                                       "f1": {"threat": 0.91, "conditionality": 0.92, "two_path": 0.93,
                                              "commitment": 0.94}},
}


@pytest.fixture()
def sample_root(tmp_path, monkeypatch):
    root = write_sample_root(tmp_path / "data")
    monkeypatch.setenv("RHETORIC_MANIFEST", str(root / "manifest.json"))
    monkeypatch.delenv("RHETORIC_SKIP_CHECKSUM", raising=False)
    monkeypatch.setattr(checksums, "_WARNED", set())
    return root


def _add_frame_and_agreement(root):
    (root / ds.AGREEMENT_FILE).write_text(json.dumps(AGREEMENT))
    # the frame: the random crisis row, one other crisis sentence, and a sentence of ua-0001
    rows = [a for a in SAMPLE_ANNOTATIONS if a["doc_id"] == "ru-0001"]
    frame = [{"doc_id": r["doc_id"], "start": r["start"], "end": r["end"]} for r in rows]
    frame += [{"doc_id": "ru-0001", "start": 0, "end": 10}, {"doc_id": "ua-0001", "start": 0, "end": 5},
              {"doc_id": "us-0001", "start": 0, "end": 5}]
    with gzip.open(root / ds.FRAME_FILE, "wt") as fh:
        fh.write("".join(json.dumps(r) + "\n" for r in frame))


def test_stratum_groups_cover_the_documented_strata():
    names = ["random", "threat", "cond", "two", "threat2", "cond2", "two2", "alt2", "random_r1", "random_r2",
             "threat_r1", "cond_r2", "two_r1", "commit_r2", "twopath_r2", "twopath_r3", "model_r1", "model_r2",
             "ungdc_random_r1", "ungdc_cue_r2", "ungdc_twopath_r3"]
    groups = {n: ds.stratum_group(n) for n in names}
    assert "other" not in groups.values()
    assert groups["random"] == "first release" and groups["random_r2"] == "crisis random"
    assert groups["model_r1"] == "crisis extractor score >= 0.3"
    assert groups["ungdc_random_r1"] == "UN random" and groups["twopath_r3"] == "crisis explicit alternatives"
    assert ds.stratum_group("random_r1x") == "other"


def test_render_counts_both_corpora_folds_frame_and_agreement(sample_root):
    _add_frame_and_agreement(sample_root)
    stats = ds.corpus_statistics(sample_root)
    a = stats["annotations"]
    assert dict(a["corpus"]) == {"crisis": 3, "ungdc": 1}
    assert a["corpus_positives"]["ungdc"]["threat"] == 1
    assert sorted(a["folds"]) == [0, 1, 2, 3]
    text = ds.render(stats)
    assert "| ungdc | 1 | 1 | 1 | 2020 | 2020 | 1 (100.0%) |" in text
    assert "| UN cue vocabulary | ungdc | ungdc_cue_r1 | 1 |" in text
    # agreement figures come from agreement.json, whatever they are
    assert "| two_path | 0.63 | 0.65 | 0.93 |" in text
    assert "Held-out sample: 31 sentences" in text and "17 adjudicated" in text
    # the frame: 4 sentences, the `random` row of ru-0001 inside it; no random_r* stratum here
    assert "| all | 4 | 3 |" in text
    assert "outside it (first release, UN General Debate): threat, ungdc_cue_r1" in text


def test_render_says_when_frame_or_agreement_is_missing(sample_root):
    text = ds.render(ds.corpus_statistics(sample_root))
    assert f"`{ds.AGREEMENT_FILE}` is not in the data root." in text
    assert f"`{ds.FRAME_FILE}` is not in the data root." in text


def test_random_r1_gets_its_inclusion_probability(sample_root):
    _add_frame_and_agreement(sample_root)
    path = sample_root / corpora.ANNOTATIONS_FILE
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for r in rows:
        if r["doc_id"] == "ru-0001":
            r["stratum"] = "random_r1"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    checksums.write_manifest(sample_root, sample_root / "manifest.json")
    text = ds.render(ds.corpus_statistics(sample_root))
    assert "simple random sample of 1 of the frame's 4 sentences: inclusion probability 1 / 4 = 0.25000" in text
    assert "| RU | 2 | 1 | 1 |" in text  # frame sentences, documents, random_r1 drawn
    assert "Strata wholly inside the frame: random_r1;" in text


def test_write_replaces_only_the_generated_section(tmp_path):
    sheet = tmp_path / "DATASHEET.md"
    sheet.write_text(f"prose\n{ds.BEGIN}\nold\n{ds.END}\nmore prose\n")
    ds.write("new\n", sheet)
    assert sheet.read_text() == f"prose\n{ds.BEGIN}\nnew\n{ds.END}\nmore prose\n"
    sheet.write_text("no markers")
    with pytest.raises(ValueError, match="no <!-- BEGIN GENERATED -->"):
        ds.write("new\n", sheet)


def _has_annotations() -> bool:
    return (data_root(required=False) / corpora.ANNOTATIONS_FILE).is_file()


@pytest.mark.skipif(not _has_annotations(), reason="the shared data is not there (set RHETORIC_DATA)")
def test_the_committed_datasheet_matches_the_annotations():
    """The per-corpus table in data/DATASHEET.md is what the file holds (rerun
    ``python -m rhetoric.data.datasheet --write`` when this fails)."""
    ann = load_annotations()
    sheet = ds.DATASHEET.read_text(encoding="utf-8")
    generated = sheet.split(ds.BEGIN, 1)[1].split(ds.END, 1)[0]
    for corpus, g in ann.groupby("corpus"):
        row = next(line for line in generated.splitlines() if line.startswith(f"| {corpus} | "))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == f"{len(g):,}" and cells[2] == f"{g['doc_id'].nunique():,}"
        for lab, cell in zip(LABELS, cells[6:]):
            assert re.match(rf"{int(g[lab].sum()):,} \(", cell), (corpus, lab, cell)
    strata = set(ann["stratum"])
    assert all(ds.stratum_group(s) != "other" for s in strata), sorted(s for s in strata if ds.stratum_group(s) == "other")
    agreement = json.loads((data_root() / ds.AGREEMENT_FILE).read_text())
    kappa = agreement["held_out_sample"]["cohen_kappa"]
    for lab in LABELS:
        assert f"| {lab} | {kappa[lab]:.2f} |" in generated
