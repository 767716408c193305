"""The trained scorer: complete explanations, the model as data, retraining that
reproduces itself, and a model card that follows the labels."""

from __future__ import annotations

import json
import math
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rhetoric
from rhetoric import trained
from rhetoric.constructs import CONSTRUCTS
from rhetoric.paths import data_root

WORDS = ["Russia", "will", "face", "severe", "consequences", "if", "it", "invades", "we", "never", "accept",
         "sanctions", "or", "choose", "diplomacy", "not", "the", "Ukraine", "must", "pay", "price", "?", ",",
         "either", "escalation", "defend", "every", "inch", "NATO", "commit", "ready", "to", "respond", "."]


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


@pytest.mark.parametrize("engine", ["trained", "rules"])
@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
def test_every_score_is_sigmoid_of_its_intercept_and_evidence(engine, words):
    text = " ".join(words)
    result = rhetoric.score(text, engine=engine)
    for sent in result.sentences:
        for c in CONSTRUCTS:
            total = sent.intercepts[c] + sum(e.weight for e in sent.evidence if e.construct == c)
            assert sent.scores[c] == pytest.approx(_sigmoid(total), abs=1e-9)
        for e in sent.evidence:
            if e.start is not None:
                assert result.text[e.start : e.end] == e.text or rhetoric.normalise(result.text)[e.start : e.end] == e.text


def test_the_two_path_lift_is_evidence_in_both_engines():
    text = "Russia can choose diplomacy or it can choose confrontation and isolation."
    for engine in ("rules", "trained"):
        sent = rhetoric.score(text, engine=engine).sentences[0]
        lift = [e for e in sent.evidence if e.rule == "two_path_implies_conditionality"]
        if sent.logit("two_path") > sent.intercepts["conditionality"] + sum(
                e.weight for e in sent.evidence if e.construct == "conditionality" and e not in lift):
            assert lift and sent.scores["conditionality"] == pytest.approx(sent.scores["two_path"])
        assert sent.scores["conditionality"] == pytest.approx(_sigmoid(sent.logit("conditionality")))
    # the rules give this sentence two paths: the lift must show
    rules = rhetoric.score(text, engine="rules").sentences[0]
    assert rules.scores["two_path"] >= 0.5
    assert any(e.rule == "two_path_implies_conditionality" for e in rules.evidence)


def test_feature_rows_equal_score_features_for_the_trained_engine():
    texts = ["If Russia invades, it will face swift and severe consequences. We will defend every inch.",
             "Nice weather today.", "", "Will you respond? We will never accept the annexation of Crimea."]
    rows = rhetoric.feature_rows(texts)
    for text, row in zip(texts, rows):
        assert row == pytest.approx(tuple(rhetoric.score(text).features.values()))


def _varied_texts(n: int, seed: int) -> list[str]:
    """Texts of one to several sentences: the words above, apostrophes, quotes, repeated
    words, non-ASCII words and a few long run-on sentences (the batch finishes those one
    by one)."""
    import random

    rng = random.Random(seed)
    extra = ["don't", "Russia's", "'quoted'", "dogs'", "a''b", "Zelensky’s", "naïve", "Київ", "_x_", "42",
             "under_score", "!", ";", "\n"]
    texts = []
    for i in range(n):
        length = rng.choice([0, 1, 3, 8, 15, 30, 60]) if i % 50 else 400
        words = [rng.choice(WORDS if rng.random() < 0.85 else extra) for _ in range(length)]
        texts.append(" ".join(words))
    return texts


@pytest.mark.parametrize("split", [True, False])
def test_the_batched_trained_rows_equal_the_evidence_path_exactly(split, monkeypatch):
    """feature_rows sums the trained model's weights for many sentences at once (numpy,
    from scoring.BATCH_SENTENCES on): the same floats as score(), whose scores are sums
    of its evidence, and as feature_rows sentence by sentence."""
    from rhetoric import scoring

    texts = _varied_texts(300, seed=11 if split else 12)
    batched = rhetoric.feature_rows(texts, split=split)
    monkeypatch.setattr(scoring, "BATCH_SENTENCES", 10**9)  # one sentence at a time
    one_by_one = rhetoric.feature_rows(texts, split=split)
    assert batched == one_by_one  # exactly: the same additions in the same order
    for text, row in zip(texts, batched):
        assert row == tuple(rhetoric.score(text, split=split).features.values()), text


@pytest.mark.parametrize("engine", ["trained", "rules"])
def test_repeated_sentences_are_scored_once_and_get_their_own_rows(engine):
    """feature_rows scores each distinct sentence once: texts that repeat sentences
    (within a text and across texts, on both sides of the batch size) still get the
    features score() gives each of them."""
    from rhetoric import scoring
    from rhetoric.text import normalise, split_sentences

    base = _varied_texts(400, seed=5)
    repeated = "If Russia invades, it will pay a severe price. Thank you."
    texts = [repeated, *base, repeated + " " + repeated, *base[:100], "Thank you.", repeated]
    small = [repeated, "Thank you.", repeated + " " + repeated]  # below the batch size
    distinct = {n[s:e] for n in map(normalise, texts) for s, e in split_sentences(n)}
    assert len(distinct) >= scoring.BATCH_SENTENCES > 3
    for batch in (texts, small):
        rows = rhetoric.feature_rows(batch, engine=engine)
        assert len(rows) == len(batch)
        for text, row in zip(batch, rows):
            assert row == tuple(rhetoric.score(text, engine=engine).features.values()), text
        assert rows[0] == rows[-1 if batch is texts else 0]


def test_the_numpy_copy_of_the_weights_is_kept_and_checked(tmp_path, monkeypatch):
    """The batch path's arrays are kept in the cache folder as plain arrays (no pickle);
    a damaged copy is ignored, and the scores stay the same."""
    import numpy as np

    monkeypatch.setenv("RHETORIC_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    folder = tmp_path / "model"
    shutil.copytree(trained.MODEL_DIR, folder)
    monkeypatch.setenv("RHETORIC_MODEL", str(folder))
    texts = _varied_texts(250, seed=3)
    first = rhetoric.feature_rows(texts)
    kept = list((tmp_path / "cache" / "models").glob("*.npz"))
    assert len(kept) == 1
    with np.load(kept[0], allow_pickle=False) as npz:
        assert npz["weights"].shape == (len(trained.load_model().names), len(CONSTRUCTS))
    trained._load.cache_clear()
    assert rhetoric.feature_rows(texts) == first  # read back from the copy
    kept[0].write_bytes(b"not an npz")
    trained._load.cache_clear()
    assert rhetoric.feature_rows(texts) == first  # a damaged copy: built again


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine='neural' is not one of"):
        rhetoric.score("x", engine="neural")


def test_the_shipped_model_is_data_read_without_pickle():
    folder = trained.MODEL_DIR
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    assert names == ["card.json", "model.json", "weights.tsv"]
    meta = json.loads((folder / "model.json").read_text())
    assert meta["format"] == trained.FORMAT and set(meta["thresholds"]) == set(CONSTRUCTS)
    for c in CONSTRUCTS:  # the threshold is folded into the intercept
        t = meta["thresholds"][c]
        assert meta["intercepts"][c] == pytest.approx(meta["fitted_intercepts"][c] - math.log(t / (1 - t)), abs=1e-6)


def test_a_broken_weights_file_names_the_file_and_line(tmp_path, monkeypatch):
    folder = tmp_path / "model"
    shutil.copytree(trained.MODEL_DIR, folder)
    weights = folder / "weights.tsv"
    lines = weights.read_text().splitlines()
    lines[3] = lines[3].rsplit("\t", 1)[0] + "\tnot-a-number"
    weights.write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("RHETORIC_MODEL", str(folder))
    with pytest.raises(trained.ModelError, match=r"weights.tsv:4: "):
        rhetoric.score("Russia will pay.")
    monkeypatch.setenv("RHETORIC_MODEL", str(tmp_path / "nowhere"))
    with pytest.raises(trained.ModelError, match="no trained model at"):
        rhetoric.score("Russia will pay.")
    assert rhetoric.score("Russia will pay.", engine="rules").sentences  # the rules need no model


def _shared_labels():
    try:
        path = data_root() / "annotations" / "train.jsonl"
    except Exception:
        return None
    return path if path.is_file() else None


needs_labels = pytest.mark.skipif(_shared_labels() is None, reason="the labelled sentences are not there (RHETORIC_DATA)")


@needs_labels
def test_the_model_card_was_trained_on_todays_labels():
    """When train.jsonl changes, this says so (and how to rebuild), instead of the
    shipped model drifting silently away from the labels."""
    problem = trained.card_mismatch(_shared_labels())
    assert problem is None, problem


def test_a_changed_label_file_is_reported(tmp_path):
    other = tmp_path / "train.jsonl"
    other.write_text('{"id": "x"}\n')
    message = trained.card_mismatch(other)
    assert message is not None and "rhetoric train" in message and "sha256" in message


def _slice_labels(tmp_path, n: int = 900):
    src = _shared_labels()
    lines = src.read_text(encoding="utf-8").splitlines()
    # the first sentences of each fold, so that every fold is there
    by_fold: dict[int, list[str]] = {}
    for line in lines:
        fold = json.loads(line)["fold"]
        if len(by_fold.setdefault(fold, [])) < n // 5:
            by_fold[fold].append(line)
    out = tmp_path / "slice.jsonl"
    out.write_text("\n".join(line for f in sorted(by_fold) for line in by_fold[f]) + "\n", encoding="utf-8")
    return out


@needs_labels
def test_a_retrain_on_a_slice_runs_and_reproduces_itself(tmp_path, monkeypatch):
    from rhetoric.training import compose_config, train

    labels = _slice_labels(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    outputs = []
    for run in ("a", "b"):
        # both penalties in the grid: liblinear's L1 draws its order from model.random_state
        cfg = compose_config([f"annotations={labels}", f"output={tmp_path / run}", "model.C=[0.3,1.0]",
                              "model.penalty=[l2,l1]", "n_boot=50", "seed=7"])
        outputs.append(train(cfg, progress=lambda m: None))
    for name in ("model.json", "weights.tsv", "card.json"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name
    card = json.loads((outputs[0] / "card.json").read_text())
    assert {s["penalty"] for s in card["settings"].values()} <= {"l1", "l2"}
    assert card["date"] == "2023-11-14" and card["training_data"]["sentences"] == 900
    assert card["cross_validation"]["figures"]["threat"]["all"]["n"] == 900
    # the retrained model scores, and its scores are its explanations
    monkeypatch.setenv("RHETORIC_MODEL", str(outputs[0]))
    s = rhetoric.score("If Russia invades, it will face severe consequences.").sentences[0]
    assert s.scores["threat"] == pytest.approx(_sigmoid(s.logit("threat")))


@pytest.mark.parametrize("digits", [None, 0, 1, 2, 3, 4, 5, 17])
def test_the_writer_formats_new_rows_in_bulk_as_the_csv_module_does(digits):
    """The trained engine's rows are all distinct: RecordWriter.write_rows formats them in
    bulk (one template per row shape). Same bytes as csv.writer of the rounded values,
    with 0.0 and -0.0, nan, inf, bools, strings, repeated rows and non-int ids."""
    import csv
    import io
    import random

    from rhetoric.io import RecordWriter, _compact

    odd = [0.0, -0.0, 1.0, 0.12345, 5e-05, -5e-05, 1e-05, 0.00015, 0.25, 0.125, -0.375, 2.675, 1e20, 123456789.98765,
           -9999999999.99995, float("nan"), float("inf"), 0, 1, 10**30, True, "a,b", None]
    rng = random.Random(digits)
    got, want = io.StringIO(), io.StringIO()
    writer = RecordWriter(got, "csv", ["a"] * 6, digits=digits)
    ref = csv.writer(want, lineterminator="\n")
    ref.writerow(["id"] + ["a"] * 6)
    for chunk in range(60):
        mix = (0.0, 0.05, 0.5)[chunk % 3]
        rows, ids = [], []
        for i in range(rng.randint(0, 40)):
            if rows and rng.random() < 0.3:
                rows.append(rng.choice(rows))
            else:
                rows.append(tuple(rng.choice(odd) if rng.random() < mix else (rng.random() if j < 3 else rng.randint(0, 5))
                                  if j != 2 else rng.uniform(-2000, 2000)
                                  for j in range(6)))
            ids.append("x,y" if chunk % 7 == 0 and i == 0 else i)
        writer.write_rows(ids, rows)
        for rid, row in zip(ids, rows):
            ref.writerow([rid] + [_compact(v, digits) for v in row])
    assert got.getvalue() == want.getvalue()


def test_an_unknown_penalty_is_named():
    from rhetoric.training import _grid, compose_config

    assert {g[2] for g in _grid(compose_config(["model.penalty=[l2,l1]"]))} == {"l1", "l2"}
    with pytest.raises(ValueError, match=r"model.penalty: \['l3'\] unknown"):
        _grid(compose_config(["model.penalty=[l3]"]))
