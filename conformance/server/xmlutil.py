"""Tiny XML writer/reader and date formats used in OSS bodies and headers.

A string-building writer (rather than ElementTree) so the output is byte-for-byte predictable: declaration
exactly as OSS writes it, no namespaces, and control characters written as character references.
"""

from __future__ import annotations

import calendar
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from email.utils import formatdate, mktime_tz, parsedate_tz

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def escape(text: str) -> str:
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    # XML 1.0 cannot carry most control characters literally; OSS keys may contain them (e.g. \x0c).
    return "".join(f"&#{ord(c)};" if ord(c) < 0x20 and c not in "\t\n\r" else c for c in out)


def element(name: str, content: str | Iterable[str] | int | bool | None = None) -> str:
    """`<name>content</name>`; content is text (escaped), a bool/int, or already-rendered children."""
    if content is None:
        return f"<{name}></{name}>"
    if isinstance(content, bool):
        return f"<{name}>{'true' if content else 'false'}</{name}>"
    if isinstance(content, (str, int)):
        return f"<{name}>{escape(str(content))}</{name}>"
    return f"<{name}>{''.join(content)}</{name}>"


def xml_document(root: str, children: Iterable[str]) -> bytes:
    return (DECLARATION + element(root, list(children))).encode("utf-8")


def parse_xml(body: bytes) -> ET.Element | None:
    """The root element, or None when the body is not well-formed XML."""
    try:
        return ET.fromstring(body)
    except ET.ParseError:
        return None


_CONTROL = re.compile(r"&#(?:x0*([0-9a-fA-F]{1,2})|0*([0-9]{1,2}));|([\x00-\x08\x0b\x0c\x0e-\x1f])")
_STAND_IN = 0xF0000  # private-use plane: a control character travels through the parser as U+F00xx


def parse_xml_with_controls(body: bytes) -> ET.Element | None:
    """parse_xml, but control characters (raw, or as `&#12;` / `&#x0C;`) are taken as the characters they
    are, as OSS takes them in a DeleteMultipleObjects body; XML 1.0 parsers refuse them."""

    def stand_in(match: re.Match[str]) -> str:
        hex_code, dec_code, raw = match.groups()
        code = ord(raw) if raw else int(hex_code, 16) if hex_code else int(dec_code)
        return chr(_STAND_IN + code) if code < 0x20 and chr(code) not in "\t\n\r" else match.group(0)

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    root = parse_xml(_CONTROL.sub(stand_in, text).encode("utf-8"))
    if root is not None:
        for node in root.iter():
            if node.text:
                node.text = "".join(
                    chr(ord(c) - _STAND_IN) if _STAND_IN <= ord(c) < _STAND_IN + 0x20 else c for c in node.text
                )
    return root


def root_named(body: bytes, tag: str) -> ET.Element | None:
    """The root element when the body is well-formed XML with that root tag, else None."""
    root = parse_xml(body)
    return root if root is not None and root.tag == tag else None


def child_text(node: ET.Element, name: str) -> str | None:
    found = node.find(name)
    return None if found is None else (found.text or "")


# ---------------------------------------------------------------- dates


def http_date(epoch: float | None = None) -> str:
    """RFC 1123 GMT date, e.g. `Wed, 28 Dec 2022 10:27:41 GMT`."""
    return formatdate(time.time() if epoch is None else epoch, usegmt=True)


def iso8601(epoch: float) -> str:
    """The form OSS uses in XML bodies, e.g. `2022-12-28T10:27:41.000Z`."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(epoch))


def parse_http_date(value: str | None) -> int | None:
    """Epoch seconds of an RFC 1123 date, or None when absent or unparseable."""
    if not value:
        return None
    parsed = parsedate_tz(value)
    if parsed is None:
        return None
    try:
        return int(mktime_tz(parsed))
    except (OverflowError, ValueError):
        return None


def parse_v4_date(value: str | None) -> int | None:
    """Epoch seconds of a V4 `yyyymmddTHHMMSSZ` timestamp, or None."""
    if not value:
        return None
    try:
        return calendar.timegm(time.strptime(value, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        return None
