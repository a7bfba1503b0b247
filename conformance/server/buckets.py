"""Bucket-level operations: versioning, ACL, bucket info, create/delete/head.

Only what the suite and the SDK fixtures need (docs/oss-facts.md §8.2 lists the calls oss2's fixtures make).
"""

from __future__ import annotations

import re

from conformance.server.attributes import BUCKET_ACLS, OBJECT_CLASSES
from conformance.server.context import Context
from conformance.server.errors import ErrorReply, invalid_argument
from conformance.server.lookups import bucket_of
from conformance.server.replies import acl_policy, owner_element, xml_reply
from conformance.server.request import Request, Response
from conformance.server.xmlutil import child_text, element, iso8601, parse_xml

BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


def get_versioning(ctx: Context, request: Request) -> Response:
    bucket = bucket_of(ctx, request)
    status = [element("Status", bucket.versioning)] if bucket.versioning else []
    return xml_reply("VersioningConfiguration", status)


def put_versioning(ctx: Context, request: Request) -> Response:
    bucket = bucket_of(ctx, request)
    root = parse_xml(request.body)
    if root is None or root.tag != "VersioningConfiguration":
        raise ErrorReply("MalformedXML")
    status = child_text(root, "Status")
    if status not in ("Enabled", "Suspended"):
        raise ErrorReply("MalformedXML", extras={"ErrorDetail": "Status must be Enabled or Suspended."})
    ctx.store.configure_bucket(bucket.name, versioning=status)
    return Response(200)


def get_bucket_acl(ctx: Context, request: Request) -> Response:
    bucket = bucket_of(ctx, request)
    return xml_reply("AccessControlPolicy", acl_policy(bucket.acl))


def _bucket_acl(request: Request) -> str:
    value = request.header("x-oss-acl") or "private"
    if value not in BUCKET_ACLS:
        raise invalid_argument("no such bucket access control exists", name="x-oss-acl", value=value)
    return value


def put_bucket_acl(ctx: Context, request: Request) -> Response:
    bucket = bucket_of(ctx, request)
    ctx.store.configure_bucket(bucket.name, acl=_bucket_acl(request))
    return Response(200)


def get_bucket_info(ctx: Context, request: Request) -> Response:
    bucket = bucket_of(ctx, request)
    region = ctx.credentials.region
    info = [
        element("Name", bucket.name),
        element("CreationDate", iso8601(bucket.created)),
        element("ExtranetEndpoint", request.host),
        element("IntranetEndpoint", request.host),
        element("Location", f"oss-{region}"),
        element("Region", region),
        element("StorageClass", bucket.storage_class),
        element("Versioning", bucket.versioning or "Disabled"),
        owner_element(),
        element("AccessControlList", [element("Grant", bucket.acl)]),
        element("ServerSideEncryptionRule", [element("SSEAlgorithm", "None")]),
    ]
    return xml_reply("BucketInfo", [element("Bucket", info)])


def create_bucket(ctx: Context, request: Request) -> Response:
    name = request.bucket or ""
    if not BUCKET_NAME.match(name):
        raise ErrorReply("InvalidBucketName", extras={"BucketName": name})
    storage_class = "Standard"
    root = parse_xml(request.body) if request.body else None
    if root is not None:
        storage_class = child_text(root, "StorageClass") or storage_class
    if storage_class not in OBJECT_CLASSES:
        raise invalid_argument("The storage class is invalid.", name="StorageClass", value=storage_class)
    if not ctx.store.has_bucket(name):  # the owner creating a bucket it already has: 200, unchanged (issue 15)
        ctx.store.create_bucket(name, _bucket_acl(request), storage_class)
    return Response(200, {"Location": f"/{name}"})


def delete_bucket(ctx: Context, request: Request) -> Response:
    ctx.store.delete_bucket(request.bucket or "")
    return Response(204)


def head_bucket(ctx: Context, request: Request) -> Response:
    bucket_of(ctx, request)
    return Response(200)


def list_live_channels(ctx: Context, request: Request) -> Response:
    """LiveChannel is not modelled, so there is never one: oss2's test fixtures list live channels in tearDown
    (docs/oss-facts.md §8.2); an empty answer is the truthful one."""
    bucket_of(ctx, request)
    children = [element("Prefix", ""), element("Marker", ""), element("MaxKeys", 100), element("IsTruncated", False)]
    return xml_reply("ListLiveChannelResult", children)
