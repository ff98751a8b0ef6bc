"""Keep NumPy's BLAS single-threaded while the reference service runs.

A search is one matrix-vector product of a few tens of megabytes. OpenBLAS splits it across
threads, which helps an idle machine a little and hurts a busy one a lot: measured on 2 cores
under load, p50 4.9 ms with one thread against 11.9 ms with two, and a far worse tail. The
server already runs requests concurrently, so it asks BLAS for one thread per call.

NumPy has no API for this and the environment variables only work before NumPy is imported;
threadpoolctl (the library scikit-learn uses for the same job) finds the loaded BLAS, whatever
its vendor, and sets it at run time.
"""

from __future__ import annotations

from threadpoolctl import threadpool_info, threadpool_limits


def limit_threads(count: int = 1) -> bool:
    """Cap BLAS threads process-wide; False when no BLAS library is loaded."""
    import numpy  # noqa: F401  - load NumPy (and its BLAS) first, so there is something to cap

    if not any(pool.get("user_api") == "blas" for pool in threadpool_info()):
        return False
    threadpool_limits(limits=count, user_api="blas")
    return True
