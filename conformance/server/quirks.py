"""Deliberate deviations ("quirks"), each modelled on a real clone's behaviour, so the suite can be shown
able to fail. A quirk is one named entry here and one marked place in the server: a row of rewrites.py
when it only rewrites a request, an error Code or a reply, else one `if ctx.quirks.has("name"):`
branch where the behaviour lives. `breaks` lists the registry rule ids (conformance/rules/*.toml) it violates.

To add one: add a Quirk to REGISTRY, then its filter row or its branch.
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Iterable
from typing import NamedTuple

LISTED_BY = "`oss-conformance quirks` lists them"


class Quirk(NamedTuple):
    name: str
    mimics: str  # the real server (or SDK family) whose behaviour this copies
    breaks: tuple[str, ...]  # rule ids
    description: str


def _registry(*quirks: Quirk) -> dict[str, Quirk]:
    return {quirk.name: quirk for quirk in quirks}


REGISTRY: dict[str, Quirk] = _registry(
    # ---- symlink support missing or routed wrongly
    Quirk(
        "symlink-not-implemented",
        "aliyun/oss-emulator",
        (
            "symlink.put.response",
            "symlink.put.query-with-equals",
            "symlink.get.target",
            "symlink.get.no-such-key",
            "symlink.get.no-such-bucket",
            "symlink.get.not-symlink",
        ),
        "PutSymlink and GetSymlink answer 501 NotImplemented, whatever the key: so GetSymlink's answers for a "
        "missing key, a missing bucket and a normal object are wrong too.",
    ),
    Quirk(
        "symlink-query-ignored",
        "moto and ministack (S3 emulators with an OSS front)",
        (
            "symlink.get.target",
            "symlink.read.target-bytes",
            "symlink.get.not-symlink",
        ),
        "The ?symlink sub-resource is ignored: PUT ?symlink stores an empty normal object, GET ?symlink is a "
        "plain GetObject."
        " GET ?symlink of a normal object then answers 200, not NotSymlink.",
    ),
    Quirk(
        "symlink-stored-as-object",
        "S3 gateways that accept any sub-resource on PUT and 404 the ones they do not know on GET",
        ("symlink.get.target", "symlink.get.not-symlink"),
        "PUT ?symlink stores an empty normal object (200 with an ETag); GET ?symlink answers 404 NoSuchKey for "
        "every key. The second rule breaks because a normal object also gets 404 instead of NotSymlink.",
    ),
    Quirk(
        "link-not-followed",
        "clones that store a link as an empty object and never resolve it",
        ("symlink.read.target-bytes", "symlink.read.target-headers"),
        "GetObject and HeadObject on a link return the empty link object instead of the target.",
    ),
    # ---- error replies
    Quirk(
        "not-found-generic",
        "S3-style HTTP front ends (HEAD-style 404 NotFound for every missing resource)",
        (
            "error.no-such-key",
            "error.no-such-bucket",
            "symlink.get.no-such-key",
            "symlink.get.no-such-bucket",
            "object.meta.no-such-key",
            "object.copy.no-such-key",
            "object.copy.no-such-source-bucket",
            "list.v1.no-such-bucket",
            "versions.list.no-such-bucket",
            "object.acl.get-no-such-key",
            "object.acl.put-no-such-key",
            "object.restore.no-such-key",
            "object.tagging.no-such-key",
        ),
        "A missing key or bucket is 404 with Code NotFound instead of NoSuchKey / NoSuchBucket: every rule that names "
        "one of those Codes breaks.",
    ),
    Quirk(
        "bad-request-generic",
        "web-framework clones that map every validation failure to one error",
        (
            "auth.v4-wrong-region",
            "mpu.complete.complete-all-with-body",
            "mpu.complete.etag-mismatch",
            "mpu.complete.min-part-size-code",
            "mpu.complete.missing-part",
            "mpu.complete.part-order",
            "mpu.init.storage-class-invalid",
            "mpu.part.content-md5",
            "mpu.part.number-range",
            "object.batch-delete.content-md5-mismatch",
            "object.batch-delete.limit",
            "object.name.leading-separator",
            "object.name.too-long",
            "object.put.content-md5-mismatch",
            "object.put.storage-class-invalid",
            "symlink.get.not-symlink",
            "symlink.put.link-name-leading-slash",
            "symlink.put.link-name-too-long",
            "symlink.put.link-name-too-long-bytes",
            "symlink.put.storage-class-empty",
            "symlink.put.storage-class-invalid",
            "symlink.put.target-header-required-code",
            "symlink.read.target-is-link",
            "object.copy.source-malformed",
            "object.copy.directive-invalid",
            "object.copy.storage-class-invalid",
            "object.append.position-missing",
            "object.append.position-invalid",
            "list.v1.encoding-type-invalid",
            "list.v1.max-keys-invalid",
            "list.v1.prefix-too-long",
            "list.v2.max-keys-invalid",
            "list.v2.start-after-too-long",
            "list.v2.token-invalid",
            "versions.list.max-keys-invalid",
            "object.acl.invalid",
            "object.restore.archive-job-parameters",
            "object.restore.bad-tier",
            "object.restore.days-range",
            "object.restore.not-archive",
            "object.tagging.header-format",
            "object.tagging.header-invalid",
            "object.tagging.key-chars",
            "symlink.put.target-invalid-name",
        ),
        "Every 400 reply has Code BadRequest instead of the documented Code: every rule that names a 400 Code breaks.",
    ),
    Quirk(
        "no-such-bucket-as-no-such-key",
        "key-value stores with one flat namespace behind an OSS front end",
        (
            "error.no-such-bucket",
            "symlink.get.no-such-bucket",
            "object.copy.no-such-source-bucket",
            "list.v1.no-such-bucket",
            "versions.list.no-such-bucket",
        ),
        "A request to a bucket that does not exist is 404 NoSuchKey instead of NoSuchBucket: every rule that names "
        "NoSuchBucket breaks.",
    ),
    Quirk(
        "head-error-without-x-oss-err",
        "generic HTTP front ends",
        ("error.head-x-oss-err",),
        "HEAD error replies omit the base64 error XML in x-oss-err.",
    ),
    Quirk(
        "error-body-not-xml",
        "clones built on a JSON web framework",
        (
            "error.body-xml",
            "error.content-type",
            "error.head-x-oss-err",
        ),
        "Error bodies are plain text `Code: Message` with Content-Type text/plain instead of <Error> XML; a HEAD "
        "error's x-oss-err carries that text too, so the rules on error Content-Type and x-oss-err break as well.",
    ),
    Quirk(
        "request-id-missing-on-errors",
        "clones whose error path bypasses the common reply headers",
        ("error.request-id",),
        "Error replies carry no x-oss-request-id header.",
    ),
    # ---- PutSymlink: what is checked at create time
    Quirk(
        "target-checked-at-create",
        "POSIX-backed gateways that stat the target before creating the link",
        ("symlink.put.no-target-check",),
        "PutSymlink to a target that does not exist fails with 404 SymlinkTargetNotExist.",
    ),
    Quirk(
        "missing-target-header-accepted",
        "clones that read the target header with a default of ''",
        ("symlink.put.target-header-required", "symlink.put.target-header-required-code"),
        "PutSymlink without x-oss-symlink-target creates a link to the empty name (200: neither the refusal nor "
        "its status and Code).",
    ),
    Quirk(
        "symlink-overwrite-refused",
        "gateways mapping PutSymlink to symlink(2), which fails with EEXIST",
        ("symlink.put.overwrite", "symlink.put.forbid-overwrite-false"),
        "PutSymlink over an existing key always fails with 409 FileAlreadyExists.",
    ),
    Quirk(
        "forbid-overwrite-ignored",
        "gateways that drop unknown x-oss-* headers",
        (
            "symlink.put.forbid-overwrite-existing",
            "mpu.init.forbid-overwrite",
            "mpu.complete.forbid-overwrite",
            "object.put.forbid-overwrite",
            "object.copy.forbid-overwrite",
        ),
        "x-oss-forbid-overwrite: true is ignored; existing objects are overwritten.",
    ),
    Quirk(
        "versioned-forbid-overwrite-enforced",
        "clones that apply forbid-overwrite without looking at the bucket's versioning",
        ("versioning.symlink.forbid-overwrite-ignored",),
        "x-oss-forbid-overwrite: true refuses PutSymlink over an existing key in a versioned bucket too.",
    ),
    Quirk(
        "worm-ignores-links",
        "clones that check retention in PutObject only",
        ("worm.symlink.immutable",),
        "PutSymlink replaces an existing object in a WORM-protected bucket.",
    ),
    Quirk(
        "link-name-length-in-characters",
        "clones that count len(str) instead of UTF-8 bytes",
        ("symlink.put.link-name-too-long-bytes",),
        "PutSymlink limits the link name to 1023 characters instead of 1023 UTF-8 bytes.",
    ),
    # ---- PutSymlink: attributes
    Quirk(
        "storage-class-ignored",
        "emulators without storage classes (moto, ministack)",
        ("symlink.put.storage-class", "symlink.put.storage-class-invalid"),
        "PutSymlink ignores x-oss-storage-class: every link is Standard and no value is refused.",
    ),
    Quirk(
        "storage-class-unchecked",
        "clones that store the header verbatim",
        ("symlink.put.storage-class-invalid",),
        "PutSymlink accepts and stores any x-oss-storage-class value.",
    ),
    Quirk(
        "meta-no-cap",
        "emulators that store any headers (moto)",
        ("symlink.put.meta-over-cap", "symlink.put.meta-just-over-cap"),
        "PutSymlink accepts x-oss-meta-* of any total size.",
    ),
    Quirk(
        "meta-low-cap",
        "S3 clones applying S3's 2 KB user-metadata limit",
        ("symlink.put.meta-just-under-cap",),
        "PutSymlink refuses x-oss-meta-* over 2 KB in total instead of 8 KB.",
    ),
    Quirk(
        "head-drops-user-meta",
        "clones whose HEAD handler builds headers from the content only",
        ("symlink.read.link-meta", "object.put.meta-roundtrip"),
        "HeadObject returns no x-oss-meta-* headers.",
    ),
    Quirk(
        "get-symlink-without-meta",
        "clones whose GetSymlink returns only the target header",
        ("symlink.get.user-meta",),
        "GetSymlink returns no x-oss-meta-* headers.",
    ),
    # ---- the target value on the wire
    Quirk(
        "symlink-target-raw",
        "servers written against the V2 SDKs, which neither encode nor decode the target",
        ("symlink.get.target-percent-encoded", "symlink.put.target-encoded", "symlink.put.target-plus-is-space"),
        "PutSymlink stores x-oss-symlink-target without percent-decoding; GetSymlink returns it unencoded."
        " Nothing is decoded, so a raw '+' is not read as a space either.",
    ),
    Quirk(
        "target-returned-decoded",
        "clones that echo the stored target as is",
        ("symlink.get.target-percent-encoded", "symlink.put.target-encoded", "symlink.get.target"),
        "GetSymlink returns x-oss-symlink-target decoded (spaces, '+' and UTF-8 bytes literally). A target holding "
        "'%' or '+' then decodes to another name in every SDK that decodes the answer (oss2, Java, Go v1).",
    ),
    Quirk(
        "target-stored-undecoded",
        "clones that store the header value verbatim but encode it on the way out",
        (
            "symlink.get.target",
            "symlink.put.target-encoded",
            "symlink.get.target-percent-encoded",
            "symlink.put.target-plus-is-space",
            "symlink.put.target-invalid-name",
        ),
        "PutSymlink stores the target still percent-encoded; GetSymlink encodes it again (double encoding), so "
        "GetSymlink no longer names the target that was put: its answer decodes to the still-encoded name, a raw "
        "'+' is never read as a space, and an accepted name such as '\\x' comes back as '%5Cx', not as is.",
    ),
    # ---- reading through a link
    Quirk(
        "chained-links-followed",
        "POSIX-style resolution (up to 8 hops)",
        ("symlink.read.target-is-link",),
        "A link whose target is a link is followed to the end of the chain instead of 400 InvalidTargetType.",
    ),
    Quirk(
        "missing-target-as-no-such-key",
        "clones that resolve a link with their ordinary key lookup",
        ("symlink.read.target-missing",),
        "Reading a link whose target is missing fails with 404 NoSuchKey instead of SymlinkTargetNotExist.",
    ),
    Quirk(
        "last-modified-from-link",
        "clones that copy the link's own Last-Modified",
        ("symlink.read.last-modified-max", "symlink.read.time-conditionals"),
        "GET and HEAD through a link report the link's Last-Modified, not the later of link and target; the time "
        "conditionals compare against that same wrong time, so their rule breaks too.",
    ),
    Quirk(
        "target-meta-leaked",
        "clones that merge the target's headers into the reply",
        ("symlink.read.link-meta",),
        "Reading through a link also returns the target's x-oss-meta-* headers the link does not have.",
    ),
    Quirk(
        "content-type-from-target",
        "clones that serve the target object's headers",
        ("symlink.read.link-content-type",),
        "Reading through a link returns the target's Content-Type.",
    ),
    Quirk(
        "object-type-from-target",
        "clones that serve the target object's headers",
        ("symlink.read.object-type",),
        "Reading through a link reports the target's x-oss-object-type (Normal) instead of Symlink.",
    ),
    Quirk(
        "range-ignored-through-link",
        "clones whose link path streams the whole target",
        (
            "symlink.read.range",
            "symlink.read.range-open-and-suffix",
        ),
        "A Range read through a link returns 200 with the whole target. Open and suffix ranges through a link are "
        "ignored the same way.",
    ),
    Quirk(
        "conditionals-use-link-etag",
        "clones that evaluate If-* before resolving the link",
        ("symlink.read.etag-conditionals",),
        "If-Match / If-None-Match through a link compare against the link's own ETag.",
    ),
    Quirk(
        "objectmeta-not-implemented",
        "S3 emulators with an OSS front (no GetObjectMeta)",
        (
            "symlink.read.object-meta-is-link",
            "object.meta.no-such-key",
            "object.meta.response",
        ),
        "GetObjectMeta (HEAD ?objectMeta) answers 501 NotImplemented. GetObjectMeta's own rules break with it.",
    ),
    Quirk(
        "objectmeta-follows-link",
        "S3-style gateways that resolve links for every read",
        ("symlink.read.object-meta-is-link",),
        "GetObjectMeta (HEAD ?objectMeta) on a link reports the target instead of the link itself.",
    ),
    # ---- CopyObject and AppendObject (slice copy; rules copy-object.toml, append-object.toml)
    Quirk(
        "copy-result-empty",
        "S3 gateways that answer a copy like a PUT: 200 with an ETag header and no body",
        ("object.copy.result",),
        "CopyObject answers 200 without the CopyObjectResult body.",
    ),
    Quirk(
        "copy-first-kib-only",
        "clones that copy with a single buffered read of the source",
        ("object.copy.data",),
        "CopyObject writes only the first 1024 bytes of the source.",
    ),
    Quirk(
        "copy-missing-source-invalid",
        "clones that check the source first and report every failure as a bad argument",
        ("object.copy.no-such-key",),
        "CopyObject from a missing source key fails with 400 InvalidArgument instead of 404 NoSuchKey.",
    ),
    Quirk(
        "copy-source-bucket-ignored",
        "single-bucket clones that read only the key of x-oss-copy-source",
        ("object.copy.no-such-source-bucket",),
        "The bucket named in x-oss-copy-source is ignored: the source is looked up in the destination bucket.",
    ),
    Quirk(
        "copy-source-malformed-404",
        "clones that look up whatever they parsed from x-oss-copy-source",
        ("object.copy.source-malformed",),
        "An x-oss-copy-source that is not /bucket/key fails with 404 NoSuchKey instead of 400 InvalidArgument.",
    ),
    Quirk(
        "copy-source-raw-slash-split",
        "clones that split x-oss-copy-source on every '/' (the V2 SDKs send the key's '/' raw)",
        ("object.copy.source-decoded",),
        "A raw '/' in the key of x-oss-copy-source ends the key; keys sent with %2F copy fine.",
    ),
    Quirk(
        "copy-source-plain-decoded",
        "clones that decode the header with a URL-path decoder ('+' stays '+')",
        ("object.copy.source-plus-is-space",),
        "The key in x-oss-copy-source is percent-decoded without form rules: a '+' sent for a space stays '+'.",
    ),
    Quirk(
        "copy-meta-replaced-when-given",
        "gateways that take new x-oss-meta-* headers on a copy as a metadata update",
        ("object.copy.meta-default-copy", "object.copy.directive-any-case"),
        "CopyObject with x-oss-meta-* headers behaves as REPLACE whatever x-oss-metadata-directive says.",
    ),
    Quirk(
        "copy-meta-directive-ignored",
        "clones that always copy the source's metadata",
        ("object.copy.meta-replace", "object.copy.onto-itself", "object.copy.directive-any-case"),
        "x-oss-metadata-directive: REPLACE is ignored: the source's metadata is copied (so a self-copy changes "
        "nothing).",
    ),
    Quirk(
        "copy-directive-case-sensitive",
        "the reference server before issue 15 (refused the SDKs' Copy and replace)",
        ("object.copy.directive-any-case",),
        "Only the spellings on the pages are taken (COPY/REPLACE, Copy/Replace); others are 400 InvalidArgument.",
    ),
    Quirk(
        "copy-directive-unchecked",
        "clones that take any directive other than REPLACE as COPY",
        ("object.copy.directive-invalid",),
        "A metadata or tagging directive that is neither COPY nor REPLACE is taken as COPY.",
    ),
    Quirk(
        "copy-tags-dropped",
        "clones that keep tags outside the object record and do not copy them",
        ("object.copy.tagging-default-copy", "object.copy.directive-any-case"),
        "CopyObject with the tagging directive COPY (or none) gives the destination no tags.",
    ),
    Quirk(
        "copy-tagging-directive-ignored",
        "clones that always copy the source's tags",
        ("object.copy.tagging-replace", "object.copy.directive-any-case"),
        "x-oss-tagging-directive: Replace is ignored: the source's tags are copied, x-oss-tagging is dropped.",
    ),
    Quirk(
        "copy-conditions-ignored",
        "clones that implement the If-* headers of GetObject only",
        (
            "object.copy.if-match",
            "object.copy.if-none-match",
            "object.copy.if-modified-since",
            "object.copy.if-unmodified-since",
        ),
        "CopyObject ignores x-oss-copy-source-if-*: the copy always happens.",
    ),
    Quirk(
        "copy-not-modified-as-412",
        "S3 (CopyObject answers 412 for every failed x-amz-copy-source-if-* condition)",
        ("object.copy.if-none-match", "object.copy.if-modified-since"),
        "A failed x-oss-copy-source-if-none-match or -if-modified-since answers 412 PreconditionFailed, not 304.",
    ),
    Quirk(
        "copy-unmodified-since-strict",
        "clones that compare Last-Modified < date where OSS compares <=",
        ("object.copy.conditions-met",),
        "x-oss-copy-source-if-unmodified-since equal to the source's Last-Modified fails with 412.",
    ),
    Quirk(
        "copy-storage-class-ignored",
        "clones with one storage class that drop x-oss-storage-class",
        ("object.copy.storage-class",),
        "CopyObject ignores x-oss-storage-class: the destination is Standard.",
    ),
    Quirk(
        "copy-storage-class-unchecked",
        "clones that drop an x-oss-storage-class value they do not recognise",
        ("object.copy.storage-class-invalid",),
        "CopyObject with an unknown x-oss-storage-class succeeds and writes a Standard object.",
    ),
    Quirk(
        "copy-self-refused",
        "S3-derived clones (an object copied onto itself is an illegal copy)",
        ("object.copy.onto-itself",),
        "CopyObject onto its own source fails with 400 InvalidRequest, whatever the directive.",
    ),
    Quirk(
        "copy-without-crc64",
        "clones that compute CRC-64 only for uploaded bodies",
        ("object.copy.crc64",),
        "CopyObject answers no x-oss-hash-crc64ecma.",
    ),
    Quirk(
        "copy-acl-copied",
        "clones that copy the whole object record, ACL included",
        ("object.copy.acl-not-copied",),
        "CopyObject without x-oss-object-acl gives the destination the source's ACL.",
    ),
    Quirk(
        "append-next-position-of-chunk",
        "clones that answer the length of the part they received",
        ("object.append.next-position", "object.append.empty-body"),
        "AppendObject answers x-oss-next-append-position = the length of this request's body, not of the object.",
    ),
    Quirk(
        "append-position-unchecked",
        "clones that always append at the end",
        (
            "object.append.position-mismatch",
            "object.append.mismatch-next-position",
            "object.append.zero-on-existing",
        ),
        "AppendObject ignores position: the body goes to the end whatever position says.",
    ),
    Quirk(
        "append-zero-restarts",
        "clones that map position 0 to a fresh upload",
        ("object.append.zero-on-existing",),
        "AppendObject at position 0 onto a non-empty appendable object replaces its content.",
    ),
    Quirk(
        "append-mismatch-without-next-position",
        "clones that answer the error without OSS's extra header",
        ("object.append.mismatch-next-position",),
        "The 409 PositionNotEqualToLength reply has no x-oss-next-append-position.",
    ),
    Quirk(
        "append-zero-on-existing-refused",
        "clones that allow position 0 only on a missing key",
        ("object.append.zero-on-empty",),
        "AppendObject at position 0 onto an existing empty appendable object fails with 409 PositionNotEqualToLength.",
    ),
    Quirk(
        "append-to-normal",
        "clones without an object type that let any object grow",
        ("object.append.not-appendable",),
        "AppendObject onto a Normal object at its length appends instead of 409 ObjectNotAppendable.",
    ),
    Quirk(
        "append-crc64-of-chunk",
        "clones that CRC the request body only",
        ("object.append.crc64",),
        "AppendObject answers the CRC-64 of this request's body instead of the whole object's.",
    ),
    Quirk(
        "append-head-no-next-position",
        "clones that keep the next position only in AppendObject's reply",
        ("object.append.head",),
        "HeadObject of an appendable object has no x-oss-next-append-position.",
    ),
    Quirk(
        "append-first-meta-dropped",
        "clones that take no attributes on AppendObject",
        ("object.append.first-attributes",),
        "The first AppendObject ignores x-oss-meta-* headers.",
    ),
    Quirk(
        "append-later-meta-applied",
        "clones that apply every append's headers",
        ("object.append.later-attributes-ignored",),
        "A later AppendObject's x-oss-meta-* headers replace the object's metadata.",
    ),
    Quirk(
        "append-missing-position-invalid",
        "the reference server before this slice",
        ("object.append.position-missing",),
        "AppendObject without position fails with 400 InvalidArgument instead of MissingArgument.",
    ),
    Quirk(
        "append-position-lenient",
        "clones whose integer parse reads garbage as 0",
        ("object.append.position-invalid",),
        "A position that is not a non-negative integer is read as 0.",
    ),
    Quirk(
        "append-empty-body-refused",
        "clones that take an empty append as a client error",
        ("object.append.empty-body",),
        "A zero-byte AppendObject onto an existing object fails with 400 InvalidArgument.",
    ),
    # ---- other operations on a link
    Quirk(
        "delete-follows-link",
        "clones that resolve links for every operation",
        (
            "symlink.ops.delete-link-only",
            "versioning.symlink.delete-marker",
        ),
        "DeleteObject on a link removes the target; the link stays. In a versioned bucket the delete marker "
        "lands on the target, so the link's delete-marker rule breaks too.",
    ),
    Quirk(
        "copy-dereferences-link",
        "clones that copy the bytes read through the source (like cp without -P)",
        ("symlink.ops.copy-copies-link",),
        "CopyObject with a link as source writes a normal object holding the target's bytes.",
    ),
    Quirk(
        "append-follows-link",
        "clones that resolve links for every operation",
        ("symlink.ops.append-rejected",),
        "AppendObject on a link appends to the target instead of 409 ObjectNotAppendable.",
    ),
    Quirk(
        "acl-follows-link",
        "clones that resolve links for every operation",
        ("symlink.ops.acl-on-link",),
        "PutObjectAcl on a link changes the target's ACL.",
    ),
    Quirk(
        "list-type-normal",
        "servers following the V2 SDK doc comments, which list only Normal/Multipart/Appendable",
        ("symlink.ops.list-type",),
        "ListObjects shows a link's entry with <Type>Normal</Type>.",
    ),
    # ---- wire format and auth
    Quirk(
        "etag-lowercase",
        "S3 clones (lower-case hex MD5 ETags)",
        ("etag.quoted-upper-hex",),
        "ETag headers are lower-case hex.",
    ),
    Quirk(
        "etag-unquoted",
        "clones that send the bare MD5",
        ("etag.quoted-upper-hex",),
        "ETag headers carry no surrounding double quotes.",
    ),
    Quirk(
        "signature-not-verified",
        "moto and most local emulators",
        (
            "auth.signature-mismatch",
            "auth.unknown-access-key",
            "auth.clock-skew",
            "auth.v4-wrong-region",
        ),
        "Any Authorization header is accepted without checking the key or the signature. Skewed clocks and wrong "
        "regions are accepted too, so their rules break.",
    ),
    Quirk(
        "v1-signature-rejected",
        "gateways that implement only the newer signature (V4), as S3 clones dropped SigV2",
        ("auth.signature-versions",),
        "A request signed with OSS V1 (Authorization: OSS ...) is refused with 403 AccessDenied.",
    ),
    Quirk(
        "v4-separator-strict",
        "hand-written parsers that split the V4 Authorization on ',' and keep the space before the next field",
        ("auth.v4-separator",),
        "A V4 Authorization whose fields are separated by ', ' is refused with 403 AccessDenied.",
    ),
    # ---- object names and versioning
    Quirk(
        "control-characters-rejected",
        "file-system-backed gateways that refuse names a file could not have",
        ("object.name.any-characters",),
        "A name holding a control character (below U+0020) is refused with 400 InvalidObjectName.",
    ),
    Quirk(
        "names-normalized",
        "file-system-backed clones that store a key as a path",
        ("object.name.any-characters",),
        "Object names are normalised like file paths ('a/../b' is 'b', 'x//y' is 'x/y', './c' is 'c') on every "
        "request, so a read under the name written finds the object but the listing shows another name.",
    ),
    Quirk(
        "encoded-slash-kept",
        "routers that match on the raw path and decode each segment apart, leaving %2F as three characters",
        ("object.name.encoded-slash",),
        "A '/' sent as %2F in the path is stored as the literal characters '%2F'.",
    ),
    Quirk(
        "versioned-delete-without-marker",
        "clones without delete markers: a versioned DeleteObject removes the current version outright",
        ("versioning.symlink.delete-marker", "object.delete.versioned-marker"),
        "DeleteObject in a versioned bucket removes the current version and answers 204 without "
        "x-oss-delete-marker or x-oss-version-id.",
    ),
    # ---- multipart upload
    Quirk(
        "mpu-encoding-type-ignored",
        "clones that url-encode listings only",
        ("mpu.init.encoding-type", "mpu.complete.encoding-type", "mpu.listuploads.encoding-type"),
        "encoding-type=url is ignored by InitiateMultipartUpload, CompleteMultipartUpload and ListMultipartUploads.",
    ),
    Quirk(
        "initiate-result-without-key",
        "clones whose InitiateMultipartUploadResult carries only Bucket and UploadId",
        ("mpu.init.result",),
        "InitiateMultipartUploadResult has no Key element.",
    ),
    Quirk(
        "mpu-one-upload-per-key",
        "file-system-backed gateways that keep one staging directory per key",
        ("mpu.init.multiple-per-key",),
        "InitiateMultipartUpload aborts any earlier upload in progress for the same key.",
    ),
    Quirk(
        "mpu-storage-class-unchecked",
        "clones that ignore x-oss-storage-class on InitiateMultipartUpload",
        ("mpu.init.storage-class-invalid",),
        "InitiateMultipartUpload accepts any x-oss-storage-class value (and ignores it).",
    ),
    Quirk(
        "part-etag-opaque",
        "clones that give parts an ETag of their own (a hash other than MD5)",
        ("mpu.part.etag-md5",),
        "UploadPart answers an ETag that is not the MD5 of the part.",
    ),
    Quirk(
        "part-number-unchecked",
        "clones that store any integer part number",
        ("mpu.part.number-range",),
        "UploadPart accepts part numbers outside 1..10000.",
    ),
    Quirk(
        "part-first-write-wins",
        "clones that create part files with O_EXCL and ignore the error",
        ("mpu.part.overwrite",),
        "Uploading a part number again keeps the first part and answers its ETag.",
    ),
    Quirk(
        "part-content-md5-unchecked",
        "clones that verify Content-MD5 on PutObject only",
        ("mpu.part.content-md5",),
        "UploadPart ignores a Content-MD5 that does not match the body.",
    ),
    Quirk(
        "no-such-upload-generic",
        "clones that answer a missing upload with their ordinary missing-key error",
        ("mpu.part.no-such-upload", "mpu.abort.no-such-upload", "mpu.listparts.no-such-upload"),
        "An unknown, aborted or completed upload id is 404 NoSuchKey instead of NoSuchUpload.",
    ),
    Quirk(
        "multipart-without-crc64",
        "clones that compute CRC-64 for PutObject only",
        ("mpu.part.crc64", "mpu.complete.crc64"),
        "UploadPart and CompleteMultipartUpload answer without x-oss-hash-crc64ecma.",
    ),
    Quirk(
        "part-size-checked-at-upload",
        "S3 clones that check the 5 MB minimum when a part arrives",
        ("mpu.part.no-size-check",),
        "UploadPart of fewer than 100 KB is refused with 400 EntityTooSmall, even for what will be the last part.",
    ),
    Quirk(
        "complete-in-upload-order",
        "clones that concatenate part files in the order they arrived",
        ("mpu.complete.assembles",),
        "CompleteMultipartUpload joins the parts in upload order instead of part-number order.",
    ),
    Quirk(
        "part-numbers-contiguous",
        "clones that index parts by position",
        ("mpu.complete.gaps-allowed",),
        "CompleteMultipartUpload refuses part lists with gaps (1, 5, 8) with 400 InvalidPartOrder.",
    ),
    Quirk(
        "complete-sorts-parts",
        "clones that sort the Complete list themselves",
        ("mpu.complete.part-order",),
        "CompleteMultipartUpload accepts a part list that is not ascending.",
    ),
    Quirk(
        "complete-etag-unchecked",
        "clones that match parts by number only",
        ("mpu.complete.etag-mismatch",),
        "CompleteMultipartUpload does not compare the listed ETags with the uploaded parts.",
    ),
    Quirk(
        "complete-missing-parts-skipped",
        "clones that join whatever part files exist",
        ("mpu.complete.missing-part",),
        "CompleteMultipartUpload skips listed parts that were never uploaded.",
    ),
    Quirk(
        "part-size-unchecked",
        "emulators without a minimum part size",
        ("mpu.complete.min-part-size", "mpu.complete.min-part-size-code"),
        "CompleteMultipartUpload accepts parts under 100 KB anywhere in the list.",
    ),
    Quirk(
        "last-part-size-checked",
        "clones that apply the minimum part size to every part",
        ("mpu.complete.last-part-small", "mpu.complete.assembles"),
        "CompleteMultipartUpload refuses a last part under 100 KB, so a valid upload with a small last part is never "
        "assembled.",
    ),
    Quirk(
        "complete-all-ignored",
        "clones written against S3's CompleteMultipartUpload",
        ("mpu.complete.complete-all", "mpu.complete.complete-all-with-body"),
        "x-oss-complete-all: yes is ignored: the body is always read as the part list.",
    ),
    Quirk(
        "upload-kept-after-complete",
        "clones that delete staging data lazily",
        ("mpu.complete.upload-consumed",),
        "After CompleteMultipartUpload the upload id still accepts parts and lists them.",
    ),
    Quirk(
        "multipart-object-type-normal",
        "clones with one object type",
        ("mpu.complete.object-type",),
        "An object made by CompleteMultipartUpload reports x-oss-object-type: Normal.",
    ),
    Quirk(
        "abort-keeps-upload",
        "clones whose abort answers before (and without) removing the upload",
        ("mpu.abort.removes",),
        "AbortMultipartUpload answers 204 but the upload and its parts stay.",
    ),
    Quirk(
        "list-parts-upload-order",
        "clones that list part files in arrival order",
        ("mpu.listparts.parts",),
        "ListParts lists parts in upload order instead of ascending part number.",
    ),
    Quirk(
        "list-parts-max-ignored",
        "clones without ListParts paging",
        ("mpu.listparts.paging",),
        "ListParts ignores max-parts and always lists every part.",
    ),
    Quirk(
        "list-uploads-empty",
        "clones that answer ListMultipartUploads with an empty list (this server before multipart)",
        ("mpu.listuploads.entries",),
        "ListMultipartUploads never lists an upload.",
    ),
    Quirk(
        "list-uploads-max-ignored",
        "clones without ListMultipartUploads paging",
        ("mpu.listuploads.paging",),
        "ListMultipartUploads ignores max-uploads.",
    ),
    Quirk(
        "list-uploads-key-marker-inclusive",
        "clones that compare key-marker with >= instead of >",
        ("mpu.listuploads.key-marker",),
        "ListMultipartUploads with a key-marker and no upload-id-marker also lists the marker key's uploads.",
    ),
    Quirk(
        "list-uploads-delimiter-ignored",
        "clones without CommonPrefixes in upload listings",
        ("mpu.listuploads.delimiter",),
        "ListMultipartUploads ignores delimiter.",
    ),
    Quirk(
        "part-copy-source-ignored",
        "clones that do not know UploadPartCopy and take every PUT ?uploadId as UploadPart",
        ("mpu.copy.whole", "mpu.copy.range", "mpu.copy.result", "mpu.copy.conditions"),
        "UploadPart ignores x-oss-copy-source: the (empty) body becomes the part.",
    ),
    Quirk(
        "part-copy-range-ignored",
        "clones that copy the whole source for every UploadPartCopy",
        ("mpu.copy.range",),
        "UploadPartCopy ignores x-oss-copy-source-range.",
    ),
    Quirk(
        "part-copy-conditions-ignored",
        "clones that check x-oss-copy-source-if-* on CopyObject only",
        ("mpu.copy.conditions",),
        "UploadPartCopy ignores x-oss-copy-source-if-* conditions.",
    ),
    # ---- PutObject, GetObject, HeadObject, GetObjectMeta, DeleteObject, DeleteMultipleObjects
    Quirk(
        "forbid-overwrite-any-value",
        "clones that test for the header's presence, not its value",
        ("object.put.forbid-overwrite-false", "symlink.put.forbid-overwrite-false"),
        "x-oss-forbid-overwrite: false refuses to overwrite like true.",
    ),
    Quirk(
        "put-content-md5-unchecked",
        "emulators that store Content-MD5 without checking it",
        ("object.put.content-md5-mismatch",),
        "PutObject ignores a Content-MD5 that does not match the body.",
    ),
    Quirk(
        "put-ia-stored-standard",
        "clones with only a hot and an archive tier",
        ("object.put.storage-class",),
        "PutObject with x-oss-storage-class: IA stores the object as Standard.",
    ),
    Quirk(
        "put-storage-class-unchecked",
        "clones that fall back to Standard for any class they do not know",
        ("object.put.storage-class-invalid",),
        "PutObject accepts an unknown x-oss-storage-class and stores the object as Standard.",
    ),
    Quirk(
        "put-drops-standard-headers",
        "clones that keep Content-Type only",
        ("object.put.headers-kept",),
        "PutObject drops Cache-Control, Content-Disposition, Content-Encoding, Expires and Content-Language.",
    ),
    Quirk(
        "put-acl-private-ignored",
        "clones that take private for the default and store nothing",
        ("object.put.acl",),
        "PutObject with x-oss-object-acl: private stores no ACL (GetObjectAcl then says default).",
    ),
    Quirk(
        "put-tagging-ignored",
        "clones with tagging as a sub-resource only",
        (
            "object.put.tagging",
            "object.tagging.header-bare-key",
            "object.tagging.header-encoded",
            "object.tagging.header-format",
            "object.tagging.header-invalid",
        ),
        "PutObject ignores x-oss-tagging, and with it the header's syntax: no spelling of a tag is stored, and a "
        "malformed header is not refused.",
    ),
    Quirk(
        "put-without-crc64",
        "S3 clones (no CRC-64 header)",
        ("object.put.crc64",),
        "PutObject answers without x-oss-hash-crc64ecma.",
    ),
    Quirk(
        "range-ignored",
        "minimal HTTP fronts that always stream the whole object",
        (
            "object.get.range",
            "object.get.range-open",
            "object.get.range-suffix",
            "symlink.read.range",
            "symlink.read.range-open-and-suffix",
        ),
        "GetObject ignores Range: 200 with the whole object. Open and suffix ranges through a link are ignored too.",
    ),
    Quirk(
        "range-end-truncated",
        "S3 clones following RFC 7233 (an end past the object is cut to it)",
        ("object.get.range-end-beyond",),
        "Without x-oss-range-behavior, a Range ending past the object answers 206 with the bytes up to the end.",
    ),
    Quirk(
        "range-behavior-ignored",
        "clones that do not know x-oss-range-behavior",
        ("object.get.range-standard",),
        "x-oss-range-behavior: standard is ignored; out-of-range Ranges are served as without it.",
    ),
    Quirk(
        "conditionals-ignored",
        "emulators without conditional requests",
        (
            "object.get.if-match",
            "object.get.if-none-match",
            "object.get.if-modified-since",
            "object.get.if-unmodified-since",
            "object.head.conditionals",
            "symlink.read.etag-conditionals",
            "symlink.read.time-conditionals",
        ),
        "GetObject and HeadObject ignore If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since.",
    ),
    Quirk(
        "response-overrides-ignored",
        "clones that do not know the response-* query parameters",
        ("object.get.response-override",),
        "GetObject ignores response-content-type and the other response-* parameters.",
    ),
    Quirk(
        "get-without-crc64",
        "S3 clones (no CRC-64 header)",
        ("object.get.crc64",),
        "GetObject answers without x-oss-hash-crc64ecma.",
    ),
    Quirk(
        "head-content-length-zero",
        "HTTP fronts that compute Content-Length from the (empty) HEAD body",
        ("object.head.matches-get", "object.head.response", "symlink.read.target-headers"),
        "HeadObject answers Content-Length: 0.",
    ),
    Quirk(
        "objectmeta-size-zero",
        "clones that answer GetObjectMeta like a HEAD without a body",
        ("object.meta.response",),
        "GetObjectMeta answers Content-Length: 0 instead of the object's size.",
    ),
    Quirk(
        "delete-returns-200",
        "web-framework clones that answer every success with 200",
        (
            "object.delete.response",
            "object.delete.missing-key",
            "symlink.ops.delete-link-only",
            "versioning.symlink.delete-marker",
            "object.delete.versioned-marker",
        ),
        "DeleteObject answers 200 instead of 204, for a missing key and in a versioned bucket too.",
    ),
    Quirk(
        "delete-missing-404",
        "clones that look the key up before deleting it",
        ("object.delete.missing-key",),
        "DeleteObject of a key that does not exist is 404 NoSuchKey instead of 204.",
    ),
    Quirk(
        "batch-delete-sorted-entries",
        "clones that collect the keys in a sorted set",
        ("object.batch-delete.verbose",),
        "DeleteMultipleObjects lists the Deleted entries sorted by key, not in request order.",
    ),
    Quirk(
        "batch-delete-skips-missing",
        "clones that report only keys that existed",
        ("object.batch-delete.missing-keys",),
        "DeleteMultipleObjects leaves keys that did not exist out of the Deleted entries.",
    ),
    Quirk(
        "batch-delete-quiet-ignored",
        "clones that always answer verbosely",
        ("object.batch-delete.quiet",),
        "DeleteMultipleObjects ignores <Quiet>true</Quiet>.",
    ),
    Quirk(
        "batch-delete-encoding-ignored",
        "clones that url-encode listings only",
        ("object.batch-delete.encoding-type",),
        "DeleteMultipleObjects ignores encoding-type=url.",
    ),
    Quirk(
        "batch-delete-md5-unchecked",
        "clones that require Content-MD5 but do not compare it",
        ("object.batch-delete.content-md5-mismatch",),
        "DeleteMultipleObjects accepts a Content-MD5 that does not match the body.",
    ),
    Quirk(
        "batch-delete-no-limit",
        "clones without the 1000-key limit",
        ("object.batch-delete.limit",),
        "DeleteMultipleObjects accepts more than 1000 keys.",
    ),
    Quirk(
        "batch-delete-strict-xml",
        "servers that parse the body with a strict XML 1.0 parser (this server before this fix)",
        ("object.batch-delete.control-characters",),
        "DeleteMultipleObjects refuses a body whose keys hold control characters (raw or as &#12;) with "
        "400 MalformedXML.",
    ),
    # ---- inputs the SDKs send and parameter edges (docs/inputs.md)
    Quirk(
        "get-symlink-equals-ignored",
        "routers that match the raw query text 'symlink' (oss2 sends 'symlink=')",
        ("symlink.get.query-with-equals",),
        "GET ?symlink= (with '=') is served as a plain GetObject; bare GET ?symlink still works.",
    ),
    Quirk(
        "empty-body-content-md5-refused",
        "clones that take Content-MD5 on a request without a body as a malformed upload",
        ("symlink.empty-body-content-md5",),
        "PutSymlink and GetSymlink with any Content-MD5 header fail with 400 InvalidDigest.",
    ),
    Quirk(
        "link-acl-unchecked",
        "clones that drop an x-oss-object-acl value they do not recognise",
        ("symlink.put.object-acl-invalid",),
        "PutSymlink with an unknown x-oss-object-acl value succeeds and the link gets the default ACL.",
    ),
    Quirk(
        "link-tagging-truncated",
        "clones that keep the first ten tags instead of refusing the request",
        ("symlink.put.tagging-too-many",),
        "PutSymlink with more than 10 tags succeeds and stores the first 10.",
    ),
    # ---- ListObjects, ListObjectsV2, ListObjectVersions (conformance/server/listing.py)
    Quirk(
        "list-directory-walk-order",
        "file-system backed clones that list by walking directories",
        ("list.v1.order",),
        "Keys are listed directory by directory: a/b comes before a-c, though '-' sorts before '/'.",
    ),
    Quirk(
        "list-utf16-order",
        "clones written in Java or JavaScript that compare keys as UTF-16 strings",
        ("list.v1.order-utf8",),
        "Keys sort by UTF-16 code units: U+1F600 comes before U+FF01, though its UTF-8 bytes sort after.",
    ),
    Quirk(
        "list-common-prefixes-repeated",
        "clones that roll up keys one by one without merging equal groups",
        ("list.v1.delimiter",),
        "With a delimiter, a common prefix is listed once for every key under it.",
    ),
    Quirk(
        "list-prefixes-uncounted",
        "S3 gateways that cap only Contents with max-keys",
        ("list.v1.max-keys-counts-prefixes", "list.v2.key-count"),
        "max-keys caps Contents only; CommonPrefixes come on top and KeyCount leaves them out.",
    ),
    Quirk(
        "list-next-marker-skips",
        "paginators that hand out the first key of the next page as an exclusive marker",
        ("list.v1.paging", "list.v2.paging"),
        "NextMarker and NextContinuationToken name the first entry of the next page, which is then skipped.",
    ),
    Quirk(
        "list-marker-inclusive",
        "clones that compare marker and start-after with >=",
        ("list.v1.marker-exclusive", "list.v1.paging", "list.v2.start-after"),
        "marker and start-after are inclusive: a key equal to them is listed (so every V1 page repeats NextMarker).",
    ),
    Quirk(
        "list-next-marker-always",
        "clones that always write NextMarker",
        ("list.v1.not-truncated",),
        "A ListObjects reply names a NextMarker (its last key) even when IsTruncated is false.",
    ),
    Quirk(
        "list-max-keys-default-1000",
        "S3 front ends (S3's default max-keys is 1000)",
        ("list.v1.max-keys-default",),
        "Without max-keys, a listing holds up to 1000 entries and says MaxKeys 1000.",
    ),
    Quirk(
        "list-max-keys-clamped",
        "clones that clamp max-keys into range",
        ("list.v1.max-keys-invalid", "list.v2.max-keys-invalid", "versions.list.max-keys-invalid"),
        "An out-of-range max-keys (-1, 5000) is clamped to 0..1000 instead of refused.",
    ),
    Quirk(
        "list-long-prefix-accepted",
        "clones that check the length of keys but not of listing parameters",
        ("list.v1.prefix-too-long", "list.v2.start-after-too-long"),
        "prefix, marker, start-after, delimiter and key-marker of 1024 bytes or more are accepted.",
    ),
    Quirk(
        "list-encoding-key-only",
        "clones that url-encode the Key elements only",
        ("list.v1.encoding-url", "list.v2.encoding-url", "object.name.any-characters"),
        "With encoding-type=url only Key is encoded; Prefix, Marker, StartAfter, NextMarker and CommonPrefixes "
        "are written plain. The third rule breaks because a prefix with a control character then makes the "
        "listing unreadable XML.",
    ),
    Quirk(
        "list-encoding-plus",
        "clones that encode with a form encoder (Java URLEncoder, Python quote_plus)",
        ("list.v1.encoding-escapes", "object.name.any-characters"),
        "An url-encoded listing writes a space as '+', which oss2's plain decoder reads back as a '+': a name "
        "with a space is then not listed under its own name (the second rule, whose test decodes as oss2 does).",
    ),
    Quirk(
        "list-encoding-type-ignored",
        "clones that know only encoding-type=url and ignore any other value",
        ("list.v1.encoding-type-invalid",),
        "An encoding-type other than url is ignored: the listing is answered unencoded.",
    ),
    Quirk(
        "list-etag-unquoted",
        "clones that store the bare MD5 hex and list it as is",
        ("list.v1.entry-fields",),
        "Listing entries carry the ETag without its quotes.",
    ),
    Quirk(
        "list-missing-bucket-empty",
        "clones that map a bucket to a directory and list a missing one as empty",
        ("list.v1.no-such-bucket", "versions.list.no-such-bucket"),
        "ListObjects and ListObjectVersions of a bucket that does not exist answer 200 with an empty listing.",
    ),
    Quirk(
        "list-shows-deleted",
        "clones that list the newest data version, whatever the delete markers",
        ("list.v1.current-versions-only",),
        "In a versioned bucket ListObjects lists a key whose current version is a delete marker, with its newest "
        "data version.",
    ),
    Quirk(
        "list-owner-always",
        "clones that share one entry serializer between V1 and V2",
        ("list.v2.fetch-owner",),
        "ListObjectsV2 lists Owner in every entry, fetch-owner or not.",
    ),
    Quirk(
        "list-token-unchecked",
        "clones that treat an unreadable continuation-token as the start of the listing",
        ("list.v2.token-invalid",),
        "A continuation-token the server never issued lists from the start instead of 400 InvalidArgument.",
    ),
    Quirk(
        "list-empty-no-keycount",
        "serializers that drop zero-valued fields (Go omitempty)",
        ("list.v2.empty",),
        "An empty ListObjectsV2 reply has no KeyCount.",
    ),
    Quirk(
        "versions-all-latest",
        "clones that mark every listed version IsLatest",
        ("versions.list.entries", "versioning.symlink.delete-marker"),
        "ListObjectVersions says IsLatest true for every version and delete marker. The second rule's test "
        "reads the link's latest entry from this listing, so it breaks too.",
    ),
    Quirk(
        "versions-marker-fields",
        "clones that list a delete marker with the fields of a version",
        ("versions.list.delete-marker-fields",),
        "A DeleteMarker entry carries ETag, Size and StorageClass like a Version.",
    ),
    Quirk(
        "versions-oldest-first",
        "clones that list a key's versions in the order they were written",
        ("versions.list.order",),
        "A key's versions are listed oldest first.",
    ),
    Quirk(
        "versions-id-marker-ignored",
        "clones that page versions by key only",
        ("versions.list.paging",),
        "version-id-marker is ignored: a page that ends inside a key's versions resumes at the next key.",
    ),
    Quirk(
        "versions-unversioned-empty",
        "clones that keep versions only once versioning is enabled",
        ("versions.list.unversioned-bucket",),
        "ListObjectVersions in a bucket never versioned lists nothing.",
    ),
    Quirk(
        "range-past-end-416",
        "S3 front ends (HTTP range semantics: a first byte past the end is 416)",
        ("symlink.read.range-past-end", "object.get.range-start-beyond"),
        "A Range whose first byte is at or after the object's length fails with 416 InvalidRange.",
    ),
    Quirk(
        "suffix-range-ignored",
        "clones that parse only first-last ranges",
        ("symlink.read.range-open-and-suffix", "object.get.range-suffix"),
        "A suffix Range (bytes=-n) is ignored: 200 with the whole object.",
    ),
    Quirk(
        "target-plain-decoded",
        "clones that decode the target with a URL-path decoder ('+' stays '+')",
        ("symlink.put.target-plus-is-space",),
        "x-oss-symlink-target is percent-decoded without form rules: a '+' sent for a space stays a '+'.",
    ),
    Quirk(
        "v1-symlink-not-signed",
        "S3-derived V1 verifiers whose sub-resource list lacks OSS's own (symlink)",
        ("symlink.v1-signed",),
        "V1 verification leaves ?symlink out of the canonical resource: V1-signed PutSymlink and GetSymlink fail "
        "with 403 SignatureDoesNotMatch.",
    ),
    # ---- object ACL, object tagging, RestoreObject (docs/oss-facts.md §28-§30)
    Quirk(
        "acl-default-reads-bucket",
        "servers that follow the GetObjectACL page (an unset object ACL reads as the bucket's)",
        ("object.acl.default-readback", "symlink.put.object-acl"),
        "GetObjectAcl of an object (or link) whose ACL is default reports the bucket's ACL instead of default.",
    ),
    Quirk(
        "acl-invalid-ignored",
        "clones that keep the old ACL when the header value is unknown",
        ("object.acl.invalid",),
        "PutObjectAcl with an unknown x-oss-object-acl value answers 200 and changes nothing.",
    ),
    Quirk(
        "acl-public-read-write-downgraded",
        "clones with only private and public-read objects",
        ("object.acl.put-values",),
        "PutObjectAcl public-read-write stores public-read.",
    ),
    Quirk(
        "acl-missing-key-ok",
        "S3 proxies that keep ACLs in a side table without checking the object exists",
        ("object.acl.put-no-such-key", "object.acl.get-no-such-key"),
        "PutObjectAcl and GetObjectAcl on a missing key answer 200 (GetObjectAcl with Grant default).",
    ),
    Quirk(
        "acl-flat-body",
        "clones that write Grant straight under AccessControlPolicy",
        ("object.acl.get-body",),
        "GetObjectAcl's Grant is not wrapped in AccessControlList.",
    ),
    Quirk(
        "anonymous-object-acl-ignored",
        "clones with bucket-level permissions only",
        ("object.acl.anonymous-public-read", "acl.symlink.both-public"),
        "Anonymous reads follow the bucket ACL only: a public-read object in a private bucket is refused.",
    ),
    Quirk(
        "anonymous-denied-as-404",
        "servers that hide an object's existence from callers who may not read it",
        (
            "object.acl.anonymous-private",
            "object.acl.anonymous-default-follows-bucket",
            "acl.symlink.stricter-wins",
            "auth.anonymous-denied",
        ),
        "An anonymous read the ACLs refuse answers 404 NoSuchKey instead of 403 AccessDenied.",
    ),
    Quirk(
        "tagging-merge",
        "clones that add the new tags to the old ones",
        ("object.tagging.replace-all",),
        "PutObjectTagging merges the body's tags into the existing set instead of replacing it.",
    ),
    Quirk(
        "tagging-delete-200",
        "S3-derived fronts answering 200 to every successful DELETE of a sub-resource",
        ("object.tagging.delete",),
        "DeleteObjectTagging answers 200 instead of 204.",
    ),
    Quirk(
        "tagging-empty-404",
        "clones that keep tags as a separate record and report a missing record as a missing key",
        ("object.tagging.get-empty", "symlink.ops.tagging-on-link"),
        "GetObjectTagging of an object with no tags answers 404 NoSuchKey (so does an untagged link's target).",
    ),
    Quirk(
        "tagging-values-dropped",
        "clones that parse only Key from the tagging XML",
        ("object.tagging.put-get", "object.tagging.limits-accepted"),
        "PutObjectTagging stores every tag with an empty value.",
    ),
    Quirk(
        "tagging-limits-unchecked",
        "clones that store whatever tag set they are sent",
        ("object.tagging.too-many", "object.tagging.key-length", "object.tagging.value-length"),
        "PutObjectTagging accepts more than 10 tags, empty or long keys and long values.",
    ),
    Quirk(
        "tagging-chars-unchecked",
        "clones that check tag lengths but not characters",
        ("object.tagging.key-chars", "object.tagging.value-chars"),
        "PutObjectTagging accepts keys and values with characters outside letters, digits, space and + - = . _ : /.",
    ),
    Quirk(
        "tagging-header-lenient",
        "clones that read x-oss-tagging with a forgiving query-string parser",
        ("object.tagging.header-invalid", "object.tagging.header-format"),
        "x-oss-tagging on PutObject: a repeated key keeps the last value, a=b=c is key a with value b=c.",
    ),
    Quirk(
        "tagging-header-not-decoded",
        "clones that split x-oss-tagging without URL-decoding it",
        ("object.tagging.header-encoded", "object.put.tagging"),
        "x-oss-tagging values on PutObject are stored with their percent-escapes, not decoded.",
    ),
    Quirk(
        "tagging-bare-key-dropped",
        "clones that need key=value in x-oss-tagging",
        ("object.tagging.header-bare-key",),
        "A pair without '=' in x-oss-tagging on PutObject is dropped instead of stored with an empty value.",
    ),
    Quirk(
        "tagging-count-missing",
        "clones that do not count tags on reads",
        ("object.tagging.count-header",),
        "GetObject and HeadObject answer no x-oss-tagging-count.",
    ),
    Quirk(
        "tagging-touches-last-modified",
        "clones that rewrite the object's record (and its time) to change its tags",
        ("object.tagging.last-modified-kept",),
        "PutObjectTagging and DeleteObjectTagging set the object's Last-Modified to now.",
    ),
    Quirk(
        "tagging-missing-key-ok",
        "S3 proxies that keep tags in a side table without checking the object exists",
        ("object.tagging.no-such-key",),
        "Tagging operations on a missing key succeed (GET with an empty set).",
    ),
    Quirk(
        "restore-instant",
        "this reference server before issue 15, and emulators without a restore delay",
        (
            "object.restore.in-progress",
            "object.restore.header-ongoing",
            "object.restore.read-while-restoring",
        ),
        'RestoreObject completes at once: no in-progress window, no 409, no ongoing-request="true".',
    ),
    Quirk(
        "restore-never-completes",
        "emulators that accept RestoreObject and never thaw the object",
        ("object.restore.restored-200", "object.restore.header-done", "archive.symlink.restored"),
        "A restore stays in progress for ever.",
    ),
    Quirk(
        "restore-first-200",
        "S3-derived fronts that answer 200 to any successful POST",
        ("object.restore.first-202",),
        "RestoreObject answers 200 instead of 202 when it starts a restore.",
    ),
    Quirk(
        "restore-any-class",
        "clones that treat RestoreObject as a no-op",
        ("object.restore.not-archive",),
        "RestoreObject on a Standard or IA object starts a restore (202) instead of 400 OperationNotSupported.",
    ),
    Quirk(
        "restore-missing-key-400",
        "clones that check the storage class of whatever the key names, missing or not",
        ("object.restore.no-such-key",),
        "RestoreObject on a missing key answers 400 OperationNotSupported instead of 404 NoSuchKey.",
    ),
    Quirk(
        "restore-body-unchecked",
        "clones that ignore the RestoreRequest body",
        ("object.restore.archive-job-parameters", "object.restore.bad-tier", "object.restore.days-range"),
        "RestoreObject accepts any Days, JobParameters on Archive objects and any Tier.",
    ),
    Quirk(
        "restore-no-priority",
        "clones without restore tiers",
        ("object.restore.tier-priority",),
        "RestoreObject of a ColdArchive object answers no x-oss-object-restore-priority.",
    ),
    Quirk(
        "restore-header-always",
        "clones that answer x-oss-restore for every Archive object",
        ("object.restore.header-absent",),
        'HeadObject of an Archive object never restored answers x-oss-restore: ongoing-request="false".',
    ),
    # ---- quirks29: one for each rule no other quirk broke (issue 15)
    Quirk(
        "link-archive-target-readable",
        "clones that check the restore state of the key addressed, not of the link's target",
        ("archive.symlink.not-restored",),
        "GetObject through a link to an unrestored Archive object returns the data instead of 403 InvalidObjectState.",
    ),
    Quirk(
        "error-ec-missing",
        "clones built from older OSS error examples, which predate the EC field",
        ("error.body-ec", "error.ec-header"),
        "Error replies carry neither an <EC> element in the body nor the x-oss-ec header.",
    ),
    Quirk(
        "get-symlink-target-etag",
        "clones that resolve the link to fill in GetSymlink's headers",
        ("symlink.get.response-headers",),
        "GetSymlink answers the ETag of the link's target (when it exists) instead of the link's own ETag.",
    ),
    Quirk(
        "get-symlink-default-content-type",
        "S3 front ends that answer every metadata-only reply as application/octet-stream",
        ("symlink.get.content-type",),
        "GetSymlink answers Content-Type: application/octet-stream whatever Content-Type the link was created with.",
    ),
    Quirk(
        "put-object-writes-through-link",
        "filesystem-backed clones that store a link as a POSIX symlink, which open() follows on write",
        ("symlink.ops.put-object-replaces",),
        "PutObject on a link's key overwrites the link's target and leaves the link in place.",
    ),
    Quirk(
        "links-not-listed",
        "clones that keep links in a table of their own, beside the object index the listings read",
        ("symlink.ops.list-entry",),
        "ListObjects and ListObjectsV2 leave links out.",
    ),
    Quirk(
        "key-limit-counts-slash",
        "front ends that cap the URL path ('/' + key) at 1023 bytes",
        ("object.name.max-length", "symlink.put.link-name-max"),
        "A key of exactly 1023 bytes is refused with 400 InvalidObjectName, for objects and links alike.",
    ),
    Quirk(
        "put-object-without-request-id",
        "S3 gateways that answer writes with x-amz-request-id only",
        ("object.put.response", "error.request-id"),
        "PutObject replies carry no x-oss-request-id header; error.request-id breaks too, since it checks the "
        "header on a PutObject reply among others.",
    ),
    Quirk(
        "get-empty-object-204",
        "HTTP frameworks that turn an empty 200 body into 204 No Content",
        ("object.get.body",),
        "GetObject of a zero-byte object answers 204 No Content instead of 200.",
    ),
    Quirk(
        "list-prefix-slash-stripped",
        "filesystem-backed clones that map a prefix to a directory path and drop its trailing '/'",
        ("object.list.prefix",),
        "A listing prefix ending in '/' is matched without the '/', so dir-outside is listed under dir/.",
    ),
    Quirk(
        "append-create-without-next-position",
        "clones that compute the next position from the object that existed before the append",
        ("object.append.create",),
        "The AppendObject that creates an object answers without x-oss-next-append-position.",
    ),
    Quirk(
        "link-forbid-overwrite-always-refused",
        "clones that read x-oss-forbid-overwrite: true on PutSymlink as 'refuse' without looking for the key",
        ("symlink.put.forbid-overwrite-new-key",),
        "PutSymlink with x-oss-forbid-overwrite: true in an unversioned bucket answers 409 FileAlreadyExists, even "
        "for a key that does not exist.",
    ),
    Quirk(
        "link-forbid-overwrite-value-unchecked",
        "clones that test x-oss-forbid-overwrite for 'true' and take anything else as false",
        ("symlink.put.forbid-overwrite-invalid", "symlink.put.forbid-overwrite-invalid-status"),
        "PutSymlink accepts any x-oss-forbid-overwrite value; one other than true/false counts as false.",
    ),
    Quirk(
        "link-empty-meta-dropped",
        "clones whose header parsing drops headers with empty values",
        ("symlink.put.meta-roundtrip",),
        "An x-oss-meta-* header with an empty value sent on PutSymlink is not stored on the link.",
    ),
    Quirk(
        "link-meta-name-canonicalised",
        "Go-based clones that store header names as net/http canonicalises them",
        ("symlink.put.meta-name-lowercased",),
        "x-oss-meta-* names on PutSymlink are stored (and returned) in canonical case: X-Oss-Meta-Mixedcase.",
    ),
    Quirk(
        "link-meta-name-unchecked",
        "clones that normalise a meta name instead of refusing it",
        ("symlink.put.meta-name-invalid", "symlink.put.meta-name-invalid-status"),
        "PutSymlink accepts x-oss-meta-* names with '_' and other characters outside [A-Za-z0-9-], each made '-'.",
    ),
    Quirk(
        "link-cache-headers-dropped",
        "clones that store only Content-Type and metadata on a link",
        ("symlink.put.http-headers",),
        "Cache-Control and Content-Disposition sent with PutSymlink are not stored on the link.",
    ),
    Quirk(
        "link-tagging-ignored",
        "clones that validate x-oss-tagging on PutSymlink but tag only PutObject's objects",
        ("symlink.put.tagging",),
        "x-oss-tagging on PutSymlink is validated, then dropped: the link has no tags.",
    ),
    Quirk(
        "raw-target-cut-at-query",
        "clones that run the target header through a URL parser before decoding it",
        ("symlink.put.target-raw-ascii",),
        "An unencoded target is cut at its first '?' or '#' (query and fragment of a URL); encoded targets are "
        "unaffected.",
    ),
    Quirk(
        "link-resolution-cached",
        "clones that cache a link's resolved target and never invalidate it",
        ("symlink.read.current-target", "symlink.read.target-is-link"),
        "The first read through a link fixes the target version it reads; later reads return that version even "
        "after the target was overwritten, or replaced by a link (which must then give InvalidTargetType).",
    ),
    Quirk(
        "link-version-id-missing",
        "clones whose versioning covers PutObject replies only",
        ("versioning.symlink.version-id",),
        "PutSymlink in a versioned bucket creates a new version but answers without x-oss-version-id.",
    ),
    Quirk(
        "get-symlink-version-ignored",
        "clones that read versionId only on GetObject",
        ("versioning.symlink.get-version",),
        "GetSymlink ignores versionId and answers the current version of the link.",
    ),
    Quirk(
        "get-symlink-delete-marker-bare",
        "clones that answer a delete marker on GetSymlink like a missing key",
        ("versioning.symlink.get-delete-marker",),
        "GetSymlink on a key whose current version is a delete marker answers 404 without x-oss-delete-marker and "
        "x-oss-version-id.",
    ),
)


# While conformance.reach records a clean run: the quirks whose place the server reached, enabled or not.
REACHED: set[str] | None = None


def reached(names: Iterable[str]) -> None:
    """Note quirks whose marked place was just reached (their branch asked, or their filter applied)."""
    if REACHED is not None:
        REACHED.update(names)


# While conformance.reach records: quirks that would have changed only some headers of a reply, with those headers
# (lowercase). Such a quirk can change a test's verdict only if the test reads one of them; the recording counts it
# reached where the test did (conformance.client.session.HEADER_READS).
REACHED_IF_READ: dict[str, set[str]] | None = None


def reached_if_read(name: str, headers: Iterable[str]) -> None:
    if REACHED_IF_READ is not None:
        REACHED_IF_READ.setdefault(name, set()).update(headers)


class Quirks:
    """The active set of quirks; unknown names are refused up front so a typo cannot pass silently."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        names = frozenset(names)
        unknown = sorted(names - REGISTRY.keys())
        if unknown:
            raise ValueError(f"unknown quirk(s) {', '.join(unknown)} ({LISTED_BY})")
        self.names = names

    def has(self, name: str) -> bool:
        if name not in REGISTRY:  # a branch naming an unregistered quirk is a server bug
            raise KeyError(name)
        if REACHED is not None:
            REACHED.add(name)
        return name in self.names

    def __iter__(self):
        return iter(sorted(self.names))

    def __repr__(self) -> str:
        return f"Quirks({sorted(self.names)!r})"


NO_QUIRKS = Quirks()  # the clean server


def quirk_name(text: str) -> str:
    """The argparse type of every --quirk option: a registered name, else one line naming the nearest ones."""
    if text in REGISTRY:
        return text
    near = difflib.get_close_matches(text, REGISTRY, n=3)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    raise argparse.ArgumentTypeError(f"unknown quirk {text!r} ({hint}{LISTED_BY})")
