"""Keep NumPy's BLAS single-threaded while the reference service runs.

A search is one matrix-vector product of a few tens of megabytes. OpenBLAS splits it across
threads, which helps an idle machine a little and hurts a busy one a lot: measured on 2 cores
under load, p50 4.9 ms with one thread against 11.9 ms with two, and a far worse tail. The
server already runs requests concurrently, so it asks OpenBLAS for one thread per call.

NumPy has no API for this and the usual environment variable must be set before NumPy is
imported, so this finds the loaded OpenBLAS and calls its setter through ctypes. Best effort:
on any other BLAS or platform it does nothing and reports False.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


def _loaded_openblas() -> list[str]:
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return []
    paths = {
        line.split()[-1]
        for line in maps.read_text().splitlines()
        if "openblas" in line.lower() and ".so" in line
    }
    return sorted(paths)


def limit_threads(count: int = 1) -> bool:
    """Set OpenBLAS's thread count for this process; False if no OpenBLAS was found."""
    import numpy  # noqa: F401  - make sure NumPy (and its BLAS) is loaded first

    for path in _loaded_openblas():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for name in _SETTERS:
            setter = getattr(library, name, None)
            if setter is not None:
                setter(ctypes.c_int(count))
                return True
    return False
