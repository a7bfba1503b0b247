"""Reading XML from a server under test: defusedxml (untrusted input), namespaces ignored, never raising.

The one place that parses reply bodies as XML for the client, the suite, the harness and sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

XML_ERRORS = (ParseError, DefusedXmlException, ValueError)


def local(tag: str) -> str:
    """An XML tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def parse(body: bytes) -> tuple[Element | None, str]:
    """(root, "") for an XML body; (None, why) for anything else."""
    try:
        return ElementTree.fromstring(body), ""
    except XML_ERRORS as exc:
        return None, f"not XML ({exc})"


def elements(root: Element | None, tag: str) -> list[Element]:
    """Every element named `tag` (any namespace) at or below `root`."""
    return [] if root is None else [e for e in root.iter() if local(e.tag) == tag]


def child_text(element: Element, tag: str) -> str | None:
    """Text of the first direct child named `tag` (any namespace); None when there is none."""
    return next(((child.text or "") for child in element if local(child.tag) == tag), None)


def xml_elements(body: bytes, tag: str) -> list[Element]:
    """Elements named `tag` anywhere in an XML body; none when the body is not XML (the caller judges that)."""
    return elements(parse(body)[0], tag)


def url_decoder(root: Element) -> Callable[[str], str]:
    """How to read the names in a reply asked with encoding-type=url: percent-decoding (a space is %20, a plus
    %2B, as oss2 reads them) where the reply says EncodingType url; the text as it is where it does not."""
    return unquote if (child_text(root, "EncodingType") or "").lower() == "url" else str
