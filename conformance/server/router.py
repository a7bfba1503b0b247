"""Which operation answers a request: by level (service, bucket, object), method and sub-resource.

Sub-resources decide the operation (`?symlink` and `?symlink=` alike); other query parameters are ignored,
as OSS ignores them. Known OSS features this server does not model answer 501 NotImplemented.
"""

from __future__ import annotations

from collections.abc import Callable

from conformance.server import (
    appends,
    bucket_stats,
    buckets,
    copies,
    deletes,
    listing,
    multipart,
    multipart_listing,
    reads,
    restore,
    subresources,
    symlinks,
    writes,
)
from conformance.server.context import Context
from conformance.server.errors import ErrorReply
from conformance.server.request import Request, Response

Operation = Callable[[Context, Request], Response]
Routes = dict[str, list[tuple[str | None, Operation]]]


def put_or_copy(ctx: Context, request: Request) -> Response:
    copying = request.header("x-oss-copy-source") is not None
    request.operation = copies.copy_object if copying else writes.put_object
    return request.operation(ctx, request)


OBJECT_ROUTES: Routes = {
    "GET": [
        ("uploadId", multipart.list_parts),
        ("symlink", symlinks.get_symlink),
        ("acl", subresources.get_object_acl),
        ("tagging", subresources.get_object_tagging),
        (None, reads.read_object),
    ],
    "HEAD": [("objectMeta", reads.get_object_meta), (None, reads.read_object)],
    "PUT": [
        ("uploadId", multipart.upload_part),
        ("symlink", symlinks.put_symlink),
        ("acl", subresources.put_object_acl),
        ("tagging", subresources.put_object_tagging),
        (None, put_or_copy),
    ],
    "POST": [
        ("uploads", multipart.initiate),
        ("uploadId", multipart.complete),
        ("append", appends.append_object),
        ("restore", restore.restore_object),
    ],
    "DELETE": [
        ("uploadId", multipart.abort),
        ("tagging", subresources.delete_object_tagging),
        (None, deletes.delete_object),
    ],
}

BUCKET_ROUTES: Routes = {
    "GET": [
        ("versioning", buckets.get_versioning),
        ("acl", buckets.get_bucket_acl),
        ("versions", listing.list_versions),
        ("bucketInfo", buckets.get_bucket_info),
        ("location", bucket_stats.get_bucket_location),
        ("stat", bucket_stats.get_bucket_stat),
        ("uploads", multipart_listing.list_multipart_uploads),
        ("live", buckets.list_live_channels),
        (None, listing.list_objects),
    ],
    "HEAD": [(None, buckets.head_bucket)],
    "PUT": [("versioning", buckets.put_versioning), ("acl", buckets.put_bucket_acl), (None, buckets.create_bucket)],
    "POST": [("delete", deletes.delete_multiple)],
    "DELETE": [(None, buckets.delete_bucket)],
}

SERVICE_ROUTES: Routes = {"GET": [(None, listing.list_buckets)]}

# What an anonymous caller may attempt; the operation then checks the effective ACL (docs/oss-facts.md §3.2).
ANONYMOUS_OPERATIONS = frozenset({reads.read_object, symlinks.get_symlink})

# Sub-resources that only make sense on an object: on a bare bucket they mean an empty object name.
OBJECT_ONLY = ("symlink", "objectMeta", "append", "restore")

UNSUPPORTED = frozenset(
    "cors lifecycle logging website referer policy live worm wormId wormExtend "
    "encryption replication inventory qos requestPayment x-oss-process comp stat location cname "
    "transferAcceleration resourceGroup style metaQuery objectInfo callback regions".split()
)
BUCKET_UNSUPPORTED = frozenset({"tagging"})


def _pick(routes: Routes, request: Request, unsupported: frozenset[str]) -> Operation:
    """The first route whose sub-resource is present; else 501 for a known but unmodelled feature;
    else the route without a sub-resource; else 501: an operation this server does not model (issue 15)."""
    for subresource, operation in routes.get(request.method, []):
        if subresource is not None and request.has(subresource):
            return operation
    if any(request.has(name) for name in unsupported):
        raise ErrorReply("NotImplemented")
    for subresource, operation in routes.get(request.method, []):
        if subresource is None:
            return operation
    raise ErrorReply("NotImplemented", extras={"Method": request.method})


def _routes(request: Request) -> Routes:
    if request.bucket is None:
        return SERVICE_ROUTES
    if request.key is None and any(request.has(name) for name in OBJECT_ONLY):
        request.key = ""  # e.g. `PUT /bucket/?symlink`: an object operation without a name
    if request.key is None:
        return BUCKET_ROUTES
    return OBJECT_ROUTES


def creates_bucket(request: Request) -> bool:
    """PutBucket: the one request whose bucket need not exist yet."""
    return request.method == "PUT" and request.key is None and not request.query


def dispatch(ctx: Context, request: Request) -> Response:
    routes = _routes(request)
    unsupported = UNSUPPORTED | (BUCKET_UNSUPPORTED if routes is BUCKET_ROUTES else frozenset())
    operation = _pick(routes, request, unsupported)
    if request.anonymous and operation not in ANONYMOUS_OPERATIONS:
        raise ErrorReply("AccessDenied", "Anonymous access is forbidden for this operation.")
    request.operation = operation
    return operation(ctx, request)
