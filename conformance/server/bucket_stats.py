"""GetBucketStat and GetBucketLocation: what SDKs and tools read about a bucket (docs/oss-facts.md §8.4).

OSS computes the statistics in the background, up to an hour late; the reference server counts at once, which
is one of the answers OSS may give.
"""

from __future__ import annotations

import time
from xml.sax.saxutils import escape

from conformance.server.context import Context
from conformance.server.lookups import bucket_of
from conformance.server.replies import xml_reply
from conformance.server.request import Request, Response
from conformance.server.xmlutil import element

# Storage class -> the element-name prefix GetBucketStat uses for it.
CLASS_PREFIX = {
    "Standard": "Standard",
    "IA": "InfrequentAccess",
    "Archive": "Archive",
    "ColdArchive": "ColdArchive",
    "DeepColdArchive": "DeepColdArchive",
}


def get_bucket_location(ctx: Context, request: Request) -> Response:
    return xml_reply("LocationConstraint", [escape(f"oss-{ctx.credentials.region}")])


def get_bucket_stat(ctx: Context, request: Request) -> Response:
    bucket = bucket_of(ctx, request)
    versions = [version for _, kept in ctx.store.snapshot(bucket.name) for version in kept]
    objects = [v for v in versions if not v.delete_marker]
    parts = [part for upload in ctx.store.uploads(bucket.name) for part in upload.parts.values()]
    counts = [
        element("Storage", sum(v.size for v in objects)),
        element("ObjectCount", len(objects)),
        element("MultipartUploadCount", len(ctx.store.uploads(bucket.name))),
        element("LiveChannelCount", 0),
        element("MultipartPartCount", len(parts)),
        element("MultipartPartStorage", sum(len(part.data) for part in parts)),
        element("DeleteMarkerCount", len(versions) - len(objects)),
        element("LastModifiedTime", int(time.time())),
    ]
    for storage_class, prefix in CLASS_PREFIX.items():
        kept = [v for v in objects if v.storage_class == storage_class]
        real = sum(v.size for v in kept)
        if prefix == "Standard":
            counts += [element("StandardStorage", real), element("StandardObjectCount", len(kept))]
        else:  # billed storage: what OSS bills (64 KB minimum per object) is not modelled, so it equals the real one
            counts += [
                element(f"{prefix}Storage", real),
                element(f"{prefix}RealStorage", real),
                element(f"{prefix}ObjectCount", len(kept)),
            ]
    return xml_reply("BucketStat", counts)
