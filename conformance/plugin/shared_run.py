"""One gate run per pytest session, however many xdist workers ask for it.

Every xdist worker is a process of its own with its own session-scoped fixtures, so a plain
fixture would run the gate once per worker: twice the requests against a paid endpoint (the
budget broken), two collections, split reports. Instead the first worker to need the verdicts
runs the gate under a file lock in a folder the controller named, and leaves the outcome there;
the others wait on the lock and read it; the controller reads it for the closing verdict line.
A failed run is shared as well, so no worker tries again and spends the budget twice.

`filelock` rather than `fcntl`: it is the maintained cross-platform lock (Windows included) and
is released by the OS if the holder dies. The outcome is pickled: only processes of the same
installation, started by the same pytest session, read it.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conformance.results import RunResult

OUTCOME = "outcome.pickle"
LOCK = "gate.lock"


@dataclass(frozen=True)
class Outcome:
    """What the one gate run of a session ended with: its result, or why there is none."""

    result: RunResult | None
    error: str | None = None


def read(folder: Path) -> Outcome | None:
    """The session's outcome if a worker already ran the gate (the controller's view)."""
    try:
        data = (folder / OUTCOME).read_bytes()
    except OSError:
        return None
    outcome: Outcome = pickle.loads(data)
    return outcome


def once(folder: Path, run: Callable[[], Outcome]) -> Outcome:
    """`run()` in exactly one process of the session; every caller gets its outcome."""
    from filelock import FileLock

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with FileLock(str(folder / LOCK)):
        done = read(folder)
        if done is not None:
            return done
        try:
            outcome = run()
        except BaseException as exc:
            _write(folder, Outcome(None, f"the gate run in another worker failed: {exc!r}"))
            raise
        _write(folder, outcome)
        return outcome


def _write(folder: Path, outcome: Outcome) -> None:
    partial = folder / (OUTCOME + ".partial")
    partial.write_bytes(pickle.dumps(outcome))
    os.replace(partial, folder / OUTCOME)
