"""In-memory buckets and object versions behind one lock, optionally persisted to a directory.

Every read and write goes through the Store so that the checks an operation makes ("does the key exist?",
"is it immutable?") run under the same lock as the write they guard: forbid-overwrite is atomic.
Persistence is deliberately simple: the whole state is pickled to `<data_dir>/state.pickle` after each
mutation (write to a temporary file, then rename), which is fine for a test server's data volumes.
"""

from __future__ import annotations

import os
import pickle
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

from conformance.server.errors import OssError
from conformance.server.model import NULL_VERSION, Bucket, ObjectVersion, Part, Upload

STATE_FILE = "state.pickle"

# A guard runs under the lock before a write/delete: (bucket, current version or None) -> None or raise.
Guard = Callable[[Bucket, ObjectVersion | None], None]


class Deleted(NamedTuple):
    version_id: str | None  # the marker's or removed version's id; None in an unversioned bucket
    delete_marker: bool


def new_version_id() -> str:
    return uuid.uuid4().hex


def new_upload_id() -> str:
    """32 upper-case hex characters, ordered by creation time: ListMultipartUploads sorts one key's uploads
    by upload id (OSS-FACTS-OBJECTS-1 7), which then is also the order they were initiated in."""
    return f"{time.time_ns():016X}{secrets.token_hex(8).upper()}"


class Store:
    def __init__(self, data_dir: str | None = None) -> None:
        self._lock = threading.RLock()
        self._buckets: dict[str, Bucket] = {}
        self._data_dir = data_dir
        if data_dir:
            os.makedirs(data_dir, exist_ok=True)
            self._load()

    # ------------------------------------------------------------ persistence

    def _path(self) -> str:
        assert self._data_dir
        return os.path.join(self._data_dir, STATE_FILE)

    def _load(self) -> None:
        if os.path.exists(self._path()):
            with open(self._path(), "rb") as handle:
                self._buckets = pickle.load(handle)
            for bucket in self._buckets.values():  # state saved before multipart upload existed
                bucket.__dict__.setdefault("uploads", {})

    def _save(self) -> None:
        if not self._data_dir:
            return
        temporary = self._path() + ".tmp"
        with open(temporary, "wb") as handle:
            pickle.dump(self._buckets, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, self._path())

    # ------------------------------------------------------------ buckets

    def ensure_bucket(self, name: str, versioning: str | None = None, worm: bool = False) -> None:
        """Create a bucket at start-up unless it survived in the data directory."""
        with self._lock:
            if name not in self._buckets:
                self._buckets[name] = Bucket(name, int(time.time()), versioning=versioning, worm=worm)
                self._save()

    def create_bucket(self, name: str, acl: str, storage_class: str) -> None:
        with self._lock:
            if name in self._buckets:
                raise OssError("BucketAlreadyExists", extras={"BucketName": name})
            self._buckets[name] = Bucket(name, int(time.time()), acl=acl, storage_class=storage_class)
            self._save()

    def delete_bucket(self, name: str) -> None:
        with self._lock:
            if self.bucket(name).objects:
                raise OssError("BucketNotEmpty", extras={"BucketName": name})
            del self._buckets[name]
            self._save()

    def bucket(self, name: str) -> Bucket:
        bucket = self._buckets.get(name)
        if bucket is None:
            raise OssError("NoSuchBucket", extras={"BucketName": name})
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
            self._save()

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
            self._save()
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
                    self._save()
                    return versions[index]
            raise OssError("NoSuchKey", extras={"Key": key})

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
        self._save()

    # ------------------------------------------------------------ multipart uploads

    def create_upload(self, bucket_name: str, upload: Upload, guard: Guard | None = None) -> Upload:
        with self._lock:
            bucket = self.bucket(bucket_name)
            if guard:
                guard(bucket, bucket.current(upload.key))
            bucket.uploads[upload.upload_id] = upload
            self._save()
            return upload

    def upload(self, bucket_name: str, key: str, upload_id: str) -> Upload:
        """The upload in progress with this id for this key, else 404 NoSuchUpload."""
        with self._lock:
            upload = self.bucket(bucket_name).uploads.get(upload_id)
            if upload is None or upload.key != key:
                raise OssError("NoSuchUpload", extras={"UploadId": upload_id})
            return upload

    def uploads(self, bucket_name: str) -> list[Upload]:
        """Uploads in progress by key, then upload id (= initiation order)."""
        with self._lock:
            return sorted(self.bucket(bucket_name).uploads.values(), key=lambda u: (u.key, u.upload_id))

    def put_part(self, bucket_name: str, key: str, upload_id: str, part: Part) -> None:
        with self._lock:
            upload = self.upload(bucket_name, key, upload_id)
            self.bucket(bucket_name).uploads[upload_id] = replace(upload, parts={**upload.parts, part.number: part})
            self._save()

    def end_upload(self, bucket_name: str, key: str, upload_id: str) -> Upload:
        """Remove an upload and its parts (AbortMultipartUpload)."""
        with self._lock:
            upload = self.upload(bucket_name, key, upload_id)
            del self.bucket(bucket_name).uploads[upload_id]
            self._save()
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
                self._save()
            return stored
