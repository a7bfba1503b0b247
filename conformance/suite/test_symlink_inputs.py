"""Inputs the official SDKs send and parameter edges that the other symlink modules never provoke.

Each test closes a GAP line of docs/inputs.md: a request form an SDK really sends (oss2's `?symlink=` on GET,
the Python V2 SDK's Content-MD5 of the empty body), a value outside a documented set, a count past a limit, or
a Range at and past the end of the target.
"""

from __future__ import annotations

from urllib.parse import quote, quote_plus, urlencode

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
from conformance.client import OssAuth
from conformance.suite.preconditions import LINK_IS_LINK, link, link_to_object, put, put_key

EMPTY_MD5 = "1B2M2Y8AsgTpgAmY7PhCfg=="  # base64 MD5 of b"": what alibabacloud-oss-v2 adds to both operations
READ_THROUGH = "symlink.read.target-bytes"  # the rule whose test judges a plain read through a link
DATA = b"0123456789abcdef"


def _whole_read_through(oss, key: str) -> None:
    """The link reads as the target before any Range is tried: a server that does not follow links at all is
    blocked by the read-through rule, not failed here."""
    got = require(oss.get_object(key), READ_THROUGH)
    require_equal(READ_THROUGH, got, f"GET {key} body", got.body, DATA)


@pytest.mark.rule("symlink.get.query-with-equals")
def test_get_query_with_equals(oss, new_key, rule, links_work):
    key, target = new_key("link"), new_key("target")
    link(oss, key, target)
    got = expect(oss.request("GET", key, query=[("symlink", "")]), rule)
    expect_equal(rule, got, "x-oss-symlink-target (percent-decoded)", link_target(got), target)


@pytest.mark.rule("symlink.empty-body-content-md5")
def test_put_symlink_with_empty_body_md5(oss, new_key, rule, links_work):
    key, target = new_key("link"), new_key("target")
    expect(oss.put_symlink(key, target, {"Content-MD5": EMPTY_MD5}), rule)
    got = require(oss.get_symlink(key), LINK_IS_LINK)
    require_equal(LINK_IS_LINK, got, "GetSymlink target (percent-decoded)", link_target(got), target)


@pytest.mark.rule("symlink.empty-body-content-md5")
def test_get_symlink_with_empty_body_md5(oss, new_key, rule, links_work):
    key, target = new_key("link"), new_key("target")
    link(oss, key, target)
    got = expect(oss.request("GET", key, query=[("symlink", None)], headers={"Content-MD5": EMPTY_MD5}), rule)
    expect_equal(rule, got, "x-oss-symlink-target (percent-decoded)", link_target(got), target)


# S3's canned ACLs that OSS does not have, and a near miss of a documented value.
@pytest.mark.rule("symlink.put.object-acl-invalid")
@pytest.mark.parametrize("value", ["authenticated-read", "bucket-owner-full-control", "public"])
def test_object_acl_invalid(oss, new_key, rule, links_work, value):
    expect(oss.put_symlink(new_key("link"), new_key("target"), {"x-oss-object-acl": value}), rule)


@pytest.mark.rule("symlink.put.tagging-too-many")
@pytest.mark.parametrize("count", [11, 15])
def test_tagging_too_many(oss, new_key, rule, links_work, count):
    key = new_key("link")
    tags = urlencode({f"k{i}": f"v{i}" for i in range(count)}, quote_via=quote)
    expect(oss.put_symlink(key, new_key("target"), {"x-oss-tagging": tags}), rule)
    expect_status(oss.get_symlink(key), rule, 404)  # nothing was made; the Code is symlink.get.no-such-key's


@pytest.mark.rule("symlink.read.range-past-end")
@pytest.mark.parametrize("first", [len(DATA), len(DATA) + 7], ids=["at-end", "past-end"])
def test_range_past_end(oss, new_key, rule, reads_through, first):
    key, _ = link_to_object(oss, new_key, DATA)
    _whole_read_through(oss, key)
    got = expect(oss.get_object(key, {"Range": f"bytes={first}-{first + 10}"}), rule)
    if got.header("Content-Range") is not None:
        fail(rule, got, f"an ignored Range answered Content-Range {got.header('Content-Range')!r}")
    expect_equal(rule, got, "body through the link", got.body, DATA)


# (Range, first byte, last byte): the open and the suffix form, both over the target's 16 bytes.
FORMS = [("bytes=5-", 5, len(DATA) - 1), ("bytes=-4", len(DATA) - 4, len(DATA) - 1)]


@pytest.mark.rule("symlink.read.range-open-and-suffix")
@pytest.mark.parametrize(("value", "first", "last"), FORMS, ids=["open", "suffix"])
def test_range_open_and_suffix(oss, new_key, rule, reads_through, value, first, last):
    key, _ = link_to_object(oss, new_key, DATA)
    _whole_read_through(oss, key)
    got = expect(oss.get_object(key, {"Range": value}), rule)
    expect_header(got, rule, "Content-Range", f"bytes {first}-{last}/{len(DATA)}")
    expect_equal(rule, got, "ranged body through the link", got.body, DATA[first : last + 1])


@pytest.mark.rule("symlink.put.target-plus-is-space")
def test_target_plus_is_space(oss, new_key, rule, reads_through):
    key, target = new_key("link"), new_key("target") + " with spaces/a b"
    put(oss, target, DATA)
    expect(oss.put_symlink(key, quote_plus(target, safe=""), encode=False), rule)
    got = expect(oss.get_symlink(key), rule)
    expect_equal(rule, got, "GetSymlink target (percent-decoded)", link_target(got), target)
    read = expect(oss.get_object(key), rule)
    expect_equal(rule, read, "bytes read through the link", read.body, DATA)


@pytest.mark.rule("symlink.v1-signed")
def test_v1_signed_symlink_operations(oss, oss_harness, new_key, rule, links_work):
    v1 = oss.with_options(auth=OssAuth(oss_harness.credentials, "v1", region=oss_harness.profile.region))
    require(v1.get_object(put_key(oss, new_key("v1-works"))), "auth.signature-versions")  # V1 works at all
    key, target = new_key("link"), new_key("target") + "/a b+c"
    expect(v1.put_symlink(key, target), rule)
    got = expect(v1.get_symlink(key), rule)
    # The name's round trip is the target-encoding rules' (they judge it V4-signed); V1 signing is this rule's.
    require_equal(LINK_IS_LINK, got, "GetSymlink target (percent-decoded)", link_target(got), target)
