"""AppendObject: `POST /<key>?append&position=N`.

Sources: docs/oss-facts.md §25 (positions, next position, CRC-64 of the whole object, attributes of the first
append only, errors), §4 (AppendObject on a link is 409 ObjectNotAppendable).
"""

from __future__ import annotations

import time
from dataclasses import replace

from conformance.server.attributes import check_mutable, read_attributes
from conformance.server.context import Context
from conformance.server.crc64 import crc64_ecma
from conformance.server.errors import ErrorReply, invalid_argument
from conformance.server.lookups import bucket_of, require_key
from conformance.server.model import APPENDABLE, NORMAL, Bucket, ObjectVersion, content_digest
from conformance.server.request import Request, Response
from conformance.server.write_support import check_content_md5, write_headers


def _append_position(ctx: Context, request: Request) -> int:
    """docs/oss-facts.md §25.4: missing -> 400 MissingArgument (EC 0016-00000501); not an integer -> EC
    0016-00000502, whose Code is not documented: InvalidArgument [choice]."""
    value = request.param("position")
    if value is None and not ctx.quirks.has("append-missing-position-invalid"):
        raise ErrorReply("MissingArgument", ec="0016-00000501", extras={"ArgumentName": "position"})
    if value is not None and ctx.quirks.has("append-position-lenient") and not value.isdigit():
        return 0  # a parser that reads what it cannot parse as 0
    if value is None or not value.isdigit():
        raise invalid_argument("Position is invalid.", "0016-00000502", name="position", value=value or "")
    return int(value)


def _appendable_types(ctx: Context) -> tuple[str, ...]:
    return (APPENDABLE, NORMAL) if ctx.quirks.has("append-to-normal") else (APPENDABLE,)


def _check_append(ctx: Context, current: ObjectVersion | None, position: int) -> None:
    """The type first (a Normal object at its own length is still ObjectNotAppendable), then the position."""
    size = 0
    if current is not None and not current.delete_marker:
        if current.object_type not in _appendable_types(ctx):  # a Normal object or a link (§4)
            raise ErrorReply("ObjectNotAppendable", extras={"Key": current.key})
        size = current.size
        if position == 0 and ctx.quirks.has("append-zero-on-existing-refused"):
            size = max(size, 1)  # any existing object counts as "not at its start"
    if position != size and not ctx.quirks.has("append-position-unchecked"):
        headers = {"x-oss-next-append-position": str(size)}
        if ctx.quirks.has("append-mismatch-without-next-position"):
            headers = {}
        raise ErrorReply("PositionNotEqualToLength", headers=headers)


def _appended(version: ObjectVersion, chunk: bytes) -> ObjectVersion:
    """Appendable ETag = MD5 of the whole content [choice: OSS calls it opaque]; no Content-MD5."""
    data = version.data + chunk
    etag, _, _ = content_digest(data)
    return replace(
        version,
        data=data,
        etag=etag,
        crc64=crc64_ecma(chunk, version.crc64),
        last_modified=int(time.time()),
    )


def _create(ctx: Context, request: Request, bucket: Bucket, key: str, position: int) -> ObjectVersion:
    if ctx.quirks.has("append-first-meta-dropped"):
        for name in [name for name in request.headers if name.startswith("x-oss-meta-")]:
            del request.headers[name]
    attributes = read_attributes(request, bucket)
    fresh = ObjectVersion(key, object_type=APPENDABLE, **attributes.version_fields())

    def guard(bucket: Bucket, current: ObjectVersion | None) -> None:
        check_mutable(bucket, current)
        _check_append(ctx, current, position)

    return ctx.store.write(bucket.name, _appended(fresh, request.body), guard)


def _extend(ctx: Context, request: Request, bucket: Bucket, key: str, position: int) -> ObjectVersion:
    later_meta = {name: value for name, value in request.headers.items() if name.startswith("x-oss-meta-")}

    def change(current: ObjectVersion) -> ObjectVersion:
        # Appending extends the current version in place; no new version id [choice].
        check_mutable(bucket, current)
        if position == 0 and current.size and ctx.quirks.has("append-zero-restarts"):
            return _appended(replace(current, data=b"", crc64=0), request.body)
        _check_append(ctx, current, position)
        if not request.body and ctx.quirks.has("append-empty-body-refused"):
            raise ErrorReply("InvalidArgument", "The append body is empty.")
        if later_meta and ctx.quirks.has("append-later-meta-applied"):
            current = replace(current, meta=dict(sorted(later_meta.items())))
        return _appended(current, request.body)

    return ctx.store.update(bucket.name, key, None, change)


def append_object(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket = bucket_of(ctx, request)
    position = _append_position(ctx, request)
    check_content_md5(request, request.body)
    current = ctx.store.current(bucket.name, key)
    if ctx.quirks.has("append-follows-link") and current is not None and current.is_link:
        key = current.target or key
        current = ctx.store.current(bucket.name, key)
    created = current is None or current.delete_marker
    stored = (_create if created else _extend)(ctx, request, bucket, key, position)
    headers = {**write_headers(bucket, stored), "x-oss-next-append-position": str(stored.size)}
    if created and ctx.quirks.has("append-create-without-next-position"):
        del headers["x-oss-next-append-position"]
    if ctx.quirks.has("append-next-position-of-chunk"):
        headers["x-oss-next-append-position"] = str(len(request.body))
    if ctx.quirks.has("append-crc64-of-chunk"):
        headers["x-oss-hash-crc64ecma"] = str(crc64_ecma(request.body))
    return Response(200, headers)
