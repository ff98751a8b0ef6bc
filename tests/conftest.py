"""Project-wide test setup. pytester must be enabled here: pytest only honours
`pytest_plugins` in the top-level conftest.

Hypothesis' per-example deadline and its too-slow health check are timings: on a shared 2-core
machine they fail tests that are correct, so the suite turns both off (tests assert outcomes,
benchmarks/ measures time).

A CI step or shell script launched in the background starts with SIGINT ignored, every process
the tests start inherits that, and Python then never raises KeyboardInterrupt in them: the tests
that interrupt a run or a server with SIGINT would see it ignored. The suite restores the usual
disposition (as a foreground terminal has it) so those tests do not depend on how CI starts.
"""

import signal
import threading

from hypothesis import HealthCheck, settings

if (
    threading.current_thread() is threading.main_thread()
    and signal.getsignal(signal.SIGINT) == signal.SIG_IGN
):
    signal.signal(signal.SIGINT, signal.default_int_handler)

pytest_plugins = ["pytester"]

settings.register_profile(
    "suite", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("suite")
