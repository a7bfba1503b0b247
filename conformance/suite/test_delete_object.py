"""DeleteObject and DeleteMultipleObjects (quiet mode, encoding-type, limits, control characters)."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal, expect_header, expect_status, expect_xml, fail, require
from conformance.client.xml import elements
from conformance.suite.name_steps import slash_names_kept
from conformance.suite.preconditions import put


def _deleted_keys(reply, rule) -> list[str]:
    return [node.text or "" for node in elements(expect_xml(reply, rule), "Key")]


@pytest.mark.rule("object.delete.response")
def test_delete_removes(oss, new_key, rule):
    key = new_key("object")
    put(oss, key, b"doomed")
    expect(oss.delete_object(key), rule)
    expect_status(oss.get_object(key), rule, 404)  # the Code of a missing key is error.no-such-key's to judge


@pytest.mark.rule("object.delete.versioned-marker")
def test_versioned_delete_writes_a_marker(oss_versioned, new_key, rule):
    key = new_key("object")
    put(oss_versioned, key, b"versioned")
    reply = expect(oss_versioned.delete_object(key), rule)
    expect_header(reply, rule, "x-oss-delete-marker", "true")
    expect_header(reply, rule, "x-oss-version-id")


@pytest.mark.rule("object.delete.missing-key")
def test_delete_missing_key(oss, new_key, rule):
    key = new_key("object")
    put(oss, key, b"deleted once")
    require(oss.delete_object(key), "object.delete.response", 204)  # what a successful delete answers here
    expect(oss.delete_object(key), rule)


@pytest.mark.rule("object.batch-delete.verbose")
@given(order=st.permutations(["m", "c", "x", "a"]))
def test_batch_delete_verbose_in_order(oss, new_key, rule, order):
    slash_names_kept(oss, new_key)
    base = new_key("batch") + "/"
    keys = [base + name for name in order]
    for key in keys:
        put(oss, key, b"batch")
    reply = expect(oss.delete_multiple(keys), rule)
    expect_equal(rule, reply, "Deleted keys in request order", _deleted_keys(reply, rule), keys)


@pytest.mark.rule("object.batch-delete.missing-keys")
def test_batch_delete_reports_missing_keys(oss, new_key, rule):
    slash_names_kept(oss, new_key)
    present, absent = new_key("present"), new_key("absent")
    put(oss, present, b"batch")
    reply = expect(oss.delete_multiple([present, absent]), rule)
    expect_equal(rule, reply, "Deleted keys", sorted(_deleted_keys(reply, rule)), sorted([present, absent]))


@pytest.mark.rule("object.batch-delete.quiet")
def test_batch_delete_quiet(oss, new_key, rule):
    slash_names_kept(oss, new_key)
    keys = [new_key("quiet"), new_key("quiet")]
    for key in keys:
        put(oss, key, b"batch")
    reply = expect(oss.delete_multiple(keys, quiet=True), rule)
    if reply.body.strip():
        listed = elements(expect_xml(reply, rule), "Deleted")
        if listed:
            fail(rule, reply, f"quiet mode listed {len(listed)} Deleted entries")


@pytest.mark.rule("object.batch-delete.encoding-type")
def test_batch_delete_encoding_type(oss, new_key, rule):
    slash_names_kept(oss, new_key)
    key = new_key("enc-") + " a+b%25 中文"
    put(oss, key, b"batch")
    reply = expect(oss.delete_multiple([key], **{"encoding-type": "url"}), rule)
    root = expect_xml(reply, rule)
    expect_equal(rule, reply, "EncodingType", [e.text for e in elements(root, "EncodingType")], ["url"])
    sent = [node.text or "" for node in elements(root, "Key")]
    expect_equal(rule, reply, "Keys, url-decoded", [unquote(k) for k in sent], [key])
    if sent == [key]:
        fail(rule, reply, f"Key {key!r} came back unencoded")


@pytest.mark.rule("object.batch-delete.content-md5-mismatch")
def test_batch_delete_content_md5_mismatch(oss, new_key, rule):
    wrong = base64.b64encode(hashlib.md5(b"another body").digest()).decode()
    expect(oss.delete_multiple([new_key("absent")], headers={"Content-MD5": wrong}), rule)


@pytest.mark.rule("object.batch-delete.limit")
def test_batch_delete_over_1000_keys(oss, new_key, rule):
    base = new_key("many") + "/"
    expect(oss.delete_multiple([f"{base}{n}" for n in range(1001)]), rule)


CONTROL_FORMS = {"raw": lambda c: c, "decimal": lambda c: f"&#{ord(c)};", "hex": lambda c: f"&#x{ord(c):02X};"}


@pytest.mark.rule("object.batch-delete.control-characters")
@pytest.mark.parametrize("form", sorted(CONTROL_FORMS))
def test_batch_delete_control_characters(oss, new_key, rule, form):
    slash_names_kept(oss, new_key)
    key = new_key("ctl-") + "a\x0cb\x01c\x1f"
    put(oss, key, b"control")
    oss.namespace.check("DELETE", key)  # the body is built here, so the client cannot check it
    shown = "".join(CONTROL_FORMS[form](c) if ord(c) < 0x20 else c for c in key)
    body = f"<Delete><Quiet>false</Quiet><Object><Key>{shown}</Key></Object></Delete>".encode()
    digest = base64.b64encode(hashlib.md5(body).digest()).decode()
    reply = oss.request("POST", None, query=[("delete", None)], data=body, headers={"Content-MD5": digest})
    expect(reply, rule)
    expect_status(oss.get_object(key), rule, 404)  # no Code: the error body names a key XML 1.0 cannot carry
