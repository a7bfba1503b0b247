"""The error reply (body, headers, HEAD form) and the common not-found errors."""

from __future__ import annotations

import secrets

import pytest

from conformance.checks import BODY_XML, expect, expect_header, fail, require, require_equal
from conformance.client.xml import local, parse
from conformance.suite import preconditions as pre

REQUIRED_ELEMENTS = ("Code", "Message", "RequestId", "HostId")


def error_elements(reply) -> dict[str, str]:
    """Child element name -> text of an <Error> body; empty when the body is not that."""
    root, _ = parse(reply.body)  # an unreadable body is the deviation the caller reports
    if root is None or local(root.tag) != "Error":
        return {}
    return {local(child.tag): child.text or "" for child in root}


def missing_key(oss, new_key, method: str = "GET"):
    """An error reply to judge: a missing key's 404. Only its status is needed here; its Code is
    error.no-such-key's rule, so a server answering another Code does not fail these rules too."""
    return require(oss.request(method, new_key("absent")), NO_SUCH_KEY, status=404)


NO_SUCH_KEY = "error.no-such-key"


@pytest.mark.rule("error.body-xml")
def test_error_body_is_error_xml(oss, new_key, rule):
    reply = missing_key(oss, new_key)
    found = error_elements(reply)
    absent = [name for name in REQUIRED_ELEMENTS if not found.get(name)]
    if absent:
        fail(rule, reply, f"<Error> body lacks non-empty {', '.join(absent)} (body: {reply.body[:200]!r})")


@pytest.mark.rule("error.body-ec")
def test_error_body_has_ec(oss, new_key, rule):
    reply = missing_key(oss, new_key)
    found = error_elements(reply)
    require_equal(BODY_XML, reply, "the error body is <Error> XML", bool(found), True)
    if not found.get("EC"):
        fail(rule, reply, "<Error> body has no <EC> element")


@pytest.mark.rule("error.content-type")
def test_error_content_type(oss, new_key, rule):
    reply = missing_key(oss, new_key)
    value = expect_header(reply, rule, "Content-Type")
    if value.split(";")[0].strip().lower() != "application/xml":
        fail(rule, reply, f"Content-Type of an error body is {value!r}, expected application/xml")


# (method, whether the key exists first): successes and errors alike. Whatever the status, the reply must
# carry the header: the status itself is other rules' business.
REPLIES = [("PUT", False), ("GET", True), ("HEAD", True), ("DELETE", True), ("GET", False), ("HEAD", False)]


@pytest.mark.rule("error.request-id")
@pytest.mark.parametrize(("method", "exists"), REPLIES)
def test_request_id_on_every_reply(oss, new_key, rule, method, exists):
    key = new_key("request-id")
    if exists:
        pre.put(oss, key, b"data")
    reply = oss.request(method, key, data=b"data" if method == "PUT" else b"")
    expect_header(reply, rule, "x-oss-request-id")


@pytest.mark.rule("error.ec-header")
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_ec_header_on_errors(oss, new_key, rule, method):
    expect_header(missing_key(oss, new_key, method), rule, "x-oss-ec")


@pytest.mark.rule("error.head-x-oss-err")
def test_head_error_in_x_oss_err(oss, new_key, rule):
    reply = missing_key(oss, new_key, "HEAD")
    expect_header(reply, rule, "x-oss-err")
    if reply.code is None:  # the client decodes x-oss-err as base64 <Error> XML and reads its Code
        fail(rule, reply, f"x-oss-err holds no readable <Error> Code ({reply.error.problem if reply.error else ''})")


@pytest.mark.rule("error.no-such-bucket")
def test_missing_bucket(oss, new_key, rule):
    # A random name no one owns; only read from it.
    absent = oss.with_options(bucket=f"oss-conformance-absent-{secrets.token_hex(8)}")
    expect(absent.get_object(new_key("absent")), rule)


@pytest.mark.rule("error.no-such-key")
def test_missing_key(oss, new_key, rule):
    expect(missing_key(oss, new_key), rule)
