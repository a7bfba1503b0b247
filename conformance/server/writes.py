"""PutObject, AppendObject and CopyObject.

Sources: docs/oss-facts.md §1.2 (common attributes), §4 (CopyObject copies a link itself; AppendObject on a link is
409 ObjectNotAppendable; PutObject over a link replaces it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from dataclasses import replace
from urllib.parse import unquote_plus

from conformance.server import tagging
from conformance.server.attributes import (
    LINK_CLASSES,
    OBJECT_CLASSES,
    STANDARD_HEADERS,
    Attributes,
    check_key,
    check_mutable,
    overwrite_guard,
    read_attributes,
)
from conformance.server.conditions import check_conditions
from conformance.server.context import Context
from conformance.server.crc64 import crc64_ecma
from conformance.server.errors import OssError, invalid_argument
from conformance.server.model import APPENDABLE, NORMAL, SYMLINK, Bucket, ObjectVersion, content_digest, link_etag
from conformance.server.reads import require_key, resolve_link, select_version, version_headers
from conformance.server.request import Request, Response, parse_query
from conformance.server.xmlutil import element, iso8601, xml_document


def check_content_md5(request: Request, data: bytes) -> None:
    value = request.header("content-md5")
    if value is None:
        return
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if digest != hashlib.md5(data).digest():
        raise OssError("InvalidDigest", extras={"Content-MD5": value})


def forbids_overwrite(ctx: Context, attributes: Attributes, request: Request | None = None) -> bool:
    if ctx.quirks.has("forbid-overwrite-ignored"):
        return False
    if ctx.quirks.has("forbid-overwrite-any-value") and request is not None:
        return request.header("x-oss-forbid-overwrite") is not None
    return attributes.forbid_overwrite


def write_headers(bucket: Bucket, version: ObjectVersion) -> dict[str, str]:
    headers = {"ETag": version.etag, "x-oss-hash-crc64ecma": str(version.crc64)}
    if version.content_md5:
        headers["Content-MD5"] = version.content_md5
    return {**headers, **version_headers(bucket, version)}


def _clone_attributes(ctx: Context, request: Request) -> None:
    """PutObject attribute mistakes of clones (quirks): the headers they drop; a no-op when none is enabled."""
    dropped: list[str] = []
    if ctx.quirks.has("put-drops-standard-headers"):
        dropped += [name.lower() for name in STANDARD_HEADERS]
    if ctx.quirks.has("put-acl-private-ignored") and request.header("x-oss-object-acl") == "private":
        dropped.append("x-oss-object-acl")
    if ctx.quirks.has("put-tagging-ignored"):
        dropped.append("x-oss-tagging")
    _clone_tagging_header(ctx, request)
    value = request.header("x-oss-storage-class")
    if ctx.quirks.has("put-ia-stored-standard") and value == "IA":
        dropped.append("x-oss-storage-class")
    if ctx.quirks.has("put-storage-class-unchecked") and value is not None and value not in OBJECT_CLASSES:
        dropped.append("x-oss-storage-class")
    for name in dropped:
        request.headers.pop(name, None)


def _clone_tagging_header(ctx: Context, request: Request) -> None:
    """x-oss-tagging as clones with these quirks read it (conformance/server/tagging.py)."""
    raw = request.header("x-oss-tagging")
    flags = (
        ctx.quirks.has("tagging-header-lenient"),
        ctx.quirks.has("tagging-header-not-decoded"),
        ctx.quirks.has("tagging-bare-key-dropped"),
    )
    if raw is not None and any(flags):
        request.headers["x-oss-tagging"] = tagging.clone_header(raw, *flags)


def put_object(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket = ctx.store.bucket(request.bucket or "")
    _clone_attributes(ctx, request)
    attributes = read_attributes(request, bucket)
    if not ctx.quirks.has("put-content-md5-unchecked"):
        check_content_md5(request, request.body)
    etag, md5, crc = content_digest(request.body)
    version = ObjectVersion(
        key, data=request.body, etag=etag, content_md5=md5, crc64=crc, **attributes.version_fields()
    )
    stored = ctx.store.write(bucket.name, version, overwrite_guard(forbids_overwrite(ctx, attributes, request)))
    headers = write_headers(bucket, stored)
    if ctx.quirks.has("put-without-crc64"):
        del headers["x-oss-hash-crc64ecma"]
    return Response(200, headers)


# ---------------------------------------------------------------- append


def _append_position(request: Request) -> int:
    value = request.param("position")
    if value is None or not value.isdigit():
        raise invalid_argument("Position is invalid.", name="position", value=value or "")
    return int(value)


def _check_append(current: ObjectVersion | None, position: int) -> None:
    size = 0
    if current is not None and not current.delete_marker:
        if current.object_type != APPENDABLE:  # a Normal object or a link (docs/oss-facts.md §4)
            raise OssError("ObjectNotAppendable", extras={"Key": current.key})
        size = current.size
    if position != size:
        raise OssError("PositionNotEqualToLength", headers={"x-oss-next-append-position": str(size)})


def _appended(version: ObjectVersion, chunk: bytes) -> ObjectVersion:
    """Appendable ETag = MD5 of the whole content [choice: OSS calls it opaque]; no Content-MD5."""
    data = version.data + chunk
    etag, _, _ = content_digest(data)
    return replace(
        version, data=data, etag=etag, crc64=crc64_ecma(chunk, version.crc64), last_modified=int(time.time())
    )


def append_object(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket = ctx.store.bucket(request.bucket or "")
    position = _append_position(request)
    check_content_md5(request, request.body)
    current = ctx.store.current(bucket.name, key)
    if ctx.quirks.has("append-follows-link") and current is not None and current.is_link:
        key = current.target or key
        current = ctx.store.current(bucket.name, key)
    if current is None or current.delete_marker:
        attributes = read_attributes(request, bucket)
        fresh = ObjectVersion(key, object_type=APPENDABLE, **attributes.version_fields())

        def guard(bucket: Bucket, current: ObjectVersion | None) -> None:
            check_mutable(bucket, current)
            _check_append(current, position)

        stored = ctx.store.write(bucket.name, _appended(fresh, request.body), guard)
    else:

        def change(current: ObjectVersion) -> ObjectVersion:
            # Appending extends the current version in place; no new version id [choice].
            check_mutable(bucket, current)
            _check_append(current, position)
            return _appended(current, request.body)

        stored = ctx.store.update(bucket.name, key, None, change)
    headers = {**write_headers(bucket, stored), "x-oss-next-append-position": str(stored.size)}
    return Response(200, headers)


# ---------------------------------------------------------------- copy


def parse_copy_source(value: str) -> tuple[str, str, str | None]:
    """`/bucket/url-encoded-key[?versionId=..]` -> (bucket, key, version id); form decoding as for
    symlink targets, since Go v1 encodes the key with QueryEscape (space -> '+') [choice]."""
    path, _, query = value.partition("?")
    bucket, slash, raw_key = path.removeprefix("/").partition("/")
    if not bucket or not slash or not raw_key:
        raise invalid_argument(
            "Copy Source must mention the source bucket and key.", name="x-oss-copy-source", value=value
        )
    version_id = dict(parse_query(query)).get("versionId")
    return bucket, unquote_plus(raw_key), version_id


def _copied_fields(request: Request, source: ObjectVersion, attributes: Attributes) -> dict[str, object]:
    fields = attributes.version_fields()
    # Directive values in any case: the SDKs send COPY, Copy and replace alike (issue 15) and OSS takes them.
    directive = request.header("x-oss-metadata-directive") or "COPY"
    if directive.upper() not in ("COPY", "REPLACE"):
        raise invalid_argument("Invalid metadata directive.", name="x-oss-metadata-directive", value=directive)
    if directive.upper() == "COPY":
        fields.update(content_type=source.content_type, http_headers=source.http_headers, meta=source.meta)
    tag_directive = request.header("x-oss-tagging-directive") or "Copy"
    if tag_directive.upper() not in ("COPY", "REPLACE"):
        raise invalid_argument("Invalid tagging directive.", name="x-oss-tagging-directive", value=tag_directive)
    if tag_directive.upper() == "COPY":
        fields["tags"] = source.tags
    return fields


def _copy_of(key: str, source: ObjectVersion, fields: dict[str, object]) -> ObjectVersion:
    """A link copies as a link to the same target name (docs/oss-facts.md §4); an appendable copies as Normal."""
    if source.is_link:
        target = source.target or ""
        return ObjectVersion(key, object_type=SYMLINK, target=target, etag=link_etag(target), **fields)
    etag, md5, crc = content_digest(source.data)
    return ObjectVersion(key, data=source.data, etag=etag, content_md5=md5, crc64=crc, object_type=NORMAL, **fields)


def copy_object(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket = ctx.store.bucket(request.bucket or "")
    source_bucket_name, source_key, source_version_id = parse_copy_source(request.header("x-oss-copy-source") or "")
    source_bucket = ctx.store.bucket(source_bucket_name)
    source = select_version(ctx, source_bucket, check_key(source_key), source_version_id)
    if ctx.quirks.has("copy-dereferences-link"):
        source = resolve_link(ctx, source_bucket, source)
    if source.needs_restore():
        raise OssError("InvalidObjectState", extras={"Key": source.key})
    check_conditions(request, source.etag, source.last_modified, prefix="x-oss-copy-source-")
    attributes = read_attributes(request, bucket, LINK_CLASSES if source.is_link else OBJECT_CLASSES)
    version = _copy_of(key, source, _copied_fields(request, source, attributes))
    stored = ctx.store.write(bucket.name, version, overwrite_guard(forbids_overwrite(ctx, attributes)))
    headers = version_headers(bucket, stored)
    if not stored.is_link:  # the SDKs check it against their own CRC when present (issue 15)
        headers["x-oss-hash-crc64ecma"] = str(stored.crc64)
    if source_bucket.versioning:
        headers["x-oss-copy-source-version-id"] = source.version_id
    body = xml_document(
        "CopyObjectResult", [element("ETag", stored.etag), element("LastModified", iso8601(stored.last_modified))]
    )
    return Response(200, {**headers, "Content-Type": "application/xml"}, body)
