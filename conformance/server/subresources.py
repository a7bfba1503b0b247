"""Object sub-resources: `?acl`, `?tagging`, `?restore`. On a link they act on the link itself
(docs/oss-facts.md §4: tagging and ACL ops apply to the link; RestoreObject on a link -> 400 OperationNotSupported [I]).
"""

from __future__ import annotations

from dataclasses import replace

from conformance.server.attributes import check_tags, object_acl
from conformance.server.context import Context
from conformance.server.errors import OssError
from conformance.server.model import ARCHIVE_CLASSES, Bucket, ObjectVersion
from conformance.server.reads import require_key, resolve_link, select_version, version_headers
from conformance.server.request import Request, Response
from conformance.server.xmlutil import child_text, element, parse_xml, xml_document

OWNER_ID = "1000000000000000"


def owner_element(owner_id: str = OWNER_ID) -> str:
    return element("Owner", [element("ID", owner_id), element("DisplayName", owner_id)])


def _target(ctx: Context, request: Request) -> tuple[Bucket, ObjectVersion]:
    key = require_key(request)
    bucket = ctx.store.bucket(request.bucket or "")
    return bucket, select_version(ctx, bucket, key, request.param("versionId"))


def _update(ctx: Context, bucket: Bucket, version: ObjectVersion, **changes: object) -> ObjectVersion:
    return ctx.store.update(bucket.name, version.key, version.version_id, lambda v: replace(v, **changes))


def xml_reply(root: str, children: list[str], headers: dict[str, str] | None = None) -> Response:
    return Response(200, {"Content-Type": "application/xml", **(headers or {})}, xml_document(root, children))


# ---------------------------------------------------------------- ACL


def acl_policy(grant: str) -> list[str]:
    return [owner_element(), element("AccessControlList", [element("Grant", grant)])]


def get_object_acl(ctx: Context, request: Request) -> Response:
    bucket, version = _target(ctx, request)
    return xml_reply("AccessControlPolicy", acl_policy(version.acl), version_headers(bucket, version))


def put_object_acl(ctx: Context, request: Request) -> Response:
    bucket, version = _target(ctx, request)
    if request.header("x-oss-object-acl") is None:
        raise OssError("MissingArgument", "Missing x-oss-object-acl.", extras={"ArgumentName": "x-oss-object-acl"})
    if ctx.quirks.has("acl-follows-link"):
        version = resolve_link(ctx, bucket, version)
    updated = _update(ctx, bucket, version, acl=object_acl(request))
    return Response(200, version_headers(bucket, updated))


# ---------------------------------------------------------------- tagging


def _parse_tagging(body: bytes) -> tuple[tuple[str, str], ...]:
    root = parse_xml(body)
    if root is None or root.tag != "Tagging":
        raise OssError("MalformedXML")
    pairs = []
    for tag in root.findall("TagSet/Tag"):
        key, value = child_text(tag, "Key"), child_text(tag, "Value")
        if key is None:
            raise OssError("MalformedXML")
        pairs.append((key, value or ""))
    return check_tags(pairs)


def get_object_tagging(ctx: Context, request: Request) -> Response:
    bucket, version = _target(ctx, request)
    tags = [element("Tag", [element("Key", k), element("Value", v)]) for k, v in version.tags]
    return xml_reply("Tagging", [element("TagSet", tags)], version_headers(bucket, version))


def put_object_tagging(ctx: Context, request: Request) -> Response:
    bucket, version = _target(ctx, request)
    updated = _update(ctx, bucket, version, tags=_parse_tagging(request.body))
    return Response(200, version_headers(bucket, updated))


def delete_object_tagging(ctx: Context, request: Request) -> Response:
    bucket, version = _target(ctx, request)
    updated = _update(ctx, bucket, version, tags=())
    return Response(204, version_headers(bucket, updated))


# ---------------------------------------------------------------- restore


def restore_object(ctx: Context, request: Request) -> Response:
    """Restores complete at once: 202 the first time, 200 when already restored."""
    bucket, version = _target(ctx, request)
    if version.is_link or version.storage_class not in ARCHIVE_CLASSES:
        raise OssError("OperationNotSupported", extras={"Key": version.key})
    if version.restored:
        return Response(200, version_headers(bucket, version))
    updated = _update(ctx, bucket, version, restored=True)
    return Response(202, version_headers(bucket, updated))
