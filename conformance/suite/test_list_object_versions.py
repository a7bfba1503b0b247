"""ListObjectVersions: versions and delete markers, IsLatest, order, key-marker/version-id-marker paging, errors.

Versions are told apart by their Size (each version of a key written with a different length), so no test here
depends on the x-oss-version-id header of the writes.
"""

from __future__ import annotations

import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal, fail, require, require_equal
from conformance.client.xml import child_text, elements, local
from conformance.suite import list_steps as ls
from conformance.suite import preconditions as pre
from conformance.suite.multipart_steps import walk_pages

# Every listing here names keys with '/' in them: they stand on such names being kept as given.
pytestmark = pytest.mark.usefixtures("names_kept")


MARKER = "object.delete.versioned-marker"  # a versioned DeleteObject writes a delete marker


def versions_listed(oss, prefix: str, **params: str):
    return ls.listing(oss, ls.VERSIONED, prefix=prefix, **params)


def write_versions(oss, key: str, count: int) -> None:
    """`count` versions of `key`, the n-th (from 1) holding n bytes."""
    for n in range(1, count + 1):
        pre.put(oss, key, b"v" * n)


def sizes(reply, rule_id: str) -> list[tuple[str, str, str | None]]:
    """(tag, Key, Size) of every entry, in listed order."""
    return [
        (local(e.tag), child_text(e, "Key") or "", child_text(e, "Size"))
        for e in ls.root(reply, rule_id)
        if local(e.tag) in ("Version", "DeleteMarker")
    ]


@pytest.mark.rule("versions.list.entries")
def test_entries(oss_versioned, new_key, rule):
    key = ls.fresh_prefix(new_key) + "k"
    write_versions(oss_versioned, key, 2)
    deleted = require(oss_versioned.delete_object(key), ls.DELETE, status=204)
    require_equal(MARKER, deleted, "x-oss-delete-marker", deleted.header("x-oss-delete-marker"), "true")
    reply = expect(versions_listed(oss_versioned, key), rule)
    found = ls.versions_of(reply)
    tags = sorted(tag for tag, _, _, _ in found)
    expect_equal(rule, reply, "entries for the key", tags, ["DeleteMarker", "Version", "Version"])
    ids = [version_id for _, _, version_id, _ in found]
    if len(set(ids)) != 3 or "" in ids:
        fail(rule, reply, f"version ids {ids!r} are not three distinct ids")
    latest = [tag for tag, _, _, is_latest in found if is_latest == "true"]
    expect_equal(rule, reply, "entries with IsLatest true", latest, ["DeleteMarker"])


@pytest.mark.rule("versions.list.delete-marker-fields")
def test_delete_marker_fields(oss_versioned, new_key, rule):
    key = ls.fresh_prefix(new_key) + "k"
    pre.put(oss_versioned, key)
    require(oss_versioned.delete_object(key), ls.DELETE, status=204)
    reply = expect(versions_listed(oss_versioned, key), rule)
    markers = elements(ls.root(reply, rule.id), "DeleteMarker")
    require_equal(ls.VERSIONS, reply, "DeleteMarker entries", len(markers), 1)
    present = {tag: bool(elements(markers[0], tag)) for tag in ("Key", "VersionId", "IsLatest", "LastModified")}
    present |= {tag: bool(elements(markers[0], tag)) for tag in ("ETag", "Size", "StorageClass")}
    want = {"Key": True, "VersionId": True, "IsLatest": True, "LastModified": True}
    want |= {"ETag": False, "Size": False, "StorageClass": False}
    expect_equal(rule, reply, "elements present in the DeleteMarker", present, want)


@pytest.mark.rule("versions.list.order")
def test_order(oss_versioned, new_key, rule):
    prefix = ls.fresh_prefix(new_key)
    write_versions(oss_versioned, prefix + "b", 1)
    write_versions(oss_versioned, prefix + "a", 3)
    reply = expect(versions_listed(oss_versioned, prefix), rule)
    want = [("Version", prefix + k, s) for k, s in (("a", "3"), ("a", "2"), ("a", "1"), ("b", "1"))]
    require_equal(ls.VERSIONS, reply, "entries (any order)", sorted(sizes(reply, rule.id)), sorted(want))
    expect_equal(rule, reply, "entries in listed order (key, newest first)", sizes(reply, rule.id), want)


@pytest.mark.rule("versions.list.paging")
@given(counts=st.lists(st.integers(1, 3), min_size=1, max_size=3), page=st.integers(1, 3))
def test_paging(oss_versioned, new_key, rule, counts, page):
    prefix = ls.fresh_prefix(new_key)
    for n, count in enumerate(counts):
        write_versions(oss_versioned, f"{prefix}k{n}", count)
    full = require(versions_listed(oss_versioned, prefix), ls.VERSIONS)
    everything = [(key, vid) for _, key, vid, _ in ls.versions_of(full)]
    require_equal(ls.VERSIONS, full, "entries in a plain listing", len(everything), sum(counts))
    seen = walk_pages(
        rule,
        page,
        lambda markers: versions_listed(oss_versioned, prefix, **{"max-keys": str(page)}, **markers),
        lambda reply: [(key, vid) for _, key, vid, _ in ls.versions_of(reply)],
        lambda root: {
            "key-marker": child_text(root, "NextKeyMarker") or "",
            "version-id-marker": child_text(root, "NextVersionIdMarker") or "",
        },
        most=len(everything) + 1,
    )
    expect_equal(rule, None, "(Key, VersionId) over all pages", seen, everything)


@pytest.mark.rule("versions.list.unversioned-bucket")
def test_unversioned_bucket(oss, new_key, rule):
    key = ls.fresh_prefix(new_key) + "k"
    write_versions(oss, key, 2)
    reply = expect(versions_listed(oss, key), rule)
    got = [(tag, k, latest) for tag, k, _, latest in ls.versions_of(reply)]
    expect_equal(rule, reply, "(entry, Key, IsLatest)", got, [("Version", key, "true")])


@pytest.mark.rule("versions.list.max-keys-invalid")
@pytest.mark.parametrize("value", ls.INVALID_MAX_KEYS)
def test_max_keys_invalid(oss, new_key, rule, value):
    ls.max_keys_refused(oss, new_key, rule, ls.VERSIONED, value)


@pytest.mark.rule("versions.list.no-such-bucket")
def test_no_such_bucket(oss, new_key, rule):
    absent = oss.with_options(bucket=f"oss-conformance-absent-{secrets.token_hex(8)}")
    expect(versions_listed(absent, ls.fresh_prefix(new_key)), rule)
