"""The error reply (body, headers, HEAD form) and the common not-found errors."""

from __future__ import annotations

import secrets
from xml.etree.ElementTree import ParseError

import pytest
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from conformance.checks import expect, expect_header, fail

REQUIRED_ELEMENTS = ("Code", "Message", "RequestId", "HostId")


def error_elements(reply) -> dict[str, str]:
    """Child element name -> text of an <Error> body; empty when the body is not that."""
    try:
        root = ElementTree.fromstring(reply.body)
    except (ParseError, DefusedXmlException):  # an unreadable body is the deviation the caller reports
        return {}
    if root.tag.rsplit("}", 1)[-1] != "Error":
        return {}
    return {child.tag.rsplit("}", 1)[-1]: child.text or "" for child in root}


def missing_key(oss, new_key, method: str = "GET"):
    return oss.request(method, new_key("absent"))


@pytest.mark.rule("error.body-xml")
def test_error_body_is_error_xml(oss, new_key, rule):
    reply = expect(missing_key(oss, new_key), rule)
    found = error_elements(reply)
    absent = [name for name in REQUIRED_ELEMENTS if not found.get(name)]
    if absent:
        fail(rule, reply, f"<Error> body lacks non-empty {', '.join(absent)} (body: {reply.body[:200]!r})")


@pytest.mark.rule("error.body-ec")
def test_error_body_has_ec(oss, new_key, rule):
    reply = expect(missing_key(oss, new_key), rule)
    if not error_elements(reply).get("EC"):
        fail(rule, reply, "<Error> body has no <EC> element")


@pytest.mark.rule("error.content-type")
def test_error_content_type(oss, new_key, rule):
    reply = expect(missing_key(oss, new_key), rule)
    value = expect_header(reply, rule, "Content-Type")
    if value.split(";")[0].strip().lower() != "application/xml":
        fail(rule, reply, f"Content-Type of an error body is {value!r}, expected application/xml")


# (method, whether the key exists first, expected status): successes and errors alike.
REPLIES = [
    ("PUT", False, 200),
    ("GET", True, 200),
    ("HEAD", True, 200),
    ("DELETE", True, 204),
    ("GET", False, 404),
    ("HEAD", False, 404),
]


@pytest.mark.rule("error.request-id")
@pytest.mark.parametrize(("method", "exists", "status"), REPLIES)
def test_request_id_on_every_reply(oss, new_key, rule, method, exists, status):
    key = new_key("request-id")
    if exists:
        oss.put_object(key, b"data")
    reply = oss.request(method, key, data=b"data" if method == "PUT" else b"")
    expect_header(expect(reply, rule, status=status, codes=()), rule, "x-oss-request-id")


@pytest.mark.rule("error.ec-header")
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_ec_header_on_errors(oss, new_key, rule, method):
    reply = expect(missing_key(oss, new_key, method), rule, codes=())
    expect_header(reply, rule, "x-oss-ec")


@pytest.mark.rule("error.head-x-oss-err")
def test_head_error_in_x_oss_err(oss, new_key, rule):
    reply = missing_key(oss, new_key, "HEAD")
    expect_header(reply, rule, "x-oss-err")
    expect(reply, rule)  # the Code is read from the decoded x-oss-err


@pytest.mark.rule("error.no-such-bucket")
def test_missing_bucket(oss, new_key, rule):
    # A random name no one owns; only read from it.
    absent = oss.with_options(bucket=f"oss-conformance-absent-{secrets.token_hex(8)}")
    expect(absent.get_object(new_key("absent")), rule)


@pytest.mark.rule("error.no-such-key")
def test_missing_key(oss, new_key, rule):
    expect(missing_key(oss, new_key), rule)
