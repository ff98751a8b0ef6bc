"""Find secret-looking values in a cassette file as it is on disk.

The scrubbing hooks only see what vcrpy records; a hand-edited or hand-written cassette never
passed through them. So `lint` checks the file itself, and names the kind of secret and its
line but never repeats the value (its output goes to CI logs). It also flags writes to
collections the recording did not create: `parity` would refuse to re-send them, and a
cassette that deletes someone's collection is not safe to share either. Besides the patterns it looks
for the exact values of the credentials remembered in `conformance.secrets.values` (the
`cassettes lint` command remembers those of its environment), whatever their format.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from conformance.errors import CassetteError
from conformance.recording import bounded_yaml
from conformance.recording.cassette import yaml_loader
from conformance.recording.exchanges import load_exchanges
from conformance.recording.ownership import foreign_writes
from conformance.recording.patterns import (
    ACCOUNT_MEMBER,
    ALLOWED_ACCOUNTS,
    MASK,
    NAMED_SECRET,
    PLACEHOLDER_ACCOUNT,
    PRIVATE_KEY,
    REMOVED_HEADERS,
    SECRET_MEMBER,
    SESSION_TOKEN,
    SIGNATURE,
)
from conformance.secrets import values as secret_values
from conformance.secrets.patterns import ACCESS_KEY, ARN_ACCOUNT, URL_USERINFO, may_match


@dataclass(frozen=True)
class Problem:
    """A finding: something secret-looking (named by kind, never by value) or a write outside
    what the recording created."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _secret_kinds(text: str) -> Iterator[str]:
    """What looks secret in `text`, described without repeating it."""
    for kind in sorted({kind for value, kind in secret_values.known() if value in text}):
        yield f"the {kind} of the credentials in use here"
    for match in ACCESS_KEY.finditer(text) if may_match(ACCESS_KEY, text) else ():
        yield f"AWS access key id ({match.group()[:4]}...)"
    if may_match(SESSION_TOKEN, text) and SESSION_TOKEN.search(text):
        yield "AWS session token"
    if may_match(NAMED_SECRET, text) and NAMED_SECRET.search(text):
        yield "secret access key"
    if may_match(SIGNATURE, text) and SIGNATURE.search(text):
        yield "SigV4 signature"
    if PRIVATE_KEY.search(text):
        yield "private key"
    if may_match(URL_USERINFO, text) and any(m.group(2) for m in URL_USERINFO.finditer(text)):
        yield "credentials in a URL"
    for match in ARN_ACCOUNT.finditer(text) if may_match(ARN_ACCOUNT, text) else ():
        if match.group(2) not in ALLOWED_ACCOUNTS:
            yield f"account id in an ARN (use {PLACEHOLDER_ACCOUNT})"
    for match in SECRET_MEMBER.finditer(text):
        if match.group(2) not in ("", MASK):
            yield f"credential member {match.group(1).split(':')[0].strip()}"
    for match in ACCOUNT_MEMBER.finditer(text):
        if match.group(2) not in ALLOWED_ACCOUNTS:
            yield "account id"


def _node_text(node: yaml.ScalarNode) -> str:
    if node.tag == "tag:yaml.org,2002:binary":
        try:
            return base64.b64decode(node.value).decode("latin-1")
        except ValueError:
            return str(node.value)
    return str(node.value)


def _walk(node: yaml.Node, report: Callable[[int, str], None]) -> None:
    if isinstance(node, yaml.ScalarNode):
        for kind in _secret_kinds(_node_text(node)):
            report(node.start_mark.line + 1, kind)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _walk(child, report)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = str(key.value).lower() if isinstance(key, yaml.ScalarNode) else ""
            if name in REMOVED_HEADERS:
                report(key.start_mark.line + 1, f"{key.value} header (must be removed)")
            _walk(key, report)
            _walk(value, report)


def lint(path: Path) -> list[Problem]:
    """Everything secret-looking in the cassette file at `path`, with its line.

    Works on the YAML node tree, so quoting, folding and `!!binary` bodies cannot hide a value;
    a file that does not parse is scanned line by line instead (and is a problem itself); one
    whose aliases expand like a bomb is refused (`CassetteError`): nothing can check it safely.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        return [Problem(path, 0, f"cannot read: {exc.strerror}")]
    found: dict[tuple[int, str], Problem] = {}

    def report(line: int, message: str) -> None:
        found.setdefault((line, message), Problem(path, line, message))

    try:
        root = bounded_yaml.compose(text, yaml_loader())
    except bounded_yaml.AliasBomb as exc:
        # not a finding but a file nobody can check: the run stops with one line (exit 2)
        raise CassetteError(f"{path}: {exc}") from None
    except yaml.YAMLError:
        report(1, "not valid YAML (scanned line by line)")
        for number, line in enumerate(text.splitlines(), start=1):
            for kind in _secret_kinds(line):
                report(number, kind)
    else:
        if root is not None:
            _walk(root, report)
            _foreign_writes(path, root, report)
    return sorted(found.values(), key=lambda p: (p.line, p.message))


def _foreign_writes(path: Path, root: yaml.Node, report: Callable[[int, str], None]) -> None:
    try:
        exchanges = load_exchanges(path)
    except CassetteError:
        return  # not a Rekognition recording (or broken): nothing parity would re-send
    lines = _interaction_lines(root)
    for write in foreign_writes(exchanges):
        number = write.exchange.meta.get("interaction", 0)
        line = lines[number - 1] if 0 < number <= len(lines) else 1
        report(line, f"write outside the recording: {write}")


def _interaction_lines(root: yaml.Node) -> list[int]:
    """The line each interaction starts on, in order."""
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "interactions" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []
