"""The sampling frame of the labels' random stratum and its mapping onto the project's
sentences (rhetoric.data.frame), and cross-fitting (rhetoric.training.cross_fit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rhetoric.constructs import CONSTRUCTS
from rhetoric.data.frame import (check_fold_rule, document_fold, load_sampling_frame, map_to_sentences,
                                 random_sample)
from rhetoric.paths import data_root

needs_frame = pytest.mark.skipif(
    not (data_root(required=False) / "annotations/sampling_frame.jsonl.gz").is_file(),
    reason="the shared data is not there (set RHETORIC_DATA)")


def frame_of(*spans, doc="d"):
    return pd.DataFrame({"doc_id": [doc] * len(spans), "start": [s for s, _ in spans], "end": [e for _, e in spans]})


def test_mapping_pairs_sentences_that_mostly_cover_each_other():
    sents = pd.concat([frame_of((0, 40), (41, 60), (61, 200)), frame_of((0, 50), doc="other")], ignore_index=True)
    frame = pd.concat([frame_of((0, 40), (41, 58), (61, 100), (300, 320)), frame_of((0, 50), doc="other"),
                       frame_of((0, 10), doc="unknown")], ignore_index=True)
    m = map_to_sentences(frame, sents)
    assert m["sentence_row"].tolist() == [0, 1, 2, -1, 3, -1]
    # exact; the project's sentence a little longer; a frame sentence that is under half of
    # the project sentence it falls in (that one merged two); outside any sentence; another
    # document; a document the project does not have
    assert m["mapped"].tolist() == [True, True, False, False, True, False]
    assert m.loc[2, "share_of_frame"] == 1.0 and m.loc[2, "share_of_sentence"] == pytest.approx(39 / 139)


def test_mapping_takes_the_sentence_with_the_largest_overlap():
    sents = frame_of((0, 30), (31, 100))
    m = map_to_sentences(frame_of((20, 90)), sents)
    assert m["sentence_row"].tolist() == [1] and m["mapped"].tolist() == [True]
    assert map_to_sentences(frame_of((20, 90)), sents, min_share=0.9)["mapped"].tolist() == [False]


def test_random_sample_carries_its_inclusion_probability_and_refuses_strangers():
    frame = frame_of((0, 10), (11, 20), (21, 30), (31, 40))
    labels = pd.DataFrame({"id": ["a", "b"], "doc_id": "d", "start": [11, 31], "end": [20, 40],
                           "stratum": "random_r1", "threat": [1, 0]})
    sample = random_sample(labels, frame)
    assert sample["frame_row"].tolist() == [1, 3] and (sample["sample_prob"] == 0.5).all()
    with pytest.raises(ValueError, match="not in the sampling frame"):
        random_sample(labels.assign(start=[12, 31]), frame)
    with pytest.raises(ValueError, match="no labelled sentences"):
        random_sample(labels, frame, stratum="random_r9")


def test_fold_rule_is_checked():
    good = pd.DataFrame({"doc_id": ["us-1", "ru-2"], "fold": [document_fold("us-1"), document_fold("ru-2")]})
    check_fold_rule(good)
    with pytest.raises(ValueError, match="fold rule"):
        check_fold_rule(good.assign(fold=[(document_fold("us-1") + 1) % 5, document_fold("ru-2")]))


@needs_frame
def test_the_shared_frame_holds_the_random_sample_and_every_labelled_document_follows_the_fold_rule():
    from rhetoric.data import load_annotations

    frame = load_sampling_frame()
    annotations = load_annotations()
    check_fold_rule(annotations)
    sample = random_sample(annotations, frame)
    assert len(frame) == 95_596 and len(sample) == 2_000
    assert sample["sample_prob"].iloc[0] == pytest.approx(2_000 / 95_596)
    assert (frame["end"] > frame["start"]).all()


def test_cross_fit_scores_each_new_sentence_with_the_model_of_its_fold():
    from rhetoric.training import _merged, cross_fit, cross_validate, select_and_fit

    rng = np.random.default_rng(0)
    words = [f"w:{w}" for w in ("alpha", "beta", "gamma", "delta")]
    terms = [list(rng.choice(words, size=2)) for _ in range(90)]
    y = np.array([int("w:alpha" in t or ("w:beta" in t and i % 3 == 0)) for i, t in enumerate(terms)])
    Y = {c: y for c in CONSTRUCTS}
    folds = np.repeat([0, 1, 2], 30)
    cfg = _merged({"model": {"C": [0.3, 3.0]}, "features": {"min_df": [1]}})
    new_terms = [["w:alpha"], ["w:beta"], ["w:gamma", "w:beta"], ["w:delta"]]
    new_folds = np.array([0, 1, 2, 2])
    oof, new, settings = cross_fit(terms, Y, folds, cfg, new_terms, new_folds)
    for k in (0, 1, 2):
        train = folds != k
        model = select_and_fit([t for t, keep in zip(terms, train) if keep], {c: v[train] for c, v in Y.items()},
                               folds[train], cfg)
        expected = model.scores([t for t, f in zip(new_terms, new_folds) if f == k])
        for c in CONSTRUCTS:
            np.testing.assert_allclose(new[c][new_folds == k], expected[c], rtol=1e-12)
    same_oof, same_settings = cross_validate(terms, Y, folds, cfg)
    for c in CONSTRUCTS:
        np.testing.assert_array_equal(oof[c], same_oof[c])
    assert settings == same_settings
    with pytest.raises(ValueError, match="folds \\[7\\]"):
        cross_fit(terms, Y, folds, cfg, [["w:alpha"]], np.array([7]))
    with pytest.raises(ValueError, match="2 folds"):
        cross_fit(terms, Y, folds, cfg, [["w:alpha"]], np.array([0, 1]))
