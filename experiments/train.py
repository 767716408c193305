"""Train and evaluate classifiers across the corpus, configured by Hydra.

    python experiments/train.py                                   # experiment=labels
    python experiments/train.py experiment=actor model=hist_gb features=rhetoric_tfidf
    python experiments/train.py -m model=logreg,linear_svm        # a sweep (multirun/)
    python experiments/train.py -m launcher=joblib seed=1,2,3     # in parallel
    python experiments/train.py --cfg job                         # print the config

Configs are in ``configs/`` (start with ``configs/train.yaml``); each run writes its own
folder (see :mod:`experiments.runner`). Gather a sweep with ``experiments/collect.py``.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    # Run as a script: import this folder as the `experiments` package (not its modules
    # as top-level names), here and in the worker processes that launchers start.
    sys.path[0] = str(REPO)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)

import hydra  # noqa: E402
from omegaconf import DictConfig  # noqa: E402

from experiments.runner import run  # noqa: E402

CONFIG_DIR = str(REPO / "configs")


@hydra.main(version_base="1.3", config_path=CONFIG_DIR, config_name="train")
def main(cfg: DictConfig) -> float | None:
    """Hydra's entry point: one run; returns the first target's F1 for sweepers (the
    positive class's for a binary target, macro-F1 for more classes)."""
    logging.captureWarnings(True)  # scikit-learn's warnings go to the run's log too
    result = run(cfg)
    for entry in result["targets"].values():
        if entry.get("metrics"):
            m = entry["metrics"]
            return (m["f1"] if "f1" in m else m["macro_f1"])["value"]
    return None


if __name__ == "__main__":
    main()
