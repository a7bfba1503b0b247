"""CompleteMultipartUpload: the part list checks, complete-all, forbid-overwrite and the object it makes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal, expect_header, expect_status, expect_xml, fail
from conformance.client.xml import local
from conformance.digests import crc64_ecma
from conformance.suite import multipart_steps as mpu
from conformance.suite.name_steps import slash_names_kept
from conformance.suite.preconditions import put

SMALL = 1024  # a part under the 100 KB minimum


@st.composite
def part_plans(draw) -> tuple[dict[int, bytes], list[int]]:
    """Parts 1..n of at least 100 KB and the shuffled order they are uploaded in."""
    count = draw(st.integers(1, 4))
    # The last part is large too: that it may be small is mpu.complete.last-part-small's to judge.
    sizes = [mpu.MIN_PART + draw(st.integers(0, 512)) for _ in range(count)]
    parts = {number: mpu.part_data(number, size) for number, size in enumerate(sizes, start=1)}
    return parts, draw(st.permutations(sorted(parts)))


def _uploaded(oss, new_key, parts: dict[int, bytes], order: list[int] | None = None):
    """(key, upload id, [(number, ETag)] ascending) with the parts uploaded in `order`."""
    key = new_key("mpu")
    upload_id = mpu.initiate(oss, key)
    ordered = {number: parts[number] for number in (order or sorted(parts))}
    return key, upload_id, mpu.upload_all(oss, key, upload_id, ordered)


def _reads_as(oss, rule, key: str, data: bytes) -> None:
    got = expect_status(oss.get_object(key), rule, 200)
    expect_equal(rule, got, f"object of {len(data)} bytes made by CompleteMultipartUpload", got.body, data)


@pytest.mark.rule("mpu.complete.assembles")
@given(plan=part_plans())
def test_complete_joins_parts_by_number(oss, new_key, rule, plan):
    slash_names_kept(oss, new_key)
    parts, order = plan
    key, upload_id, listed = _uploaded(oss, new_key, parts, order)
    reply = expect(oss.complete_multipart(key, upload_id, listed), rule)
    root = expect_xml(reply, rule)
    expect_equal(rule, reply, "root element", local(root.tag), "CompleteMultipartUploadResult")
    expect_equal(rule, reply, "Bucket", mpu.text(root, "Bucket"), oss.bucket)
    expect_equal(rule, reply, "Key", mpu.text(root, "Key"), key)
    for name in ("ETag", "Location"):
        if not mpu.text(root, name):
            fail(rule, reply, f"CompleteMultipartUploadResult has no {name}")
    _reads_as(oss, rule, key, mpu.joined(parts))


@pytest.mark.rule("mpu.complete.gaps-allowed")
def test_complete_with_gaps(oss, new_key, rule):
    parts = {number: mpu.part_data(number, mpu.MIN_PART) for number in (1, 5, 8)}
    key, upload_id, listed = _uploaded(oss, new_key, parts)
    expect(oss.complete_multipart(key, upload_id, listed), rule)
    _reads_as(oss, rule, key, mpu.joined(parts))


@pytest.mark.rule("mpu.complete.part-order")
def test_complete_descending_list(oss, new_key, rule):
    parts = {1: mpu.part_data(1, mpu.MIN_PART), 2: mpu.part_data(2, SMALL)}
    key, upload_id, listed = _uploaded(oss, new_key, parts)
    expect(oss.complete_multipart(key, upload_id, list(reversed(listed))), rule)


@pytest.mark.rule("mpu.complete.etag-mismatch")
def test_complete_wrong_etag(oss, new_key, rule):
    key, upload_id, _ = _uploaded(oss, new_key, {1: mpu.part_data(1, SMALL)})
    expect(oss.complete_multipart(key, upload_id, [(1, f'"{mpu.md5_etag(b"not the part")}"')]), rule)


@pytest.mark.rule("mpu.complete.missing-part")
def test_complete_part_never_uploaded(oss, new_key, rule):
    key, upload_id, listed = _uploaded(oss, new_key, {1: mpu.part_data(1, mpu.MIN_PART)})
    never = f'"{mpu.md5_etag(b"never uploaded")}"'
    expect(oss.complete_multipart(key, upload_id, [*listed, (2, never)]), rule)


def _complete_small_first_part(oss, new_key, rule) -> None:
    """Two parts of 1 KB: the first is too small. The status and the Code are separate rules (the Code is
    inferred), judged each by `expect` against its own rule."""
    key, upload_id, listed = _uploaded(oss, new_key, {1: mpu.part_data(1, SMALL), 2: mpu.part_data(2, SMALL)})
    expect(oss.complete_multipart(key, upload_id, listed), rule)


@pytest.mark.rule("mpu.complete.min-part-size")
def test_complete_small_middle_part(oss, new_key, rule):
    _complete_small_first_part(oss, new_key, rule)


@pytest.mark.rule("mpu.complete.min-part-size-code")
def test_complete_small_middle_part_code(oss, new_key, rule):
    _complete_small_first_part(oss, new_key, rule)


@pytest.mark.rule("mpu.complete.last-part-small")
@pytest.mark.parametrize("shape", ["only", "last"])
def test_complete_small_last_part(oss, new_key, rule, shape):
    parts = {1: mpu.part_data(1, SMALL)} if shape == "only" else {1: mpu.part_data(1, mpu.MIN_PART), 2: b"x"}
    key, upload_id, listed = _uploaded(oss, new_key, parts)
    expect(oss.complete_multipart(key, upload_id, listed), rule)
    _reads_as(oss, rule, key, mpu.joined(parts))


@pytest.mark.rule("mpu.complete.forbid-overwrite")
def test_complete_forbid_overwrite(oss, new_key, rule):
    key, upload_id, listed = _uploaded(oss, new_key, {1: mpu.part_data(1, mpu.MIN_PART)})
    put(oss, key, b"existing")
    expect(oss.complete_multipart(key, upload_id, listed, {"x-oss-forbid-overwrite": "true"}), rule)


@pytest.mark.rule("mpu.complete.complete-all")
def test_complete_all(oss, new_key, rule):
    parts = {1: mpu.part_data(1, mpu.MIN_PART), 2: mpu.part_data(2, mpu.MIN_PART)}
    key, upload_id, _ = _uploaded(oss, new_key, parts, [2, 1])
    expect(oss.complete_multipart(key, upload_id, None, {"x-oss-complete-all": "yes"}), rule)
    _reads_as(oss, rule, key, mpu.joined(parts))


@pytest.mark.rule("mpu.complete.complete-all-with-body")
def test_complete_all_with_body(oss, new_key, rule):
    key, upload_id, listed = _uploaded(oss, new_key, {1: b"only part"})
    expect(oss.complete_multipart(key, upload_id, listed, {"x-oss-complete-all": "yes"}), rule)


@pytest.mark.rule("mpu.complete.upload-consumed")
def test_upload_id_gone_after_complete(oss, new_key, rule):
    key, upload_id, listed = _uploaded(oss, new_key, {1: b"only part"})
    mpu.complete(oss, key, upload_id, listed)
    expect(oss.upload_part(key, upload_id, 2, b"too late"), rule)


@pytest.mark.rule("mpu.complete.crc64")
@given(data=st.binary(min_size=1, max_size=512))
def test_complete_crc64(oss, new_key, rule, data):
    key, upload_id, listed = _uploaded(oss, new_key, {1: data})
    reply = mpu.complete(oss, key, upload_id, listed)
    expect_header(reply, rule, "x-oss-hash-crc64ecma", str(crc64_ecma(data)))


@pytest.mark.rule("mpu.complete.object-type")
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_multipart_object_type(oss, new_key, rule, method):
    key = new_key("mpu")
    mpu.multipart_object(oss, key, {1: b"one part"})
    read = oss.get_object if method == "GET" else oss.head_object
    expect_header(expect(read(key), rule), rule, "x-oss-object-type", "Multipart")


@pytest.mark.rule("mpu.complete.encoding-type")
def test_complete_encoding_type(oss, new_key, rule):
    slash_names_kept(oss, new_key)
    key = new_key("mpu-") + "enc a+b%25 中文"
    upload_id = mpu.initiate(oss, key)
    listed = mpu.upload_all(oss, key, upload_id, {1: mpu.part_data(1, mpu.MIN_PART)})
    reply = expect(oss.complete_multipart(key, upload_id, listed, **{"encoding-type": "url"}), rule)
    mpu.expect_url_encoded(rule, reply, mpu.COMPLETE, {"Key": key})
