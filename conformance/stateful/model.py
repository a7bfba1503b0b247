"""A small model of OSS objects, links and their operations, written from docs/oss-facts.md alone.

It is a specification a person can review: pure Python, no I/O, and deliberately independent of the
reference server (two implementations written from the same facts catch each other's mistakes).

Each operation returns a Prediction (what a conforming server answers) and updates the state as if the
server had answered that way. Values the facts leave opaque (a link's ETag, an appendable object's ETag, the
bucket's default storage class, Last-Modified) are *pinned*: the first observation fixes them and every
later one must agree, until the object is written again. Evidence marks follow docs/oss-facts.md: [D] documented,
[S] official SDK or its tests, [I] inferred.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

BUCKET = "<bucket>"  # the subject of bucket-wide pins (the default storage class)
ANY_4XX = tuple(range(400, 500))  # where the facts give a Code but no status
UNKNOWN = "?"  # a storage class the facts do not determine (learned per object)
NORMAL, APPENDABLE, SYMLINK, MULTIPART = "Normal", "Appendable", "Symlink", "Multipart"
PART_MINIMUM = 102400  # every part but the last is at least 100 KB, judged at Complete [D] §14
Tags = tuple[tuple[str, str], ...]  # sorted (key, value) pairs


def md5_etag(data: bytes) -> str:
    """A PutObject ETag: quoted upper-case hex MD5 of the body [S] oss2 test_put_symlink (HEAD via link)."""
    return '"' + hashlib.md5(data).hexdigest().upper() + '"'


@dataclass(frozen=True)
class Obj:
    kind: str  # NORMAL, APPENDABLE or SYMLINK
    seq: int  # write order; Last-Modified never decreases along it
    data: bytes = b""  # a link's own bytes are not modelled: reads through it give the target's
    target: str | None = None  # links only
    content_type: str = ""
    meta: Mapping[str, str] = field(default_factory=dict)  # x-oss-meta-* names (lower case) -> values
    storage_class: str | None = None  # None: the bucket's default; UNKNOWN: not determined by the facts
    tags: Tags = ()  # the object's own tags (a link's are the link's) [S] §4, §29
    acl: str = "default"  # the object's own ACL; never set reads `default` [S] §28 (disputed: §9.27)
    made_by: str | None = None  # the check whose rule judges the bytes of an object a multi-step write made
    retagged: bool = False  # tags were put over tags: whether the old ones are gone is the replace-all rule's


@dataclass
class Upload:
    """A multipart upload the machine started on a key: its parts (number -> bytes, in upload order)."""

    content_type: str
    parts: dict[int, bytes] = field(default_factory=dict)
    state: str = "open"  # open, completed or aborted
    replaced: bool = False  # a part number was uploaded twice (the later bytes count [D] §12)


@dataclass(frozen=True)
class Pin:
    """The reply header `header` must equal the value pinned for (subject, name); the first sighting pins it."""

    subject: str
    name: str
    header: str
    required: bool = True  # a missing header is a deviation (not a value to pin)


@dataclass(frozen=True)
class Prediction:
    check: str  # what is being checked; the machine maps it to a registry rule id
    status: tuple[int, ...]  # accepted statuses (more than one only where the facts are silent)
    code: str | None = None  # the error Code; None on success
    headers: Mapping[str, str] = field(default_factory=dict)  # exact values
    meta: Mapping[str, str] | None = None  # the complete set of x-oss-meta-* headers, when predicted
    body: bytes | None = None
    pins: tuple[Pin, ...] = ()
    newest_of: tuple[str, ...] = ()  # Last-Modified must be the latest of these subjects' [D] GetObject
    listing: Mapping[str, tuple[str, int | None]] | None = None  # ListObjects: key -> (Type, Size or None)
    # Which object a read reaches depends on the server having decoded the link's percent-encoded target.
    decodes_target: bool = False
    made_by: str | None = None  # the data object's maker (Obj.made_by): judges body and length
    texts: Mapping[str, tuple[str, ...] | None] | None = None  # XML tag -> exact texts in order (None: one, any)
    tags: Tags | None = None  # GetObjectTagging: the exact tag set
    grant: str | None = None  # GetObjectAcl: AccessControlList/Grant


def _ok(check: str, status: int = 200, **kw) -> Prediction:
    return Prediction(check, (status,), **kw)


def _error(check: str, status: int, code: str) -> Prediction:
    return Prediction(check, (status,), code)


class Model:
    def __init__(self) -> None:
        self.objects: dict[str, Obj] = {}
        self.pinned: dict[tuple[str, str], str | None] = {}
        self.uploads: dict[str, Upload] = {}  # key -> the machine's latest upload on it
        self._seq = 0
        # Keys where PutObject replaced a link, and those links' targets, since they were last written: a read
        # that finds them otherwise blames that PutObject (symlink.ops.put-object-replaces), not the read.
        self.behind_replaced: set[str] = set()

    # ------------------------------------------------------------ bookkeeping

    def _store(self, key: str, obj_kind: str, **fields) -> Obj:
        self._seq += 1
        obj = Obj(obj_kind, self._seq, **fields)
        self.objects[key] = obj
        self.behind_replaced.discard(key)
        self._forget(key)
        return obj

    def _forget(self, key: str) -> None:
        for pin in [p for p in self.pinned if p[0] == key]:
            del self.pinned[pin]

    @staticmethod
    def _class_pin(key: str, obj: Obj) -> Pin:
        # The default class is the bucket's, learned once; an unknown one is learned per object.
        subject = BUCKET if obj.storage_class is None else key
        return Pin(subject, "storage-class", "x-oss-storage-class", required=False)

    @staticmethod
    def _own_headers(obj: Obj) -> dict[str, str]:
        """Headers that come from the object named in the request (the link, for a link) [D] GetObject.
        x-oss-object-type: Symlink [D] example; Normal / Appendable [S] (the listing's Type values)."""
        headers = {"x-oss-object-type": obj.kind, "content-type": obj.content_type}
        if obj.storage_class not in (None, UNKNOWN):
            headers["x-oss-storage-class"] = obj.storage_class  # [I] for links: provenance rule, docs/oss-facts.md §3.1
        return headers

    @staticmethod
    def _etag_pin(key: str) -> Pin:
        return Pin(key, "etag", "etag")

    # ------------------------------------------------------------ writes

    def put_object(self, key: str, data: bytes, content_type: str, meta: Mapping[str, str]) -> Prediction:
        """PutObject replaces whatever is there, a link included [S] Go v1 TestSymlink."""
        replaced = self.objects.get(key)
        self._store(key, NORMAL, data=data, content_type=content_type, meta=dict(meta))
        if replaced is not None and replaced.kind == SYMLINK and replaced.target:
            self.behind_replaced.update((key, replaced.target))
        self.pinned[(key, "etag")] = md5_etag(data)
        return _ok("object.put", pins=(self._etag_pin(key),))

    def put_symlink(
        self,
        key: str,
        target: str,
        content_type: str,
        meta: Mapping[str, str],
        storage_class: str | None,
        forbid_overwrite: bool,
    ) -> Prediction:
        """Target existence and type are not checked at create [D]; forbid-overwrite refuses an existing key
        in an unversioned bucket with 409 FileAlreadyExists [D]; otherwise the link replaces it [D]."""
        if forbid_overwrite and key in self.objects:
            return _error("symlink.put.forbid-overwrite", 409, "FileAlreadyExists")
        check = "symlink.put.overwrite" if key in self.objects else "symlink.put.no-target-check"
        if forbid_overwrite and key not in self.objects:
            check = "symlink.put.forbid-overwrite-new-key"
        self._store(
            key, SYMLINK, target=target, content_type=content_type, meta=dict(meta), storage_class=storage_class
        )
        return _ok(check, pins=(self._etag_pin(key),))  # the reply carries the link's ETag [D] examples

    def append_object(self, key: str, data: bytes, content_type: str) -> Prediction:
        """Only Appendable objects (or a missing key) accept appends; a normal object or a link gives
        409 ObjectNotAppendable [D] AppendObject doc, [I] for links."""
        obj = self.objects.get(key)
        if obj is not None and obj.kind != APPENDABLE:
            check = "append.link-rejected" if obj.kind == SYMLINK else "append.not-appendable"
            return _error(check, 409, "ObjectNotAppendable")
        if obj is None:
            self._store(key, APPENDABLE, data=data, content_type=content_type)
        else:
            self._store(
                key,
                APPENDABLE,
                data=obj.data + data,
                content_type=obj.content_type,
                meta=obj.meta,
                storage_class=obj.storage_class,
                tags=obj.tags,  # only the first append may set tags or ACL [D] §28, §29.2: later ones keep them [I]
                acl=obj.acl,
            )
        return _ok("append.empty" if obj is not None and not data else "append.extends")

    def append_position(self, key: str) -> int:
        """The position the machine sends: the current length, so that only the object's type decides. For a
        link, the length of what it points at: a server that wrongly appends through the link then succeeds
        instead of failing on the position, and the wrong 200 shows."""
        obj = self.objects.get(key)
        if obj is not None and obj.kind == SYMLINK:
            obj = self.objects.get(obj.target or "")
        return len(obj.data) if obj is not None and obj.kind != SYMLINK else 0

    def copy_object(self, dest: str, source: str) -> Prediction:
        """A link as source copies the link only, not the target [D] CopyObject doc. A missing source is
        404 NoSuchKey [I]. Content type and user meta travel with the copy (default COPY directive) [I]; the
        copy's storage class is not determined by the facts."""
        src = self.objects.get(source)
        if src is None:
            return _error("copy.missing-source", 404, "NoSuchKey")
        self._store(
            dest,
            src.kind,
            data=src.data,
            target=src.target,
            content_type=src.content_type,
            meta=src.meta,
            storage_class=UNKNOWN,
            tags=src.tags,  # the default tagging directive copies the tags [D] §24.2; the ACL is not copied [S]
        )
        if src.kind == NORMAL:
            self.pinned[(dest, "etag")] = md5_etag(src.data)
        return _ok("copy.link-copies-link" if src.kind == SYMLINK else "copy.object")

    def delete_object(self, key: str) -> Prediction:
        """Deleting a link removes the link only [I]. A key that does not exist answers 204 as well [D]
        DeleteObject (the machine's bucket is unversioned)."""
        obj = self.objects.pop(key, None)
        if obj is None:
            return _ok("delete.missing", 204)
        self._forget(key)
        return _ok("delete.link-only" if obj.kind == SYMLINK else "delete.object", 204)

    # ------------------------------------------------------------ multipart upload (§11, §12, §14, §15)

    def initiate_multipart(self, key: str, content_type: str) -> Prediction:
        """A new upload id; an object already at the key is left alone [D] §11. The machine keeps one upload per
        key: a newer one replaces the older in its view (the older stays open on the server until teardown)."""
        self.uploads[key] = Upload(content_type)
        return _ok("mpu.initiate", texts={"Key": (key,), "UploadId": None})

    def upload_part(self, key: str, number: int, data: bytes) -> Prediction:
        """200 on an open upload, whatever the part's size (judged at Complete) [D] §12; the same number again
        replaces the part [D]. A completed or aborted upload id is gone: 404 [D] §14, §15 (its Code, NoSuchUpload,
        is judged by the suite's own tests, not here)."""
        upload = self.uploads[key]
        if upload.state != "open":
            gone = "mpu.part.after-complete" if upload.state == "completed" else "mpu.part.after-abort"
            return Prediction(gone, (404,))
        upload.replaced |= number in upload.parts
        upload.parts.pop(number, None)  # re-inserted last: the dict keeps upload order
        upload.parts[number] = data
        return _ok("mpu.part.small" if len(data) < PART_MINIMUM else "mpu.part")

    def complete_parts(self, key: str) -> list[int]:
        """The part list the machine sends: every uploaded number, ascending, as every SDK sends it [S] §14."""
        return sorted(self.uploads[key].parts)

    def complete_multipart(self, key: str) -> Prediction:
        """Every part but the last must be at least 100 KB, else 400 (Code: the SHOULD rule's) and the upload
        stays open [D] §14 ([I] that it stays). Success: the object is the parts joined in part-number order, of
        type Multipart, with the Content-Type given at initiate [D]; it replaces whatever was at the key (a link
        too) [I]. Its ETag is opaque (§9.13): pinned by the first read, never computed. A gone upload: 404 [D]."""
        upload = self.uploads[key]
        if upload.state != "open":
            return Prediction("mpu.complete.gone", (404,))
        numbers = sorted(upload.parts)
        if any(len(upload.parts[n]) < PART_MINIMUM for n in numbers[:-1]):
            return Prediction("mpu.complete.too-small", (400,))
        upload.state = "completed"
        maker = "mpu.replaced-part" if upload.replaced else "mpu.assembled"
        data = b"".join(upload.parts[n] for n in numbers)
        self._store(key, MULTIPART, data=data, content_type=upload.content_type, made_by=maker)
        # A small last part is allowed [D], its own rule. When parts arrived out of number order, a refusal may be
        # a server joining them in arrival order (then another part is "last"): that is the assembly's fault.
        in_order = list(upload.parts) == numbers
        small_last = in_order and len(upload.parts[numbers[-1]]) < PART_MINIMUM
        return _ok(
            "mpu.complete.small-last" if small_last else "mpu.complete",
            texts={"Key": (key,), "ETag": None, "Bucket": None, "Location": None},
        )

    def abort_multipart(self, key: str) -> Prediction:
        """204, and the id is gone; aborting a gone id (aborted or completed) is 404 NoSuchUpload [D] §15. The
        object at the key is untouched."""
        upload = self.uploads[key]
        if upload.state != "open":
            gone = "mpu.abort.after-complete" if upload.state == "completed" else "mpu.abort.after-abort"
            return _error(gone, 404, "NoSuchUpload")
        upload.state = "aborted"
        return _ok("mpu.abort", 204)

    # ------------------------------------------------------------ DeleteMultipleObjects (§23)

    def delete_multiple(self, keys: list[str], quiet: bool) -> Prediction:
        """Each key goes (a link: the link only, an ordinary key [I] §4); verbose: one Deleted/Key per key in
        request order, missing keys included [D][S]; quiet: no Deleted entry when all went [D]."""
        missing = [key for key in keys if key not in self.objects]
        for key in keys:
            if self.objects.pop(key, None) is not None:
                self._forget(key)
        check = "batch.quiet" if quiet else "batch.missing" if missing else "batch.verbose"
        return _ok(check, texts={"Key": () if quiet else tuple(keys)})

    # ------------------------------------------------------------ tagging (§29) and ACL (§28): the object's own

    def _owned(self, key: str, check: str, on_link: str) -> tuple[Obj | None, str]:
        """The object named (a link itself) and the check: `on_link` when it is a link."""
        obj = self.objects.get(key)
        return obj, (on_link if obj is not None and obj.kind == SYMLINK else check)

    def _set(self, key: str, **changes) -> None:
        """Tags and ACL change without a new write: Last-Modified stays [D] §29.1 (for ACL [I]), so no pin goes."""
        self.objects[key] = replace(self.objects[key], **changes)

    def put_tagging(self, key: str, tags: Tags) -> Prediction:
        """Replaces the whole set [D]; on a link, the link's own [S] §4; a missing key 404 NoSuchKey [I]."""
        obj, check = self._owned(key, "tagging.put", "tagging.put.link")
        if obj is None:
            return _error("tagging.no-such-key", 404, "NoSuchKey")
        self._set(key, tags=tuple(sorted(tags)), retagged=bool(obj.tags))
        return _ok(check)

    def get_tagging(self, key: str) -> Prediction:
        obj, check = self._owned(key, "tagging.get", "tagging.get.link")
        if obj is None:
            return _error("tagging.no-such-key", 404, "NoSuchKey")
        if not obj.tags:
            check = "tagging.get-empty.link" if obj.kind == SYMLINK else "tagging.get-empty"
        elif obj.retagged:
            check = "tagging.get.replaced"
        return _ok(check, tags=obj.tags)

    def delete_tagging(self, key: str) -> Prediction:
        """204 and no tags remain [D][S]."""
        obj, check = self._owned(key, "tagging.delete", "tagging.delete.link")
        if obj is None:
            return _error("tagging.no-such-key", 404, "NoSuchKey")
        self._set(key, tags=(), retagged=False)
        return _ok(check, 204)

    def put_acl(self, key: str, acl: str) -> Prediction:
        """private, public-read, public-read-write or default, 200 [D]; a missing key 404 NoSuchKey [S]."""
        obj, check = self._owned(key, "acl.put", "acl.put.link")
        if obj is None:
            return _error("acl.put.no-such-key", 404, "NoSuchKey")
        self._set(key, acl=acl)
        return _ok(check)

    def get_acl(self, key: str) -> Prediction:
        """The Grant set last [D][S]; `default` when never set or set to default [S] (§9.27: its own SHOULD
        rule). A missing key 404 NoSuchKey [S]."""
        obj, check = self._owned(key, "acl.get", "acl.get.link")
        if obj is None:
            return _error("acl.get.no-such-key", 404, "NoSuchKey")
        return _ok("acl.get.default" if obj.acl == "default" else check, grant=obj.acl)

    # ------------------------------------------------------------ reads

    def _resolve(self, key: str) -> tuple[Obj | None, str | None, Prediction | None]:
        """Follow at most one link: (object read, the key whose bytes are read, or an error prediction)."""
        obj = self.objects.get(key)
        if obj is None:
            return None, None, _error("read.no-such-key", 404, "NoSuchKey")
        if obj.kind != SYMLINK:
            return obj, key, None
        assert obj.target is not None
        target = self.objects.get(obj.target)
        if target is None:
            return None, None, _error("read.target-missing", 404, "SymlinkTargetNotExist")  # [D]
        if target.kind == SYMLINK:
            return None, None, _error("read.target-is-link", 400, "InvalidTargetType")  # [D], self-link too
        return target, obj.target, None

    def read(self, key: str, method: str) -> Prediction:
        """GetObject / HeadObject. Through a link: Content-Length, ETag, Content-MD5 from the target,
        Last-Modified the later of link and target, every other header from the link [D] GetObject doc."""
        p = self._read(key, method)
        own = self.objects.get(key)
        target = own.target if own is not None and own.kind == SYMLINK else None
        return replace(p, decodes_target=True) if target and quote(target) != target else p

    def _read(self, key: str, method: str) -> Prediction:
        data_obj, data_key, failure = self._resolve(key)
        if failure is not None:
            return failure
        assert data_obj is not None and data_key is not None
        own = self.objects[key]
        headers = {**self._own_headers(own), "content-length": str(len(data_obj.data))}
        pins = [self._etag_pin(data_key)]
        if own.storage_class in (None, UNKNOWN):
            pins.append(self._class_pin(key, own))
        via_link = own.kind == SYMLINK
        if own.tags and not via_link:  # the count of a link's own tags is not documented
            headers["x-oss-tagging-count"] = str(len(own.tags))  # [D] §29.1
        made_by = data_obj.made_by and data_obj.made_by + (".via-link" if via_link else "")
        check = "read.through-link" if via_link else "read.object"
        return _ok(
            "symlink.ops.put-object-replaces" if {key, data_key} & self.behind_replaced else check,
            made_by=made_by,
            headers=headers,
            meta=own.meta,  # the link's user meta, never the target's [S] oss2, Java SymlinkTest
            body=data_obj.data if method == "GET" else None,
            pins=tuple(pins) + (() if via_link else (Pin(key, "last-modified", "last-modified"),)),
            newest_of=(key, data_key) if via_link else (),
        )

    def get_symlink(self, key: str) -> Prediction:
        """GetSymlink: the link's target, ETag, Last-Modified, Content-Type and user meta [D][S]; a missing
        key is 404 NoSuchKey [D]; a key that is not a link gives NotSymlink [S] ossutil, with a status
        documented nowhere (any 4xx)."""
        obj = self.objects.get(key)
        if obj is None:
            return _error("symlink.get.no-such-key", 404, "NoSuchKey")
        if obj.kind != SYMLINK:
            replaced = key in self.behind_replaced
            return Prediction(
                "symlink.ops.put-object-replaces" if replaced else "symlink.get.not-a-link", ANY_4XX, "NotSymlink"
            )
        assert obj.target is not None
        return _ok(
            "symlink.get.target",
            headers={"x-oss-symlink-target": obj.target, "content-type": obj.content_type},
            meta=obj.meta,
            pins=(self._etag_pin(key), Pin(key, "last-modified", "last-modified")),
        )

    def get_object_meta(self, key: str) -> Prediction:
        """GetObjectMeta reports the object named, a link itself rather than its target [D]; a missing key
        is 404 NoSuchKey [S] oss2 test_exception_ec."""
        obj = self.objects.get(key)
        if obj is None:
            return _error("meta.no-such-key", 404, "NoSuchKey")
        pins = [self._etag_pin(key), Pin(key, "last-modified", "last-modified")]
        headers = {}
        if obj.kind == SYMLINK:
            pins.append(Pin(key, "size", "content-length"))  # opaque: about the length of the target name [D]
        else:
            headers["content-length"] = str(len(obj.data))
        check = "meta.link-itself" if obj.kind == SYMLINK else "meta.object"
        if key in self.behind_replaced:
            check = "symlink.ops.put-object-replaces"
        return _ok(check, headers=headers, pins=tuple(pins))

    def list_objects(self) -> Prediction:
        """Every object is listed with its Type (Symlink for links [S] Go v1 TestSymlink, contradicted by V2
        doc comments) and Size (a link's own size is opaque [I])."""
        listing = {k: (o.kind, None if o.kind == SYMLINK else len(o.data)) for k, o in self.objects.items()}
        return _ok("list.entries", listing=listing)

    # ------------------------------------------------------------ comparing an answer

    def verify(
        self,
        p: Prediction,
        status: int,
        code: str | None,
        headers: Mapping[str, str],
        body: bytes,
        listing: Mapping[str, tuple[str, str]] | None = None,
    ) -> list[tuple[str, str]]:
        """(aspect, problem) for every difference between a prediction and an answer; headers have lower-case
        names. The aspect ("status", "error-code", a header name, "meta", "body", "listing") lets a caller
        name the rule.
        Pins are taken here."""
        if status in p.status and p.code is not None and code is None:
            return [("error-code", f"expected {p.code}, got {status} with no error Code (body or x-oss-err)")]
        if status in p.status and p.code is not None and code != p.code:
            return [("code", f"expected {status} {p.code}, got {status} {code}")]
        if status not in p.status or (p.code is not None and code != p.code):
            statuses = "4xx" if p.status == ANY_4XX else " or ".join(map(str, p.status))
            want = statuses + (f" {p.code}" if p.code else "")
            got = f"{status} {code}" if code else f"{status} with no error Code" if status >= 400 else f"{status}"
            return [("status", f"expected {want}, got {got}")]
        if p.code is not None or status >= 300:
            return []
        problems = [
            (name, f"header {name}: got {headers.get(name)!r}, expected {want!r}")
            for name, want in p.headers.items()
            if headers.get(name) != want
        ]
        if p.meta is not None:
            got = {n[len("x-oss-meta-") :]: v for n, v in headers.items() if n.startswith("x-oss-meta-")}
            if got != dict(p.meta):
                problems.append(("meta", f"user meta: got {got}, expected {dict(p.meta)}"))
        if p.body is not None and body != p.body:
            problems.append(("body", f"body: got {body[:64]!r}, expected {p.body[:64]!r}"))
        problems += [(pin.header, m) for pin in p.pins if (m := self.take_pin(pin, headers.get(pin.header)))]
        if p.newest_of:
            problems += [("last-modified", m) for m in self._check_newest(p.newest_of, headers.get("last-modified"))]
        if p.listing is not None:
            problems += _compare_listing(p.listing, listing or {}, self)
        return problems + _compare_xml(p, body)

    def take_pin(self, pin: Pin, value: str | None) -> str | None:
        if value is None and pin.required:
            return f"header {pin.header} is missing"
        slot = (pin.subject, pin.name)
        if slot not in self.pinned:
            self.pinned[slot] = value
            return self._check_order(pin.subject) if pin.name == "last-modified" else None
        want = self.pinned[slot]
        if value == want:
            return None
        return f"{pin.header}: got {value!r}, but the same object earlier showed {want!r} (not written since)"

    def _last_modified(self, subject: str):
        value = self.pinned.get((subject, "last-modified"))
        try:
            return parsedate_to_datetime(value) if value else None
        except (TypeError, ValueError):
            return None

    def _check_order(self, subject: str) -> str | None:
        """An object written later never shows an earlier Last-Modified than one written before it."""
        mine, seq = self._last_modified(subject), self.objects[subject].seq
        for other, obj in self.objects.items():
            theirs = self._last_modified(other)
            if mine and theirs and ((obj.seq < seq and theirs > mine) or (obj.seq > seq and theirs < mine)):
                return f"Last-Modified of {subject!r} ({mine}) is out of write order with {other!r} ({theirs})"
        return None

    def _check_newest(self, subjects: tuple[str, ...], value: str | None) -> list[str]:
        try:
            got = parsedate_to_datetime(value) if value else None
        except (TypeError, ValueError):
            got = None
        if got is None:
            return [f"last-modified: {value!r} is not an HTTP date"]
        known = [t for t in map(self._last_modified, subjects) if t is not None]
        if len(known) == len(subjects) and got != max(known):
            return [f"last-modified: got {value}, expected the later of link and target ({max(known)})"]
        if known and got < max(known):
            return [f"last-modified: got {value}, earlier than link or target ({max(known)})"]
        return []


def _compare_listing(
    want: Mapping[str, tuple[str, int | None]], got: Mapping[str, tuple[str, str]], model: Model
) -> list[tuple[str, str]]:
    """Listed keys, Type and Size against the model. A link's Size is opaque [I]: it is held steady from one
    listing to the next, but not compared with GetObjectMeta's Content-Length, which no document ties to it."""
    problems = []
    if set(want) != set(got):
        problems.append(("listing", f"listed keys: got {sorted(got)}, expected {sorted(want)}"))
    for key in sorted(set(want) & set(got)):
        kind, size = want[key]
        got_kind, got_size = got[key]
        replaced = key in model.behind_replaced  # a wrong entry there is the PutObject's fault, not the listing's
        if got_kind != kind:
            aspect = "listing.type" if SYMLINK in (kind, got_kind) else "listing.entry"
            aspect = "listing.type.multipart" if MULTIPART in (kind, got_kind) else aspect
            aspect = "replaced-link" if replaced else aspect
            problems.append((aspect, f"{key}: listed Type {got_kind!r}, expected {kind!r}"))
        if size is not None and got_size != str(size):
            problems.append(
                ("replaced-link" if replaced else "listing", f"{key}: listed Size {got_size!r}, expected {size}")
            )
        if size is None and (m := model.take_pin(Pin(key, "listed-size", "Size"), got_size)):
            problems.append(("listing", m))
    return problems


def _xml_root(body: bytes) -> ElementTree.Element | None:
    try:
        return ElementTree.fromstring(body) if body.strip() else None
    except ElementTree.ParseError:
        return None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _texts(root: ElementTree.Element | None, tag: str) -> list[str]:
    return [] if root is None else [e.text or "" for e in root.iter() if _local(e.tag) == tag]


def _compare_xml(p: Prediction, body: bytes) -> list[tuple[str, str]]:
    """The reply body's XML against the prediction's texts, tag set (GetObjectTagging: Tag/Key, Tag/Value, in any
    order) and Grant (GetObjectAcl: AccessControlPolicy/AccessControlList/Grant)."""
    if p.texts is None and p.tags is None and p.grant is None:
        return []
    root = _xml_root(body)
    problems = []
    for tag, want in (p.texts or {}).items():
        got = _texts(root, tag)
        if (want is None and (len(got) != 1 or not got[0])) or (want is not None and tuple(got) != want):
            aspect = "xml-order" if want and sorted(got) == sorted(want) else "xml"
            problems.append(
                (aspect, f"<{tag}>: got {got}, expected {'one, not empty' if want is None else list(want)}")
            )
    if p.tags is not None:
        tags = [] if root is None else [e for e in root.iter() if _local(e.tag) == "Tag"]
        got_tags = sorted((("".join(_texts(t, "Key"))), "".join(_texts(t, "Value"))) for t in tags)
        if tuple(got_tags) != p.tags:
            problems.append(("tags", f"tags: got {got_tags}, expected {list(p.tags)}"))
    if p.grant is not None:
        lists = [] if root is None else [e for e in root if _local(e.tag) == "AccessControlList"]
        grants = [g.text or "" for acl in lists for g in acl if _local(g.tag) == "Grant"]
        if len(grants) != 1:
            problems.append(("acl-body", f"no single AccessControlList/Grant in the body: {body[:120]!r}"))
        elif grants[0] != p.grant:
            problems.append(("grant", f"Grant: got {grants[0]!r}, expected {p.grant!r}"))
    return problems


# Every dotted name the model writes (its checks among them), read from this very file: attribution.py checks
# at import that each check its tables name is one of them, so a typo cannot fall back to the catch-all rule.
WRITTEN_NAMES = frozenset(re.findall(r'"([a-z]+\.[a-z][a-z.-]*)"', Path(__file__).read_text(encoding="utf-8")))
