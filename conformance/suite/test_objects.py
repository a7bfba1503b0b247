"""PutObject and GetObject on plain objects: the behaviour every read-through and link test builds on."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal, expect_header, expect_status
from conformance.client.xml import child_text, xml_elements
from conformance.suite.preconditions import put


@pytest.mark.rule("object.put.response")
def test_put_response(oss, new_key, rule):
    reply = expect(oss.put_object(new_key("object"), b"some bytes"), rule)
    expect_header(reply, rule, "ETag")
    expect_header(reply, rule, "x-oss-request-id")


@pytest.mark.rule("object.get.body")
@given(data=st.binary(max_size=2048))
@example(data=b"")  # the empty object: a front end may answer it 204
def test_get_returns_put_bytes(oss, new_key, rule, data):
    key = new_key("object")
    put(oss, key, data)
    got = expect(oss.get_object(key), rule)
    expect_equal(rule, got, "body", got.body, data)


@pytest.mark.rule("object.head.response")
def test_head_response(oss, new_key, rule):
    key, data = new_key("object"), b"head me"
    stored = put(oss, key, data)
    got = expect(oss.head_object(key), rule)
    expect_header(got, rule, "ETag", stored.header("ETag"))
    expect_header(got, rule, "Content-Length", str(len(data)))
    expect_header(got, rule, "Last-Modified")


@pytest.mark.rule("object.list.prefix")
def test_list_prefix(oss, new_key, rule, request):
    base = new_key("dir")
    inside = [f"{base}/a", f"{base}/b c"]
    for key in [*inside, f"{base}-outside"]:
        put(oss, key)
    listing = expect(oss.list_objects(prefix=f"{base}/"), rule)
    listed = sorted(child_text(e, "Key") for e in xml_elements(listing.body, "Contents"))
    if listed != sorted(inside):  # a server that stores '/' otherwise lists other names: that rule's, not this
        request.getfixturevalue("names_kept")
    expect_equal(rule, listing, f"keys listed under {base}/", listed, sorted(inside))


@pytest.mark.rule("object.append.create")
def test_append_creates(oss, new_key, rule):
    key, data = new_key("appendable"), b"first part"
    reply = expect(oss.append_object(key, 0, data), rule)
    expect_header(reply, rule, "x-oss-next-append-position", str(len(data)))
    got = expect_status(oss.get_object(key), rule, 200)
    expect_equal(rule, got, "body after the first append", got.body, data)
    expect_header(got, rule, "x-oss-object-type", "Appendable")
