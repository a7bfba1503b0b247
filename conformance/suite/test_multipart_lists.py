"""ListParts and ListMultipartUploads. Every listing is confined to the test's own prefix under the run namespace."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal, expect_xml, fail, require, require_equal
from conformance.client.xml import elements
from conformance.suite import multipart_steps as mpu
from conformance.suite.name_steps import slash_names_kept
from conformance.suite.preconditions import xml_root

# ---------------------------------------------------------------- ListParts


@pytest.mark.rule("mpu.listparts.parts")
@given(order=st.permutations([1, 2, 3, 7]))
def test_list_parts_ascending(oss, new_key, rule, order):
    slash_names_kept(oss, new_key)
    key = new_key("mpu")
    upload_id = mpu.initiate(oss, key)
    parts = {number: mpu.part_data(number, 10 * number) for number in order}
    etags = dict(mpu.upload_all(oss, key, upload_id, parts))
    reply = expect(oss.list_parts(key, upload_id), rule)
    root = expect_xml(reply, rule)
    for name, want in (("Bucket", oss.bucket), ("Key", key), ("UploadId", upload_id)):
        expect_equal(rule, reply, name, mpu.text(root, name), want)
    want = [(n, mpu.bare(etags[n]), len(parts[n])) for n in sorted(parts)]
    got = [(number, mpu.bare(etag), size) for number, etag, size in mpu.listed_parts(reply)]
    expect_equal(rule, reply, "(PartNumber, ETag, Size) in listed order", got, want)


@pytest.mark.rule("mpu.listparts.paging")
@given(page=st.integers(1, 4))
def test_list_parts_paging(oss, new_key, rule, page):
    key = new_key("mpu")
    upload_id = mpu.initiate(oss, key)
    mpu.upload_all(oss, key, upload_id, {n: b"part %d" % n for n in range(1, 6)})
    seen = mpu.walk_pages(
        rule,
        page,
        lambda markers: oss.list_parts(key, upload_id, **{"max-parts": str(page), **markers}),
        lambda reply: [number for number, _, _ in mpu.listed_parts(reply)],
        lambda root: {"part-number-marker": mpu.text(root, "NextPartNumberMarker") or ""},
        most=6,  # 5 parts: at most 5 pages, and one more to see a server that never stops
    )
    expect_equal(rule, None, "part numbers over all pages", seen, [1, 2, 3, 4, 5])


@pytest.mark.rule("mpu.listparts.no-such-upload")
def test_list_parts_unknown_upload(oss, new_key, rule):
    key = new_key("mpu")
    mpu.initiate(oss, key)  # the key has an upload, just not this one
    expect(oss.list_parts(key, mpu.UNKNOWN_UPLOAD_ID), rule)


# ---------------------------------------------------------------- ListMultipartUploads


def _uploads(oss, prefix: str, names: list[str], shown: bool = True) -> list[tuple[str, str]]:
    """One upload per name under `prefix` (a name may repeat), as (key, upload id). Preconditions: every upload
    of a repeated key is still alive (mpu.init.multiple-per-key) and, when `shown`, a plain listing of the
    prefix shows them all (mpu.listuploads.entries)."""
    keys = [prefix + name for name in names]
    made = [(key, mpu.initiate(oss, key)) for key in keys]
    for key, upload_id in made:
        if keys.count(key) > 1:
            require(oss.list_parts(key, upload_id), "mpu.init.multiple-per-key")
    if shown:
        listed = mpu.listed_uploads(mpu.uploads_under(oss, prefix))
        require_equal(mpu.LIST_UPLOADS, None, f"uploads listed under {prefix!r}", sorted(listed), sorted(made))
    return made


@pytest.mark.rule("mpu.listuploads.entries")
def test_list_uploads_in_progress(oss, new_key, rule):
    slash_names_kept(oss, new_key)
    prefix = new_key("uploads") + "/"
    made = _uploads(oss, prefix, ["b", "a", "b", "c"], shown=False)
    done, aborted = made[2], made[3]
    mpu.complete(oss, done[0], done[1], mpu.upload_all(oss, done[0], done[1], {1: b"done"}))
    require(oss.list_parts(*done), "mpu.complete.upload-consumed", status=404)
    mpu.require_aborted(oss, *aborted)
    require(oss.list_parts(*aborted), "mpu.abort.removes", status=404)
    reply = expect(oss.list_multipart_uploads(prefix=prefix), rule)
    root = expect_xml(reply, rule)
    listed = mpu.listed_uploads(reply, rule.id)
    expect_equal(rule, reply, "keys in listed order", mpu.keys_in_order(listed), [prefix + "a", prefix + "b"])
    expect_equal(rule, reply, "uploads listed", sorted(listed), sorted(made[:2]))
    for upload in elements(root, "Upload"):
        if not mpu.text(upload, "Initiated"):
            fail(rule, reply, "an Upload entry has no Initiated")


@pytest.mark.rule("mpu.listuploads.paging")
@given(page=st.integers(1, 3))
def test_list_uploads_paging(oss, new_key, rule, page):
    slash_names_kept(oss, new_key)
    prefix = new_key("uploads") + "/"
    made = _uploads(oss, prefix, ["a", "a", "b", "c", "c"])
    seen = mpu.walk_pages(
        rule,
        page,
        lambda markers: oss.list_multipart_uploads(prefix=prefix, **{"max-uploads": str(page), **markers}),
        lambda reply: mpu.listed_uploads(reply, rule.id),
        lambda root: {
            "key-marker": mpu.text(root, "NextKeyMarker") or "",
            "upload-id-marker": mpu.text(root, "NextUploadIdMarker") or "",
        },
        most=len(made) + 1,
    )
    expect_equal(rule, None, "uploads over all pages (each once)", sorted(seen), sorted(made))


@pytest.mark.rule("mpu.listuploads.key-marker")
def test_list_uploads_key_marker(oss, new_key, rule):
    slash_names_kept(oss, new_key)
    prefix = new_key("uploads") + "/"
    made = _uploads(oss, prefix, ["k1", "k2", "k3"])
    reply = expect(oss.list_multipart_uploads(prefix=prefix, **{"key-marker": prefix + "k2"}), rule)
    expect_equal(rule, reply, "uploads after the key-marker", mpu.listed_uploads(reply, rule.id), made[2:])


@pytest.mark.rule("mpu.listuploads.delimiter")
def test_list_uploads_delimiter(oss, new_key, rule):
    slash_names_kept(oss, new_key)
    prefix = new_key("uploads") + "/"
    made = _uploads(oss, prefix, ["dir/x", "dir/y", "top"])
    reply = expect(oss.list_multipart_uploads(prefix=prefix, delimiter="/"), rule)
    root = xml_root(reply, rule.id)
    groups = [mpu.text(group, "Prefix") for group in elements(root, "CommonPrefixes")]
    expect_equal(rule, reply, "CommonPrefixes", groups, [prefix + "dir/"])
    expect_equal(rule, reply, "uploads outside any group", mpu.listed_uploads(reply, rule.id), made[2:])


@pytest.mark.rule("mpu.listuploads.encoding-type")
def test_list_uploads_encoding_type(oss, new_key, rule):
    slash_names_kept(oss, new_key)
    prefix = new_key("uploads") + "/ a+b%25 中/"
    ((key, _),) = _uploads(oss, prefix, ["leaf x"])
    reply = expect(oss.list_multipart_uploads(prefix=prefix, **{"encoding-type": "url"}), rule)
    mpu.expect_url_encoded(rule, reply, mpu.LIST_UPLOADS, {"Prefix": prefix, "Key": key})
