"""Permissions through a link: an anonymous reader needs both link and target to be readable."""

from __future__ import annotations

import pytest

from conformance.checks import expect, expect_equal

# (link ACL, target ACL) pairs where one side is private: the stricter side wins.
DENIED = [("private", "public-read"), ("public-read", "private"), ("private", "private")]


def anonymous_read_through(oss, new_key, link_acl: str, target_acl: str):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"shared data", {"x-oss-object-acl": target_acl})
    oss.put_symlink(link, target, {"x-oss-object-acl": link_acl})
    return oss.with_options(auth=None).get_object(link)


@pytest.mark.rule("acl.symlink.both-public")
def test_both_public_read(oss, new_key, rule):
    got = expect(anonymous_read_through(oss, new_key, "public-read", "public-read"), rule)
    expect_equal(rule, got, "anonymous body through the link", got.body, b"shared data")


@pytest.mark.rule("acl.symlink.stricter-wins")
@pytest.mark.parametrize(("link_acl", "target_acl"), DENIED)
def test_private_side_denies(oss, new_key, rule, link_acl, target_acl):
    expect(anonymous_read_through(oss, new_key, link_acl, target_acl), rule)
