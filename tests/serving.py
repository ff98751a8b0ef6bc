"""`searchusers-conformance serve` as a real process, shared by the suites that need one."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def running_serve(*args: str, **popen: Any) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start `serve --port 0`, wait for the URL line it prints, and always stop it (SIGTERM,
    then a kill should it hang) so no test leaks a server. `popen` picks stderr, env, cwd."""
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
        **popen,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://"), url
        yield process, url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
