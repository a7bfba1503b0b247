"""Conditional request headers and byte ranges for GetObject/HeadObject (and CopyObject's copy-source forms).

Sources: docs/oss-facts.md §3.4 (general GetObject rules: If-Match mismatch / If-Unmodified-Since -> 412
PreconditionFailed; If-None-Match match / If-Modified-Since -> 304; an invalid or unsatisfiable Range -> the
whole object with 200 and no Content-Range).
"""

from __future__ import annotations

from conformance.server.errors import ErrorReply
from conformance.server.request import Request
from conformance.server.xmlutil import http_date, parse_http_date


def _etags(value: str) -> set[str]:
    return {tag.strip().strip('"').upper() for tag in value.split(",")}


def _matches(value: str, etag: str) -> bool:
    tags = _etags(value)
    return "*" in tags or etag.strip('"').upper() in tags


def check_conditions(request: Request, etag: str, last_modified: int, prefix: str = "") -> None:
    """Raise 412 / 304 as the If-* headers (or `x-oss-copy-source-if-*` with that prefix) demand.

    As in RFC 7232, If-Unmodified-Since only counts without If-Match, If-Modified-Since only without
    If-None-Match.
    """
    if_match = request.header(prefix + "if-match")
    if_none_match = request.header(prefix + "if-none-match")
    unmodified_since = parse_http_date(request.header(prefix + "if-unmodified-since"))
    modified_since = parse_http_date(request.header(prefix + "if-modified-since"))
    if if_match is not None and not _matches(if_match, etag):
        raise ErrorReply("PreconditionFailed", extras={"Condition": "If-Match"})
    if if_match is None and unmodified_since is not None and last_modified > unmodified_since:
        raise ErrorReply("PreconditionFailed", extras={"Condition": "If-Unmodified-Since"})
    not_modified_headers = {"ETag": etag, "Last-Modified": http_date(last_modified)}
    if if_none_match is not None and _matches(if_none_match, etag):
        raise ErrorReply("NotModified", headers=not_modified_headers)
    if if_none_match is None and modified_since is not None and last_modified <= modified_since:
        raise ErrorReply("NotModified", headers=not_modified_headers)


def parse_range(value: str | None, size: int, standard: bool = False) -> tuple[int, int] | None:
    """(first, last) of a single usable `bytes=` range, else None (= serve the whole object with 200).

    Default mode (docs/oss-facts.md §19): a range that reaches past the end, or starts past it, is ignored.
    `standard` (`x-oss-range-behavior: standard`): the end is cut to the object, a start past it is 416.
    """
    if not value or size == 0:
        return None
    unit, _, spec = value.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None  # multi-range needs x-oss-multi-range-behavior; not supported -> whole object
    first_text, dash, last_text = (part.strip() for part in spec.partition("-"))
    if not dash or not all(t.isdigit() for t in (first_text, last_text) if t) or not (first_text or last_text):
        return None
    if not first_text:  # suffix range: the last N bytes
        length = int(last_text)
        return (max(size - length, 0), size - 1) if length > 0 else None
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first > last:
        return None
    if first >= size:
        if standard:
            raise ErrorReply("InvalidRange", headers={"Content-Range": f"bytes */{size}"})
        return None
    if last >= size and not standard:
        return None
    return first, min(last, size - 1)
