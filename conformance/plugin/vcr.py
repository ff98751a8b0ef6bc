"""pytest plugin: correct matching and scrubbing for `@pytest.mark.vcr` tests of Rekognition code.

Users test their own `search_users` code with pytest-recording's conventions (`@pytest.mark.vcr`,
`--record-mode`, `--block-network`); this plugin only fixes what vcrpy gets wrong for AWS JSON 1.1
out of the box: every call is `POST /`, so Rekognition requests are matched on `X-Amz-Target` and
the parsed JSON body (not the port), and credentials, signatures and account ids are scrubbed
before a cassette is written.

Installed, the plugin is loaded by every pytest run of the environment, so it touches nothing but
Rekognition requests (X-Amz-Target `RekognitionService.*`): every other request and its response
are recorded, matched and replayed exactly as vcrpy and pytest-recording would. A project opts
other AWS JSON services in with the `su_vcr_targets` ini key (X-Amz-Target prefixes; `*` for every
request). The settings are the defaults of each VCR pytest-recording builds (its
`pytest_recording_configure` hook); its `vcr_config` fixture is left as it is, so a project's own
`vcr_config` overrides what it names.

Importing this module must stay cheap: vcrpy and the recording package are imported only when a
cassette is actually used. It loads its package, `conformance.plugin` (the gate's hooks, as cheap
by the same rule), but pytest registers that module only under its own entry point, so
`-p no:searchusers_conformance` still leaves the gate out while this plugin works.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import vcr

TARGETS_INI = "su_vcr_targets"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        TARGETS_INI,
        "X-Amz-Target prefixes whose vcr cassettes get searchusers-conformance's matching and "
        "scrubbing (default: RekognitionService.; * for every request)",
        type="args",
        default=[],
    )


@pytest.hookimpl(optionalhook=True)
def pytest_recording_configure(config: pytest.Config, vcr: vcr.VCR) -> None:
    from conformance.recording import Scope, configure

    configure(vcr, Scope.of(list(config.getini(TARGETS_INI))))
