"""UploadPart and UploadPartCopy."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import Blocked, expect, expect_equal, expect_header, expect_xml, fail, require
from conformance.client.xml import local
from conformance.digests import crc64_ecma
from conformance.suite import multipart_steps as mpu
from conformance.suite.name_steps import slash_names_kept
from conformance.suite.preconditions import put, xml_root


@pytest.mark.rule("mpu.part.etag-md5")
@given(size=st.integers(mpu.MIN_PART, mpu.MIN_PART + 4096))
def test_part_etag_is_md5(oss, new_key, rule, size):
    key = new_key("mpu")
    upload_id = mpu.initiate(oss, key)
    data = mpu.part_data(1, size)
    reply = expect(oss.upload_part(key, upload_id, 1, data), rule)
    etag = expect_header(reply, rule, "ETag")  # quoting and hex case are etag.quoted-upper-hex's to judge
    expect_equal(rule, reply, "part ETag, quotes and hex case aside", mpu.bare(etag), mpu.md5_etag(data))


@pytest.mark.rule("mpu.part.no-size-check")
def test_small_part_accepted(oss, new_key, rule):
    key = new_key("mpu")
    upload_id = mpu.initiate(oss, key)
    for number in (1, 2):
        expect(oss.upload_part(key, upload_id, number, mpu.part_data(number, 1024)), rule)


@pytest.mark.rule("mpu.part.overwrite")
def test_part_upload_again_replaces(oss, new_key, rule):
    key = new_key("mpu")
    upload_id = mpu.initiate(oss, key)
    mpu.upload(oss, key, upload_id, 1, b"first bytes")
    etag = expect_header(expect(oss.upload_part(key, upload_id, 1, b"second bytes"), rule), rule, "ETag")
    mpu.complete(oss, key, upload_id, [(1, etag)])
    got = expect(oss.get_object(key), rule)
    expect_equal(rule, got, "object after the part was uploaded again", got.body, b"second bytes")


@pytest.mark.rule("mpu.part.number-range")
@pytest.mark.parametrize("number", ["0", "10001", "abc"])
def test_part_number_out_of_range(oss, new_key, rule, number):
    key = new_key("mpu")
    upload_id = mpu.initiate(oss, key)
    expect(oss.upload_part(key, upload_id, number, b"data"), rule)


@pytest.mark.rule("mpu.part.content-md5")
def test_part_content_md5_mismatch(oss, new_key, rule):
    key = new_key("mpu")
    upload_id = mpu.initiate(oss, key)
    wrong = base64.b64encode(hashlib.md5(b"other bytes").digest()).decode()
    expect(oss.upload_part(key, upload_id, 1, b"part bytes", {"Content-MD5": wrong}), rule)


@pytest.mark.rule("mpu.part.no-such-upload")
def test_part_unknown_upload(oss, new_key, rule):
    key = new_key("mpu")
    mpu.initiate(oss, key)  # the key has an upload, just not this one
    expect(oss.upload_part(key, mpu.UNKNOWN_UPLOAD_ID, 1, b"data"), rule)


@pytest.mark.rule("mpu.part.crc64")
@given(data=st.binary(max_size=512))
def test_part_crc64(oss, new_key, rule, data):
    key = new_key("mpu")
    upload_id = mpu.initiate(oss, key)
    reply = require(oss.upload_part(key, upload_id, 1, data), mpu.SMALL_PART)
    expect_header(reply, rule, "x-oss-hash-crc64ecma", str(crc64_ecma(data)))


# ---------------------------------------------------------------- UploadPartCopy

NO_SIZE_CHECK = "mpu.part.no-size-check"  # a part's size is judged at complete, not when it arrives
SOURCE = bytes(range(256)) * 3  # 768 bytes, every byte value, so a shifted range never looks right


def _copied_part(oss, new_key, headers: dict[str, str] | None = None):
    """(key, upload id, reply) of an UploadPartCopy of SOURCE as part 1."""
    slash_names_kept(oss, new_key)  # the source is named in a header, its '/' sent as %2F
    source, key = new_key("source"), new_key("mpu")
    put(oss, source, SOURCE)
    upload_id = mpu.initiate(oss, key)
    # part 1 is new: a copy over an uploaded part would rest on mpu.part.overwrite as well
    reply = oss.upload_part_copy(key, upload_id, 1, source, headers)
    if (reply.status, reply.code) == (400, "EntityTooSmall"):  # a size check at upload: that rule's deviation
        raise Blocked(NO_SIZE_CHECK, f"UploadPartCopy of {len(SOURCE)} bytes as part 1 answered 400 EntityTooSmall")
    return key, upload_id, reply


def _part_etag(reply) -> str:
    """The copied part's ETag: from CopyPartResult, else the ETag header (the body is mpu.copy.result's)."""
    root = xml_root(reply, "mpu.copy.result") if reply.body else None
    return (mpu.text(root, "ETag") if root is not None else None) or reply.header("ETag") or ""


def _object_of_copied_part(oss, rule, key: str, upload_id: str, reply) -> bytes:
    mpu.complete(oss, key, upload_id, [(1, _part_etag(expect(reply, rule)))])
    return expect(oss.get_object(key), rule).body


@pytest.mark.rule("mpu.copy.whole")
def test_part_copy_whole(oss, new_key, rule):
    key, upload_id, reply = _copied_part(oss, new_key)
    body = _object_of_copied_part(oss, rule, key, upload_id, reply)
    expect_equal(rule, reply, "object made of the copied part", body, SOURCE)


@pytest.mark.rule("mpu.copy.range")
@given(bounds=st.tuples(st.integers(0, len(SOURCE) - 1), st.integers(0, len(SOURCE) - 1)).map(sorted))
def test_part_copy_range(oss, new_key, rule, bounds):
    first, last = bounds
    key, upload_id, reply = _copied_part(oss, new_key, {"x-oss-copy-source-range": f"bytes={first}-{last}"})
    body = _object_of_copied_part(oss, rule, key, upload_id, reply)
    expect_equal(rule, reply, f"object made of bytes {first}-{last} of the source", body, SOURCE[first : last + 1])


@pytest.mark.rule("mpu.copy.result")
def test_part_copy_result(oss, new_key, rule):
    _, _, reply = _copied_part(oss, new_key)
    root = expect_xml(expect(reply, rule), rule)
    expect_equal(rule, reply, "root element", local(root.tag), "CopyPartResult")
    for name in ("ETag", "LastModified"):  # that the ETag is the part's MD5 is mpu.part.etag-md5's to judge
        if not mpu.text(root, name):
            fail(rule, reply, f"CopyPartResult has no {name}")


@pytest.mark.rule("mpu.copy.conditions")
@pytest.mark.parametrize(
    "condition",
    [
        ("x-oss-copy-source-if-match", '"00000000000000000000000000000000"'),
        ("x-oss-copy-source-if-unmodified-since", "Mon, 01 Jan 2001 00:00:00 GMT"),
    ],
    ids=["if-match", "if-unmodified-since"],
)
def test_part_copy_condition_fails(oss, new_key, rule, condition):
    _, _, reply = _copied_part(oss, new_key, dict([condition]))
    expect(reply, rule)
