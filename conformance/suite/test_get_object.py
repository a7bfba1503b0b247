"""GetObject: ranges (inside, at and past the end, with and without x-oss-range-behavior), conditionals,
response-* overrides and CRC-64. Each test puts its own object first (object.put.response is the precondition)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal, expect_header, expect_status, fail, require
from conformance.digests import crc64_ecma
from conformance.suite.preconditions import put, reads_back
from conformance.suite.reads import FUTURE, PAST, SIZED, object_with, whole

STANDARD = {"x-oss-range-behavior": "standard"}


def _ranged(rule, got, data: bytes, first: int, last: int) -> None:
    """206, Content-Range `bytes first-last/size` and exactly those bytes."""
    expect_header(got, rule, "Content-Range", f"bytes {first}-{last}/{len(data)}")
    expect_equal(rule, got, f"bytes {first}-{last}", got.body, data[first : last + 1])


@pytest.mark.rule("object.get.range")
@given(data=SIZED, bounds=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_range(oss, new_key, rule, data, bounds):
    first, last = sorted(int(b * (len(data) - 1)) for b in bounds)
    key = object_with(oss, new_key, data)
    _ranged(rule, expect(oss.get_object(key, {"Range": f"bytes={first}-{last}"}), rule), data, first, last)


@pytest.mark.rule("object.get.range-open")
@given(data=SIZED, start=st.floats(0, 1))
def test_range_open(oss, new_key, rule, data, start):
    first = int(start * (len(data) - 1))
    key = object_with(oss, new_key, data)
    _ranged(rule, expect(oss.get_object(key, {"Range": f"bytes={first}-"}), rule), data, first, len(data) - 1)


@pytest.mark.rule("object.get.range-suffix")
@given(data=SIZED, fraction=st.floats(0, 1))
def test_range_suffix(oss, new_key, rule, data, fraction):
    count = max(1, int(fraction * len(data)))
    key = object_with(oss, new_key, data)
    got = expect(oss.get_object(key, {"Range": f"bytes=-{count}"}), rule)
    _ranged(rule, got, data, len(data) - count, len(data) - 1)


@pytest.mark.rule("object.get.range-end-beyond")
@pytest.mark.parametrize("spec", ["500-2000", "0-1000", "999-1000"])
def test_range_end_past_object(oss, new_key, rule, spec):
    data = bytes(range(250)) * 4  # 1000 bytes, the documents' example size
    key = object_with(oss, new_key, data)
    whole(rule, expect(oss.get_object(key, {"Range": f"bytes={spec}"}), rule), data)


@pytest.mark.rule("object.get.range-start-beyond")
@pytest.mark.parametrize("spec", ["1000-2000", "1000-", "5000-6000"])
def test_range_start_past_object(oss, new_key, rule, spec):
    data = bytes(range(250)) * 4
    key = object_with(oss, new_key, data)
    whole(rule, expect(oss.get_object(key, {"Range": f"bytes={spec}"}), rule), data)


@pytest.mark.rule("object.get.range-standard")
def test_range_behavior_standard(oss, new_key, rule):
    data = bytes(range(250)) * 4
    key = object_with(oss, new_key, data)
    require(oss.get_object(key, {"Range": "bytes=0-9"}), "object.get.range", 206)  # ranges work at all
    got = expect_status(oss.get_object(key, {"Range": "bytes=500-2000", **STANDARD}), rule, 206)
    _ranged(rule, got, data, 500, 999)
    expect_status(oss.get_object(key, {"Range": "bytes=1000-2000", **STANDARD}), rule, 416, ["InvalidRange"])


def _etag(oss, key: str) -> str:
    return put(oss, key, b"conditional").header("ETag") or ""


@pytest.mark.rule("object.get.if-match")
def test_if_match(oss, new_key, rule):
    key = new_key("object")
    etag = _etag(oss, key)
    expect_status(oss.get_object(key, {"If-Match": etag}), rule, 200)
    expect(oss.get_object(key, {"If-Match": '"00000000000000000000000000000000"'}), rule)


@pytest.mark.rule("object.get.if-none-match")
def test_if_none_match(oss, new_key, rule):
    key = new_key("object")
    etag = _etag(oss, key)
    expect_status(oss.get_object(key, {"If-None-Match": '"00000000000000000000000000000000"'}), rule, 200)
    got = expect(oss.get_object(key, {"If-None-Match": etag}), rule)
    expect_equal(rule, got, "body of the 304", got.body, b"")


def _dated(oss, new_key, rule, header: str, passing: str, failing: str) -> None:
    """`header` with the date that lets the read through (200), then with the one that does not (the rule's)."""
    key = new_key("object")
    _etag(oss, key)
    expect_status(oss.get_object(key, {header: passing}), rule, 200)
    expect(oss.get_object(key, {header: failing}), rule)


@pytest.mark.rule("object.get.if-modified-since")
def test_if_modified_since(oss, new_key, rule):
    _dated(oss, new_key, rule, "If-Modified-Since", PAST, FUTURE)


@pytest.mark.rule("object.get.if-unmodified-since")
def test_if_unmodified_since(oss, new_key, rule):
    _dated(oss, new_key, rule, "If-Unmodified-Since", FUTURE, PAST)


OVERRIDES = {
    "response-content-type": ("Content-Type", "image/jpeg"),
    "response-content-language": ("Content-Language", "fr-FR"),
    "response-expires": ("Expires", "Thu, 01 Jan 2037 00:00:00 GMT"),
    "response-cache-control": ("Cache-Control", "max-age=60"),
    "response-content-disposition": ("Content-Disposition", 'attachment; filename="x.jpg"'),
    "response-content-encoding": ("Content-Encoding", "identity"),
}


@pytest.mark.rule("object.get.response-override")
@pytest.mark.parametrize("param", sorted(OVERRIDES))
def test_response_override(oss, new_key, rule, param):
    header, value = OVERRIDES[param]
    key = object_with(oss, new_key, b"override me", {"Content-Type": "text/plain"})
    expect_header(expect(oss.get_object(key, query=[(param, value)]), rule), rule, header, value)


@pytest.mark.rule("object.get.crc64")
@given(data=st.binary(max_size=1024))
def test_get_crc64(oss, new_key, rule, data):
    key = object_with(oss, new_key, data)
    got = reads_back(oss, key, data)  # a GET that answers 200 with the bytes is object.get.body's rule
    crc = expect_header(got, rule, "x-oss-hash-crc64ecma")
    if crc != str(crc64_ecma(data)):
        fail(rule, None, f"x-oss-hash-crc64ecma {crc!r}, expected {crc64_ecma(data)} (CRC-64/ECMA-182, decimal)")
