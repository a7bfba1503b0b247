"""HeadObject and GetObjectMeta."""

from __future__ import annotations

import pytest
from hypothesis import given

from conformance.checks import expect, expect_equal, expect_header, expect_status
from conformance.suite.preconditions import put, reads_back
from conformance.suite.reads import SIZED, object_with

SHARED = ("Content-Length", "ETag", "Last-Modified", "Content-Type", "x-oss-object-type")


@pytest.mark.rule("object.head.matches-get")
@given(data=SIZED)
def test_head_matches_get(oss, new_key, rule, data):
    key = object_with(oss, new_key, data, {"Content-Type": "text/plain"})
    got = reads_back(oss, key, data)
    head = expect(oss.head_object(key), rule)
    for name in SHARED:
        expect_equal(
            rule, head, f"HEAD {name} (GET answered {got.header(name)!r})", head.header(name), got.header(name)
        )


@pytest.mark.rule("object.head.conditionals")
def test_head_conditionals(oss, new_key, rule):
    key = new_key("object")
    etag = put(oss, key, b"head").header("ETag") or ""
    expect(oss.head_object(key, {"If-Match": etag}), rule)
    expect_status(oss.head_object(key, {"If-Match": '"00000000000000000000000000000000"'}), rule, 412)
    expect_status(oss.head_object(key, {"If-None-Match": etag}), rule, 304)


@pytest.mark.rule("object.meta.response")
@given(data=SIZED)
def test_object_meta(oss, new_key, rule, data):
    key = new_key("object")
    etag = put(oss, key, data).header("ETag")
    meta = expect(oss.get_object_meta(key), rule)
    expect_header(meta, rule, "Content-Length", str(len(data)))
    expect_header(meta, rule, "ETag", etag)
    expect_header(meta, rule, "Last-Modified")


@pytest.mark.rule("object.meta.no-such-key")
def test_object_meta_missing_key(oss, new_key, rule):
    expect(oss.get_object_meta(new_key("absent")), rule)
