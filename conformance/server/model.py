"""The stored data: buckets and object versions. Plain values; the Store owns all mutation.

Versions are treated as immutable: a change (ACL, tags, restore, append) replaces the version with a
`dataclasses.replace` copy under the store lock, so a reader holding a reference never sees a half-update.
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass, field

from conformance.server.crc64 import crc64_ecma

NORMAL, APPENDABLE, SYMLINK, MULTIPART = "Normal", "Appendable", "Symlink", "Multipart"
ARCHIVE_CLASSES = frozenset({"Archive", "ColdArchive", "DeepColdArchive"})
NULL_VERSION = "null"
RESTORING, RESTORED = "restoring", "restored"


@dataclass(frozen=True)
class ObjectVersion:
    key: str
    version_id: str = NULL_VERSION
    delete_marker: bool = False
    data: bytes = b""
    etag: str = ""  # quoted, upper-case hex
    crc64: int = 0
    content_md5: str = ""  # base64; empty for links
    last_modified: int = 0  # epoch seconds: HTTP dates have second resolution, so conditionals compare exactly
    object_type: str = NORMAL
    target: str | None = None  # decoded target key, links only
    content_type: str = "application/octet-stream"
    http_headers: dict[str, str] = field(default_factory=dict)  # Cache-Control, Content-Disposition, ...
    meta: dict[str, str] = field(default_factory=dict)  # lower-case `x-oss-meta-*` name -> value
    storage_class: str = "Standard"
    acl: str = "default"
    tags: tuple[tuple[str, str], ...] = ()
    restore_ready: float = 0.0  # epoch seconds a requested restore completes; 0: never requested
    restore_expiry: float = 0.0  # epoch seconds the restored copy expires

    @property
    def is_link(self) -> bool:
        return self.object_type == SYMLINK

    @property
    def size(self) -> int:
        return len(self.data)

    def needs_restore(self) -> bool:
        """An archived object's bytes are unreadable until restored; a link has no bytes of its own."""
        archived = not self.is_link and self.storage_class in ARCHIVE_CLASSES
        return archived and self.restore_state(time.time()) != RESTORED

    def restore_state(self, now: float) -> str | None:
        """None (never requested, or expired), RESTORING or RESTORED (docs/oss-facts.md §30)."""
        if not self.restore_ready or now >= self.restore_expiry:
            return None
        return RESTORING if now < self.restore_ready else RESTORED


def content_digest(data: bytes) -> tuple[str, str, int]:
    """(quoted upper-case hex ETag, base64 Content-MD5, CRC-64/ECMA) of a body."""
    md5 = hashlib.md5(data)
    return f'"{md5.hexdigest().upper()}"', base64.b64encode(md5.digest()).decode(), crc64_ecma(data)


def link_etag(target: str) -> str:
    """A link's own ETag. OSS calls it opaque (docs/oss-facts.md §1.4); MD5 of the target name is our choice."""
    return f'"{hashlib.md5(target.encode("utf-8", "surrogateescape")).hexdigest().upper()}"'


@dataclass(frozen=True)
class Part:
    number: int
    data: bytes
    etag: str  # quoted upper-case hex MD5 of the part
    crc64: int
    last_modified: int
    uploaded_ns: int = 0  # when it was sent, finer than last_modified: orders parts uploaded in one second


@dataclass(frozen=True)
class Upload:
    """A multipart upload in progress: the attributes given at Initiate, and the parts so far by number."""

    key: str
    upload_id: str
    initiated: int
    fields: dict[str, object]  # ObjectVersion fields from the Initiate headers (content type, meta, class ...)
    parts: dict[int, Part] = field(default_factory=dict)


@dataclass
class Bucket:
    name: str
    created: int
    versioning: str | None = None  # None = never enabled; else "Enabled" / "Suspended"
    worm: bool = False  # a locked retention policy: existing objects are immutable
    acl: str = "private"
    storage_class: str = "Standard"
    objects: dict[str, list[ObjectVersion]] = field(default_factory=dict)  # oldest version first
    uploads: dict[str, Upload] = field(default_factory=dict)  # multipart uploads in progress, by upload id

    def current(self, key: str) -> ObjectVersion | None:
        versions = self.objects.get(key)
        return versions[-1] if versions else None

    def live(self, key: str) -> ObjectVersion | None:
        """The current version unless it is a delete marker."""
        version = self.current(key)
        return None if version is None or version.delete_marker else version
