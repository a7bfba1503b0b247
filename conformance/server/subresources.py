"""Object sub-resources `?acl` and `?tagging` (RestoreObject is conformance/server/restore.py). On a link they act
on the link itself (docs/oss-facts.md §4: tagging and ACL ops apply to the link).
"""

from __future__ import annotations

import time
from dataclasses import replace

from conformance.server.attributes import OBJECT_ACLS, check_tags, object_acl
from conformance.server.context import Context
from conformance.server.errors import ErrorReply, xml_body
from conformance.server.lookups import bucket_of, require_key, resolve_link, select_version, version_headers
from conformance.server.model import Bucket, ObjectVersion
from conformance.server.replies import acl_policy, xml_reply
from conformance.server.request import Request, Response
from conformance.server.tagging import Tags
from conformance.server.xmlutil import child_text, element


def _target(ctx: Context, request: Request) -> tuple[Bucket, ObjectVersion]:
    key = require_key(request)
    bucket = bucket_of(ctx, request)
    return bucket, select_version(ctx, bucket, key, request.param("versionId"))


def _update(ctx: Context, bucket: Bucket, version: ObjectVersion, **changes: object) -> ObjectVersion:
    return ctx.store.update(bucket.name, version.key, version.version_id, lambda v: replace(v, **changes))


def _target_or_missing(ctx: Context, request: Request, missing_ok: bool) -> tuple[Bucket, ObjectVersion | None]:
    """`_target`, except that a quirk (`missing_ok`) makes a missing key None instead of 404 NoSuchKey."""
    try:
        return _target(ctx, request)
    except ErrorReply as error:
        if error.code != "NoSuchKey" or not missing_ok:
            raise
        return bucket_of(ctx, request), None


# ---------------------------------------------------------------- ACL (docs/oss-facts.md §28)


def get_object_acl(ctx: Context, request: Request) -> Response:
    bucket, version = _target_or_missing(ctx, request, ctx.quirks.has("acl-missing-key-ok"))
    if version is None:
        return xml_reply("AccessControlPolicy", acl_policy("default"))
    grant = version.acl
    if grant == "default" and ctx.quirks.has("acl-default-reads-bucket"):
        grant = bucket.acl
    policy = acl_policy(grant, flat=ctx.quirks.has("acl-flat-body"))
    return xml_reply("AccessControlPolicy", policy, version_headers(bucket, version))


def put_object_acl(ctx: Context, request: Request) -> Response:
    bucket, version = _target_or_missing(ctx, request, ctx.quirks.has("acl-missing-key-ok"))
    if version is None:
        return Response(200, {})
    value = request.header("x-oss-object-acl")
    if value is None:
        raise ErrorReply("MissingArgument", "Missing x-oss-object-acl.", extras={"ArgumentName": "x-oss-object-acl"})
    if ctx.quirks.has("acl-invalid-ignored") and value not in OBJECT_ACLS:
        return Response(200, version_headers(bucket, version))
    if ctx.quirks.has("acl-follows-link"):
        version = resolve_link(ctx, bucket, version)
    acl = object_acl(request)
    if acl == "public-read-write" and ctx.quirks.has("acl-public-read-write-downgraded"):
        acl = "public-read"
    updated = _update(ctx, bucket, version, acl=acl)
    return Response(200, version_headers(bucket, updated))


# ---------------------------------------------------------------- tagging (docs/oss-facts.md §29)


def _parse_tagging(ctx: Context, body: bytes) -> Tags:
    root = xml_body(body, "Tagging")
    pairs = []
    for tag in root.findall("TagSet/Tag"):
        key, value = child_text(tag, "Key"), child_text(tag, "Value")
        if key is None:
            raise ErrorReply("MalformedXML")
        pairs.append((key, value or ""))
    limits, characters = not ctx.quirks.has("tagging-limits-unchecked"), not ctx.quirks.has("tagging-chars-unchecked")
    tags = check_tags(pairs, limits, characters)
    if ctx.quirks.has("tagging-values-dropped"):
        return tuple((key, "") for key, _ in tags)
    return tags


def get_object_tagging(ctx: Context, request: Request) -> Response:
    bucket, version = _target_or_missing(ctx, request, ctx.quirks.has("tagging-missing-key-ok"))
    if version is None:
        return xml_reply("Tagging", [element("TagSet", [])])
    if not version.tags and ctx.quirks.has("tagging-empty-404"):
        raise ErrorReply("NoSuchKey", extras={"Key": version.key})
    tags = [element("Tag", [element("Key", k), element("Value", v)]) for k, v in version.tags]
    return xml_reply("Tagging", [element("TagSet", tags)], version_headers(bucket, version))


def put_object_tagging(ctx: Context, request: Request) -> Response:
    bucket, version = _target_or_missing(ctx, request, ctx.quirks.has("tagging-missing-key-ok"))
    tags = _parse_tagging(ctx, request.body)
    if version is None:
        return Response(200, {})
    if ctx.quirks.has("tagging-merge"):
        tags = tuple({**dict(version.tags), **dict(tags)}.items())
    updated = _update(ctx, bucket, version, tags=tags, **_touched(ctx))
    return Response(200, version_headers(bucket, updated))


def delete_object_tagging(ctx: Context, request: Request) -> Response:
    bucket, version = _target_or_missing(ctx, request, ctx.quirks.has("tagging-missing-key-ok"))
    if version is None:
        return Response(204, {})
    updated = _update(ctx, bucket, version, tags=(), **_touched(ctx))
    return Response(200 if ctx.quirks.has("tagging-delete-200") else 204, version_headers(bucket, updated))


def _touched(ctx: Context) -> dict[str, int]:
    """Changing tags leaves Last-Modified alone [D]; clones that rewrite the object move it."""
    return {"last_modified": int(time.time())} if ctx.quirks.has("tagging-touches-last-modified") else {}
