"""Validation of the attributes objects and links share: name, storage class, ACL, user metadata,
forbid-overwrite, tagging, standard HTTP headers; and the overwrite guard (WORM, forbid-overwrite).

Sources: docs/oss-facts.md §1.2 (header table), §1.5 (WORM), §5 (naming). Choices where the facts are silent are
marked [choice] and listed in the server's report.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.server import tagging
from conformance.server.errors import ErrorReply, invalid_argument
from conformance.server.model import Bucket, ObjectVersion
from conformance.server.request import Request
from conformance.server.tagging import MAX_TAGS as MAX_TAGS  # symlinks.py reads it here
from conformance.server.tagging import Tags

OBJECT_CLASSES = ("Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive")
LINK_CLASSES = ("Standard", "IA", "Archive")  # PutSymlink doc lists only these three (docs/oss-facts.md §1.2)
OBJECT_ACLS = ("default", "private", "public-read", "public-read-write")
BUCKET_ACLS = ("private", "public-read", "public-read-write")
STANDARD_HEADERS = ("Cache-Control", "Content-Disposition", "Content-Encoding", "Expires", "Content-Language")
META_PREFIX = "x-oss-meta-"
META_LIMIT_BYTES = 8192
MAX_KEY_BYTES = 1023
_META_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def check_key(key: str) -> str:
    """docs/oss-facts.md §5: 1..1023 UTF-8 bytes, not starting with '/' or '\\'."""
    if not key:
        raise ErrorReply("InvalidObjectName", "The Object name can not be empty", ec="0016-00000001")
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise ErrorReply("InvalidObjectName", "The Length of Object name must be less than 1024", ec="0016-00000002")
    if key[0] in "/\\":
        raise ErrorReply("InvalidObjectName", "The specified object is not valid.", ec="0016-00000005")
    return key


def storage_class(request: Request, allowed: tuple[str, ...], default: str) -> str:
    value = request.header("x-oss-storage-class")
    if value is None:
        return default
    if value not in allowed:  # case-sensitive, as documented values are spelled
        raise invalid_argument("The storage class is invalid.", name="x-oss-storage-class", value=value)
    return value


def object_acl(request: Request, default: str = "default") -> str:
    value = request.header("x-oss-object-acl")
    if value is None:
        return default
    if value not in OBJECT_ACLS:
        raise invalid_argument("no such object access control exists", name="x-oss-object-acl", value=value)
    return value


def forbid_overwrite(request: Request) -> bool:
    """`true`/`false` (case-insensitive [choice]); anything else is EC 0017-00000279 (docs/oss-facts.md §1.2)."""
    value = request.header("x-oss-forbid-overwrite")
    if value is None or value.lower() == "false":
        return False
    if value.lower() == "true":
        return True
    raise invalid_argument(
        "Invalid x-oss-forbid-overwrite value.", ec="0017-00000279", name="x-oss-forbid-overwrite", value=value
    )


def user_meta(request: Request, limit: int = META_LIMIT_BYTES) -> dict[str, str]:
    """x-oss-meta-* headers. Size = full header names (prefix included) + values, in UTF-8 bytes [choice];
    more than 8192 bytes is refused (the documented 'cannot exceed 8 KB')."""
    meta = {name: value for name, value in request.headers.items() if name.startswith(META_PREFIX)}
    for name in meta:
        suffix = name[len(META_PREFIX) :]
        if not suffix or not set(suffix) <= _META_NAME_CHARS:
            raise invalid_argument("The user metadata name is invalid.", ec="0011-00000004", name=name)
    size = sum(len(name.encode()) + len(value.encode("utf-8", "surrogateescape")) for name, value in meta.items())
    if size > limit:
        raise invalid_argument("The user metadata is too large.", ec="0011-00000002", name="x-oss-meta-*")
    return dict(sorted(meta.items()))


def standard_headers(request: Request) -> dict[str, str]:
    return {name: request.headers[name.lower()] for name in STANDARD_HEADERS if name.lower() in request.headers}


def check_tags(pairs: list[tuple[str, str]], limits: bool = True, characters: bool = True) -> Tags:
    """docs/oss-facts.md §29.2 (conformance/server/tagging.py); the flags let a quirk skip a check."""
    if limits:
        tagging.check_limits(pairs)
    if characters:
        tagging.check_characters(pairs)
    return tuple(pairs)


def tagging_header(request: Request) -> Tags:
    """`x-oss-tagging: k1=v1&k2=v2`, URL query encoded."""
    return check_tags(tagging.parse_header(request.header("x-oss-tagging") or ""))


@dataclass(frozen=True)
class Attributes:
    """What a write takes from its request headers."""

    content_type: str
    http_headers: dict[str, str]
    meta: dict[str, str]
    storage_class: str
    acl: str
    tags: tuple[tuple[str, str], ...]
    forbid_overwrite: bool

    def version_fields(self) -> dict[str, object]:
        return {
            "content_type": self.content_type,
            "http_headers": self.http_headers,
            "meta": self.meta,
            "storage_class": self.storage_class,
            "acl": self.acl,
            "tags": self.tags,
        }


def read_attributes(
    request: Request, bucket: Bucket, classes: tuple[str, ...] = OBJECT_CLASSES, meta_limit: int = META_LIMIT_BYTES
) -> Attributes:
    """Validate in a fixed order: class, ACL, forbid-overwrite, meta, tagging [choice: OSS's order is unknown]."""
    return Attributes(
        storage_class=storage_class(request, classes, bucket.storage_class),
        acl=object_acl(request),
        forbid_overwrite=forbid_overwrite(request),
        meta=user_meta(request, meta_limit),
        tags=tagging_header(request),
        content_type=request.header("content-type") or "application/octet-stream",
        http_headers=standard_headers(request),
    )


def immutable(bucket: Bucket, current: ObjectVersion | None) -> bool:
    return bucket.worm and current is not None and not current.delete_marker


def check_mutable(bucket: Bucket, current: ObjectVersion | None) -> None:
    """A locked retention policy (WORM) forbids changing or deleting an existing object."""
    if immutable(bucket, current):
        raise ErrorReply("FileImmutable", extras={"Key": current.key if current else ""})


def overwrite_guard(forbid: bool):  # -> storage.Guard
    """The check a write runs under the store lock: WORM first, then forbid-overwrite (unversioned only)."""

    def guard(bucket: Bucket, current: ObjectVersion | None) -> None:
        check_mutable(bucket, current)
        exists = current is not None and not current.delete_marker
        if forbid and exists and not bucket.versioning:
            raise ErrorReply("FileAlreadyExists", extras={"Key": current.key if current else ""})

    return guard
