"""Multipart steps a test needs but does not judge, each a precondition of the rule whose test judges it
(see preconditions.py): a server that cannot initiate blocks every multipart test by mpu.init.result, and so on.
Also the reply readers and part contents the multipart tests share.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from conformance.checks import Blocked, expect, expect_equal, expect_xml, fail, require
from conformance.client import OssClient, Reply
from conformance.client.xml import elements
from conformance.rules import Rule
from conformance.suite.preconditions import xml_root

INITIATE = "mpu.init.result"  # InitiateMultipartUpload answers an UploadId
UPLOAD_PART = "mpu.part.etag-md5"  # UploadPart answers 200 with an ETag
SMALL_PART = "mpu.part.no-size-check"  # ... also for a part under 100 KB
COMPLETE = "mpu.complete.assembles"  # CompleteMultipartUpload answers 200
LIST_PARTS = "mpu.listparts.parts"  # ListParts answers its XML
LIST_UPLOADS = "mpu.listuploads.entries"  # ListMultipartUploads answers its XML

UNKNOWN_UPLOAD_ID = "0" * 32  # an upload id no server hands out
MIN_PART = 102400  # every part but the last must be at least this long (100 KB)
Parts = list[tuple[int, str]]  # (part number, ETag) as CompleteMultipartUpload lists them


def part_data(number: int, size: int) -> bytes:
    """Content that differs per part number, so parts joined in the wrong order never look right."""
    pattern = f"<part {number}>".encode()
    return (pattern * (size // len(pattern) + 1))[:size]


def md5_etag(data: bytes) -> str:
    """The hex MD5 in upper case, unquoted: what a part's ETag carries, compared without quotes or case."""
    return hashlib.md5(data).hexdigest().upper()


def bare(etag: str | None) -> str:
    return (etag or "").strip().strip('"').upper()


def text(root: Element, tag: str) -> str | None:
    """The text of the first element named `tag` below `root` (any namespace), or None."""
    found = elements(root, tag)
    return None if not found else (found[0].text or "")


def initiate(oss: OssClient, key: str, headers: dict[str, str] | None = None) -> str:
    """A new upload for `key`; returns its upload id."""
    reply = require(oss.initiate_multipart(key, headers), INITIATE)
    upload_id = text(xml_root(reply, INITIATE), "UploadId")
    if not upload_id:
        raise Blocked(INITIATE, f"{reply.exchange.method} {reply.exchange.url}: no UploadId in the reply")
    return upload_id


def upload(oss: OssClient, key: str, upload_id: str, number: int, data: bytes) -> str:
    """One part; returns the ETag the server answered. A part under 100 KB is refused only by a server that
    breaks mpu.part.no-size-check, so that rule is the prerequisite for small parts."""
    prerequisite = SMALL_PART if len(data) < MIN_PART else UPLOAD_PART
    reply = require(oss.upload_part(key, upload_id, number, data), prerequisite)
    etag = reply.header("ETag")
    if not etag:
        raise Blocked(prerequisite, f"{reply.exchange.method} {reply.exchange.url}: no ETag in the reply")
    return etag


def upload_all(oss: OssClient, key: str, upload_id: str, parts: dict[int, bytes]) -> Parts:
    """Upload parts in the dict's order; returns them ascending by number, as Complete wants them."""
    etags = {number: upload(oss, key, upload_id, number, data) for number, data in parts.items()}
    return sorted(etags.items())


def complete(oss: OssClient, key: str, upload_id: str, parts: Parts, headers: dict[str, str] | None = None) -> Reply:
    return require(oss.complete_multipart(key, upload_id, parts, headers), COMPLETE)


def multipart_object(oss: OssClient, key: str, parts: dict[int, bytes]) -> bytes:
    """An object made by multipart upload; returns its expected content (parts joined by number)."""
    upload_id = initiate(oss, key)
    complete(oss, key, upload_id, upload_all(oss, key, upload_id, parts))
    return joined(parts)


def joined(parts: dict[int, bytes]) -> bytes:
    return b"".join(parts[number] for number in sorted(parts))


def named(root: Element, tag: str, prerequisite: str, reply: Reply) -> str:
    """The text of `tag`; its absence blocks the test by `prerequisite` (the rule that demands the element)."""
    value = text(root, tag)
    if value is None:
        raise Blocked(prerequisite, f"{reply.exchange.method} {reply.exchange.url}: no {tag} in the reply")
    return value


def listed_uploads(reply: Reply, prerequisite: str = LIST_UPLOADS) -> list[tuple[str, str]]:
    """(Key, UploadId) of every Upload entry, in listed order."""
    root = xml_root(reply, prerequisite)
    return [(text(u, "Key") or "", text(u, "UploadId") or "") for u in elements(root, "Upload")]


def listed_parts(reply: Reply) -> list[tuple[int, str, int]]:
    """(PartNumber, ETag, Size) of every Part entry, in listed order."""
    root = xml_root(reply, LIST_PARTS)
    return [(_int(text(p, "PartNumber")), text(p, "ETag") or "", _int(text(p, "Size"))) for p in elements(root, "Part")]


def _int(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() else -1


def uploads_under(oss: OssClient, prefix: str, **params: str) -> Reply:
    return require(oss.list_multipart_uploads(prefix=prefix, **params), LIST_UPLOADS)


def keys_in_order(entries: Iterable[tuple[str, str]]) -> Sequence[str]:
    return [key for key, _ in entries]


ABORT = "mpu.abort.removes"  # AbortMultipartUpload answers 204


def require_aborted(oss: OssClient, key: str, upload_id: str) -> None:
    require(oss.abort_multipart(key, upload_id), ABORT, status=204)


def expect_url_encoded(rule: Rule, reply: Reply, prerequisite: str, names: dict[str, str]) -> None:
    """With encoding-type=url: EncodingType is url and each element `tag` holds `want` url-encoded. An element
    missing altogether blocks the test by `prerequisite` (the rule that demands it)."""
    root = xml_root(reply, prerequisite)
    expect_equal(rule, reply, "EncodingType", text(root, "EncodingType"), "url")
    for tag, want in names.items():
        sent = named(root, tag, prerequisite, reply)
        expect_equal(rule, reply, f"{tag}, url-decoded", unquote(sent), want)
        if sent == want:
            fail(rule, reply, f"{tag} {sent!r} came back unencoded")


def walk_pages(
    rule: Rule,
    page: int,
    fetch: Callable[[dict[str, str]], Reply],
    entries: Callable[[Reply], list],
    next_markers: Callable[[Element], dict[str, str]],
    most: int,
) -> list:
    """Every entry over a paged listing of at most `most` pages; a page longer than `page` fails `rule`."""
    seen: list = []
    markers: dict[str, str] = {}
    for _ in range(most):
        reply = expect(fetch(markers), rule)
        found = entries(reply)
        if len(found) > page:
            fail(rule, reply, f"a page of size {page} listed {len(found)} entries")
        seen += found
        root = expect_xml(reply, rule)
        if text(root, "IsTruncated") != "true":
            break
        markers = next_markers(root)
    return seen
