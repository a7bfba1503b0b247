"""Links in a versioned bucket: version ids, reading a link version, delete markers, forbid-overwrite."""

from __future__ import annotations

import pytest

from conformance.checks import (
    expect,
    expect_equal,
    expect_header,
    expect_status,
    fail,
    link_target,
    require,
    require_equal,
)
from conformance.client.xml import child_text, local, xml_elements
from conformance.suite import preconditions as pre

VERSION_ID = "versioning.symlink.version-id"  # PutSymlink in a versioned bucket returns x-oss-version-id
DELETE_MARKER = "versioning.symlink.delete-marker"  # DeleteObject of a link leaves a delete marker


def latest_is_marker(oss_versioned, key: str) -> tuple[object, bool]:
    """(the ListObjectVersions reply, whether its latest entry for `key` is a DeleteMarker)."""
    listing = oss_versioned.request("GET", None, query=[("versions", None), ("prefix", key)])
    latest = [
        local(entry.tag)
        for entry in xml_elements(listing.body, "DeleteMarker") + xml_elements(listing.body, "Version")
        if child_text(entry, "Key") == key and child_text(entry, "IsLatest") == "true"
    ]
    return listing, latest == ["DeleteMarker"]


def versioned_link(oss_versioned, link: str, target: str) -> str:
    """A link version, as a precondition; returns its version id."""
    reply = require(oss_versioned.put_symlink(link, target), pre.PUT_LINK)
    version = reply.header("x-oss-version-id")
    require_equal(VERSION_ID, reply, "x-oss-version-id is present", bool(version), True)
    return version


@pytest.mark.rule("versioning.symlink.version-id")
def test_put_symlink_returns_version_id(oss_versioned, new_key, rule, links_work):
    link = new_key("link")
    first = expect_header(expect(oss_versioned.put_symlink(link, new_key("a")), rule), rule, "x-oss-version-id")
    reply = expect(oss_versioned.put_symlink(link, new_key("b")), rule)
    second = expect_header(reply, rule, "x-oss-version-id")
    if not first or first == second:
        fail(rule, reply, f"version ids of two PutSymlink calls: {first!r} then {second!r}")


@pytest.mark.rule("versioning.symlink.get-version")
def test_get_symlink_by_version(oss_versioned, new_key, rule, links_work):
    link, targets = new_key("link"), [new_key("first"), new_key("second")]
    versions = [versioned_link(oss_versioned, link, target) for target in targets]
    for version, target in zip(versions, targets, strict=True):
        got = expect(oss_versioned.get_symlink(link, version_id=version), rule)
        expect_equal(rule, got, f"target of link version {version}", link_target(got), target)
    current = expect(oss_versioned.get_symlink(link), rule)
    expect_equal(rule, current, "target of the current version", link_target(current), targets[-1])


@pytest.mark.rule("versioning.symlink.delete-marker")
def test_delete_link_makes_marker(oss_versioned, new_key, rule, links_work):
    link = new_key("link")
    pre.link(oss_versioned, link, new_key("target"))
    reply = expect(oss_versioned.delete_object(link), rule)
    expect_header(reply, rule, "x-oss-delete-marker", "true")
    expect_header(reply, rule, "x-oss-version-id")
    listing, marked = latest_is_marker(oss_versioned, link)  # the marker is the link's, not its target's
    expect_equal(rule, listing, "the link's latest version in ListObjectVersions is a DeleteMarker", marked, True)


@pytest.mark.rule("versioning.symlink.get-delete-marker")
def test_get_symlink_on_delete_marker(oss_versioned, new_key, rule, links_work):
    link = new_key("link")
    pre.link(oss_versioned, link, new_key("target"))
    require(oss_versioned.delete_object(link), DELETE_MARKER, status=204)
    listing, marked = latest_is_marker(oss_versioned, link)
    require_equal(DELETE_MARKER, listing, "the link's latest version is a DeleteMarker", marked, True)
    reply = expect(oss_versioned.get_symlink(link), rule)
    expect_header(reply, rule, "x-oss-delete-marker", "true")
    expect_header(reply, rule, "x-oss-version-id")
    if reply.header("x-oss-symlink-target") is not None:
        fail(rule, reply, "a delete marker answered with x-oss-symlink-target")


@pytest.mark.rule("versioning.symlink.forbid-overwrite-ignored")
@pytest.mark.parametrize("existing", ["object", "link"])
def test_forbid_overwrite_ignored(oss_versioned, new_key, rule, links_work, existing):
    link, target = new_key("link"), new_key("target")
    if existing == "object":
        pre.put(oss_versioned, link, b"existing")
    else:
        pre.link(oss_versioned, link, new_key("old"))
    expect(oss_versioned.put_symlink(link, target, {"x-oss-forbid-overwrite": "true"}), rule)
    got = expect_status(oss_versioned.get_symlink(link), rule, 200)
    expect_equal(rule, got, "target after the ignored forbid-overwrite", link_target(got), target)
