"""AppendObject: positions, the next-position header, CRC-64 chaining, object type, first-append attributes
(rules in conformance/rules/append-object.toml; facts docs/oss-facts.md §25, §32.2)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal, expect_header, expect_status, require, require_equal
from conformance.client import OssClient
from conformance.digests import crc64_ecma
from conformance.suite.preconditions import APPEND_NEW, GET_OBJECT, put

FIRST_ATTRIBUTES = "object.append.first-attributes"
CHUNKS = st.lists(st.binary(min_size=1, max_size=256), min_size=2, max_size=4)


def appendable(oss: OssClient, new_key, data: bytes = b"12345", headers: Mapping[str, str] | None = None) -> str:
    """A new appendable object holding `data` (object.append.create's rule)."""
    key = new_key("appendable")
    require(oss.append_object(key, 0, data, headers), APPEND_NEW)
    return key


def body_is(oss: OssClient, rule, key: str, data: bytes, what: str) -> None:
    got = expect_status(oss.get_object(key), rule, 200)
    expect_equal(rule, got, what, got.body, data)


@pytest.mark.rule("object.append.next-position")
@given(chunks=CHUNKS)
def test_next_position_chains(oss, new_key, rule, chunks):
    key = appendable(oss, new_key, chunks[0])
    length = len(chunks[0])
    for chunk in chunks[1:]:
        reply = expect(oss.append_object(key, length, chunk), rule)
        length += len(chunk)
        expect_header(reply, rule, "x-oss-next-append-position", str(length))
    body_is(oss, rule, key, b"".join(chunks), "body after the appends")


@pytest.mark.rule("object.append.crc64")
@given(chunks=CHUNKS)
def test_crc64_of_whole_object(oss, new_key, rule, chunks):
    key, data = new_key("appendable"), b""
    for chunk in chunks:
        reply = oss.append_object(key, len(data), chunk)
        if data:
            expect(reply, rule)
        else:
            require(reply, APPEND_NEW)
        data += chunk
        expect_header(reply, rule, "x-oss-hash-crc64ecma", str(crc64_ecma(data)))


@pytest.mark.rule("object.append.position-mismatch")
@pytest.mark.parametrize("position", [3, 6, 1000])
def test_position_mismatch(oss, new_key, rule, position):
    key = appendable(oss, new_key, b"12345")
    expect(oss.append_object(key, position, b"more"), rule)
    body_is(oss, rule, key, b"12345", "body after the refused append")


@pytest.mark.rule("object.append.mismatch-next-position")
def test_mismatch_reports_next_position(oss, new_key, rule):
    key = appendable(oss, new_key, b"12345")
    expect_header(expect(oss.append_object(key, 2, b"more"), rule), rule, "x-oss-next-append-position", "5")


@pytest.mark.rule("object.append.zero-on-existing")
def test_zero_on_existing_appendable(oss, new_key, rule):
    key = appendable(oss, new_key, b"abc")
    expect(oss.append_object(key, 0, b"zzz"), rule)
    body_is(oss, rule, key, b"abc", "body after the refused append at 0")


@pytest.mark.rule("object.append.zero-on-empty")
def test_zero_on_empty_appendable(oss, new_key, rule):
    key = appendable(oss, new_key, b"")
    expect(oss.append_object(key, 0, b"data"), rule)
    body_is(oss, rule, key, b"data", "body after appending at 0 to an empty appendable")


@pytest.mark.rule("object.append.not-appendable")
def test_normal_object_not_appendable(oss, new_key, rule):
    key = new_key("normal")
    put(oss, key, b"normal")
    expect(oss.append_object(key, len(b"normal"), b"more"), rule)
    body_is(oss, rule, key, b"normal", "body of the Normal object after the refused append")


@pytest.mark.rule("object.append.head")
def test_head_of_appendable(oss, new_key, rule):
    key = appendable(oss, new_key, b"head me")
    got = expect(oss.head_object(key), rule)
    expect_header(got, rule, "x-oss-object-type", "Appendable")
    expect_header(got, rule, "x-oss-next-append-position", str(len(b"head me")))


@pytest.mark.rule("object.append.first-attributes")
def test_first_append_attributes(oss, new_key, rule):
    key = new_key("appendable")
    headers = {"Content-Type": "text/x-conformance", "x-oss-meta-colour": "blue"}
    expect(oss.append_object(key, 0, b"first", headers), rule)
    got = expect_status(oss.get_object(key), rule, 200)  # GET: HEAD's headers are HeadObject's rules
    for name, value in headers.items():
        expect_header(got, rule, name, value)


@pytest.mark.rule("object.append.later-attributes-ignored")
def test_later_append_attributes_ignored(oss, new_key, rule):
    key = appendable(oss, new_key, b"first", {"x-oss-meta-colour": "blue"})
    first = require(oss.get_object(key), GET_OBJECT)
    require_equal(FIRST_ATTRIBUTES, first, "x-oss-meta-colour", first.header("x-oss-meta-colour"), "blue")
    headers = {"x-oss-meta-colour": "red", "x-oss-meta-extra": "1"}
    expect(oss.append_object(key, len(b"first"), b" second", headers), rule)
    got = expect_status(oss.get_object(key), rule, 200)
    expect_header(got, rule, "x-oss-meta-colour", "blue")
    expect_equal(rule, got, "x-oss-meta-extra (sent on the later append)", got.header("x-oss-meta-extra"), None)


@pytest.mark.rule("object.append.position-missing")
def test_position_missing(oss, new_key, rule):
    expect(oss.request("POST", new_key("appendable"), query=[("append", None)], data=b"data"), rule)


@pytest.mark.rule("object.append.position-invalid")
@pytest.mark.parametrize("position", ["abc", "-1", "1.5"])
def test_position_invalid(oss, new_key, rule, position):
    query = [("append", None), ("position", position)]
    expect(oss.request("POST", new_key("appendable"), query=query, data=b"data"), rule)


@pytest.mark.rule("object.append.empty-body")
def test_empty_append_changes_nothing(oss, new_key, rule):
    key = appendable(oss, new_key, b"abc")
    reply = expect(oss.append_object(key, 3, b""), rule)
    expect_header(reply, rule, "x-oss-next-append-position", "3")
    body_is(oss, rule, key, b"abc", "body after a zero-byte append")
