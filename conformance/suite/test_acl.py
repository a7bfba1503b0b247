"""Permissions through a link: an anonymous reader needs both link and target to be readable."""

from __future__ import annotations

import pytest

from conformance.checks import expect, expect_equal, require
from conformance.suite import preconditions as pre

# (link ACL, target ACL) pairs where one side is private: the stricter side wins.
DENIED = [("private", "public-read"), ("public-read", "private"), ("private", "private")]


def anonymous_read_through(oss, new_key, link_acl: str, target_acl: str):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target, b"shared data", {"x-oss-object-acl": target_acl})
    require(oss.put_symlink(link, target, {"x-oss-object-acl": link_acl}), LINK_ACL)
    pre.is_link(oss, link, target)
    return oss.with_options(auth=None).get_object(link)


LINK_ACL = "symlink.put.object-acl"  # PutSymlink accepts x-oss-object-acl
BOTH_PUBLIC = "acl.symlink.both-public"


@pytest.mark.rule("acl.symlink.both-public")
def test_both_public_read(oss, new_key, rule, reads_through):
    got = expect(anonymous_read_through(oss, new_key, "public-read", "public-read"), rule)
    expect_equal(rule, got, "anonymous body through the link", got.body, b"shared data")


@pytest.mark.rule("acl.symlink.stricter-wins")
@pytest.mark.parametrize(("link_acl", "target_acl"), DENIED)
def test_private_side_denies(oss, new_key, rule, reads_through, link_acl, target_acl):
    # A refusal means something only where an anonymous read of a public link to a public target succeeds.
    require(anonymous_read_through(oss, new_key, "public-read", "public-read"), BOTH_PUBLIC)
    expect(anonymous_read_through(oss, new_key, link_acl, target_acl), rule)
