"""CopyObject: the source header, directives, source conditions, forbid-overwrite, storage class, self-copy,
the reply (rules in conformance/rules/copy-object.toml; facts docs/oss-facts.md §24, §32.1)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conformance.checks import (
    expect,
    expect_equal,
    expect_header,
    expect_status,
    expect_xml,
    fail,
    require,
    require_equal,
)
from conformance.client import OssClient, Reply
from conformance.client.xml import child_text, local, xml_elements
from conformance.digests import crc64_ecma
from conformance.strategies import key_suffixes
from conformance.suite.preconditions import each_rule, head, put, reads_back

# Every copy names its source by key in a header: a server that stores a '/' sent as %2F literally cannot be
# judged here (object.name.encoded-slash's test fails instead).
pytestmark = pytest.mark.usefixtures("names_kept")

COPY_DATA = "object.copy.data"  # a copy answers 200 and the destination exists with the source's bytes
META_KEPT = "object.put.meta-roundtrip"  # PutObject stores x-oss-meta-*
HEADERS_KEPT = "object.put.headers-kept"  # PutObject stores Cache-Control, Content-Disposition ...
ACL_KEPT = "object.put.acl"  # PutObject stores x-oss-object-acl; GetObjectAcl reads it
TAGS_KEPT = "object.put.tagging"  # PutObject stores x-oss-tagging; GetObjectTagging lists it
OLD_DATE = "Mon, 01 Jan 2001 00:00:00 GMT"
OTHER_ETAG = '"0123456789ABCDEF0123456789ABCDEF"'
SOURCE_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Disposition": 'attachment; filename="source.txt"',
    "x-oss-meta-colour": "blue",
    "x-oss-meta-shade": "dark",
}


def source(oss: OssClient, new_key, headers: Mapping[str, str] | None = None, data: bytes = b"source") -> str:
    """A plain object to copy from; with `headers`, proven to keep its user metadata."""
    key = new_key("copy-source")
    put(oss, key, data, headers)
    if headers:
        got = head(oss, key)
        for name, value in headers.items():
            kept_by = META_KEPT if name.startswith("x-oss-meta-") else HEADERS_KEPT
            require_equal(kept_by, got, f"source {name}", got.header(name), value)
    return key


def dest_head(oss: OssClient, key: str) -> Reply:
    """HeadObject of a destination the copy said it wrote: its absence is object.copy.data's to judge."""
    return require(oss.head_object(key), COPY_DATA)


def _bare(etag: str) -> str:
    return etag.strip('"').upper()


def copied_bytes(oss: OssClient, dest: str, data: bytes) -> None:
    """The destination of a copy that answered 200 holds the source's bytes (object.copy.data's to judge)."""
    got = require(oss.get_object(dest), COPY_DATA)
    require_equal(COPY_DATA, got, f"GET {dest} body", got.body, data)


def raw_copy(oss: OssClient, dest: str, header: str, headers: Mapping[str, str] | None = None) -> Reply:
    """CopyObject with x-oss-copy-source exactly as given (the client's copy_object encodes it oss2's way)."""
    return oss.request("PUT", dest, headers={"x-oss-copy-source": header, **(headers or {})})


def tags_of(oss: OssClient, key: str) -> list[tuple[str | None, str]]:
    got = require(oss.request("GET", key, query=[("tagging", None)]), TAGS_KEPT)
    return sorted((tag.findtext("Key"), tag.findtext("Value") or "") for tag in xml_elements(got.body, "Tag"))


def tagged_source(oss: OssClient, new_key) -> str:
    key = new_key("copy-source")
    put(oss, key, b"tagged", {"x-oss-tagging": "team=blue&size=2"})
    require_equal(TAGS_KEPT, None, f"tags of {key}", tags_of(oss, key), [("size", "2"), ("team", "blue")])
    return key


def acl_of(oss: OssClient, key: str, prerequisite: str) -> list[str | None]:
    got = require(oss.request("GET", key, query=[("acl", None)]), prerequisite)
    return [grant.text for grant in xml_elements(got.body, "Grant")]


# ---------------------------------------------------------------- reply and data


@pytest.mark.rule("object.copy.result")
def test_copy_result_body(oss, new_key, rule):
    src, dest = source(oss, new_key), new_key("copy")
    reply = expect(oss.copy_object(dest, src), rule)
    root = expect_xml(reply, rule)
    expect_equal(rule, reply, "root element", local(root.tag), "CopyObjectResult")
    etag, modified = child_text(root, "ETag"), child_text(root, "LastModified")
    if not modified:
        fail(rule, reply, "CopyObjectResult has no LastModified")
    head_etag = dest_head(oss, dest).header("ETag") or ""
    # Quotes and hex case are etag.quoted-upper-hex's to judge; here the value must name the destination.
    expect_equal(rule, reply, "CopyObjectResult ETag vs HeadObject ETag", _bare(etag or ""), _bare(head_etag))


@pytest.mark.rule("object.copy.data")
@given(data=st.binary(max_size=2048))
@example(data=bytes(range(256)) * 6)  # over 1 KiB: a copy through one small buffer shows
def test_copy_data(oss, new_key, rule, data):
    src, dest = source(oss, new_key, data=data), new_key("copy")
    reads_back(oss, src, data)  # these bytes read back directly (object.get.body): the copy is what is judged
    expect(oss.copy_object(dest, src), rule)
    got = expect_status(oss.get_object(dest), rule, 200)
    expect_equal(rule, got, "destination body", got.body, data)


@pytest.mark.rule("object.copy.crc64")
@given(data=st.binary(max_size=1024))
def test_copy_crc64(oss, new_key, rule, data):
    src, dest = source(oss, new_key, data=data), new_key("copy")
    reply = expect(oss.copy_object(dest, src), rule)
    expect_header(reply, rule, "x-oss-hash-crc64ecma", str(crc64_ecma(data)))


# ---------------------------------------------------------------- the source header


@pytest.mark.rule("object.copy.no-such-key")
def test_copy_missing_source(oss, new_key, rule):
    expect(oss.copy_object(new_key("copy"), new_key("never-written")), rule)


@pytest.mark.rule("object.copy.no-such-source-bucket")
def test_copy_missing_source_bucket(oss, new_key, rule):
    missing = f"oss-conformance-missing-{uuid.uuid4().hex[:16]}"
    expect(oss.copy_object(new_key("copy"), source(oss, new_key), source_bucket=missing), rule)


@pytest.mark.rule("object.copy.source-malformed")
@pytest.mark.parametrize("shape", ["bucket-only", "bucket-slash", "slash-only"])
def test_copy_source_malformed(oss, new_key, rule, shape):
    header = {"bucket-only": f"/{oss.bucket}", "bucket-slash": f"/{oss.bucket}/", "slash-only": "/"}[shape]
    expect(raw_copy(oss, new_key("copy"), header), rule)


def _plain_segments(suffix: str) -> bool:
    """No empty, '.' or '..' segment: names a path-normalising server changes are the naming rules' to judge."""
    return all(part not in ("", ".", "..") for part in suffix.split("/"))


@pytest.mark.rule("object.copy.source-decoded")
@pytest.mark.parametrize("raw_slash", [False, True], ids=["slash-encoded", "slash-raw"])
@given(suffix=key_suffixes().filter(_plain_segments))
def test_copy_source_decoded(oss, new_key, rule, suffix, raw_slash):
    src, dest, data = new_key("copy-source") + "/" + suffix, new_key("copy"), b"encoded source"
    put(oss, src, data)
    reads_back(oss, src, data)
    header = f"/{oss.bucket}/{quote(src, safe='/' if raw_slash else '')}"  # go2 keeps '/', oss2 sends %2F
    expect(raw_copy(oss, dest, header), rule)
    copied_bytes(oss, dest, data)


@pytest.mark.rule("object.copy.source-plus-is-space")
def test_copy_source_plus_is_space(oss, new_key, rule):
    src, dest, data = new_key("copy-source") + " with spaces", new_key("copy"), b"spaced source"
    put(oss, src, data)
    reads_back(oss, src, data)
    expect(raw_copy(oss, dest, f"/{oss.bucket}/{quote(src, safe='').replace('%20', '+')}"), rule)
    copied_bytes(oss, dest, data)


# ---------------------------------------------------------------- directives


@pytest.mark.rule("object.copy.meta-default-copy")
def test_copy_keeps_metadata(oss, new_key, rule):
    src, dest = source(oss, new_key, SOURCE_HEADERS), new_key("copy")
    expect(oss.copy_object(dest, src, {"x-oss-meta-colour": "red", "Cache-Control": "max-age=1"}), rule)
    got = dest_head(oss, dest)
    for name, value in SOURCE_HEADERS.items():
        expect_header(got, rule, name, value)


@pytest.mark.rule("object.copy.meta-replace")
def test_copy_replaces_metadata(oss, new_key, rule):
    src, dest = source(oss, new_key, SOURCE_HEADERS), new_key("copy")
    headers = {"x-oss-metadata-directive": "REPLACE", "x-oss-meta-colour": "red"}
    expect(oss.copy_object(dest, src, headers), rule)
    got = dest_head(oss, dest)
    expect_header(got, rule, "x-oss-meta-colour", "red")
    expect_equal(rule, got, "x-oss-meta-shade (not in the request)", got.header("x-oss-meta-shade"), None)


@pytest.mark.rule("object.copy.onto-itself")
def test_copy_onto_itself(oss, new_key, rule):
    key = source(oss, new_key, SOURCE_HEADERS, data=b"kept bytes")
    expect(oss.copy_object(key, key, {"x-oss-metadata-directive": "REPLACE", "x-oss-meta-colour": "red"}), rule)
    got = expect_status(oss.get_object(key), rule, 200)
    expect_header(got, rule, "x-oss-meta-colour", "red")
    expect_equal(rule, got, "body after the self-copy", got.body, b"kept bytes")


# Directive spellings sent by the SDKs or the pages (docs/oss-facts.md §24.2, §9.23); True = REPLACE.
SPELLINGS = [("COPY", False), ("Copy", False), ("copy", False), ("REPLACE", True), ("Replace", True), ("replace", True)]


@pytest.mark.rule("object.copy.directive-any-case")
@pytest.mark.parametrize(("value", "replaces"), SPELLINGS)
def test_metadata_directive_any_case(oss, new_key, rule, value, replaces):
    src, dest = source(oss, new_key, SOURCE_HEADERS), new_key("copy")
    expect(oss.copy_object(dest, src, {"x-oss-metadata-directive": value, "x-oss-meta-colour": "red"}), rule)
    got = dest_head(oss, dest)
    expect_header(got, rule, "x-oss-meta-colour", "red" if replaces else "blue")


@pytest.mark.rule("object.copy.directive-any-case")
@pytest.mark.parametrize(("value", "replaces"), SPELLINGS)
def test_tagging_directive_any_case(oss, new_key, rule, value, replaces):
    src, dest = tagged_source(oss, new_key), new_key("copy")
    expect(oss.copy_object(dest, src, {"x-oss-tagging-directive": value, "x-oss-tagging": "new=1"}), rule)
    want = [("new", "1")] if replaces else [("size", "2"), ("team", "blue")]
    expect_equal(rule, None, f"tags of the copy ({value})", tags_of(oss, dest), want)


@pytest.mark.rule("object.copy.directive-invalid")
@pytest.mark.parametrize("header", ["x-oss-metadata-directive", "x-oss-tagging-directive"])
def test_directive_invalid(oss, new_key, rule, header):
    expect(oss.copy_object(new_key("copy"), source(oss, new_key), {header: "MOVE"}), rule)


@pytest.mark.rule("object.copy.tagging-default-copy")
def test_copy_keeps_tags(oss, new_key, rule):
    src, dest = tagged_source(oss, new_key), new_key("copy")
    expect(oss.copy_object(dest, src), rule)
    expect_equal(rule, None, "tags of the copy", tags_of(oss, dest), [("size", "2"), ("team", "blue")])


@pytest.mark.rule("object.copy.tagging-replace")
def test_copy_replaces_tags(oss, new_key, rule):
    src, dest = tagged_source(oss, new_key), new_key("copy")
    headers = {"x-oss-tagging-directive": "Replace", "x-oss-tagging": "team=red&new=a%20b"}
    expect(oss.copy_object(dest, src, headers), rule)
    expect_equal(rule, None, "tags of the copy", tags_of(oss, dest), [("new", "a b"), ("team", "red")])


# ---------------------------------------------------------------- source conditions


def _source_state(oss: OssClient, new_key) -> tuple[str, str, str]:
    """(key, ETag, Last-Modified) of a fresh source."""
    key = source(oss, new_key)
    got = head(oss, key)
    return key, got.header("ETag") or "", got.header("Last-Modified") or ""


def _condition(oss: OssClient, new_key, rule, condition: str, holds: bool) -> str:
    """CopyObject of a fresh source with one x-oss-copy-source-`condition` that holds or not (§24.3's table:
    equal dates count as not modified); returns the destination key."""
    (src, etag, modified), dest = _source_state(oss, new_key), new_key("copy")
    values = {  # (a value that holds, one that does not)
        "if-match": (etag, OTHER_ETAG),
        "if-none-match": (OTHER_ETAG, etag),
        "if-modified-since": (OLD_DATE, modified),
        "if-unmodified-since": (modified, OLD_DATE),
    }
    value = values[condition][0 if holds else 1]
    expect(oss.copy_object(dest, src, {f"x-oss-copy-source-{condition}": value}), rule)
    return dest


@each_rule(
    "object.copy.if-match",
    "object.copy.if-none-match",
    "object.copy.if-modified-since",
    "object.copy.if-unmodified-since",
)
def test_copy_condition_fails(oss, new_key, rule, judged_by):
    dest = _condition(oss, new_key, rule, judged_by.removeprefix("object.copy."), holds=False)
    expect_status(oss.head_object(dest), rule, 404)  # nothing was copied


@pytest.mark.rule("object.copy.conditions-met")
@pytest.mark.parametrize("condition", ["if-match", "if-none-match", "if-modified-since", "if-unmodified-since"])
def test_copy_conditions_met(oss, new_key, rule, condition):
    copied_bytes(oss, _condition(oss, new_key, rule, condition, holds=True), b"source")


# ---------------------------------------------------------------- other headers


@pytest.mark.rule("object.copy.forbid-overwrite")
def test_copy_forbid_overwrite(oss, new_key, rule):
    src, dest = source(oss, new_key), new_key("copy")
    put(oss, dest, b"already here")
    expect(oss.copy_object(dest, src, {"x-oss-forbid-overwrite": "true"}), rule)
    got = expect_status(oss.get_object(dest), rule, 200)
    expect_equal(rule, got, "destination body after the refused copy", got.body, b"already here")


@pytest.mark.rule("object.copy.storage-class")
@pytest.mark.parametrize("storage_class", ["IA", "Archive"])
def test_copy_storage_class(oss, new_key, rule, storage_class):
    src, dest = source(oss, new_key), new_key("copy")
    expect(oss.copy_object(dest, src, {"x-oss-storage-class": storage_class}), rule)
    expect_header(dest_head(oss, dest), rule, "x-oss-storage-class", storage_class)


@pytest.mark.rule("object.copy.storage-class-invalid")
@pytest.mark.parametrize("storage_class", ["Bogus", "GLACIER"])
def test_copy_storage_class_invalid(oss, new_key, rule, storage_class):
    expect(oss.copy_object(new_key("copy"), source(oss, new_key), {"x-oss-storage-class": storage_class}), rule)


@pytest.mark.rule("object.copy.acl-not-copied")
@pytest.mark.parametrize("acl", [None, "private"])
def test_copy_acl_not_copied(oss, new_key, rule, acl):
    src, dest = new_key("copy-source"), new_key("copy")
    put(oss, src, b"public", {"x-oss-object-acl": "public-read"})
    require_equal(ACL_KEPT, None, f"ACL of {src}", acl_of(oss, src, ACL_KEPT), ["public-read"])
    expect(oss.copy_object(dest, src, {"x-oss-object-acl": acl} if acl else {}), rule)
    grants = acl_of(oss, dest, COPY_DATA)
    if acl is not None:
        expect_equal(rule, None, "ACL of the copy", grants, [acl])
    elif grants == ["public-read"]:  # unset reads `default` (SDKs) or the bucket's ACL (page): §9.27
        fail(rule, None, f"the copy of a public-read source reads {grants}: the ACL was copied")
