"""Project-wide test setup. pytester must be enabled here: pytest only honours
`pytest_plugins` in the top-level conftest.

Hypothesis' per-example deadline and its too-slow health check are timings: on a shared 2-core
machine they fail tests that are correct, so the suite turns both off (tests assert outcomes,
benchmarks/ measures time)."""

from hypothesis import HealthCheck, settings

pytest_plugins = ["pytester"]

settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("suite")
