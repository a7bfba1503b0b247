"""PutSymlink (PUT /<key>?symlink): what a server must accept, store and refuse at create time."""

from __future__ import annotations

import pytest
from hypothesis import given

from conformance import strategies as gen
from conformance.checks import expect, expect_equal, expect_header, link_target


@pytest.mark.rule("symlink.put.no-target-check")
@given(target=gen.targets())
def test_missing_target_is_accepted(oss, new_key, rule, target):
    expect(oss.put_symlink(new_key("link"), new_key("absent-") + target), rule)


@pytest.mark.rule("symlink.put.no-target-check")
@pytest.mark.parametrize("target_kind", ["itself", "another-link"])
def test_link_target_is_accepted(oss, new_key, rule, target_kind):
    link = new_key("link")
    target = link
    if target_kind == "another-link":
        target = new_key("other-link")
        expect(oss.put_symlink(target, new_key("absent")), rule)
    expect(oss.put_symlink(link, target), rule)


@pytest.mark.rule("symlink.put.overwrite")
@pytest.mark.parametrize("existing", ["object", "link"])
def test_overwrite_replaces(oss, new_key, rule, existing):
    link, old_target, new_target = new_key("link"), new_key("old"), new_key("new")
    oss.put_object(new_target, b"new target")
    if existing == "object":
        oss.put_object(link, b"plain object")
    else:
        oss.put_symlink(link, old_target)
    expect(oss.put_symlink(link, new_target), rule)
    got = expect(oss.get_symlink(link), rule)
    expect_equal(rule, got, "GetSymlink target after overwrite", link_target(got), new_target)


@pytest.mark.rule("symlink.put.storage-class")
@pytest.mark.parametrize("storage_class", gen.LINK_STORAGE_CLASSES)
def test_storage_class_accepted(oss, new_key, rule, storage_class):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"data")
    expect(oss.put_symlink(link, target, {"x-oss-storage-class": storage_class}), rule)
    head = expect(oss.head_object(link), rule)
    expect_header(head, rule, "x-oss-storage-class", storage_class)


@pytest.mark.rule("symlink.put.storage-class-invalid")
@given(storage_class=gen.invalid_storage_classes())
def test_invalid_storage_class_rejected(oss, new_key, rule, storage_class):
    expect(oss.put_symlink(new_key("link"), new_key("target"), {"x-oss-storage-class": storage_class}), rule)


@pytest.mark.rule("symlink.put.meta-roundtrip")
@given(meta=gen.meta_below_cap())
def test_meta_below_cap_roundtrips(oss, new_key, rule, meta):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"data")
    headers = {f"x-oss-meta-{k}": v for k, v in meta.items()}
    expect(oss.put_symlink(link, target, headers), rule)
    head = expect(oss.head_object(link), rule)
    for name, value in headers.items():
        expect_header(head, rule, name, value.strip())


@pytest.mark.rule("symlink.put.meta-over-cap")
@given(meta=gen.meta_above_cap())
def test_meta_over_cap_rejected(oss, new_key, rule, meta):
    headers = {f"x-oss-meta-{k}": v for k, v in meta.items()}
    expect(oss.put_symlink(new_key("link"), new_key("target"), headers), rule, codes=())

