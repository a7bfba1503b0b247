"""PutObjectAcl and GetObjectAcl, and anonymous reads that follow the object ACL, then the bucket's.
Rules: conformance/rules/object-acl.toml (docs/oss-facts.md §28)."""

from __future__ import annotations

import pytest

from conformance.checks import Blocked, expect, expect_equal, expect_xml, fail, require
from conformance.client.xml import child_text, local
from conformance.outcomes import NotApplicable
from conformance.suite import preconditions as pre

ACL = [("acl", None)]
VALUES = ("private", "public-read", "public-read-write")
CANNED = (*VALUES, "default")
GET_BODY = "object.acl.get-body"  # GetObjectAcl's body holds AccessControlList/Grant
PUT_VALUES = "object.acl.put-values"  # PutObjectAcl stores a canned ACL
ANONYMOUS_PUBLIC = "object.acl.anonymous-public-read"  # an anonymous read of a public-read object succeeds


def put_acl(oss, key: str, acl: str):
    return oss.request("PUT", key, query=ACL, headers={"x-oss-object-acl": acl})


def get_acl(oss, key: str | None):
    return oss.request("GET", key, query=ACL)


def grant_in(root) -> str | None:
    """The single AccessControlList/Grant of an AccessControlPolicy, or None when the shape differs."""
    grants = [g for acl in root if local(acl.tag) == "AccessControlList" for g in acl if local(g.tag) == "Grant"]
    return (grants[0].text or "") if len(grants) == 1 else None


def read_grant(oss, key: str) -> str:
    """The object's Grant, as a precondition: a reply without one blocks the test by object.acl.get-body."""
    reply = require(get_acl(oss, key), GET_BODY)
    grant = grant_in(pre.xml_root(reply, GET_BODY))
    if grant is None:
        raise Blocked(GET_BODY, f"GET {key}?acl: no single AccessControlList/Grant in the body")
    return grant


def object_with_acl(oss, new_key, acl: str) -> str:
    key = new_key("object")
    pre.put(oss, key, b"acl data")
    require(put_acl(oss, key, acl), PUT_VALUES)
    return key


@pytest.mark.rule("object.acl.put-values")
@pytest.mark.parametrize("acl", CANNED)
def test_put_values(oss, new_key, rule, acl):
    key = new_key("object")
    pre.put(oss, key, b"acl data", {"x-oss-object-acl": "private"} if acl == "default" else None)
    expect(put_acl(oss, key, acl), rule)
    if acl != "default":  # how `default` reads back is disputed: object.acl.default-readback judges it
        expect_equal(rule, None, f"GetObjectAcl Grant after PutObjectAcl {acl}", read_grant(oss, key), acl)


@pytest.mark.rule("object.acl.get-body")
def test_get_body(oss, new_key, rule):
    key = pre.put_key(oss, new_key("object"))
    reply = expect(get_acl(oss, key), rule)
    root = expect_xml(reply, rule)
    expect_equal(rule, reply, "root element", local(root.tag), "AccessControlPolicy")
    owner = next((child for child in root if local(child.tag) == "Owner"), None)
    if owner is None or not child_text(owner, "ID") or child_text(owner, "DisplayName") is None:
        fail(rule, reply, "no Owner with ID and DisplayName under AccessControlPolicy")
    grant = grant_in(root)
    if grant not in CANNED:
        fail(rule, reply, f"AccessControlList/Grant is {grant!r}: expected one Grant holding a canned ACL")


@pytest.mark.rule("object.acl.default-readback")
def test_default_readback(oss, new_key, rule):
    key = pre.put_key(oss, new_key("object"))
    expect_equal(rule, None, "GetObjectAcl Grant of an object never given an ACL", read_grant(oss, key), "default")


@pytest.mark.rule("object.acl.invalid")
@pytest.mark.parametrize("acl", ["public", "authenticated-read", "bogus"])
def test_invalid_value(oss, new_key, rule, acl):
    expect(put_acl(oss, pre.put_key(oss, new_key("object")), acl), rule)


@pytest.mark.rule("object.acl.put-no-such-key")
def test_put_missing_key(oss, new_key, rule):
    expect(put_acl(oss, new_key("missing"), "private"), rule)


@pytest.mark.rule("object.acl.get-no-such-key")
def test_get_missing_key(oss, new_key, rule):
    expect(get_acl(oss, new_key("missing")), rule)


def anonymous_read(oss, key: str):
    return oss.with_options(auth=None).get_object(key)


@pytest.mark.rule("object.acl.anonymous-public-read")
def test_anonymous_public_read(oss, new_key, rule):
    key = object_with_acl(oss, new_key, "public-read")
    got = expect(anonymous_read(oss, key), rule)
    expect_equal(rule, got, "anonymous GET body", got.body, b"acl data")


def refusal_means_something(oss, new_key) -> None:
    """A refusal says something only where an anonymous read of a public-read object succeeds."""
    require(anonymous_read(oss, object_with_acl(oss, new_key, "public-read")), ANONYMOUS_PUBLIC)


@pytest.mark.rule("object.acl.anonymous-private")
def test_anonymous_private(oss, new_key, rule):
    refusal_means_something(oss, new_key)
    expect(anonymous_read(oss, object_with_acl(oss, new_key, "private")), rule)


@pytest.mark.rule("object.acl.anonymous-default-follows-bucket")
def test_anonymous_default_follows_bucket(oss, new_key, rule):
    bucket_acl = get_acl(oss, None)
    grant = grant_in(pre.xml_root(bucket_acl, GET_BODY)) if bucket_acl.status == 200 else None
    if grant != "private":
        raise NotApplicable(f"GetBucketAcl answered {bucket_acl.status} with Grant {grant!r}, not a private bucket")
    refusal_means_something(oss, new_key)
    expect(anonymous_read(oss, pre.put_key(oss, new_key("object"))), rule)
