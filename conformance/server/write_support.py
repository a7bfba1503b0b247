"""What the operations that write share: the Content-MD5 check, x-oss-forbid-overwrite, the reply headers of a
write, and the x-oss-copy-source header of CopyObject and UploadPartCopy (docs/oss-facts.md §1.2, §22, §23).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from urllib.parse import unquote_plus

from conformance.client.signing import split_query
from conformance.server.attributes import Attributes
from conformance.server.context import Context
from conformance.server.errors import ErrorReply, invalid_argument
from conformance.server.lookups import version_headers
from conformance.server.model import Bucket, ObjectVersion
from conformance.server.request import Request


def check_content_md5(request: Request, data: bytes) -> None:
    value = request.header("content-md5")
    if value is None:
        return
    try:
        digest = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if digest != hashlib.md5(data).digest():
        raise ErrorReply("InvalidDigest", extras={"Content-MD5": value})


def forbids_overwrite(ctx: Context, attributes: Attributes, request: Request | None = None) -> bool:
    """Each quirk is asked only where it would change the answer: a quirk asked is a quirk reached
    (conformance.reach). forbid-overwrite-ignored wins over forbid-overwrite-any-value."""
    forbid = attributes.forbid_overwrite
    if request is not None:
        sent = request.header("x-oss-forbid-overwrite") is not None
        if sent != forbid and ctx.quirks.has("forbid-overwrite-any-value"):
            forbid = sent
    return forbid and not ctx.quirks.has("forbid-overwrite-ignored")


def write_headers(bucket: Bucket, version: ObjectVersion) -> dict[str, str]:
    headers = {"ETag": version.etag, "x-oss-hash-crc64ecma": str(version.crc64)}
    if version.content_md5:
        headers["Content-MD5"] = version.content_md5
    return {**headers, **version_headers(bucket, version)}


def parse_copy_source(value: str, decode: Callable[[str], str] = unquote_plus) -> tuple[str, str, str | None]:
    """`/bucket/url-encoded-key[?versionId=..]` -> (bucket, key, version id); form decoding as for
    symlink targets, since Go v1 encodes the key with QueryEscape (space -> '+') [choice]. `decode` is
    replaced only by CopyObject's decoding quirks."""
    path, _, query = value.partition("?")
    bucket, slash, raw_key = path.removeprefix("/").partition("/")
    if not bucket or not slash or not raw_key:
        raise invalid_argument(
            "Copy Source must mention the source bucket and key.", name="x-oss-copy-source", value=value
        )
    version_id = dict(split_query(query)).get("versionId")
    return bucket, decode(raw_key), version_id
