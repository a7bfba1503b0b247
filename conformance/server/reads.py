"""GetObject, HeadObject and GetObjectMeta, including reading through a symlink.

Sources: docs/oss-facts.md §3 (through a link: target bytes, Content-Length/ETag/Content-MD5 from the target,
Last-Modified = max(link, target), everything else from the link; SymlinkTargetNotExist, InvalidTargetType,
InvalidObjectState; both ACLs must allow), §3.3 (GetObjectMeta reports the link itself), §3.4 (range and
conditionals), §2 (delete markers).
"""

from __future__ import annotations

import time

from conformance.server.conditions import check_conditions, parse_range
from conformance.server.context import Context
from conformance.server.errors import ErrorReply
from conformance.server.lookups import addressed, check_anonymous_read, resolve_link, stored_size, version_headers
from conformance.server.model import APPENDABLE, ARCHIVE_CLASSES, RESTORED, RESTORING, Bucket, ObjectVersion
from conformance.server.request import Request, Response
from conformance.server.xmlutil import http_date

RESPONSE_OVERRIDES = {
    "response-content-type": "Content-Type",
    "response-content-language": "Content-Language",
    "response-expires": "Expires",
    "response-cache-control": "Cache-Control",
    "response-content-disposition": "Content-Disposition",
    "response-content-encoding": "Content-Encoding",
}


def object_headers(bucket: Bucket, shown: ObjectVersion, content: ObjectVersion) -> dict[str, str]:
    """Headers of GET/HEAD: `shown` is what was addressed (maybe a link), `content` supplies the bytes."""
    headers = {
        "Content-Type": shown.content_type,
        "ETag": content.etag,
        "Last-Modified": http_date(max(shown.last_modified, content.last_modified)),
        "Accept-Ranges": "bytes",
        "x-oss-object-type": shown.object_type,
        "x-oss-storage-class": shown.storage_class,
        "x-oss-hash-crc64ecma": str(content.crc64),
    }
    if content.content_md5:
        headers["Content-MD5"] = content.content_md5
    headers.update(shown.http_headers)
    headers.update(shown.meta)
    headers.update(version_headers(bucket, shown))
    if shown.tags:
        headers["x-oss-tagging-count"] = str(len(shown.tags))
    if shown.object_type == APPENDABLE:
        headers["x-oss-next-append-position"] = str(shown.size)
    return headers


def restore_header(ctx: Context, version: ObjectVersion) -> str | None:
    """x-oss-restore (docs/oss-facts.md §30): absent, ongoing-request="true", or "false" with the expiry date."""
    state = version.restore_state(time.time())
    if state == RESTORING:
        return 'ongoing-request="true"'
    if state == RESTORED:
        return f'ongoing-request="false", expiry-date="{http_date(int(version.restore_expiry))}"'
    if version.storage_class in ARCHIVE_CLASSES and ctx.quirks.has("restore-header-always"):
        return 'ongoing-request="false"'
    return None


def _locate(ctx: Context, request: Request) -> tuple[Bucket, ObjectVersion, ObjectVersion]:
    """(bucket, addressed version, version with the bytes) with permissions checked link-first."""
    bucket, shown = addressed(ctx, request)
    # Asked for links only: a plain object is its own content, its read permission already checked by addressed
    # (a quirk asked is a quirk reached: conformance.reach).
    if shown.is_link and ctx.quirks.has("link-not-followed"):
        return bucket, shown, shown
    try:
        content = resolve_link(ctx, bucket, shown)
    except ErrorReply:
        check_anonymous_read(ctx, request, bucket, None)  # likewise for a missing or unusable target
        raise
    check_anonymous_read(ctx, request, bucket, content)  # the stricter of link and target wins
    return bucket, shown, content


def read_object(ctx: Context, request: Request) -> Response:
    """GetObject and HeadObject."""
    head = request.method == "HEAD"
    bucket, shown, content = _locate(ctx, request)
    through_link = shown.is_link and ctx.quirks.has("link-archive-target-readable")
    # HEAD of an unrestored Archive object succeeds [choice]
    if content.needs_restore() and not head and not through_link:
        raise ErrorReply("InvalidObjectState", extras={"Key": shown.key})
    headers = object_headers(bucket, shown, content)
    restore = restore_header(ctx, shown)
    if restore is not None:
        headers["x-oss-restore"] = restore
    last_modified = max(shown.last_modified, content.last_modified)
    _clone_headers(ctx, headers, shown, content)
    linked = (shown.last_modified, http_date(shown.last_modified)) != (last_modified, headers["Last-Modified"])
    if linked and ctx.quirks.has("last-modified-from-link"):  # asked only where it changes the reply
        last_modified = shown.last_modified
        headers["Last-Modified"] = http_date(last_modified)
    # Below, each quirk is asked only where it would change the reply: a quirk asked is a quirk reached
    # (conformance.reach).
    etag = shown.etag if shown.etag != content.etag and ctx.quirks.has("conditionals-use-link-etag") else content.etag
    try:
        check_conditions(request, etag, last_modified)
    except ErrorReply:
        if not ctx.quirks.has("conditionals-ignored"):
            raise
    if not head:
        overrides = {header: request.param(param) for param, header in RESPONSE_OVERRIDES.items()}
        overrides = {header: value or "" for header, value in overrides.items() if value is not None}
        if overrides and not ctx.quirks.has("response-overrides-ignored"):
            headers.update(overrides)
    byte_range = _byte_range(ctx, request, shown, content.size)
    if byte_range is None:
        return _reply(200, headers, content.data, head)
    first, last = byte_range
    headers["Content-Range"] = f"bytes {first}-{last}/{content.size}"
    return _reply(206, headers, content.data[first : last + 1], head)


def _reply(status: int, headers: dict[str, str], body: bytes, head: bool) -> Response:
    """GET sends the body; HEAD only its length."""
    if not head:
        return Response(status, headers, body)
    return Response(status, headers, b"", len(body))


def _byte_range(ctx: Context, request: Request, shown: ObjectVersion, size: int) -> tuple[int, int] | None:
    """The range to serve, in the range behaviour asked for; the quirk branches are clones' range handling."""
    value = request.header("range")
    if not value:  # the whole object, whatever the quirks below (asked only where they can matter)
        return None
    if ctx.quirks.has("range-ignored") or (ctx.quirks.has("range-ignored-through-link") and shown.is_link):
        return None
    if ctx.quirks.has("suffix-range-ignored") and value.replace(" ", "").startswith("bytes=-"):
        return None
    first = value.partition("=")[2].partition("-")[0].strip()
    if ctx.quirks.has("range-past-end-416") and first.isdigit() and int(first) >= size:
        raise ErrorReply("InvalidRange", extras={"RangeRequested": value, "ActualObjectSize": str(size)})
    standard = (request.header("x-oss-range-behavior") or "").lower() == "standard"
    if ctx.quirks.has("range-behavior-ignored"):
        standard = False
    if not standard and ctx.quirks.has("range-end-truncated"):  # RFC 7233 for an end past the object
        try:
            return parse_range(value, size, standard=True)
        except ErrorReply:
            return None
    return parse_range(value, size, standard)


def _clone_headers(ctx: Context, headers: dict[str, str], shown: ObjectVersion, content: ObjectVersion) -> None:
    """Header mistakes of clones reading through a link (quirks); a no-op when none is enabled. Each is asked only
    where it would change a header: a quirk asked is a quirk reached (conformance.reach)."""
    leaked = {name: value for name, value in content.meta.items() if name not in headers}
    if leaked and ctx.quirks.has("target-meta-leaked"):
        headers.update(leaked)
    if headers.get("Content-Type") != content.content_type and ctx.quirks.has("content-type-from-target"):
        headers["Content-Type"] = content.content_type
    if headers.get("x-oss-object-type") != content.object_type and ctx.quirks.has("object-type-from-target"):
        headers["x-oss-object-type"] = content.object_type


def get_object_meta(ctx: Context, request: Request) -> Response:
    """HEAD ?objectMeta: the addressed object itself, never the link's target (docs/oss-facts.md §3.3)."""
    if ctx.quirks.has("objectmeta-not-implemented"):
        raise ErrorReply("NotImplemented")
    bucket, shown = addressed(ctx, request)
    described = shown
    if ctx.quirks.has("objectmeta-follows-link"):
        described = resolve_link(ctx, bucket, shown)
    headers = {
        "ETag": described.etag,
        "Last-Modified": http_date(described.last_modified),
        **version_headers(bucket, shown),
    }
    return Response(200, headers, b"", stored_size(described))
