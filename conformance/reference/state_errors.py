"""Why the reference service cannot use, or stopped being able to write, its state file."""

from __future__ import annotations


class StateError(Exception):
    """The state file cannot be opened, is locked, or is not a reference-service database."""


class StateWriteError(StateError):
    """A journal write or commit failed (disk full, I/O error, locked): nothing was saved."""
