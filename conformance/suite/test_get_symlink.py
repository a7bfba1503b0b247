"""GetSymlink (GET /<key>?symlink): what a server returns about a link, and what it refuses."""

from __future__ import annotations

import secrets
from email.utils import parsedate_to_datetime

import pytest
from hypothesis import example, given

from conformance import strategies as gen
from conformance.checks import describe, expect, expect_equal, expect_header, fail, link_target


@pytest.mark.rule("symlink.get.target")
def test_target_returned(oss, new_key, rule):
    link, target = new_key("link"), new_key("target")
    oss.put_symlink(link, target)
    got = expect(oss.get_symlink(link), rule)
    expect_equal(rule, got, "x-oss-symlink-target (percent-decoded)", link_target(got), target)


@pytest.mark.rule("symlink.get.response-headers")
def test_response_headers(oss, new_key, rule):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"target data")  # its ETag is not the link's
    put = oss.put_symlink(link, target)
    got = expect(oss.get_symlink(link), rule)
    expect_header(got, rule, "Content-Length", "0")
    expect_header(got, rule, "ETag", put.header("ETag"))  # presence only if PutSymlink gave none
    expect_header(got, rule, "x-oss-request-id")
    modified = expect_header(got, rule, "Last-Modified")
    try:
        parsedate_to_datetime(modified)
    except (TypeError, ValueError):
        fail(rule, got, f"Last-Modified {modified!r} is not an HTTP date")


@pytest.mark.rule("symlink.get.content-type")
def test_content_type_returned(oss, new_key, rule):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"data", {"Content-Type": "application/json"})
    oss.put_symlink(link, target, {"Content-Type": "text/plain"})
    got = expect(oss.get_symlink(link), rule)
    expect_header(got, rule, "Content-Type", "text/plain")


@pytest.mark.rule("symlink.get.user-meta")
def test_user_meta_returned(oss, new_key, rule):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"data", {"x-oss-meta-colour": "red", "x-oss-meta-target-only": "yes"})
    oss.put_symlink(link, target, {"x-oss-meta-colour": "blue", "x-oss-meta-link-only": "yes"})
    got = expect(oss.get_symlink(link), rule)
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
    oss.put_object(key, b"plain object")
    got = oss.get_symlink(key)
    # The status is documented nowhere: any 4xx, with the Code ossutil names.
    if not (400 <= got.status < 500 and got.code in rule.accepted_codes):
        fail(rule, got, f"expected a 4xx with Code NotSymlink, got {describe(got)}. Rule: {rule.title}")


@pytest.mark.rule("symlink.get.target-percent-encoded")
@given(suffix=gen.targets())
@example(suffix="a+b c/世界\x0c")
def test_target_percent_encoded(oss, new_key, rule, suffix):
    link, target = new_key("link"), new_key("t-") + suffix
    oss.put_symlink(link, target)
    got = expect(oss.get_symlink(link), rule)
    raw = expect_header(got, rule, "x-oss-symlink-target")
    literal = sorted({c for c in raw if c in "+ " or not 0x20 < ord(c) < 0x7F})
    if literal:
        fail(rule, got, f"x-oss-symlink-target {raw!r} holds unencoded {literal!r}. Rule: {rule.title}")
    expect_equal(rule, got, "x-oss-symlink-target (percent-decoded)", link_target(got), target)
