"""PutObject and GetObject on plain objects: the behaviour every read-through and link test builds on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal, expect_header
from conformance.suite.preconditions import put


@pytest.mark.rule("object.put.response")
def test_put_response(oss, new_key, rule):
    reply = expect(oss.put_object(new_key("object"), b"some bytes"), rule)
    expect_header(reply, rule, "ETag")
    expect_header(reply, rule, "x-oss-request-id")


@pytest.mark.rule("object.get.body")
@given(data=st.binary(max_size=2048))
def test_get_returns_put_bytes(oss, new_key, rule, data):
    key = new_key("object")
    put(oss, key, data)
    got = expect(oss.get_object(key), rule)
    expect_equal(rule, got, "body", got.body, data)
