"""The project's Hydra experiments: classifiers across the corpora.

Run them with ``python experiments/train.py`` (configs in ``configs/``) and gather a
sweep with ``python experiments/collect.py``. These modules use the :mod:`rhetoric`
package; the package never imports them.

Modules, one job each:

``items``
    the items of a run (annotated sentences, documents, sentences, speeches) and the
    targets each experiment predicts;
``pipelines``
    feature blocks (rhetoric features, TF-IDF, both) and the model, as one sklearn Pipeline;
``metrics``
    accuracy, macro-F1, AUROC, precision, recall, with seeded bootstrap intervals;
``crossval``
    out-of-fold predictions, per-fold metrics and notes;
``importance``
    which rhetoric features separate the classes;
``writing``
    outputs written whole or not at all;
``runner``
    one run, from a composed config to the files in its output folder;
``train`` / ``collect``
    the two scripts (see ``experiments/README.md``).
"""
