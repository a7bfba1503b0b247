"""PutObject: forbid-overwrite, Content-MD5, storage class, standard headers, user metadata, ACL, tagging, CRC-64."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal, expect_header, expect_xml, fail
from conformance.client.xml import elements
from conformance.digests import crc64_ecma
from conformance.suite.preconditions import put, reads_back

STANDARD_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Disposition": 'attachment; filename="report.txt"',
    "Content-Encoding": "identity",
    "Expires": "Wed, 21 Oct 2037 07:28:00 GMT",
    "Content-Language": "de-CH",
}
# Classes an object may be written in at once; reading Archive classes needs a restore (archive.toml's rules).
CLASSES = ["Standard", "IA", "Archive", "ColdArchive"]
META_NAMES = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
META_VALUES = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40)


@pytest.mark.rule("object.put.forbid-overwrite")
def test_forbid_overwrite_existing(oss, new_key, rule):
    key = new_key("object")
    put(oss, key, b"first")
    expect(oss.put_object(key, b"second", {"x-oss-forbid-overwrite": "true"}), rule)
    reads_back(oss, key, b"first")


@pytest.mark.rule("object.put.forbid-overwrite-false")
def test_forbid_overwrite_false_overwrites(oss, new_key, rule):
    key = new_key("object")
    put(oss, key, b"first")
    expect(oss.put_object(key, b"second", {"x-oss-forbid-overwrite": "false"}), rule)
    got = expect(oss.get_object(key), rule)
    expect_equal(rule, got, "body after the overwrite", got.body, b"second")


@pytest.mark.rule("object.put.content-md5-mismatch")
def test_content_md5_mismatch(oss, new_key, rule):
    wrong = base64.b64encode(hashlib.md5(b"other bytes").digest()).decode()
    expect(oss.put_object(new_key("object"), b"the body", {"Content-MD5": wrong}), rule)


@pytest.mark.rule("object.put.storage-class")
@pytest.mark.parametrize("storage_class", CLASSES)
def test_storage_class_stored(oss, new_key, rule, storage_class):
    key = new_key("object")
    expect(oss.put_object(key, b"classy", {"x-oss-storage-class": storage_class}), rule)
    expect_header(expect(oss.head_object(key), rule), rule, "x-oss-storage-class", storage_class)


@pytest.mark.rule("object.put.storage-class-invalid")
@pytest.mark.parametrize("storage_class", ["Bogus", "GLACIER"])
def test_storage_class_invalid(oss, new_key, rule, storage_class):
    expect(oss.put_object(new_key("object"), b"classy", {"x-oss-storage-class": storage_class}), rule)


@pytest.mark.rule("object.put.headers-kept")
def test_standard_headers_kept(oss, new_key, rule):
    key = new_key("object")
    put(oss, key, b"with headers", STANDARD_HEADERS)
    got = reads_back(oss, key, b"with headers")
    for name, value in STANDARD_HEADERS.items():
        expect_header(got, rule, name, value)


@pytest.mark.rule("object.put.meta-roundtrip")
@given(meta=st.dictionaries(META_NAMES, META_VALUES, min_size=1, max_size=5))
def test_user_meta_roundtrip(oss, new_key, rule, meta):
    key = new_key("object")
    put(oss, key, b"meta", {f"x-oss-meta-{name}": value for name, value in meta.items()})
    head = expect(oss.head_object(key), rule)
    for name, value in meta.items():
        expect_header(head, rule, f"x-oss-meta-{name}", value)


@pytest.mark.rule("object.put.acl")
@pytest.mark.parametrize("acl", ["private", "public-read", "public-read-write"])
def test_acl_stored(oss, new_key, rule, acl):
    key = new_key("object")
    put(oss, key, b"acl", {"x-oss-object-acl": acl})
    reply = expect(oss.request("GET", key, query=[("acl", None)]), rule)
    grants = [g.text for g in elements(expect_xml(reply, rule), "Grant")]
    expect_equal(rule, reply, "GetObjectAcl Grant", grants, [acl])


@pytest.mark.rule("object.put.tagging")
def test_tagging_stored(oss, new_key, rule):
    key = new_key("object")
    put(oss, key, b"tags", {"x-oss-tagging": "team=blue&empty=&space=a%20b"})
    reply = expect(oss.request("GET", key, query=[("tagging", None)]), rule)
    root = expect_xml(reply, rule)
    tags = sorted((t.findtext("Key"), t.findtext("Value") or "") for t in elements(root, "Tag"))
    expect_equal(rule, reply, "tags", tags, [("empty", ""), ("space", "a b"), ("team", "blue")])


@pytest.mark.rule("object.put.crc64")
@given(data=st.binary(max_size=1024))
def test_put_crc64(oss, new_key, rule, data):
    reply = put(oss, new_key("object"), data)
    crc = expect_header(reply, rule, "x-oss-hash-crc64ecma")
    if crc != str(crc64_ecma(data)):
        fail(rule, reply, f"x-oss-hash-crc64ecma {crc!r}, expected {crc64_ecma(data)} (CRC-64/ECMA-182, decimal)")
