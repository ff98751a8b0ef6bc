"""The report files of a run, written together: junit.xml, report.json, report.md and the
files their reproductions read (images, long bodies)."""

from __future__ import annotations

from pathlib import Path

from conformance.errors import UsageError
from conformance.reporting.attachments import FOLDER, Attachment
from conformance.reporting.failures import cited, endpoint
from conformance.reporting.json_report import render_json
from conformance.reporting.junit import render_junit
from conformance.reporting.markdown import render_markdown
from conformance.reporting.reproduce import reproduce
from conformance.results import RunResult
from conformance.secrets.redact import redact

REPORT_FILES = ("junit.xml", "report.json", "report.md")


def write_reports(result: RunResult, report_dir: Path) -> list[Path]:
    """Write junit.xml, report.json and report.md; an unusable folder is a usage error (exit 2).

    Everything is rendered before anything is written, so a rendering bug cannot leave a
    half-updated set of reports next to a stale one.
    """
    rendered = {
        "junit.xml": render_junit(result),
        "report.json": render_json(result),
        "report.md": render_markdown(result),
    }
    files = attachments(result)
    written = []
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        for name, text in rendered.items():
            path = report_dir / name
            path.write_text(redact(text), encoding="utf-8")
            written.append(path)
        if files:
            (report_dir / FOLDER).mkdir(exist_ok=True)
        for attachment in files:
            path = report_dir / FOLDER / attachment.name
            path.write_bytes(attachment.data)
            written.append(path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(f"cannot write reports to {report_dir}: {reason}") from None
    return written


def attachments(result: RunResult) -> list[Attachment]:
    """The files the reports' reproductions read (images, long bodies), one per name."""
    where = endpoint(result)
    found: dict[str, Attachment] = {}
    reproduced = [e for v in result.verdicts for f in v.violations for e in cited(f)]
    # a shrunk single call is reproduced too (a script embeds what it needs)
    reproduced += [e for f in result.falsified if f.script is None for e in f.calls]
    for exchange in reproduced:
        for attachment in reproduce(exchange, where).attachments:
            found.setdefault(attachment.name, attachment)
    return list(found.values())
