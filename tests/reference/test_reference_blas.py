from __future__ import annotations

from threadpoolctl import threadpool_info, threadpool_limits

from conformance.reference.blas import limit_threads


def test_the_server_caps_blas_threads() -> None:
    with threadpool_limits(limits=2, user_api="blas"):  # restores whatever it was afterwards
        assert limit_threads(1) is True
        assert {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"} == {1}
