"""Links in a versioned bucket: version ids, reading a link version, delete markers, forbid-overwrite."""

from __future__ import annotations

import pytest

from conformance.checks import expect, expect_equal, expect_header, fail, link_target


@pytest.mark.rule("versioning.symlink.version-id")
def test_put_symlink_returns_version_id(oss_versioned, new_key, rule):
    link = new_key("link")
    first = expect_header(expect(oss_versioned.put_symlink(link, new_key("a")), rule), rule, "x-oss-version-id")
    reply = expect(oss_versioned.put_symlink(link, new_key("b")), rule)
    second = expect_header(reply, rule, "x-oss-version-id")
    if not first or first == second:
        fail(rule, reply, f"version ids of two PutSymlink calls: {first!r} then {second!r}")


@pytest.mark.rule("versioning.symlink.get-version")
def test_get_symlink_by_version(oss_versioned, new_key, rule):
    link, targets = new_key("link"), [new_key("first"), new_key("second")]
    versions = [
        expect_header(expect(oss_versioned.put_symlink(link, target), rule), rule, "x-oss-version-id")
        for target in targets
    ]
    for version, target in zip(versions, targets, strict=True):
        got = expect(oss_versioned.get_symlink(link, version_id=version), rule)
        expect_equal(rule, got, f"target of link version {version}", link_target(got), target)
    current = expect(oss_versioned.get_symlink(link), rule)
    expect_equal(rule, current, "target of the current version", link_target(current), targets[-1])


@pytest.mark.rule("versioning.symlink.delete-marker")
def test_delete_link_makes_marker(oss_versioned, new_key, rule):
    link = new_key("link")
    oss_versioned.put_symlink(link, new_key("target"))
    reply = expect(oss_versioned.delete_object(link), rule)
    expect_header(reply, rule, "x-oss-delete-marker", "true")
    expect_header(reply, rule, "x-oss-version-id")


@pytest.mark.rule("versioning.symlink.get-delete-marker")
def test_get_symlink_on_delete_marker(oss_versioned, new_key, rule):
    link = new_key("link")
    oss_versioned.put_symlink(link, new_key("target"))
    oss_versioned.delete_object(link)
    reply = expect(oss_versioned.get_symlink(link), rule)
    expect_header(reply, rule, "x-oss-delete-marker", "true")
    expect_header(reply, rule, "x-oss-version-id")
    if reply.header("x-oss-symlink-target") is not None:
        fail(rule, reply, "a delete marker answered with x-oss-symlink-target")


@pytest.mark.rule("versioning.symlink.forbid-overwrite-ignored")
@pytest.mark.parametrize("existing", ["object", "link"])
def test_forbid_overwrite_ignored(oss_versioned, new_key, rule, existing):
    link, target = new_key("link"), new_key("target")
    if existing == "object":
        oss_versioned.put_object(link, b"existing")
    else:
        oss_versioned.put_symlink(link, new_key("old"))
    expect(oss_versioned.put_symlink(link, target, {"x-oss-forbid-overwrite": "true"}), rule)
    got = expect(oss_versioned.get_symlink(link), rule)
    expect_equal(rule, got, "target after the ignored forbid-overwrite", link_target(got), target)
