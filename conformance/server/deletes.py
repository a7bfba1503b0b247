"""DeleteObject and DeleteMultipleObjects (`POST /?delete`).

Sources: docs/oss-facts.md §4 (a link is deleted as itself; versioned deletes answer with x-oss-delete-marker and
x-oss-version-id). DeleteObject is idempotent: a missing key is 204.
"""

from __future__ import annotations

from urllib.parse import quote

from conformance.server.attributes import check_mutable, immutable
from conformance.server.context import Context
from conformance.server.errors import OssError
from conformance.server.reads import require_key
from conformance.server.request import Request, Response
from conformance.server.storage import Deleted
from conformance.server.writes import check_content_md5
from conformance.server.xmlutil import child_text, element, parse_xml, xml_document

MAX_DELETE_KEYS = 1000


def _delete_headers(deleted: Deleted) -> dict[str, str]:
    headers = {}
    if deleted.version_id is not None:
        headers["x-oss-version-id"] = deleted.version_id
    if deleted.delete_marker:
        headers["x-oss-delete-marker"] = "true"
    return headers


def delete_object(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket = ctx.store.bucket(request.bucket or "")
    current = ctx.store.current(bucket.name, key)
    if ctx.quirks.has("delete-follows-link") and current is not None and current.is_link:
        key = current.target or key
    version_id = request.param("versionId")
    no_marker = (
        ctx.quirks.has("versioned-delete-without-marker")
        and bucket.versioning == "Enabled"
        and version_id is None
        and current is not None
    )
    if no_marker:
        version_id = current.version_id  # the current version itself goes, and no marker is written
    deleted = ctx.store.delete(bucket.name, key, version_id, guard=check_mutable)
    return Response(204, {} if no_marker else _delete_headers(deleted))


def _requested_objects(request: Request) -> tuple[bool, list[tuple[str, str | None]]]:
    root = parse_xml(request.body)
    if root is None or root.tag != "Delete":
        raise OssError("MalformedXML")
    objects = [(child_text(node, "Key"), child_text(node, "VersionId")) for node in root.findall("Object")]
    if not objects or len(objects) > MAX_DELETE_KEYS or any(not key for key, _ in objects):
        raise OssError("MalformedXML")
    quiet = (child_text(root, "Quiet") or "false").strip().lower() == "true"
    return quiet, [(key or "", version_id) for key, version_id in objects]


def _deleted_entry(key: str, deleted: Deleted, encode: bool, version_requested: bool) -> str:
    children = [element("Key", quote(key, safe="/") if encode else key)]
    if deleted.delete_marker:
        children.append(element("DeleteMarker", True))
        if deleted.version_id is not None:
            children.append(element("DeleteMarkerVersionId", deleted.version_id))
    if version_requested and deleted.version_id is not None:
        children.append(element("VersionId", deleted.version_id))
    return element("Deleted", children)


def delete_multiple(ctx: Context, request: Request) -> Response:
    bucket = ctx.store.bucket(request.bucket or "")
    if request.header("content-md5") is None:  # required by the API [choice of code: MissingArgument]
        raise OssError("MissingArgument", "Missing Content-MD5.", extras={"ArgumentName": "Content-MD5"})
    check_content_md5(request, request.body)
    quiet, objects = _requested_objects(request)
    # WORM: refuse the whole request before deleting anything [choice: OSS documents no per-key errors]
    for key, version_id in objects:
        current = (
            ctx.store.current(bucket.name, key)
            if version_id is None
            else ctx.store.version(bucket.name, key, version_id)
        )
        if immutable(bucket, current):
            raise OssError("FileImmutable", extras={"Key": key})
    encode = request.param("encoding-type") == "url"
    entries = []
    for key, version_id in objects:
        deleted = ctx.store.delete(bucket.name, key, version_id, guard=check_mutable)
        entries.append(_deleted_entry(key, deleted, encode, version_id is not None))
    children = [] if quiet else entries
    if encode:
        children.append(element("EncodingType", "url"))
    return Response(200, {"Content-Type": "application/xml"}, xml_document("DeleteResult", children))
