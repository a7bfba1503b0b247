"""Deliberate deviations ("quirks"), each modelled on a real clone's behaviour, so the suite can be shown
able to fail. A quirk is one named entry here and one `if ctx.quirks.has("name"):` branch at the single place
in the server where the behaviour lives. `breaks` lists the registry rule ids (conformance/rules/*.toml) it violates.

To add one: add a Quirk to REGISTRY, then add its branch where the correct behaviour is implemented.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


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
        ("symlink.get.target", "symlink.read.target-bytes"),
        "The ?symlink sub-resource is ignored: PUT ?symlink stores an empty normal object, GET ?symlink is a "
        "plain GetObject.",
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
        ("error.no-such-key", "error.no-such-bucket", "symlink.get.no-such-key", "symlink.get.no-such-bucket"),
        "A missing key or bucket is 404 with Code NotFound instead of NoSuchKey / NoSuchBucket.",
    ),
    Quirk(
        "bad-request-generic",
        "web-framework clones that map every validation failure to one error",
        (
            "auth.v4-wrong-region",
            "object.name.leading-separator",
            "object.name.too-long",
            "symlink.get.not-symlink",
            "symlink.put.link-name-leading-slash",
            "symlink.put.link-name-too-long",
            "symlink.put.link-name-too-long-bytes",
            "symlink.put.storage-class-empty",
            "symlink.put.storage-class-invalid",
            "symlink.put.target-header-required-code",
            "symlink.read.target-is-link",
        ),
        "Every 400 reply has Code BadRequest instead of the documented Code: every rule that names a 400 Code breaks.",
    ),
    Quirk(
        "no-such-bucket-as-no-such-key",
        "key-value stores with one flat namespace behind an OSS front end",
        ("error.no-such-bucket", "symlink.get.no-such-bucket"),
        "A request to a bucket that does not exist is 404 NoSuchKey instead of NoSuchBucket.",
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
        ("symlink.put.forbid-overwrite-existing",),
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
        ("symlink.read.link-meta",),
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
        ("symlink.get.target-percent-encoded", "symlink.put.target-encoded"),
        "PutSymlink stores x-oss-symlink-target without percent-decoding; GetSymlink returns it unencoded.",
    ),
    Quirk(
        "target-returned-decoded",
        "clones that echo the stored target as is",
        ("symlink.get.target-percent-encoded",),
        "GetSymlink returns x-oss-symlink-target decoded (spaces, '+' and UTF-8 bytes literally).",
    ),
    Quirk(
        "target-stored-undecoded",
        "clones that store the header value verbatim but encode it on the way out",
        ("symlink.get.target", "symlink.put.target-encoded"),
        "PutSymlink stores the target still percent-encoded; GetSymlink encodes it again (double encoding), so "
        "GetSymlink no longer names the target that was put.",
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
        ("symlink.read.range",),
        "A Range read through a link returns 200 with the whole target.",
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
        ("symlink.read.object-meta-is-link",),
        "GetObjectMeta (HEAD ?objectMeta) answers 501 NotImplemented.",
    ),
    Quirk(
        "objectmeta-follows-link",
        "S3-style gateways that resolve links for every read",
        ("symlink.read.object-meta-is-link",),
        "GetObjectMeta (HEAD ?objectMeta) on a link reports the target instead of the link itself.",
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
        ("auth.signature-mismatch", "auth.unknown-access-key"),
        "Any Authorization header is accepted without checking the key or the signature.",
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
        ("versioning.symlink.delete-marker",),
        "DeleteObject in a versioned bucket removes the current version and answers 204 without "
        "x-oss-delete-marker or x-oss-version-id.",
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
    Quirk(
        "range-past-end-416",
        "S3 front ends (HTTP range semantics: a first byte past the end is 416)",
        ("symlink.read.range-past-end",),
        "A Range whose first byte is at or after the object's length fails with 416 InvalidRange.",
    ),
    Quirk(
        "suffix-range-ignored",
        "clones that parse only first-last ranges",
        ("symlink.read.range-open-and-suffix",),
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
)


class Quirks:
    """The active set of quirks; unknown names are refused up front so a typo cannot pass silently."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        names = frozenset(names)
        unknown = sorted(names - REGISTRY.keys())
        if unknown:
            raise ValueError(f"unknown quirk(s) {', '.join(unknown)}; known: {', '.join(sorted(REGISTRY))}")
        self.names = names

    def has(self, name: str) -> bool:
        if name not in REGISTRY:  # a branch naming an unregistered quirk is a server bug
            raise KeyError(name)
        return name in self.names

    def __iter__(self):
        return iter(sorted(self.names))

    def __repr__(self) -> str:
        return f"Quirks({sorted(self.names)!r})"


NO_QUIRKS = Quirks()  # the clean server
