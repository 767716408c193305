"""One module per construct; each holds its constants and names its lexicon."""

from . import commitment, conditionality, threat

CONSTRUCTS = ("threat", "conditionality", "two_path", "commitment")

__all__ = ["CONSTRUCTS", "threat", "conditionality", "commitment"]
