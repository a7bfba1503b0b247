"""Finding what a request names, shared by every operation: its key, its bucket, the version it asks for, the
target of a link, and whether an anonymous caller may read it.

Sources: docs/oss-facts.md §2 (delete markers), §3.2 (both ACLs of a link must allow; SymlinkTargetNotExist,
InvalidTargetType), §4 (links resolve to the current version of their target), §7 (a link's size), §28 (ACLs).
"""

from __future__ import annotations

from conformance.server.attributes import check_key
from conformance.server.context import Context
from conformance.server.errors import ErrorReply
from conformance.server.model import Bucket, ObjectVersion
from conformance.server.request import Request


def bucket_of(ctx: Context, request: Request) -> Bucket:
    """The bucket a request names (the front has checked that it exists)."""
    return ctx.store.bucket(request.bucket or "")


_RESOLVED: dict[tuple[int, str, str, str, str], ObjectVersion] = {}  # the link-resolution-cached quirk's cache
PUBLIC_READ_ACLS = ("public-read", "public-read-write")


def require_key(request: Request) -> str:
    if request.key_error:
        raise request.key_error
    return check_key(request.key or "")


def version_headers(bucket: Bucket, version: ObjectVersion) -> dict[str, str]:
    return {"x-oss-version-id": version.version_id} if bucket.versioning else {}


def select_version(ctx: Context, bucket: Bucket, key: str, version_id: str | None) -> ObjectVersion:
    """The requested version (current when no versionId); delete markers answer as OSS does."""
    if version_id is None:
        version = ctx.store.current(bucket.name, key)
        if version is None:
            raise ErrorReply("NoSuchKey", extras={"Key": key})
        if version.delete_marker:
            marker = {"x-oss-delete-marker": "true", "x-oss-version-id": version.version_id}
            raise ErrorReply("NoSuchKey", extras={"Key": key}, headers=marker)
        return version
    version = ctx.store.version(bucket.name, key, version_id)
    if version is None:
        raise ErrorReply("NoSuchVersion", extras={"Key": key, "VersionId": version_id})
    if version.delete_marker:
        headers = {"x-oss-delete-marker": "true", "x-oss-version-id": version_id, "Allow": "DELETE"}
        raise ErrorReply("MethodNotAllowed", extras={"Method": "GET", "ResourceType": "DeleteMarker"}, headers=headers)
    return version


def resolve_link(ctx: Context, bucket: Bucket, link: ObjectVersion, hops: int = 0) -> ObjectVersion:
    """The current version of a link's target (docs/oss-facts.md §4: links resolve to the current version)."""
    if not link.is_link:
        return link
    target = ctx.store.current(bucket.name, link.target or "")
    if target is None or target.delete_marker:
        if ctx.quirks.has("missing-target-as-no-such-key"):
            raise ErrorReply("NoSuchKey", extras={"Key": link.target or ""})
        raise ErrorReply("SymlinkTargetNotExist", extras={"Key": link.key, "SymlinkTarget": link.target or ""})
    if ctx.quirks.has("link-resolution-cached"):  # the first resolution sticks, keyed by the link version
        target = _RESOLVED.setdefault((id(ctx.store), bucket.name, link.key, link.version_id, link.etag), target)
    if target.is_link:
        if ctx.quirks.has("chained-links-followed") and hops < 8:
            return resolve_link(ctx, bucket, target, hops + 1)
        raise ErrorReply("InvalidTargetType", extras={"Key": link.key, "SymlinkTarget": link.target or ""})
    return target


def check_anonymous_read(ctx: Context, request: Request, bucket: Bucket, version: ObjectVersion | None) -> None:
    """Anonymous reads need an effective public-read ACL (`default` inherits the bucket's: docs/oss-facts.md §28)."""
    if not request.anonymous:
        return
    inherits = version is None or version.acl == "default" or ctx.quirks.has("anonymous-object-acl-ignored")
    acl = bucket.acl if inherits or version is None else version.acl
    if acl not in PUBLIC_READ_ACLS:
        if ctx.quirks.has("anonymous-denied-as-404"):
            raise ErrorReply("NoSuchKey", extras={"Key": request.key or ""})
        raise ErrorReply("AccessDenied")


def addressed(ctx: Context, request: Request) -> tuple[Bucket, ObjectVersion]:
    """The bucket and the version the request names, with an anonymous caller's read permission checked."""
    key = require_key(request)
    bucket = bucket_of(ctx, request)
    current = ctx.store.current(bucket.name, key)
    if current is None or current.delete_marker:
        check_anonymous_read(ctx, request, bucket, None)  # a missing key has the bucket's ACL: no existence oracle
    shown = select_version(ctx, bucket, key, request.param("versionId"))
    check_anonymous_read(ctx, request, bucket, shown)
    return bucket, shown


def stored_size(version: ObjectVersion) -> int:
    """A link's size is the length of its target name (docs/oss-facts.md §7: storage ~ target path) [choice]."""
    if version.is_link:
        return len((version.target or "").encode("utf-8", "surrogateescape"))
    return version.size
