"""Which credentials sign a run's requests, and what TLS trusts: one policy for every command.

`run`, `record`, `parity` and `cleanup` all reach targets through `conformance.targets`, which
asks here: boto3's usual chain (env, profile, SSO, instance role); dummy credentials only for a
loopback endpoint when nothing is configured (an emulator on this machine checks no signature,
and a user with no AWS account must still be able to run the gate against one); never dummy
ones for `--aws` or a remote endpoint, where they would only earn a confusing refusal.
"""

from __future__ import annotations

import ipaddress
import os
import urllib.parse

import botocore.credentials
import botocore.exceptions
import botocore.session

from conformance.errors import UsageError

#: Dummy credentials for targets that do not check signatures (the embedded reference,
#: emulators). They look like real keys so recording tests exercise the scrubber.
LOOPBACK_CREDENTIALS = botocore.credentials.Credentials("testing", "testing")

LOCAL_PROVIDERS = frozenset({"env", "shared-credentials-file", "config-file"})


def is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def for_endpoint(
    url: str, *, profile: str | None, aws: bool
) -> botocore.credentials.Credentials | None:
    """boto3's chain; a loopback endpoint without configured credentials gets dummy ones."""
    found = from_chain(profile)
    if found is None and not aws and is_loopback(url):
        return LOOPBACK_CREDENTIALS
    return found


def from_chain(profile: str | None = None) -> botocore.credentials.Credentials | None:
    """Credentials from boto3's usual chain (env, profile, SSO, instance role), or None."""
    try:
        session = botocore.session.Session(profile=profile)
        found = session.get_credentials()
    except botocore.exceptions.ProfileNotFound as exc:
        raise UsageError(str(exc)) from None
    return found


def local_credentials() -> botocore.credentials.Credentials | None:
    """The credentials this machine's environment and AWS config files hold, without the
    chain's network providers (instance metadata, SSO): what `cassettes lint` looks for, and
    it must not wait on a metadata endpoint that is not there."""
    try:
        session = botocore.session.Session()
        chain = botocore.credentials.create_credential_resolver(session)
        local = [p for p in chain.providers if getattr(p, "METHOD", "") in LOCAL_PROVIDERS]
        found: botocore.credentials.Credentials | None = botocore.credentials.CredentialResolver(
            local
        ).load_credentials()
    except botocore.exceptions.BotoCoreError:
        return None
    return found


def ca_bundle(explicit: str | None, profile: str | None = None) -> bool | str:
    """What to verify TLS with: `--ca-bundle`, else boto3's own `ca_bundle` setting
    (AWS_CA_BUNDLE or the profile's `ca_bundle`), else the system's CAs (True).

    A missing file is a usage error now rather than a TLS error at the first request.
    """
    found = explicit
    if found is None:
        try:
            found = botocore.session.Session(profile=profile).get_config_variable("ca_bundle")
        except botocore.exceptions.ProfileNotFound as exc:
            raise UsageError(str(exc)) from None
    if not found:
        return True
    if not os.path.isfile(found):
        where = "--ca-bundle" if explicit else "the ca_bundle setting (AWS_CA_BUNDLE)"
        raise UsageError(f"{where} {found!r} is not a file")
    return str(found)
