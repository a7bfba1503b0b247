"""PutSymlink (`PUT ?symlink`) and GetSymlink (`GET ?symlink`).

Sources: OSS-FACTS 1 (PutSymlink: target header decoded with form rules, no target checks at create time,
link classes Standard/IA/Archive, attributes stored on the link, EC 0043-00000001 for a missing target header)
and 2 (GetSymlink: target percent-encoded, link's ETag/Last-Modified/Content-Type/meta, NotSymlink EC
0043-00000101, delete-marker replies).
"""

from __future__ import annotations

from urllib.parse import quote, unquote_plus

from conformance.server.attributes import LINK_CLASSES, overwrite_guard, read_attributes
from conformance.server.context import Context
from conformance.server.errors import OssError
from conformance.server.model import SYMLINK, ObjectVersion, link_etag
from conformance.server.reads import addressed, require_key, version_headers
from conformance.server.request import Request, Response
from conformance.server.writes import check_content_md5, forbids_overwrite
from conformance.server.xmlutil import http_date

TARGET_HEADER = "x-oss-symlink-target"


def _check_implemented(ctx: Context) -> None:
    if ctx.quirks.has("symlink-not-implemented"):
        raise OssError("NotImplemented", "PutSymlink and GetSymlink are not implemented.")


def decode_target(ctx: Context, raw: str) -> str:
    """Form decoding (`+` is a space): the one rule consistent with oss2, Go v1 and Java (OSS-FACTS 1.7)."""
    if ctx.quirks.has("symlink-target-raw"):
        return raw
    return unquote_plus(raw)


def encode_target(ctx: Context, target: str) -> str:
    """Percent-encoded with `/` kept: `+` -> %2B, space -> %20, non-ASCII -> %XX (OSS-FACTS 2)."""
    if ctx.quirks.has("symlink-target-raw"):
        return target
    return quote(target, safe="/")


def put_symlink(ctx: Context, request: Request) -> Response:
    _check_implemented(ctx)
    key = require_key(request)
    bucket = ctx.store.bucket(request.bucket or "")
    raw_target = request.header(TARGET_HEADER)
    if raw_target is None:
        raise OssError(
            "MissingArgument",
            "PutSymlink request is missing the x-oss-symlink-target header.",
            ec="0043-00000001",
            extras={"ArgumentName": TARGET_HEADER},
        )
    target = decode_target(ctx, raw_target)  # deliberately no existence/type/name check (OSS-FACTS 1.6)
    attributes = read_attributes(request, bucket, LINK_CLASSES)
    check_content_md5(request, request.body)  # the Python V2 SDK sends the MD5 of the empty body
    link = ObjectVersion(key, object_type=SYMLINK, target=target, etag=link_etag(target), **attributes.version_fields())
    stored = ctx.store.write(bucket.name, link, overwrite_guard(forbids_overwrite(ctx, attributes)))
    return Response(200, {"ETag": stored.etag, **version_headers(bucket, stored)})


def get_symlink(ctx: Context, request: Request) -> Response:
    _check_implemented(ctx)
    bucket, link = addressed(ctx, request)
    if not link.is_link:
        raise OssError("NotSymlink", extras={"Key": link.key})
    headers = {
        TARGET_HEADER: encode_target(ctx, link.target or ""),
        "ETag": link.etag,
        "Last-Modified": http_date(link.last_modified),
        "Content-Type": link.content_type,
        **link.meta,
        **version_headers(bucket, link),
    }
    return Response(200, headers)
