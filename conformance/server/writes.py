"""PutObject, and what the other writes share: Content-MD5, forbid-overwrite, write headers, the copy source.
AppendObject is in appends.py, CopyObject in copies.py.

Sources: docs/oss-facts.md §1.2 (common attributes), §4 (PutObject over a link replaces it).
"""

from __future__ import annotations

from conformance.server import tagging
from conformance.server.attributes import (
    OBJECT_CLASSES,
    STANDARD_HEADERS,
    overwrite_guard,
    read_attributes,
)
from conformance.server.context import Context
from conformance.server.lookups import bucket_of, require_key
from conformance.server.model import ObjectVersion, content_digest
from conformance.server.request import Request, Response
from conformance.server.write_support import check_content_md5, forbids_overwrite, write_headers


def _clone_attributes(ctx: Context, request: Request) -> None:
    """PutObject attribute mistakes of clones (quirks): the headers they drop; a no-op when none is enabled.
    Each quirk is asked only where its header was sent: a quirk asked is a quirk reached (conformance.reach)."""
    dropped: list[str] = []
    standard = [name.lower() for name in STANDARD_HEADERS if request.header(name) is not None]
    if standard and ctx.quirks.has("put-drops-standard-headers"):
        dropped += standard
    if request.header("x-oss-object-acl") == "private" and ctx.quirks.has("put-acl-private-ignored"):
        dropped.append("x-oss-object-acl")
    if request.header("x-oss-tagging") is not None and ctx.quirks.has("put-tagging-ignored"):
        dropped.append("x-oss-tagging")
    _clone_tagging_header(ctx, request)
    value = request.header("x-oss-storage-class")
    if value == "IA" and ctx.quirks.has("put-ia-stored-standard"):
        dropped.append("x-oss-storage-class")
    if value is not None and value not in OBJECT_CLASSES and ctx.quirks.has("put-storage-class-unchecked"):
        dropped.append("x-oss-storage-class")
    for name in dropped:
        request.headers.pop(name, None)


def _clone_tagging_header(ctx: Context, request: Request) -> None:
    """x-oss-tagging as clones with these quirks read it (conformance/server/tagging.py)."""
    raw = request.header("x-oss-tagging")
    if raw is None:
        return
    flags = (
        ctx.quirks.has("tagging-header-lenient"),
        ctx.quirks.has("tagging-header-not-decoded"),
        ctx.quirks.has("tagging-bare-key-dropped"),
    )
    if any(flags):
        request.headers["x-oss-tagging"] = tagging.clone_header(raw, *flags)


def put_object(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket = bucket_of(ctx, request)
    _clone_attributes(ctx, request)
    attributes = read_attributes(request, bucket)
    if request.header("content-md5") is not None and not ctx.quirks.has("put-content-md5-unchecked"):
        check_content_md5(request, request.body)
    current = ctx.store.current(bucket.name, key)
    if current is not None and current.is_link and ctx.quirks.has("put-object-writes-through-link"):
        key = current.target or key
    etag, md5, crc = content_digest(request.body)
    version = ObjectVersion(
        key, data=request.body, etag=etag, content_md5=md5, crc64=crc, **attributes.version_fields()
    )
    stored = ctx.store.write(bucket.name, version, overwrite_guard(forbids_overwrite(ctx, attributes, request)))
    return Response(200, write_headers(bucket, stored))


# ---------------------------------------------------------------- copy source (CopyObject, UploadPartCopy)
