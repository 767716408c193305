"""Shared fixtures."""

import pytest


@pytest.fixture
def rules_engine(monkeypatch):
    """Score with the hand-set rules by default: for the tests of the rules themselves
    (``pytestmark = pytest.mark.usefixtures("rules_engine")``)."""
    import rhetoric.scoring

    monkeypatch.setattr(rhetoric.scoring, "DEFAULT_ENGINE", "rules")
