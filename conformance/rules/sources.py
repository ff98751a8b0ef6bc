"""Where a rule comes from, as data: the README links the page, reports quote the words.

A rule is only as good as its basis, and whoever checks one should land on what AWS wrote, not
on a paraphrase of it. So every source says its kind -- `doc` (AWS's documentation: the API
reference, the developer guide, the JSON 1.1 protocol), `model` (the service model botocore
ships), `observed` (what AWS was seen to answer, documented nowhere) or `code` (what botocore's
code does with an answer) -- where it is (a URL, a shape of the model, a botocore function), and
the words relied on: `quote` verbatim from the source, `note` in ours. Quotes from the API
reference and the model are checked against the documentation botocore's model carries
(tests/rules/test_sources.py), so a quote cannot drift from the page it links.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(str, enum.Enum):
    DOC = "doc"
    MODEL = "model"
    OBSERVED = "observed"
    CODE = "code"


API_REFERENCE = "https://docs.aws.amazon.com/rekognition/latest/APIReference/API_{}.html"
COMMON_ERRORS = "https://docs.aws.amazon.com/rekognition/latest/APIReference/CommonErrors.html"
DEVELOPER_GUIDE = "https://docs.aws.amazon.com/rekognition/latest/dg/{}.html"
JSON_1_1 = "https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html"


@dataclass(frozen=True)
class Source:
    kind: Kind
    title: str
    """What it is, in a few words: `SearchUsers API reference`, a model shape
    (`SearchUsersRequest.MaxUsers`), a botocore function."""
    url: str = ""
    quote: str = ""
    """The source's own words, verbatim."""
    note: str = ""
    """Our words: what the rule takes from it, or what it leaves out."""

    def _words(self) -> str:
        if self.quote and self.note:
            return f'"{self.quote}" ({self.note})'
        return f'"{self.quote}"' if self.quote else self.note

    def text(self) -> str:
        """`doc: SearchUsers API reference: "quote" note`, for reports and failure messages."""
        words = self._words()
        return f"{self.kind.value}: {self.title}" + (f": {words}" if words else "")

    def markdown(self) -> str:
        """The README cell: the title links the page when there is one."""
        title = f"[{self.title}]({self.url})" if self.url else self.title
        words = self._words()
        return f"{self.kind.value}: {title}" + (f": {words}" if words else "")


def api(operation: str, quote: str = "", note: str = "") -> Source:
    """Words of an operation's API reference page (the same words botocore's model carries)."""
    return Source(
        Kind.DOC, f"{operation} API reference", API_REFERENCE.format(operation), quote, note
    )


def guide(page: str, title: str, quote: str = "", note: str = "") -> Source:
    """A page of the Rekognition developer guide (`dg/<page>.html`)."""
    return Source(Kind.DOC, title, DEVELOPER_GUIDE.format(page), quote, note)


def doc(title: str, quote: str = "", note: str = "") -> Source:
    """Documentation we can name but not link to a page of its own."""
    return Source(Kind.DOC, title, "", quote, note)


def common_errors(note: str = "") -> Source:
    return Source(Kind.DOC, "Rekognition common errors", COMMON_ERRORS, "", note)


def json_protocol(note: str = "") -> Source:
    """The AWS JSON 1.1 protocol Rekognition speaks."""
    return Source(Kind.DOC, "AWS JSON 1.1 protocol", JSON_1_1, "", note)


def model(shape: str, quote: str = "", note: str = "") -> Source:
    """A shape or member (`Shape.Member`) of the service model botocore ships, or an operation."""
    return Source(Kind.MODEL, shape, "", quote, note)


def observed(title: str, quote: str = "", note: str = "") -> Source:
    return Source(Kind.OBSERVED, title, "", quote, note)


def code(function: str, note: str = "") -> Source:
    return Source(Kind.CODE, function, "", "", note)


SEARCHABLE_ONCE_ASSOCIATED = guide(
    "managing-face-collections",
    "developer guide: managing users",
    note="a user can be searched for once at least one face is associated with it",
)
