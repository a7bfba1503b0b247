"""PutObject, and what the other writes share: Content-MD5, forbid-overwrite, write headers, the copy source.
AppendObject is in appends.py, CopyObject in copies.py.

Sources: docs/oss-facts.md §1.2 (common attributes), §4 (PutObject over a link replaces it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from urllib.parse import unquote_plus

from conformance.client.signing import split_query
from conformance.server import tagging
from conformance.server.attributes import (
    OBJECT_CLASSES,
    STANDARD_HEADERS,
    Attributes,
    overwrite_guard,
    read_attributes,
)
from conformance.server.context import Context
from conformance.server.errors import ErrorReply, invalid_argument
from conformance.server.model import Bucket, ObjectVersion, content_digest
from conformance.server.reads import require_key, version_headers
from conformance.server.request import Request, Response


def check_content_md5(request: Request, data: bytes) -> None:
    value = request.header("content-md5")
    if value is None:
        return
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if digest != hashlib.md5(data).digest():
        raise ErrorReply("InvalidDigest", extras={"Content-MD5": value})


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
    return Response(200, write_headers(bucket, stored))


# ---------------------------------------------------------------- copy source (CopyObject, UploadPartCopy)


def parse_copy_source(value: str, decode: Callable[[str], str] = unquote_plus) -> tuple[str, str, str | None]:
    """`/bucket/url-encoded-key[?versionId=..]` -> (bucket, key, version id); form decoding as for
    symlink targets, since Go v1 encodes the key with QueryEscape (space -> '+') [choice]. `decode` is
    replaced only by CopyObject's decoding quirks."""
    path, _, query = value.partition("?")
    bucket, slash, raw_key = path.removeprefix("/").partition("/")
    if not bucket or not slash or not raw_key:
        raise invalid_argument(
            "Copy Source must mention the source bucket and key.", name="x-oss-copy-source", value=value
        )
    version_id = dict(split_query(query)).get("versionId")
    return bucket, decode(raw_key), version_id
