"""PutSymlink (`PUT ?symlink`) and GetSymlink (`GET ?symlink`).

Sources: docs/oss-facts.md §1 (PutSymlink: target header decoded with form rules, no target checks at create time,
link classes Standard/IA/Archive, attributes stored on the link, EC 0043-00000001 for a missing target header)
and §2 (GetSymlink: target percent-encoded, link's ETag/Last-Modified/Content-Type/meta, NotSymlink EC
0043-00000101, delete-marker replies).
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from urllib.parse import quote, unquote, unquote_plus

from conformance.server.attributes import (
    LINK_CLASSES,
    MAX_KEY_BYTES,
    MAX_TAGS,
    META_LIMIT_BYTES,
    META_PREFIX,
    OBJECT_ACLS,
    Attributes,
    check_key,
    immutable,
    overwrite_guard,
    read_attributes,
)
from conformance.server.context import Context
from conformance.server.errors import ErrorReply
from conformance.server.lookups import addressed, bucket_of, require_key, version_headers
from conformance.server.model import NORMAL, SYMLINK, Bucket, ObjectVersion, link_etag
from conformance.server.request import Request, Response
from conformance.server.storage import Guard
from conformance.server.write_support import check_content_md5, forbids_overwrite
from conformance.server.xmlutil import http_date

TARGET_HEADER = "x-oss-symlink-target"
FORBID = "x-oss-forbid-overwrite"
CACHE_HEADERS = ("Cache-Control", "Content-Disposition")  # dropped by the link-cache-headers-dropped quirk


def _check_implemented(ctx: Context) -> None:
    if ctx.quirks.has("symlink-not-implemented"):
        raise ErrorReply("NotImplemented", "PutSymlink and GetSymlink are not implemented.")


# In this module a quirk is asked last, only where it would change something: a quirk asked is a quirk reached
# (conformance.reach), and a test that never reaches a quirk is not re-run with it.


def decode_target(ctx: Context, raw: str) -> str:
    """Form decoding (`+` is a space): the one rule consistent with oss2, Go v1 and Java (docs/oss-facts.md §1.7)."""
    decoded = _decoded(ctx, raw)
    if decoded != raw and (ctx.quirks.has("symlink-target-raw") or ctx.quirks.has("target-stored-undecoded")):
        return raw
    return decoded


def _decoded(ctx: Context, raw: str) -> str:
    cut = raw if "%" in raw else raw.split("?")[0].split("#")[0]  # an unencoded target, parsed as a URL
    if cut != raw and ctx.quirks.has("raw-target-cut-at-query"):
        raw = cut
    if "+" in raw and ctx.quirks.has("target-plain-decoded"):  # the two decodings differ only in `+`
        return unquote(raw)
    return unquote_plus(raw)


def encode_target(ctx: Context, target: str) -> str:
    """Percent-encoded with `/` kept: `+` -> %2B, space -> %20, non-ASCII -> %XX (docs/oss-facts.md §2)."""
    encoded = quote(target, safe="/")
    if encoded != target and (ctx.quirks.has("symlink-target-raw") or ctx.quirks.has("target-returned-decoded")):
        return target
    return encoded


def _link_key(ctx: Context, request: Request) -> str:
    key = request.key or ""
    over = len(key) <= MAX_KEY_BYTES < len(key.encode("utf-8", "surrogatepass"))  # too long in bytes only
    if over and not request.key_error and ctx.quirks.has("link-name-length-in-characters"):
        check_key(key[:1])  # empty and leading-separator checks as OSS; the length counted in characters
        return key
    return require_key(request)


def _check_body_digest(ctx: Context, request: Request) -> None:
    """Content-MD5 of the empty body is fine: the Python V2 SDK sends it on both operations."""
    if request.header("content-md5") is not None and ctx.quirks.has("empty-body-content-md5-refused"):
        raise ErrorReply("InvalidDigest", extras={"Content-MD5": request.header("content-md5") or ""})
    check_content_md5(request, request.body)


def _link_attributes(ctx: Context, request: Request, bucket: Bucket) -> Attributes:
    """The link's attributes; the quirk branches are clones' variants of class, ACL, tag and metadata checks."""
    classes, meta_limit = LINK_CLASSES, META_LIMIT_BYTES
    if request.header("x-oss-object-acl") not in (None, *OBJECT_ACLS) and ctx.quirks.has("link-acl-unchecked"):
        request.headers.pop("x-oss-object-acl")
    tags = (request.header("x-oss-tagging") or "").split("&")
    if len(tags) > MAX_TAGS and ctx.quirks.has("link-tagging-truncated"):
        request.headers["x-oss-tagging"] = "&".join(tags[:MAX_TAGS])
    value = request.header("x-oss-storage-class")
    if value is not None and ctx.quirks.has("storage-class-ignored"):
        request.headers.pop("x-oss-storage-class", None)
    accepted = value or "Standard"  # the class the quirk lets through: an empty value is still refused
    if accepted not in LINK_CLASSES and ctx.quirks.has("storage-class-unchecked"):
        classes = (accepted, *LINK_CLASSES)
    if any(name.startswith(META_PREFIX) for name in request.headers):  # the caps count user metadata only
        if ctx.quirks.has("meta-no-cap"):
            meta_limit = sys.maxsize
        if ctx.quirks.has("meta-low-cap"):
            meta_limit = 2048
    if request.header(FORBID) not in (None, "true") and ctx.quirks.has("link-forbid-overwrite-value-unchecked"):
        request.headers.pop(FORBID)
    refused = [name for name in request.headers if name.startswith(META_PREFIX) and re.search("[^a-z0-9-]", name)]
    if refused and ctx.quirks.has("link-meta-name-unchecked"):  # each character OSS refuses becomes '-'
        for name in refused:
            request.headers[re.sub("[^a-z0-9-]", "-", name)] = request.headers.pop(name)
    return _clone_stored(ctx, read_attributes(request, bucket, classes, meta_limit))


def _clone_stored(ctx: Context, attributes: Attributes) -> Attributes:
    """Attributes clones validate but do not store on a link (quirks); unchanged when none is enabled."""
    if not all(attributes.meta.values()) and ctx.quirks.has("link-empty-meta-dropped"):
        attributes = replace(attributes, meta={name: value for name, value in attributes.meta.items() if value})
    titled = {name.title(): value for name, value in attributes.meta.items()}  # as Go's net/http writes them
    if titled != attributes.meta and ctx.quirks.has("link-meta-name-canonicalised"):
        attributes = replace(attributes, meta=titled)
    kept = {name: value for name, value in attributes.http_headers.items() if name not in CACHE_HEADERS}
    if kept != attributes.http_headers and ctx.quirks.has("link-cache-headers-dropped"):
        attributes = replace(attributes, http_headers=kept)
    if attributes.tags and ctx.quirks.has("link-tagging-ignored"):
        attributes = replace(attributes, tags=())
    return attributes


def _link_guard(ctx: Context, forbid: bool) -> Guard:
    """WORM, then forbid-overwrite in unversioned buckets. The quirk branches are clones' variants, each asked only
    where it would change the answer (conformance.reach)."""
    guard = overwrite_guard(forbid)

    def check(bucket: Bucket, current: ObjectVersion | None) -> None:
        exists = current is not None and not current.delete_marker
        locked = immutable(bucket, current)
        if locked and ctx.quirks.has("worm-ignores-links"):
            return guard(replace(bucket, worm=False), current)
        taken = exists and not locked  # an existing link that WORM does not lock
        if taken and forbid and bucket.versioning and ctx.quirks.has("versioned-forbid-overwrite-enforced"):
            return guard(replace(bucket, versioning=None), current)
        if taken and not forbid and not bucket.versioning and ctx.quirks.has("symlink-overwrite-refused"):
            return overwrite_guard(True)(bucket, current)
        if forbid and not bucket.versioning and not taken and ctx.quirks.has("link-forbid-overwrite-always-refused"):
            return _refuse(bucket, current)
        return guard(bucket, current)

    return check


def _refuse(bucket: Bucket, current: ObjectVersion | None) -> None:
    raise ErrorReply("FileAlreadyExists", extras={"Key": current.key if current else ""})


def put_symlink(ctx: Context, request: Request) -> Response:
    _check_implemented(ctx)
    key = _link_key(ctx, request)
    bucket = bucket_of(ctx, request)
    raw_target = request.header(TARGET_HEADER)
    if raw_target is None and ctx.quirks.has("missing-target-header-accepted"):
        raw_target = ""
    if raw_target is None:
        raise ErrorReply(
            "MissingArgument",
            "PutSymlink request is missing the x-oss-symlink-target header.",
            ec="0043-00000001",
            extras={"ArgumentName": TARGET_HEADER},
        )
    target = decode_target(ctx, raw_target)  # deliberately no existence/type/name check (docs/oss-facts.md §1.6)
    if bucket.live(target) is None and ctx.quirks.has("target-checked-at-create"):
        raise ErrorReply("SymlinkTargetNotExist", extras={"Key": key, "SymlinkTarget": target})
    attributes = _link_attributes(ctx, request, bucket)
    _check_body_digest(ctx, request)
    link = ObjectVersion(key, object_type=SYMLINK, target=target, etag=link_etag(target), **attributes.version_fields())
    if ctx.quirks.has("symlink-stored-as-object"):
        link = replace(link, object_type=NORMAL, target=None)
    stored = ctx.store.write(bucket.name, link, _link_guard(ctx, forbids_overwrite(ctx, attributes)))
    versions = version_headers(bucket, stored)
    versions = {} if versions and ctx.quirks.has("link-version-id-missing") else versions
    return Response(200, {"ETag": stored.etag, **versions})


def get_symlink(ctx: Context, request: Request) -> Response:
    _check_implemented(ctx)
    _check_body_digest(ctx, request)
    if ctx.quirks.has("symlink-stored-as-object"):
        raise ErrorReply("NoSuchKey", extras={"Key": request.key or ""})
    if any(name == "versionId" for name, _ in request.query) and ctx.quirks.has("get-symlink-version-ignored"):
        request.query = [(name, value) for name, value in request.query if name != "versionId"]
    try:
        bucket, link = addressed(ctx, request)
    except ErrorReply as error:
        if error.code == "NoSuchKey" and error.headers and ctx.quirks.has("get-symlink-delete-marker-bare"):
            error.headers = {}
        raise
    if not link.is_link:
        raise ErrorReply("NotSymlink", extras={"Key": link.key})
    headers = {
        TARGET_HEADER: encode_target(ctx, link.target or ""),
        "ETag": _reported_etag(ctx, bucket, link),
        "Last-Modified": http_date(link.last_modified),
        "Content-Type": _reported_type(ctx, link),
        **({} if link.meta and ctx.quirks.has("get-symlink-without-meta") else link.meta),
        **version_headers(bucket, link),
    }
    return Response(200, headers)


def _reported_etag(ctx: Context, bucket: Bucket, link: ObjectVersion) -> str:
    """The link's own ETag; a clone resolving the link reports its target's (quirk)."""
    target = ctx.store.current(bucket.name, link.target or "")
    resolved = target is not None and not target.delete_marker and target.etag != link.etag
    return target.etag if resolved and ctx.quirks.has("get-symlink-target-etag") else link.etag


def _reported_type(ctx: Context, link: ObjectVersion) -> str:
    default = "application/octet-stream"
    if link.content_type != default and ctx.quirks.has("get-symlink-default-content-type"):
        return default
    return link.content_type
