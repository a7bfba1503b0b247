"""Every key, version or multipart upload under a prefix, page after page, for cleanup and `sweep`.

Keys are asked url-encoded (encoding-type=url): a key holding control characters makes a raw listing XML that no
parser reads (docs/oss-facts.md §26.2), so a run's control-character keys could not be found to delete. They are
decoded only where the reply says it encoded them (EncodingType); a server that refuses the parameter is asked
again without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from .session import NoUsableAnswer, OssClient, Reply
from .xml import child_text, elements, parse, url_decoder

ENCODED = [("encoding-type", "url")]


@dataclass(frozen=True)
class Kind:
    query: list[tuple[str, str | None]]  # what selects this listing
    limit: str  # the page-size parameter
    tags: tuple[str, ...]  # the entries
    second: str | None  # the entry's field given with its key (version id, upload id)
    id_marker: tuple[str, str] | None  # (parameter, reply field) of the marker beside the key marker


KINDS = {
    "keys": Kind([], "max-keys", ("Contents",), None, None),
    "versions": Kind(
        [("versions", None)],
        "max-keys",
        ("Version", "DeleteMarker"),
        "VersionId",
        ("version-id-marker", "NextVersionIdMarker"),
    ),
    "uploads": Kind(
        [("uploads", None)], "max-uploads", ("Upload",), "UploadId", ("upload-id-marker", "NextUploadIdMarker")
    ),
}


class ListingUnreadable(NoUsableAnswer):
    """An answer that is not a listing: a status other than 200, or a body that does not parse (status 200)."""

    def __init__(self, what: str, status: int) -> None:
        super().__init__(what)
        self.status = status


def listed(client: OssClient, prefix: str, kind: str) -> Iterator[tuple[str, str | None]]:
    """(key, version id or upload id or None) of each entry under `prefix` (KINDS: keys, versions, uploads; a
    version id "null" is None). NoUsableAnswer when the server does not answer; ListingUnreadable when it answers
    something else."""
    of = KINDS[kind]
    encoding: list[tuple[str, str | None]] = ENCODED
    marker: list[tuple[str, str | None]] = []
    while True:
        query = [*of.query, ("prefix", prefix), (of.limit, "1000"), *encoding, *marker]
        reply = client.request("GET", None, query=query)
        if reply.status != 200 and encoding and not marker:
            encoding = []  # refused encoding-type=url: ask for raw keys (unreadable only if some hold controls)
            continue
        root = _root(client, reply)
        decode = url_decoder(root)
        key = ""
        for element in (entry for tag in of.tags for entry in elements(root, tag)):
            second = child_text(element, of.second) if of.second else None
            key = decode(child_text(element, "Key") or "")
            yield key, None if second in (None, "null") else second
        if (child_text(root, "IsTruncated") or "").lower() != "true":
            return
        following = _next_page(root, of, decode, key)
        if following == marker:  # a truncated page whose next marker does not move on would be asked for ever
            raise ListingUnreadable(f"listing {client.bucket} repeats its page (next marker {following!r})", 200)
        marker = following


def _next_page(root: Element, of: Kind, decode: Callable[[str], str], last: str) -> list[tuple[str, str | None]]:
    """The markers of the next page; for keys, the last key where NextMarker is missing (S3 gives it only with a
    delimiter)."""
    if of.id_marker is None:
        return [("marker", decode(child_text(root, "NextMarker") or "") or last)]
    parameter, field = of.id_marker
    return [("key-marker", decode(child_text(root, "NextKeyMarker") or "")), (parameter, child_text(root, field) or "")]


def _root(client: OssClient, reply: Reply) -> Element:
    if reply.status != 200:
        what = f"listing {client.bucket} answered {reply.status} {reply.code or ''}".strip()
        raise ListingUnreadable(what, reply.status)
    root, why = parse(reply.body)
    if root is None:
        raise ListingUnreadable(f"listing {client.bucket} answered a body that is {why}", reply.status)
    return root
