"""Errors the store raises for requests that conflict with what is stored.

They subclass ``ValueError`` so callers that only care about "bad input" need not know them;
the management API tells them apart to answer 409 rather than 400.
"""

from __future__ import annotations


class DuplicateError(ValueError):
    """A name, prefix or key that must be unique is already taken."""
