"""Multipart upload: InitiateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload,
AbortMultipartUpload, ListParts. (ListMultipartUploads is in multipart_listing.py.)

Sources: docs/oss-facts.md §11-§16: part numbers 1..10000 (400 InvalidArgument), part ETag = MD5 of the
part, sizes judged only at Complete (every part but the last >= 100 KB), the Complete list ascending with gaps
allowed (InvalidPartOrder), every listed part uploaded with that ETag (InvalidPart), forbid-overwrite at Initiate
and Complete (409 FileAlreadyExists), `x-oss-complete-all: yes` with an empty body, unknown or finished upload ids
404 NoSuchUpload.
"""

from __future__ import annotations

import hashlib
import time
from itertools import pairwise
from urllib.parse import quote

from conformance.server.attributes import overwrite_guard, read_attributes
from conformance.server.conditions import check_conditions, parse_range
from conformance.server.context import Context
from conformance.server.errors import ErrorReply, invalid_argument, xml_body
from conformance.server.lookups import bucket_of, require_key, select_version, version_headers
from conformance.server.model import MULTIPART, ObjectVersion, Part, Upload, content_digest
from conformance.server.replies import xml_reply
from conformance.server.request import Request, Response
from conformance.server.storage import new_upload_id
from conformance.server.write_support import check_content_md5, forbids_overwrite, parse_copy_source
from conformance.server.xmlutil import child_text, element, iso8601

MIN_PART_SIZE = 102400  # 100 KB, every part but the last
MAX_PART_NUMBER = 10000


def encoded(ctx: Context, request: Request) -> bool:
    """Whether names in the reply are url-encoded (`encoding-type=url`)."""
    return request.param("encoding-type") == "url" and not ctx.quirks.has("mpu-encoding-type-ignored")


def name_element(tag: str, name: str, encode: bool) -> str:
    return element(tag, quote(name, safe="/") if encode else name)


# ---------------------------------------------------------------- initiate


def initiate(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket = bucket_of(ctx, request)
    if request.header("x-oss-storage-class") is not None and ctx.quirks.has("mpu-storage-class-unchecked"):
        request.headers.pop("x-oss-storage-class", None)
    attributes = read_attributes(request, bucket)
    upload = Upload(key, new_upload_id(), int(time.time()), attributes.version_fields())
    earlier = [started.upload_id for started in ctx.store.uploads(bucket.name) if started.key == key]
    if earlier and ctx.quirks.has("mpu-one-upload-per-key"):
        for upload_id in earlier:
            ctx.store.end_upload(bucket.name, key, upload_id)
    # An existing key is refused up front when forbid-overwrite is set (the 2021 Initiate error table).
    ctx.store.create_upload(bucket.name, upload, overwrite_guard(forbids_overwrite(ctx, attributes)))
    encode = encoded(ctx, request)
    children = [element("Bucket", bucket.name), name_element("Key", key, encode), element("UploadId", upload.upload_id)]
    if ctx.quirks.has("initiate-result-without-key"):
        del children[1]
    if encode:
        children.insert(0, element("EncodingType", "url"))
    return xml_reply("InitiateMultipartUploadResult", children)


# ---------------------------------------------------------------- parts


def part_number(ctx: Context, request: Request) -> int:
    value = request.param("partNumber")
    if value is None or value == "":
        raise invalid_argument("Unexpected query string parameter.", name="ResourceType", value="partNumber")
    number = int(value) if value.lstrip("-").isdigit() else None
    unchecked = ctx.quirks.has("part-number-unchecked") and number is not None
    if number is None or not (unchecked or 1 <= number <= MAX_PART_NUMBER):
        raise invalid_argument(
            "Part number must be an integer between 1 and 10000, inclusive.",
            ec="0017-00000220",
            name="PartNumber",
            value=value,
        )
    return number


def _store_part(ctx: Context, request: Request, data: bytes) -> Part:
    key, number = require_key(request), part_number(ctx, request)
    bucket_name, upload_id = request.bucket or "", request.param("uploadId") or ""
    upload = ctx.store.upload(bucket_name, key, upload_id)
    etag, _, crc = content_digest(data)
    if ctx.quirks.has("part-etag-opaque"):
        etag = f'"{hashlib.sha1(data).hexdigest().upper()[:32]}"'
    part = Part(number, data, etag, crc, int(time.time()), time.time_ns())
    if ctx.quirks.has("part-size-checked-at-upload") and len(data) < MIN_PART_SIZE:
        raise ErrorReply("EntityTooSmall")
    if ctx.quirks.has("part-first-write-wins") and number in upload.parts:
        return upload.parts[number]
    ctx.store.put_part(bucket_name, key, upload_id, part)
    return part


def upload_part(ctx: Context, request: Request) -> Response:
    if request.header("x-oss-copy-source") is not None and not ctx.quirks.has("part-copy-source-ignored"):
        return upload_part_copy(ctx, request)
    if not ctx.quirks.has("part-content-md5-unchecked"):
        check_content_md5(request, request.body)
    part = _store_part(ctx, request, request.body)
    _, md5, _ = content_digest(request.body)
    headers = {"ETag": part.etag, "Content-MD5": md5}
    if not ctx.quirks.has("multipart-without-crc64"):
        headers["x-oss-hash-crc64ecma"] = str(part.crc64)
    return Response(200, headers)


def _copy_range(ctx: Context, request: Request, size: int) -> tuple[int, int] | None:
    """`x-oss-copy-source-range: bytes=a-b`; an invalid one copies the whole source (docs/oss-facts.md §13)."""
    if ctx.quirks.has("part-copy-range-ignored"):
        return None
    return parse_range(request.header("x-oss-copy-source-range"), size)


def upload_part_copy(ctx: Context, request: Request) -> Response:
    source_bucket_name, source_key, version_id = parse_copy_source(request.header("x-oss-copy-source") or "")
    source_bucket = ctx.store.bucket(source_bucket_name)
    source = select_version(ctx, source_bucket, source_key, version_id)
    if source.is_link:  # a link source is refused (EC 0042-00000308) [choice of Code]
        raise invalid_argument("The source object is a symlink.", ec="0042-00000308", name="x-oss-copy-source")
    if source.needs_restore():
        raise ErrorReply("InvalidObjectState", extras={"Key": source.key})
    if not ctx.quirks.has("part-copy-conditions-ignored"):
        check_conditions(request, source.etag, source.last_modified, prefix="x-oss-copy-source-")
    byte_range = _copy_range(ctx, request, source.size)
    data = source.data if byte_range is None else source.data[byte_range[0] : byte_range[1] + 1]
    part = _store_part(ctx, request, data)
    headers = {"x-oss-copy-source-version-id": source.version_id} if source_bucket.versioning else {}
    children = [element("LastModified", iso8601(part.last_modified)), element("ETag", part.etag)]
    return xml_reply("CopyPartResult", children, headers)


# ---------------------------------------------------------------- complete


def _listed_parts(body: bytes) -> list[tuple[int, str]]:
    root = xml_body(body, "CompleteMultipartUpload")
    listed = []
    for node in root.findall("Part"):
        number, etag = child_text(node, "PartNumber"), child_text(node, "ETag")
        if number is None or etag is None or not number.strip().isdigit():
            raise ErrorReply("MalformedXML")
        listed.append((int(number), etag))
    if not listed:
        raise ErrorReply("MalformedXML")
    return listed


def _same_etag(listed: str, part: Part) -> bool:
    return listed.strip().strip('"').upper() == part.etag.strip('"').upper()


def _check_order(ctx: Context, listed: list[tuple[int, str]]) -> list[tuple[int, str]]:
    if ctx.quirks.has("complete-sorts-parts"):
        listed = sorted(listed)
    numbers = [number for number, _ in listed]
    if any(not 1 <= n <= MAX_PART_NUMBER for n in numbers):
        raise ErrorReply("InvalidPartOrder", "Part number must be an integer between 1 and 10000, inclusive.")
    if any(a >= b for a, b in pairwise(numbers)):
        raise ErrorReply("InvalidPartOrder")
    if ctx.quirks.has("part-numbers-contiguous") and numbers != list(range(1, len(numbers) + 1)):
        raise ErrorReply("InvalidPartOrder")
    return listed


def _chosen_parts(ctx: Context, upload: Upload, listed: list[tuple[int, str]] | None) -> list[Part]:
    """The parts named by the Complete list (or all of them with complete-all), checked."""
    if listed is None:
        return [upload.parts[n] for n in sorted(upload.parts)]
    chosen = []
    for number, etag in _check_order(ctx, listed):
        part = upload.parts.get(number)
        if part is None and ctx.quirks.has("complete-missing-parts-skipped"):
            continue
        if part is None or not (_same_etag(etag, part) or ctx.quirks.has("complete-etag-unchecked")):
            raise ErrorReply("InvalidPart", extras={"PartNumber": str(number), "ETag": etag})
        chosen.append(part)
    if ctx.quirks.has("complete-in-upload-order"):
        chosen.sort(key=lambda p: p.uploaded_ns)
    return chosen


def _check_sizes(ctx: Context, parts: list[Part]) -> None:
    if ctx.quirks.has("part-size-unchecked"):
        return
    judged = parts if ctx.quirks.has("last-part-size-checked") else parts[:-1]
    for part in judged:
        if len(part.data) < MIN_PART_SIZE:
            raise ErrorReply("EntityTooSmall", extras={"PartNumber": str(part.number)})


def multipart_etag(parts: list[Part]) -> str:
    """Opaque, never the MD5 of the whole object (docs/oss-facts.md §14): MD5 of the part MD5s, -count."""
    digest = hashlib.md5(b"".join(bytes.fromhex(p.etag.strip('"')) for p in parts)).hexdigest().upper()
    return f'"{digest}-{len(parts)}"'


def _complete_all(ctx: Context, request: Request) -> bool:
    if ctx.quirks.has("complete-all-ignored") or (request.header("x-oss-complete-all") or "").lower() != "yes":
        return False
    if request.body:
        raise invalid_argument(
            "Should not specify both complete all header and http body.", ec="0042-00000216", name="x-oss-complete-all"
        )
    return True


def complete(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket = bucket_of(ctx, request)
    upload_id = request.param("uploadId") or ""
    check_content_md5(request, request.body)
    attributes = read_attributes(request, bucket)
    listed = None if _complete_all(ctx, request) else _listed_parts(request.body)

    def assemble(upload: Upload) -> ObjectVersion:
        parts = _chosen_parts(ctx, upload, listed)
        _check_sizes(ctx, parts)
        data = b"".join(part.data for part in parts)
        _, _, crc = content_digest(data)
        object_type = "Normal" if ctx.quirks.has("multipart-object-type-normal") else MULTIPART
        fields = dict(upload.fields)
        if request.header("x-oss-object-acl") is not None:
            fields["acl"] = attributes.acl
        return ObjectVersion(key, data=data, etag=multipart_etag(parts), crc64=crc, object_type=object_type, **fields)

    guard = overwrite_guard(forbids_overwrite(ctx, attributes))
    consume = not ctx.quirks.has("upload-kept-after-complete")
    stored = ctx.store.complete_upload(bucket.name, key, upload_id, assemble, guard, consume)
    encode = encoded(ctx, request)
    children = [
        element("Location", f"http://{request.host}/{bucket.name}/{quote(key, safe='/')}"),
        element("Bucket", bucket.name),
        name_element("Key", key, encode),
        element("ETag", stored.etag),
    ]
    if encode:
        children.insert(0, element("EncodingType", "url"))
    headers = {"ETag": stored.etag, **version_headers(bucket, stored)}
    if not ctx.quirks.has("multipart-without-crc64"):
        headers["x-oss-hash-crc64ecma"] = str(stored.crc64)
    return xml_reply("CompleteMultipartUploadResult", children, headers)


# ---------------------------------------------------------------- abort, list parts


def abort(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket_name, upload_id = request.bucket or "", request.param("uploadId") or ""
    if ctx.quirks.has("abort-keeps-upload"):
        ctx.store.upload(bucket_name, key, upload_id)
    else:
        ctx.store.end_upload(bucket_name, key, upload_id)
    return Response(204)


def _page_size(request: Request) -> int:
    value = request.param("max-parts") or "1000"
    if not value.isdigit() or not 0 < int(value) <= 1000:
        raise invalid_argument("max-parts must be between 1 and 1000.", name="max-parts", value=value)
    return int(value)


def list_parts(ctx: Context, request: Request) -> Response:
    key = require_key(request)
    bucket = bucket_of(ctx, request)
    upload = ctx.store.upload(bucket.name, key, request.param("uploadId") or "")
    marker_text = request.param("part-number-marker") or "0"
    marker = int(marker_text) if marker_text.isdigit() else 0
    limit = MAX_PART_NUMBER if ctx.quirks.has("list-parts-max-ignored") else _page_size(request)
    order = (lambda p: p.uploaded_ns) if ctx.quirks.has("list-parts-upload-order") else (lambda p: p.number)
    remaining = sorted((p for p in upload.parts.values() if p.number > marker), key=order)
    page, truncated = remaining[:limit], len(remaining) > limit
    encode = encoded(ctx, request)
    children = [
        element("Bucket", bucket.name),
        name_element("Key", key, encode),
        element("UploadId", upload.upload_id),
        element("StorageClass", str(upload.fields.get("storage_class", "Standard"))),
        element("PartNumberMarker", marker),
        element("NextPartNumberMarker", page[-1].number if page else marker),
        element("MaxParts", _page_size(request)),
        element("IsTruncated", truncated),
    ]
    children += [
        element(
            "Part",
            [
                element("PartNumber", p.number),
                element("LastModified", iso8601(p.last_modified)),
                element("ETag", p.etag),
                element("HashCrc64ecma", str(p.crc64)),
                element("Size", len(p.data)),
            ],
        )
        for p in page
    ]
    if encode:
        children.insert(0, element("EncodingType", "url"))
    return xml_reply("ListPartsResult", children)
