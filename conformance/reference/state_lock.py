"""One serve process per state file: an exclusive lock on a sidecar `<state>.lock` naming its pid.

Two processes journaling into one SQLite file each keep their own memory and overwrite each
other's rows, leaving a file the next start cannot load; the second one must refuse to start.

`fcntl.flock` is released by the kernel when its holder exits, even on kill -9, so a lock file
left behind never blocks a restart; the pid written into it only names the holder in the
refusal. Written on fcntl rather than with filelock or fasteners because neither records who
holds a lock, which is what the refusal has to say, and the lock itself is two system calls.
A sidecar rather than the database itself: SQLite takes POSIX locks on the database, and where
flock is emulated with POSIX locks (NFS) the two would collide.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from conformance.reference.state_errors import StateError


class StateLock:
    """Held from construction until `release()`; StateError if another process holds it."""

    def __init__(self, state_path: str | Path) -> None:
        self.path = Path(f"{state_path}.lock")
        try:
            self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StateError(
                f"cannot lock state file {str(state_path)!r}: {exc.strerror or exc}"
            ) from exc
        if not _try_lock(self._fd):
            holder = _read_pid(self._fd)
            os.close(self._fd)
            self._fd = None
            raise StateError(
                f"state file {str(state_path)!r} is in use by another serve process"
                f" ({f'pid {holder}' if holder else 'pid unknown'}, lock {str(self.path)!r});"
                " stop it or pass another --state"
            )
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, f"{os.getpid()}\n".encode(), 0)

    def release(self) -> None:
        """Unlocking is closing: the kernel drops a flock with its last descriptor."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # no flock: one process per state file is then on the user
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _read_pid(fd: int) -> str:
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return text if text.isdigit() else ""
