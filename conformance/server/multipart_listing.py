"""ListMultipartUploads (`GET /?uploads`): uploads in progress by key, then upload id.

Sources: docs/oss-facts.md §17: prefix, delimiter (CommonPrefixes), max-uploads (default and max 1000),
key-marker (keys strictly after it), upload-id-marker (with key-marker: that key's uploads after the id; ignored
alone), NextKeyMarker / NextUploadIdMarker, encoding-type url.
"""

from __future__ import annotations

from collections.abc import Iterable

from conformance.server.context import Context
from conformance.server.errors import invalid_argument
from conformance.server.lookups import bucket_of
from conformance.server.model import Upload
from conformance.server.paging import Encoder, Page
from conformance.server.replies import xml_reply
from conformance.server.request import Request, Response
from conformance.server.xmlutil import element, iso8601

MAX_UPLOADS = 1000


def _max_uploads(ctx: Context, request: Request) -> int:
    value = request.param("max-uploads") or str(MAX_UPLOADS)
    if not value.isdigit() or not 0 < int(value) <= MAX_UPLOADS:
        raise invalid_argument("max-uploads must be between 1 and 1000.", name="max-uploads", value=value)
    return MAX_UPLOADS if ctx.quirks.has("list-uploads-max-ignored") else int(value)


def _after_markers(uploads: Iterable[Upload], key_marker: str, id_marker: str) -> Iterable[tuple[str, Upload]]:
    """Keys after key-marker; with an upload-id-marker too, that key's uploads after the id."""
    for upload in uploads:
        if upload.key > key_marker or (upload.key == key_marker and id_marker and upload.upload_id > id_marker):
            yield upload.key, upload


def list_multipart_uploads(ctx: Context, request: Request) -> Response:
    bucket = bucket_of(ctx, request)
    if ctx.quirks.has("mpu-encoding-type-ignored"):
        request.query = [(name, value) for name, value in request.query if name != "encoding-type"]
    encode, limit = Encoder(request), _max_uploads(ctx, request)
    prefix, delimiter = request.param("prefix") or "", request.param("delimiter") or ""
    key_marker, id_marker = request.param("key-marker") or "", request.param("upload-id-marker") or ""
    if not key_marker:
        id_marker = ""  # upload-id-marker counts only with a key-marker
    if ctx.quirks.has("list-uploads-delimiter-ignored"):
        delimiter = ""
    uploads = [] if ctx.quirks.has("list-uploads-empty") else ctx.store.uploads(bucket.name)
    if ctx.quirks.has("list-uploads-key-marker-inclusive") and key_marker and not id_marker:
        key_marker, id_marker = key_marker[:-1], ""  # sorts just before the marker: the marker key is listed
    rows = _after_markers((u for u in uploads if u.key.startswith(prefix)), key_marker, id_marker)
    page = Page(rows, prefix, delimiter, request.param("key-marker") or "", limit)
    last_key, last_upload = page.last if page.truncated and page.last else ("", None)
    children = [
        element("Bucket", bucket.name),
        encode("KeyMarker", request.param("key-marker") or ""),
        element("UploadIdMarker", id_marker),
        encode("NextKeyMarker", last_key),
        element("NextUploadIdMarker", last_upload.upload_id if last_upload else ""),
        encode("Delimiter", delimiter),
        encode("Prefix", prefix),
        element("MaxUploads", limit),
        element("IsTruncated", page.truncated),
    ]
    children += [
        element(
            "Upload",
            [encode("Key", key), element("UploadId", u.upload_id), element("Initiated", iso8601(u.initiated))],
        )
        for key, u in page.entries
    ]
    children += [element("CommonPrefixes", [encode("Prefix", p)]) for p in page.prefixes]
    return xml_reply("ListMultipartUploadsResult", children + encode.trailer())
