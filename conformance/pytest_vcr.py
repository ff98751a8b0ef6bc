"""pytest plugin: correct matching and scrubbing for `@pytest.mark.vcr` tests of AWS JSON code.

Users test their own `search_users` code with pytest-recording's conventions (`@pytest.mark.vcr`,
`--record-mode none|once|new_episodes|all|rewrite`, `--block-network`); this plugin only fixes
what vcrpy gets wrong for AWS JSON 1.1 out of the box: every call is `POST /`, so requests are
matched on `X-Amz-Target` and the parsed JSON body (not the port, not signed headers), and
credentials, signatures and account ids are scrubbed before a cassette is written.

The settings reach vcrpy twice, on purpose: as the defaults of every VCR instance (the
`pytest_recording_configure` hook), so a project's own `vcr_config` fixture only overrides what
it names; and as this plugin's `vcr_config` fixture, for code that reads the fixture. The fixture
carries `record_mode` only from `--record-mode` (default "none"): a fixed value there would
override the command line.

Loaded in every pytest run once installed, so importing it must stay cheap: vcrpy and the
recording module are imported only when a cassette is actually used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import vcr


class _Fixtures:
    """Registered from `pytest_configure`, i.e. after pytest-recording's plugin, so this
    `vcr_config` is the one tests get (a conftest's own `vcr_config` still wins)."""

    @pytest.fixture
    def vcr_config(self, request: pytest.FixtureRequest) -> dict[str, Any]:
        from conformance.recording import vcr_options

        options = vcr_options()
        options["record_mode"] = request.config.getoption("--record-mode", None) or "none"
        return options


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.hasplugin("recording"):
        config.pluginmanager.register(_Fixtures(), "searchusers_conformance_vcr_fixtures")


@pytest.hookimpl(optionalhook=True)
def pytest_recording_configure(config: pytest.Config, vcr: vcr.VCR) -> None:
    from conformance.recording import configure

    configure(vcr)
