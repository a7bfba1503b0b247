"""In-memory buckets and object versions behind one lock, optionally persisted to a directory.

Every read and write goes through the Store so that the checks an operation makes ("does the key exist?",
"is it immutable?") run under the same lock as the write they guard: forbid-overwrite is atomic.
With a data directory, every mutation also stores the one key (or bucket) it changed in sqlite (persist.py),
so a write costs the same with 1 MB or 200 MB stored.
"""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

from conformance.server.errors import ErrorReply
from conformance.server.model import NULL_VERSION, Bucket, ObjectVersion, Part, Upload
from conformance.server.persist import SqliteState

# A guard runs under the lock before a write/delete: (bucket, current version or None) -> None or raise.
Guard = Callable[[Bucket, ObjectVersion | None], None]


class Deleted(NamedTuple):
    version_id: str | None  # the marker's or removed version's id; None in an unversioned bucket
    delete_marker: bool


def new_version_id() -> str:
    return uuid.uuid4().hex


def new_upload_id() -> str:
    """32 upper-case hex characters, ordered by creation time: ListMultipartUploads sorts one key's uploads
    by upload id (docs/oss-facts.md §17), which then is also the order they were initiated in."""
    return f"{time.time_ns():016X}{secrets.token_hex(8).upper()}"


class Store:
    def __init__(self, data_dir: str | None = None) -> None:
        self._lock = threading.RLock()
        self._buckets: dict[str, Bucket] = {}
        self._state = SqliteState(data_dir) if data_dir else None
        if self._state is not None:
            self._buckets = self._state.load()

    # ------------------------------------------------------------ persistence

    def _save(self, bucket: str | None = None, key: str | None = None) -> None:
        """Persist what a mutation changed: one key's versions, one bucket's attributes, or (no arguments)
        everything, which costs as much as the data stored: prefer naming what changed."""
        if self._state is None:
            return
        if bucket is not None and key is not None:
            self._state.save_key(bucket, key, self._buckets[bucket].objects.get(key))
        elif bucket is not None:
            if bucket in self._buckets:
                self._state.save_bucket(self._buckets[bucket])
            else:
                self._state.drop_bucket(bucket)
        else:
            for name, found in self._buckets.items():
                self._state.save_bucket(found)
                for object_key, versions in found.objects.items():
                    self._state.save_key(name, object_key, versions)

    # ------------------------------------------------------------ buckets

    def ensure_bucket(self, name: str, versioning: str | None = None, worm: bool = False) -> None:
        """Create a bucket at start-up unless it survived in the data directory."""
        with self._lock:
            if name not in self._buckets:
                self._buckets[name] = Bucket(name, int(time.time()), versioning=versioning, worm=worm)
                self._save(name)

    def create_bucket(self, name: str, acl: str, storage_class: str) -> None:
        with self._lock:
            if name in self._buckets:
                raise ErrorReply("BucketAlreadyExists", extras={"BucketName": name})
            self._buckets[name] = Bucket(name, int(time.time()), acl=acl, storage_class=storage_class)
            self._save(name)

    def delete_bucket(self, name: str) -> None:
        with self._lock:
            if self.bucket(name).objects:
                raise ErrorReply("BucketNotEmpty", extras={"BucketName": name})
            del self._buckets[name]
            self._save(name)

    def bucket(self, name: str) -> Bucket:
        bucket = self._buckets.get(name)
        if bucket is None:
            raise ErrorReply("NoSuchBucket", extras={"BucketName": name})
        return bucket

    def has_bucket(self, name: str) -> bool:
        return name in self._buckets

    def buckets(self) -> list[Bucket]:
        with self._lock:
            return sorted(self._buckets.values(), key=lambda b: b.name)

    def configure_bucket(self, name: str, **changes: str | None) -> None:
        """Set bucket attributes (versioning, acl)."""
        with self._lock:
            bucket = self.bucket(name)
            for attribute, value in changes.items():
                setattr(bucket, attribute, value)
            self._save(name)

    # ------------------------------------------------------------ reads

    def current(self, bucket: str, key: str) -> ObjectVersion | None:
        with self._lock:
            return self.bucket(bucket).current(key)

    def version(self, bucket: str, key: str, version_id: str) -> ObjectVersion | None:
        with self._lock:
            for version in self.bucket(bucket).objects.get(key, ()):
                if version.version_id == version_id:
                    return version
            return None

    def snapshot(self, bucket: str) -> list[tuple[str, tuple[ObjectVersion, ...]]]:
        """All keys in listing order (code point order = UTF-8 byte order), each with its versions, oldest first."""
        with self._lock:
            objects = self.bucket(bucket).objects
            return [(key, tuple(objects[key])) for key in sorted(objects)]

    # ------------------------------------------------------------ writes

    def write(self, bucket_name: str, version: ObjectVersion, guard: Guard | None = None) -> ObjectVersion:
        """Store a new current version of `version.key`, choosing its version id from the bucket's state."""
        with self._lock:
            bucket = self.bucket(bucket_name)
            if guard:
                guard(bucket, bucket.current(version.key))
            version_id = new_version_id() if bucket.versioning == "Enabled" else NULL_VERSION
            version = replace(version, version_id=version_id, last_modified=version.last_modified or int(time.time()))
            if bucket.versioning:
                kept = [v for v in bucket.objects.get(version.key, []) if v.version_id != version_id]
                bucket.objects[version.key] = [*kept, version]
            else:
                bucket.objects[version.key] = [version]
            self._save(bucket_name, version.key)
            return version

    def update(
        self, bucket_name: str, key: str, version_id: str | None, change: Callable[[ObjectVersion], ObjectVersion]
    ) -> ObjectVersion:
        """Replace one version (the current one when version_id is None) in place, keeping its position."""
        with self._lock:
            versions = self.bucket(bucket_name).objects.get(key, [])
            for index in range(len(versions) - 1, -1, -1):
                if version_id is None or versions[index].version_id == version_id:
                    versions[index] = change(versions[index])
                    self._save(bucket_name, key)
                    return versions[index]
            raise ErrorReply("NoSuchKey", extras={"Key": key})

    def delete(self, bucket_name: str, key: str, version_id: str | None = None, guard: Guard | None = None) -> Deleted:
        with self._lock:
            bucket = self.bucket(bucket_name)
            versions = bucket.objects.get(key, [])
            if version_id is not None:
                found = [v for v in versions if v.version_id == version_id]
                if guard and found:
                    guard(bucket, found[0])
                self._set_versions(bucket, key, [v for v in versions if v.version_id != version_id])
                return Deleted(version_id, bool(found and found[0].delete_marker))
            if guard:
                guard(bucket, bucket.current(key))
            if not bucket.versioning:
                self._set_versions(bucket, key, [])
                return Deleted(None, False)
            marker_id = new_version_id() if bucket.versioning == "Enabled" else NULL_VERSION
            marker = ObjectVersion(key, marker_id, delete_marker=True, last_modified=int(time.time()))
            self._set_versions(bucket, key, [v for v in versions if v.version_id != marker_id] + [marker])
            return Deleted(marker_id, True)

    def _set_versions(self, bucket: Bucket, key: str, versions: list[ObjectVersion]) -> None:
        if versions:
            bucket.objects[key] = versions
        else:
            bucket.objects.pop(key, None)
        self._save(bucket.name, key)

    # ------------------------------------------------------------ multipart uploads

    def _save_upload(self, bucket: str, upload_id: str) -> None:
        if self._state is not None:
            self._state.save_upload(bucket, upload_id, self._buckets[bucket].uploads.get(upload_id))

    def create_upload(self, bucket_name: str, upload: Upload, guard: Guard | None = None) -> Upload:
        with self._lock:
            bucket = self.bucket(bucket_name)
            if guard:
                guard(bucket, bucket.current(upload.key))
            bucket.uploads[upload.upload_id] = upload
            self._save_upload(bucket_name, upload.upload_id)
            return upload

    def upload(self, bucket_name: str, key: str, upload_id: str) -> Upload:
        """The upload in progress with this id for this key, else 404 NoSuchUpload."""
        with self._lock:
            upload = self.bucket(bucket_name).uploads.get(upload_id)
            if upload is None or upload.key != key:
                raise ErrorReply("NoSuchUpload", extras={"UploadId": upload_id})
            return upload

    def uploads(self, bucket_name: str) -> list[Upload]:
        """Uploads in progress by key, then upload id (= initiation order)."""
        with self._lock:
            return sorted(self.bucket(bucket_name).uploads.values(), key=lambda u: (u.key, u.upload_id))

    def put_part(self, bucket_name: str, key: str, upload_id: str, part: Part) -> None:
        with self._lock:
            upload = self.upload(bucket_name, key, upload_id)
            self.bucket(bucket_name).uploads[upload_id] = replace(upload, parts={**upload.parts, part.number: part})
            self._save_upload(bucket_name, upload_id)

    def end_upload(self, bucket_name: str, key: str, upload_id: str) -> Upload:
        """Remove an upload and its parts (AbortMultipartUpload)."""
        with self._lock:
            upload = self.upload(bucket_name, key, upload_id)
            del self.bucket(bucket_name).uploads[upload_id]
            self._save_upload(bucket_name, upload_id)
            return upload

    def complete_upload(
        self,
        bucket_name: str,
        key: str,
        upload_id: str,
        assemble: Callable[[Upload], ObjectVersion],
        guard: Guard | None = None,
        consume: bool = True,
    ) -> ObjectVersion:
        """Build the object from the upload and store it, atomically: a concurrent Complete of the same id
        finds it gone (NoSuchUpload), and forbid-overwrite is judged under the same lock as the write."""
        with self._lock:
            version = assemble(self.upload(bucket_name, key, upload_id))
            stored = self.write(bucket_name, version, guard)
            if consume:
                del self.bucket(bucket_name).uploads[upload_id]
                self._save_upload(bucket_name, upload_id)
            return stored
