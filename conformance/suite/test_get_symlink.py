"""GetSymlink (GET /<key>?symlink): what a server returns about a link, and what it refuses."""

from __future__ import annotations

import secrets
from email.utils import parsedate_to_datetime

import pytest
from hypothesis import example, given

from conformance import strategies as gen
from conformance.checks import expect, expect_equal, expect_header, fail, link_target, require, require_equal
from conformance.suite import preconditions as pre

HTTP_HEADERS_KEPT = "symlink.put.http-headers"  # PutSymlink accepts and stores Content-Type
META_KEPT = "symlink.put.meta-roundtrip"  # PutSymlink accepts and stores x-oss-meta-*
RAW_STORED = "symlink.put.target-raw-ascii"  # an unencoded printable-ASCII target is stored as sent


@pytest.mark.rule("symlink.get.target")
@given(suffix=gen.targets())
@example(suffix="plain")
def test_target_returned(oss, new_key, rule, suffix):
    link, target = new_key("link"), pre.put_key(oss, new_key("t-") + suffix)  # missing targets: no-target-check
    require(oss.put_symlink(link, target), pre.PUT_LINK)
    got = expect(oss.get_symlink(link), rule)
    expect_equal(rule, got, "x-oss-symlink-target (percent-decoded)", link_target(got), target)


@pytest.mark.rule("symlink.get.response-headers")
def test_response_headers(oss, new_key, rule):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target)  # its ETag is not the link's
    put = require(oss.put_symlink(link, target), pre.PUT_LINK)
    got = require(oss.get_symlink(link), pre.LINK_IS_LINK)  # 200 is symlink.get.target's
    expect_header(got, rule, "Content-Length", "0")
    expect_header(got, rule, "ETag", put.header("ETag"))  # presence only if PutSymlink gave none
    expect_header(got, rule, "x-oss-request-id")
    modified = expect_header(got, rule, "Last-Modified")
    try:
        parsedate_to_datetime(modified)
    except (TypeError, ValueError):
        fail(rule, got, f"Last-Modified {modified!r} is not an HTTP date")


@pytest.mark.rule("symlink.get.content-type")
def test_content_type_returned(oss, new_key, rule, links_work):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target, headers={"Content-Type": "application/json"})
    require(oss.put_symlink(link, target, {"Content-Type": "text/plain"}), HTTP_HEADERS_KEPT)
    got = require(oss.get_symlink(link), pre.LINK_IS_LINK)  # 200 is symlink.get.target's
    expect_header(got, rule, "Content-Type", "text/plain")


@pytest.mark.rule("symlink.get.user-meta")
def test_user_meta_returned(oss, new_key, rule, links_work):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target, headers={"x-oss-meta-colour": "red", "x-oss-meta-target-only": "yes"})
    require(oss.put_symlink(link, target, {"x-oss-meta-colour": "blue", "x-oss-meta-link-only": "yes"}), META_KEPT)
    got = require(oss.get_symlink(link), pre.LINK_IS_LINK)  # 200 is symlink.get.target's
    expect_header(got, rule, "x-oss-meta-colour", "blue")
    expect_header(got, rule, "x-oss-meta-link-only", "yes")


@pytest.mark.rule("symlink.get.no-such-key")
def test_missing_key(oss, new_key, rule):
    expect(oss.get_symlink(new_key("absent")), rule)


@pytest.mark.rule("symlink.get.no-such-bucket")
def test_missing_bucket(oss, new_key, rule):
    expect(oss.get_symlink(new_key("link"), bucket=f"oss-conformance-absent-{secrets.token_hex(6)}"), rule)


@pytest.mark.rule("symlink.get.not-symlink")
def test_normal_object_is_not_a_link(oss, new_key, rule):
    key = new_key("object")
    pre.put(oss, key, b"plain object")
    expect(oss.get_symlink(key), rule)  # any 4xx: the status is documented nowhere


@pytest.mark.rule("symlink.get.target-percent-encoded")
@given(sent=gen.sent_targets())
@example(sent=(True, "a+b c/世界\x0c"))
@example(sent=(False, "a b!c"))  # raw: a server echoing the header as it came answers a literal space
def test_target_percent_encoded(oss, new_key, rule, links_work, sent):
    encode, suffix = sent
    link, target = new_key("link"), new_key("t-") + suffix
    require(oss.put_symlink(link, target, encode=encode), pre.PUT_LINK)
    got = expect(oss.get_symlink(link), rule)
    raw = expect_header(got, rule, "x-oss-symlink-target")
    literal = sorted({c for c in raw if c in "+ " or not 0x20 < ord(c) < 0x7F})
    if literal:
        fail(rule, got, f"x-oss-symlink-target {raw!r} holds unencoded {literal!r}. Rule: {rule.title}")
    if not encode:  # a raw target stored as another name is symlink.put.target-raw-ascii's rule, not this one's
        require_equal(RAW_STORED, got, "raw target read back (percent-decoded)", link_target(got), target)
    expect_equal(rule, got, "x-oss-symlink-target (percent-decoded)", link_target(got), target)
