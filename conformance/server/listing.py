"""ListObjects (V1), ListObjectsV2 (`list-type=2`), ListObjectVersions (`?versions`) and ListBuckets (GET /).

Links appear with `<Type>Symlink</Type>` (docs/oss-facts.md §4); a link's Size is the length of its target name and its
ETag the link's own [choice, docs/oss-facts.md §4 says both are undocumented]. Keys sort by code point, which equals
UTF-8 byte order. With `encoding-type=url`, names are percent-encoded (`/` kept).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from conformance.server.context import Context
from conformance.server.errors import invalid_argument
from conformance.server.model import NORMAL, ObjectVersion
from conformance.server.reads import stored_size
from conformance.server.request import Request, Response
from conformance.server.subresources import owner_element, xml_reply
from conformance.server.xmlutil import element, iso8601

DEFAULT_MAX_KEYS, MAX_MAX_KEYS = 100, 1000


class Page:
    """One page of a listing: entries and common prefixes in key order, capped at max-keys together."""

    def __init__(self, rows: Iterable[tuple[str, Any]], prefix: str, delimiter: str, after: str, max_keys: int):
        self.entries: list[tuple[str, Any]] = []
        self.prefixes: list[str] = []
        self.truncated = False
        self.last: Any = None  # the last (key, payload) or common prefix taken; the next page starts after it
        for key, payload in rows:
            group = self._group(key, prefix, delimiter)
            if group is not None and (group <= after or (self.prefixes and self.prefixes[-1] == group)):
                continue  # a common prefix is listed once, and not again on later pages
            if len(self.entries) + len(self.prefixes) >= max_keys:
                self.truncated = True
                break
            if group is None:
                self.entries.append((key, payload))
                self.last = (key, payload)
            else:
                self.prefixes.append(group)
                self.last = (group, None)

    @staticmethod
    def _group(key: str, prefix: str, delimiter: str) -> str | None:
        if not delimiter:
            return None
        index = key.find(delimiter, len(prefix))
        return None if index < 0 else key[: index + len(delimiter)]


class Encoder:
    def __init__(self, request: Request) -> None:
        encoding = request.param("encoding-type")
        if encoding not in (None, "url"):
            raise invalid_argument("The encoding-type is invalid.", name="encoding-type", value=encoding or "")
        self.url = encoding == "url"

    def __call__(self, name: str, value: str) -> str:
        return element(name, quote(value, safe="/") if self.url else value)

    def trailer(self) -> list[str]:
        return [element("EncodingType", "url")] if self.url else []


def max_keys(request: Request) -> int:
    value = request.param("max-keys")
    if value is None:
        return DEFAULT_MAX_KEYS
    if not value.isdigit() or int(value) > MAX_MAX_KEYS:
        raise invalid_argument("max-keys must be between 0 and 1000.", name="max-keys", value=value)
    return int(value)


def _entry_fields(version: ObjectVersion) -> list[str]:
    return [
        element("LastModified", iso8601(version.last_modified)),
        element("ETag", version.etag),
        element("Type", version.object_type),
        element("Size", stored_size(version)),
        element("StorageClass", version.storage_class),
    ]


def _prefix_elements(page: Page, encode: Encoder) -> list[str]:
    return [element("CommonPrefixes", [encode("Prefix", p)]) for p in page.prefixes]


# ---------------------------------------------------------------- objects


def _live_rows(ctx: Context, bucket: str, prefix: str, after: str) -> Iterable[tuple[str, ObjectVersion]]:
    for key, versions in ctx.store.snapshot(bucket):
        if key.startswith(prefix) and key > after and not versions[-1].delete_marker:
            version = versions[-1]
            if ctx.quirks.has("list-type-normal") and version.is_link:
                version = replace(version, object_type=NORMAL)
            yield key, version


def _token(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode("utf-8")).decode()


def _untoken(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid_argument("The continuation-token is invalid.", name="continuation-token", value=token) from None


def list_objects(ctx: Context, request: Request) -> Response:
    bucket = ctx.store.bucket(request.bucket or "")
    v2 = request.param("list-type") == "2"
    encode, limit = Encoder(request), max_keys(request)
    prefix, delimiter = request.param("prefix", "") or "", request.param("delimiter", "") or ""
    token = request.param("continuation-token")
    if v2:
        after = _untoken(token) if token else request.param("start-after", "") or ""
    else:
        after = request.param("marker", "") or ""
    page = Page(_live_rows(ctx, bucket.name, prefix, after), prefix, delimiter, after, limit)
    with_owner = not v2 or request.param("fetch-owner") == "true"
    contents = [
        element("Contents", [encode("Key", key), *_entry_fields(v), *([owner_element()] if with_owner else [])])
        for key, v in page.entries
    ]
    head = [element("Name", bucket.name), encode("Prefix", prefix)]
    next_key = page.last[0] if page.truncated and page.last else None
    if v2:
        head += [encode("StartAfter", request.param("start-after") or "")] if request.has("start-after") else []
        head += [element("ContinuationToken", token)] if token else []
    else:
        head.append(encode("Marker", after))
    head += [element("MaxKeys", limit), encode("Delimiter", delimiter), element("IsTruncated", page.truncated)]
    if next_key is not None:
        head.append(element("NextContinuationToken", _token(next_key)) if v2 else encode("NextMarker", next_key))
    if v2:
        head.append(element("KeyCount", len(page.entries) + len(page.prefixes)))
    return xml_reply("ListBucketResult", head + encode.trailer() + contents + _prefix_elements(page, encode))


# ---------------------------------------------------------------- versions


def _version_rows(ctx: Context, bucket: str, prefix: str, key_marker: str, version_marker: str):
    for key, versions in ctx.store.snapshot(bucket):
        if not key.startswith(prefix) or key < key_marker:
            continue
        newest_first = list(reversed(versions))
        if key == key_marker:
            ids = [v.version_id for v in newest_first]
            if not version_marker or version_marker not in ids:
                continue  # the marker key itself is done unless a version marker says where to resume
            newest_first = newest_first[ids.index(version_marker) + 1 :]
        for version in newest_first:
            yield key, (version, version is versions[-1])


def _version_element(key: str, version: ObjectVersion, latest: bool, encode: Encoder) -> str:
    fields = [encode("Key", key), element("VersionId", version.version_id), element("IsLatest", latest)]
    if version.delete_marker:
        return element(
            "DeleteMarker", [*fields, element("LastModified", iso8601(version.last_modified)), owner_element()]
        )
    return element("Version", [*fields, *_entry_fields(version), owner_element()])


def list_versions(ctx: Context, request: Request) -> Response:
    bucket = ctx.store.bucket(request.bucket or "")
    encode, limit = Encoder(request), max_keys(request)
    prefix, delimiter = request.param("prefix", "") or "", request.param("delimiter", "") or ""
    key_marker, version_marker = request.param("key-marker", "") or "", request.param("version-id-marker", "") or ""
    rows = _version_rows(ctx, bucket.name, prefix, key_marker, version_marker)
    page = Page(rows, prefix, delimiter, key_marker if not version_marker else "", limit)
    head = [
        element("Name", bucket.name),
        encode("Prefix", prefix),
        encode("KeyMarker", key_marker),
        element("VersionIdMarker", version_marker),
        element("MaxKeys", limit),
        encode("Delimiter", delimiter),
        element("IsTruncated", page.truncated),
    ]
    if page.truncated and page.last:
        last_key, payload = page.last
        head += [
            encode("NextKeyMarker", last_key),
            element("NextVersionIdMarker", payload[0].version_id if payload else ""),
        ]
    entries = [_version_element(key, version, latest, encode) for key, (version, latest) in page.entries]
    return xml_reply("ListVersionsResult", head + encode.trailer() + entries + _prefix_elements(page, encode))


# ---------------------------------------------------------------- buckets


def list_buckets(ctx: Context, request: Request) -> Response:
    """ExtranetEndpoint is the host:port the request came to, so SDKs following it come back here."""
    prefix, marker = request.param("prefix", "") or "", request.param("marker", "") or ""
    limit = max_keys(request) if request.has("max-keys") else MAX_MAX_KEYS
    rows = [(b.name, b) for b in ctx.store.buckets() if b.name.startswith(prefix) and b.name > marker]
    page = Page(rows, prefix, "", marker, limit)
    region = ctx.credentials.region
    buckets = [
        element(
            "Bucket",
            [
                element("CreationDate", iso8601(b.created)),
                element("ExtranetEndpoint", request.host),
                element("IntranetEndpoint", request.host),
                element("Location", f"oss-{region}"),
                element("Name", name),
                element("Region", region),
                element("StorageClass", b.storage_class),
            ],
        )
        for name, b in page.entries
    ]
    head = [
        element("Prefix", prefix),
        element("Marker", marker),
        element("MaxKeys", limit),
        element("IsTruncated", page.truncated),
    ]
    if page.truncated and page.last:
        head.append(element("NextMarker", page.last[0]))
    return xml_reply("ListAllMyBucketsResult", [*head, owner_element(), element("Buckets", buckets)])
