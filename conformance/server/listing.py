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

from conformance.server.context import Context
from conformance.server.errors import invalid_argument
from conformance.server.lookups import stored_size
from conformance.server.model import NORMAL, Bucket, ObjectVersion
from conformance.server.paging import Encoder, Page
from conformance.server.replies import owner_element, xml_reply
from conformance.server.request import Request, Response
from conformance.server.xmlutil import element, iso8601

DEFAULT_MAX_KEYS, MAX_MAX_KEYS = 100, 1000


def max_keys(request: Request, ctx: Context | None = None) -> int:
    value = request.param("max-keys")
    if value is None:
        return MAX_MAX_KEYS if ctx is not None and ctx.quirks.has("list-max-keys-default-1000") else DEFAULT_MAX_KEYS
    if ctx is not None and ctx.quirks.has("list-max-keys-clamped") and value.lstrip("-").isdigit():
        return min(max(int(value), 0), MAX_MAX_KEYS)
    if not value.isdigit() or int(value) > MAX_MAX_KEYS:
        raise invalid_argument("max-keys must be between 0 and 1000.", name="max-keys", value=value)
    return int(value)


# Parameters that name keys or parts of keys: under 1024 bytes, like a key (docs/oss-facts.md §26.1, §27).
BOUNDED = ("prefix", "marker", "start-after", "delimiter", "key-marker")
MAX_PARAM_BYTES = 1023


def check_lengths(ctx: Context, request: Request) -> None:
    for name in BOUNDED:
        value = request.param(name) or ""
        if len(value.encode("utf-8")) > MAX_PARAM_BYTES and not ctx.quirks.has("list-long-prefix-accepted"):
            raise invalid_argument(f"{name} must be less than 1024 bytes.", name=name, value=value)


def _entry_fields(ctx: Context, version: ObjectVersion) -> list[str]:
    etag = version.etag.strip('"') if ctx.quirks.has("list-etag-unquoted") else version.etag
    return [
        element("LastModified", iso8601(version.last_modified)),
        element("ETag", etag),
        element("Type", version.object_type),
        element("Size", stored_size(version)),
        element("StorageClass", version.storage_class),
    ]


def _prefix_elements(page: Page, encode: Encoder) -> list[str]:
    return [element("CommonPrefixes", [encode("Prefix", p)]) for p in page.prefixes]


# ---------------------------------------------------------------- objects

TOKEN_TAG = b"oss-conformance-list:"  # marks a token this server issued, so a made-up one is refused (§26.1)


LISTING_PARAMS = {"versions", "list-type", "max-keys", "encoding-type", "fetch-owner", "continuation-token", *BOUNDED}


def lists_missing_bucket(ctx: Context, request: Request) -> bool:
    """Whether a listing of a missing bucket goes on to the listing code (a quirk) instead of NoSuchBucket."""
    listing = request.method == "GET" and request.key is None and {n for n, _ in request.query} <= LISTING_PARAMS
    return listing and ctx.quirks.has("list-missing-bucket-empty")


def _listed_bucket(ctx: Context, request: Request) -> Bucket | None:
    """The bucket to list; None stands for a missing bucket listed as empty (a quirk), else NoSuchBucket."""
    name = request.bucket or ""
    if not ctx.store.has_bucket(name) and ctx.quirks.has("list-missing-bucket-empty"):
        return None
    return ctx.store.bucket(name)


def _snapshot(ctx: Context, bucket: Bucket | None, prefix: str) -> list[tuple[str, tuple[ObjectVersion, ...]]]:
    """The rows under `prefix`, in listing order. An order quirk is asked only where its order differs for these
    rows (a quirk asked is a quirk reached: conformance.reach)."""
    rows = [row for row in ctx.store.snapshot(bucket.name) if row[0].startswith(prefix)] if bucket is not None else []
    utf16 = sorted(rows, key=lambda row: row[0].encode("utf-16-be"))
    if utf16 != rows and ctx.quirks.has("list-utf16-order"):
        rows = utf16
    walk = sorted(rows, key=lambda row: row[0].split("/"))
    if walk != rows and ctx.quirks.has("list-directory-walk-order"):
        rows = walk
    return rows


def _live_rows(
    ctx: Context, bucket: Bucket | None, prefix: str, after: str, inclusive: bool = False
) -> Iterable[tuple[str, ObjectVersion]]:
    for key, versions in _snapshot(ctx, bucket, prefix):
        if key < after or (key == after and not inclusive):
            continue
        # each quirk asked only where it would change the row: a quirk asked is a quirk reached (conformance.reach)
        deleted = any(v.delete_marker for v in versions) and ctx.quirks.has("list-shows-deleted")
        live = [v for v in versions if not v.delete_marker] if deleted else versions
        if live and not live[-1].delete_marker:
            version = live[-1]
            if version.is_link and ctx.quirks.has("links-not-listed"):
                continue
            if version.is_link and ctx.quirks.has("list-type-normal"):
                version = replace(version, object_type=NORMAL)
            yield key, version


def _token(key: str) -> str:
    """Opaque to clients; url-safe base64 without padding, so url-encoding leaves it as it is."""
    return base64.urlsafe_b64encode(TOKEN_TAG + key.encode("utf-8")).decode().rstrip("=")


def _untoken(ctx: Context, token: str) -> str:
    try:
        raw = base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode())
        if raw.startswith(TOKEN_TAG):
            return raw[len(TOKEN_TAG) :].decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    if ctx.quirks.has("list-token-unchecked"):
        return ""
    raise invalid_argument("The continuation-token is invalid.", name="continuation-token", value=token)


def _page(ctx: Context, rows: Iterable[tuple[str, Any]], prefix: str, delimiter: str, after: str, limit: int) -> Page:
    return Page(
        rows,
        prefix,
        delimiter,
        after,
        limit,
        # without a delimiter there are no common prefixes: the quirks are not asked (conformance.reach)
        count_prefixes=not (delimiter and ctx.quirks.has("list-prefixes-uncounted")),
        repeat_groups=bool(delimiter) and ctx.quirks.has("list-common-prefixes-repeated"),
    )


def _next_key(ctx: Context, page: Page) -> str | None:
    """What NextMarker / NextContinuationToken resume after: the last entry of this page."""
    if not page.truncated:
        return None
    if ctx.quirks.has("list-next-marker-skips"):
        return page.following
    return page.last[0] if page.last else None


def list_objects(ctx: Context, request: Request) -> Response:
    check_lengths(ctx, request)
    bucket = _listed_bucket(ctx, request)
    v2 = request.param("list-type") == "2"
    encode, limit = Encoder(request, ctx), max_keys(request, ctx)
    prefix, delimiter = request.param("prefix", "") or "", request.param("delimiter", "") or ""
    matched = prefix.rstrip("/") if prefix.endswith("/") and ctx.quirks.has("list-prefix-slash-stripped") else prefix
    token = request.param("continuation-token")
    if v2:
        after = _untoken(ctx, token) if token else request.param("start-after", "") or ""
    else:
        after = request.param("marker", "") or ""
    inclusive = bool(after) and not token and ctx.quirks.has("list-marker-inclusive")  # marker and start-after
    page = _page(ctx, _live_rows(ctx, bucket, matched, after, inclusive), prefix, delimiter, after, limit)
    with_owner = not v2 or request.param("fetch-owner") == "true" or ctx.quirks.has("list-owner-always")
    contents = [
        element("Contents", [encode("Key", key), *_entry_fields(ctx, v), *([owner_element()] if with_owner else [])])
        for key, v in page.entries
    ]
    head = [element("Name", request.bucket or ""), encode("Prefix", prefix)]
    next_key = _next_key(ctx, page)
    if next_key is None and page.last and ctx.quirks.has("list-next-marker-always"):
        next_key = page.last[0]
    if v2:
        head += [encode("StartAfter", request.param("start-after") or "")] if request.has("start-after") else []
        head += [element("ContinuationToken", token)] if token else []
    else:
        head.append(encode("Marker", after))
    head += [element("MaxKeys", limit), encode("Delimiter", delimiter), element("IsTruncated", page.truncated)]
    if next_key is not None:
        head.append(element("NextContinuationToken", _token(next_key)) if v2 else encode("NextMarker", next_key))
    count = len(page.entries) + (len(page.prefixes) if page.count_prefixes else 0)
    if v2 and (count or not ctx.quirks.has("list-empty-no-keycount")):
        head.append(element("KeyCount", count))
    return xml_reply("ListBucketResult", head + encode.trailer() + contents + _prefix_elements(page, encode))


# ---------------------------------------------------------------- versions


def _version_rows(ctx: Context, bucket: Bucket | None, prefix: str, key_marker: str, version_marker: str):
    """(key, (version, is latest)) from key-marker on; a key's versions newest first (docs/oss-facts.md §27.1)."""
    if bucket is not None and bucket.versioning is None and ctx.quirks.has("versions-unversioned-empty"):
        return
    if ctx.quirks.has("versions-id-marker-ignored"):
        version_marker = ""
    for key, versions in _snapshot(ctx, bucket, prefix):
        if key < key_marker:
            continue
        in_order = list(versions if ctx.quirks.has("versions-oldest-first") else reversed(versions))
        if key == key_marker:
            ids = [v.version_id for v in in_order]
            if not version_marker or version_marker not in ids:
                continue  # the marker key itself is done unless a version marker says where to resume
            in_order = in_order[ids.index(version_marker) + 1 :]
        for version in in_order:
            yield key, (version, version is versions[-1] or ctx.quirks.has("versions-all-latest"))


def _version_element(ctx: Context, key: str, version: ObjectVersion, latest: bool, encode: Encoder) -> str:
    fields = [encode("Key", key), element("VersionId", version.version_id), element("IsLatest", latest)]
    if version.delete_marker and not ctx.quirks.has("versions-marker-fields"):
        return element(
            "DeleteMarker", [*fields, element("LastModified", iso8601(version.last_modified)), owner_element()]
        )
    tag = "DeleteMarker" if version.delete_marker else "Version"
    return element(tag, [*fields, *_entry_fields(ctx, version), owner_element()])


def list_versions(ctx: Context, request: Request) -> Response:
    check_lengths(ctx, request)
    bucket = _listed_bucket(ctx, request)
    encode, limit = Encoder(request, ctx), max_keys(request, ctx)
    prefix, delimiter = request.param("prefix", "") or "", request.param("delimiter", "") or ""
    key_marker, version_marker = request.param("key-marker", "") or "", request.param("version-id-marker", "") or ""
    rows = _version_rows(ctx, bucket, prefix, key_marker, version_marker)
    page = _page(ctx, rows, prefix, delimiter, key_marker if not version_marker else "", limit)
    head = [
        element("Name", request.bucket or ""),
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
    entries = [_version_element(ctx, key, version, latest, encode) for key, (version, latest) in page.entries]
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
