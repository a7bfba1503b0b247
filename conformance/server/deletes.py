"""DeleteObject and DeleteMultipleObjects (`POST /?delete`).

Sources: docs/oss-facts.md §4 (a link is deleted as itself; versioned deletes answer with x-oss-delete-marker and
x-oss-version-id). DeleteObject is idempotent: a missing key is 204.
"""

from __future__ import annotations

import sys
from urllib.parse import quote

from conformance.server.attributes import check_mutable, immutable
from conformance.server.context import Context
from conformance.server.errors import ErrorReply
from conformance.server.lookups import bucket_of, require_key
from conformance.server.request import Request, Response
from conformance.server.storage import Deleted
from conformance.server.write_support import check_content_md5
from conformance.server.xmlutil import child_text, element, parse_xml, parse_xml_with_controls, xml_document

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
    bucket = bucket_of(ctx, request)
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
    if ctx.quirks.has("delete-missing-404") and (current is None or current.delete_marker):
        raise ErrorReply("NoSuchKey", extras={"Key": key})
    deleted = ctx.store.delete(bucket.name, key, version_id, guard=check_mutable)
    return Response(204, {} if no_marker else _delete_headers(deleted))


def _requested_objects(ctx: Context, request: Request) -> tuple[bool, list[tuple[str, str | None]]]:
    """Keys may hold control characters, raw or as character references: the SDKs send both, and OSS takes
    them (docs/oss-facts.md §23), though XML 1.0 forbids them."""
    strict = ctx.quirks.has("batch-delete-strict-xml")
    root = parse_xml(request.body) if strict else parse_xml_with_controls(request.body)
    if root is None or root.tag != "Delete":
        raise ErrorReply("MalformedXML")
    objects = [(child_text(node, "Key"), child_text(node, "VersionId")) for node in root.findall("Object")]
    limit = sys.maxsize if ctx.quirks.has("batch-delete-no-limit") else MAX_DELETE_KEYS
    if not objects or len(objects) > limit or any(not key for key, _ in objects):
        raise ErrorReply("MalformedXML")
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
    bucket = bucket_of(ctx, request)
    if request.header("content-md5") is None:  # required by the API [choice of code: MissingArgument]
        raise ErrorReply("MissingArgument", "Missing Content-MD5.", extras={"ArgumentName": "Content-MD5"})
    if not ctx.quirks.has("batch-delete-md5-unchecked"):
        check_content_md5(request, request.body)
    quiet, objects = _requested_objects(ctx, request)
    quiet = quiet and not ctx.quirks.has("batch-delete-quiet-ignored")
    # WORM: refuse the whole request before deleting anything [choice: OSS documents no per-key errors]
    for key, version_id in objects:
        current = (
            ctx.store.current(bucket.name, key)
            if version_id is None
            else ctx.store.version(bucket.name, key, version_id)
        )
        if immutable(bucket, current):
            raise ErrorReply("FileImmutable", extras={"Key": key})
    encode = request.param("encoding-type") == "url" and not ctx.quirks.has("batch-delete-encoding-ignored")
    entries = []
    for key, version_id in objects:
        existed = ctx.store.current(bucket.name, key) is not None
        deleted = ctx.store.delete(bucket.name, key, version_id, guard=check_mutable)
        if existed or not ctx.quirks.has("batch-delete-skips-missing"):
            entries.append((key, _deleted_entry(key, deleted, encode, version_id is not None)))
    if ctx.quirks.has("batch-delete-sorted-entries"):
        entries.sort()
    entries = [entry for _, entry in entries]
    children = [] if quiet else entries
    if encode:
        children.append(element("EncodingType", "url"))
    return Response(200, {"Content-Type": "application/xml"}, xml_document("DeleteResult", children))
