"""CopyObject: `PUT /<DestKey>` with `x-oss-copy-source`.

Sources: docs/oss-facts.md §24 (source header, directives, source conditions, forbid-overwrite, storage class,
self-copy, the CopyObjectResult reply), §4 (a link as source copies the link itself).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote, unquote_plus

from conformance.server.attributes import (
    LINK_CLASSES,
    OBJECT_CLASSES,
    Attributes,
    check_key,
    overwrite_guard,
    read_attributes,
)
from conformance.server.conditions import check_conditions
from conformance.server.context import Context
from conformance.server.errors import ErrorReply, invalid_argument
from conformance.server.lookups import bucket_of, require_key, resolve_link, select_version, version_headers
from conformance.server.model import NORMAL, SYMLINK, Bucket, ObjectVersion, content_digest, link_etag
from conformance.server.request import Request, Response
from conformance.server.write_support import forbids_overwrite, parse_copy_source
from conformance.server.xmlutil import element, iso8601, parse_http_date, xml_document

# Directive spellings the pages give (a case-sensitive clone takes only these); OSS takes any case (§24.2).
DOCUMENTED_SPELLINGS = {"x-oss-metadata-directive": ("COPY", "REPLACE"), "x-oss-tagging-directive": ("Copy", "Replace")}


def _decoder(ctx: Context) -> Callable[[str], str]:
    if ctx.quirks.has("copy-source-raw-slash-split"):  # a raw '/' ends the key: '/b/dir/leaf' names 'dir'
        return lambda raw: unquote_plus(raw.split("/")[0])
    return unquote if ctx.quirks.has("copy-source-plain-decoded") else unquote_plus


def _source(ctx: Context, request: Request, bucket: Bucket) -> tuple[Bucket, ObjectVersion]:
    """The source bucket and version x-oss-copy-source names."""
    try:
        bucket_name, key, version_id = parse_copy_source(request.header("x-oss-copy-source") or "", _decoder(ctx))
    except ErrorReply:
        if ctx.quirks.has("copy-source-malformed-404"):
            raise ErrorReply("NoSuchKey") from None
        raise
    source_bucket = bucket if ctx.quirks.has("copy-source-bucket-ignored") else ctx.store.bucket(bucket_name)
    try:
        source = select_version(ctx, source_bucket, check_key(key), version_id)
    except ErrorReply as error:
        if error.code == "NoSuchKey" and ctx.quirks.has("copy-missing-source-invalid"):
            raise invalid_argument("The copy source is invalid.", name="x-oss-copy-source") from None
        raise
    if ctx.quirks.has("copy-dereferences-link"):
        source = resolve_link(ctx, source_bucket, source)
    return source_bucket, source


def _check_source_conditions(ctx: Context, request: Request, source: ObjectVersion) -> None:
    if ctx.quirks.has("copy-conditions-ignored"):
        return
    since = parse_http_date(request.header("x-oss-copy-source-if-unmodified-since"))
    if ctx.quirks.has("copy-unmodified-since-strict") and since is not None and source.last_modified >= since:
        raise ErrorReply("PreconditionFailed", extras={"Condition": "If-Unmodified-Since"})
    try:
        check_conditions(request, source.etag, source.last_modified, prefix="x-oss-copy-source-")
    except ErrorReply as error:
        if error.code == "NotModified" and ctx.quirks.has("copy-not-modified-as-412"):
            raise ErrorReply("PreconditionFailed") from None
        raise


def _replaces(ctx: Context, request: Request, header: str, default: str) -> bool:
    """Whether a directive says REPLACE. Values in any case: the SDKs send COPY, Copy and replace alike
    (issue 15) and OSS takes them; other values are 400 InvalidArgument [choice, §24.2]."""
    value = request.header(header) or default
    if ctx.quirks.has("copy-directive-case-sensitive") and value not in DOCUMENTED_SPELLINGS[header]:
        raise invalid_argument("Invalid directive.", name=header, value=value)
    if value.upper() not in ("COPY", "REPLACE"):
        if not ctx.quirks.has("copy-directive-unchecked"):
            raise invalid_argument("Invalid directive.", name=header, value=value)
        value = "COPY"
    return value.upper() == "REPLACE"


def _copied_fields(ctx: Context, request: Request, source: ObjectVersion, attributes: Attributes) -> dict[str, object]:
    fields = attributes.version_fields()
    replace_meta = _replaces(ctx, request, "x-oss-metadata-directive", "COPY")
    if ctx.quirks.has("copy-meta-replaced-when-given") and any(n.startswith("x-oss-meta-") for n in request.headers):
        replace_meta = True
    if ctx.quirks.has("copy-meta-directive-ignored"):
        replace_meta = False
    if not replace_meta:
        fields.update(content_type=source.content_type, http_headers=source.http_headers, meta=source.meta)
    replace_tags = _replaces(ctx, request, "x-oss-tagging-directive", "Copy")
    if not replace_tags or ctx.quirks.has("copy-tagging-directive-ignored"):
        fields["tags"] = () if ctx.quirks.has("copy-tags-dropped") else source.tags
    if ctx.quirks.has("copy-acl-copied") and request.header("x-oss-object-acl") is None:
        fields["acl"] = source.acl
    if ctx.quirks.has("copy-storage-class-ignored"):
        fields["storage_class"] = "Standard"
    return fields


def _copy_of(ctx: Context, key: str, source: ObjectVersion, fields: dict[str, object]) -> ObjectVersion:
    """A link copies as a link to the same target name (docs/oss-facts.md §4); an appendable copies as Normal."""
    if source.is_link:
        target = source.target or ""
        return ObjectVersion(key, object_type=SYMLINK, target=target, etag=link_etag(target), **fields)
    data = source.data[:1024] if ctx.quirks.has("copy-first-kib-only") else source.data
    etag, md5, crc = content_digest(data)
    return ObjectVersion(key, data=data, etag=etag, content_md5=md5, crc64=crc, object_type=NORMAL, **fields)


def _attributes(ctx: Context, request: Request, bucket: Bucket, source: ObjectVersion) -> Attributes:
    classes = LINK_CLASSES if source.is_link else OBJECT_CLASSES
    if ctx.quirks.has("copy-storage-class-unchecked") and request.header("x-oss-storage-class") not in classes:
        request.headers.pop("x-oss-storage-class", None)
    return read_attributes(request, bucket, classes)


def copy_object(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket = bucket_of(ctx, request)
    source_bucket, source = _source(ctx, request, bucket)
    if ctx.quirks.has("copy-self-refused") and (source_bucket.name, source.key) == (bucket.name, key):
        raise ErrorReply("InvalidRequest", "This copy request is illegal: it copies an object onto itself.")
    if source.needs_restore():
        raise ErrorReply("InvalidObjectState", extras={"Key": source.key})
    _check_source_conditions(ctx, request, source)
    attributes = _attributes(ctx, request, bucket, source)
    version = _copy_of(ctx, key, source, _copied_fields(ctx, request, source, attributes))
    stored = ctx.store.write(bucket.name, version, overwrite_guard(forbids_overwrite(ctx, attributes)))
    headers = version_headers(bucket, stored)
    if not stored.is_link:  # the SDKs check it when present
        headers["x-oss-hash-crc64ecma"] = str(stored.crc64)
    if source_bucket.versioning:
        headers["x-oss-copy-source-version-id"] = source.version_id
    body = xml_document(
        "CopyObjectResult", [element("ETag", stored.etag), element("LastModified", iso8601(stored.last_modified))]
    )
    return Response(200, {**headers, "Content-Type": "application/xml"}, body)
