"""InitiateMultipartUpload and AbortMultipartUpload: the start and the end of an upload that is not completed."""

from __future__ import annotations

import pytest

from conformance.checks import expect, expect_equal, expect_status, expect_xml, fail
from conformance.client.xml import local
from conformance.suite import multipart_steps as mpu
from conformance.suite.name_steps import slash_names_kept
from conformance.suite.preconditions import put

ENCODED_SUFFIX = "enc a+b%25 中文"  # space, plus, percent and UTF-8: each must be encoded


@pytest.mark.rule("mpu.init.result")
def test_initiate_result(oss, new_key, rule):
    slash_names_kept(oss, new_key)
    key = new_key("mpu")
    reply = expect(oss.initiate_multipart(key), rule)
    root = expect_xml(reply, rule)
    expect_equal(rule, reply, "root element", local(root.tag), "InitiateMultipartUploadResult")
    expect_equal(rule, reply, "Bucket", mpu.text(root, "Bucket"), oss.bucket)
    expect_equal(rule, reply, "Key", mpu.text(root, "Key"), key)
    if not mpu.text(root, "UploadId"):
        fail(rule, reply, "no UploadId in InitiateMultipartUploadResult")


@pytest.mark.rule("mpu.init.encoding-type")
def test_initiate_encoding_type(oss, new_key, rule):
    slash_names_kept(oss, new_key)
    key = new_key("mpu-") + ENCODED_SUFFIX
    reply = expect(oss.initiate_multipart(key, **{"encoding-type": "url"}), rule)
    mpu.expect_url_encoded(rule, reply, mpu.INITIATE, {"Key": key})


@pytest.mark.rule("mpu.init.multiple-per-key")
def test_two_uploads_on_one_key(oss, new_key, rule):
    key = new_key("mpu")
    first, second = mpu.initiate(oss, key), mpu.initiate(oss, key)
    if first == second:
        fail(rule, None, f"both uploads got the upload id {first!r}")
    for upload_id in (first, second):
        expect(oss.list_parts(key, upload_id), rule)


@pytest.mark.rule("mpu.init.storage-class-invalid")
def test_initiate_bad_storage_class(oss, new_key, rule):
    expect(oss.initiate_multipart(new_key("mpu"), {"x-oss-storage-class": "Bogus"}), rule)


@pytest.mark.rule("mpu.init.forbid-overwrite")
def test_initiate_forbid_overwrite(oss, new_key, rule):
    key = new_key("mpu")
    put(oss, key, b"existing")
    expect(oss.initiate_multipart(key, {"x-oss-forbid-overwrite": "true"}), rule)


@pytest.mark.rule("mpu.abort.removes")
def test_abort_removes_upload(oss, new_key, rule):
    key = new_key("mpu")
    upload_id = mpu.initiate(oss, key)
    mpu.upload(oss, key, upload_id, 1, b"to be aborted")
    expect(oss.abort_multipart(key, upload_id), rule)
    expect_status(oss.list_parts(key, upload_id), rule, 404)


@pytest.mark.rule("mpu.abort.no-such-upload")
def test_abort_unknown_upload(oss, new_key, rule):
    key = new_key("mpu")
    mpu.initiate(oss, key)  # the key has an upload, just not this one
    expect(oss.abort_multipart(key, mpu.UNKNOWN_UPLOAD_ID), rule)
