"""Kept so that ``from rhetoric.data._atomic import atomic_path`` still works: the helper
is :mod:`rhetoric._atomic`, shared by the whole project."""

from __future__ import annotations

from .._atomic import atomic_path

__all__ = ["atomic_path"]
