"""GetObject and HeadObject on a link: what is read through it, and what must be refused."""

from __future__ import annotations

import base64
import hashlib
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import (
    expect,
    expect_equal,
    expect_header,
    expect_status,
    fail,
    require,
    require_equal,
)
from conformance.suite import preconditions as pre
from conformance.suite import ticks

METHODS = ["GET", "HEAD"]
GET_SYMLINK_HEADERS = "symlink.get.response-headers"  # GetSymlink gives the link's ETag and Last-Modified


def expect_conditional(reply, rule, status: int):
    """A refused precondition is the rule's 412 PreconditionFailed; 200 and 304 carry no Code."""
    return expect(reply, rule) if status == 412 else expect_status(reply, rule, status)


def http_date(value: str | None):
    """An HTTP date as a time; None when it is not one."""
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def last_modified(reply, prerequisite: str):
    """A reply's Last-Modified as a time, needed (not judged) by the test."""
    when = http_date(reply.header("Last-Modified"))
    require_equal(prerequisite, reply, "Last-Modified is an HTTP date", when is not None, True)
    return when


def link_times(oss, link: str, target: str):
    """(link's own Last-Modified from GetSymlink, target's from HeadObject)."""
    own = require(oss.get_symlink(link), GET_SYMLINK_HEADERS)
    return last_modified(own, GET_SYMLINK_HEADERS), last_modified(pre.head(oss, target), pre.HEAD_OBJECT)


@pytest.mark.rule("symlink.read.target-is-link")
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("chain", ["self", "link-to-link"])
def test_link_to_link_rejected(oss, new_key, rule, reads_through, method, chain):
    link = new_key("link")
    if chain == "self":
        pre.link(oss, link, link)
    else:
        middle, _ = pre.link_to_object(oss, new_key)
        pre.link(oss, link, middle)
    expect(oss.request(method, link), rule)


@pytest.mark.rule("symlink.read.target-bytes")
@given(data=st.binary(min_size=0, max_size=2048))
def test_get_returns_target_bytes(oss, new_key, rule, links_work, data):
    link, target = pre.link_to_object(oss, new_key, data)
    pre.reads_back(oss, target, data)
    got = expect(oss.get_object(link), rule)
    expect_equal(rule, got, "body read through the link", got.body, data)


@pytest.mark.rule("symlink.read.target-headers")
@pytest.mark.parametrize("method", METHODS)
def test_length_etag_md5_from_target(oss, new_key, rule, links_work, method):
    data = b"0123456789" * 50
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
    link, target = pre.link_to_object(oss, new_key, data, target_headers={"Content-MD5": md5})
    direct = pre.head(oss, target)
    got = expect(oss.request(method, link), rule)
    expect_header(got, rule, "Content-Length", str(len(data)))
    expect_header(got, rule, "ETag", direct.header("ETag"))
    if direct.header("Content-MD5"):
        expect_header(got, rule, "Content-MD5", direct.header("Content-MD5"))


@pytest.mark.rule("symlink.read.last-modified-max")
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("first", [ticks.TARGET_FIRST, ticks.LINK_FIRST])
def test_last_modified_is_the_later(oss, rule, reads_through, tick_apart, method, first):
    link, target = tick_apart(first)
    later = max(link_times(oss, link, target))
    got = expect(oss.request(method, link), rule)
    expect_equal(
        rule, got, "Last-Modified through the link", got.header("Last-Modified"), format_datetime(later, usegmt=True)
    )


@pytest.mark.rule("symlink.read.object-type")
@pytest.mark.parametrize("method", METHODS)
def test_object_type_is_symlink(oss, new_key, rule, reads_through, method):
    link, _ = pre.link_to_object(oss, new_key)
    expect_header(expect(oss.request(method, link), rule), rule, "x-oss-object-type", "Symlink")


@pytest.mark.rule("symlink.read.link-meta")
@pytest.mark.parametrize("method", METHODS)
def test_link_meta_not_target_meta(oss, new_key, rule, reads_through, method):
    link, _ = pre.link_to_object(
        oss,
        new_key,
        target_headers={"x-oss-meta-owner": "target", "x-oss-meta-target-only": "t"},
        link_headers={"x-oss-meta-owner": "link", "x-oss-meta-link-only": "l"},
    )
    got = expect(oss.request(method, link), rule)
    expect_header(got, rule, "x-oss-meta-owner", "link")
    expect_header(got, rule, "x-oss-meta-link-only", "l")
    if got.header("x-oss-meta-target-only") is not None:
        fail(rule, got, "the target's x-oss-meta-target-only came back through the link")


@pytest.mark.rule("symlink.read.link-content-type")
@pytest.mark.parametrize("method", METHODS)
def test_link_content_type(oss, new_key, rule, reads_through, method):
    link, _ = pre.link_to_object(
        oss, new_key, target_headers={"Content-Type": "image/png"}, link_headers={"Content-Type": "text/plain"}
    )
    got = expect(oss.request(method, link), rule)
    expect_header(got, rule, "Content-Type", "text/plain")


@pytest.mark.rule("symlink.read.target-missing")
@pytest.mark.parametrize("method", METHODS)
def test_missing_target(oss, new_key, rule, reads_through, method):
    link = new_key("link")
    pre.link(oss, link, new_key("absent"))
    expect(oss.request(method, link), rule)


@pytest.mark.rule("symlink.read.range")
@given(data=st.binary(min_size=2, max_size=300), bounds=st.tuples(st.floats(0, 1), st.floats(0, 1)))
def test_range_through_link(oss, new_key, rule, reads_through, data, bounds):
    first, last = sorted(int(b * (len(data) - 1)) for b in bounds)
    link, _ = pre.link_to_object(oss, new_key, data)
    got = expect(oss.get_object(link, {"Range": f"bytes={first}-{last}"}), rule)
    expect_header(got, rule, "Content-Range", f"bytes {first}-{last}/{len(data)}")
    expect_equal(rule, got, "ranged body through the link", got.body, data[first : last + 1])


# (header, which ETag it carries, expected status). The link's own ETag must not count as a match.
ETAG_CASES = [
    ("If-Match", "target", 200),
    ("If-Match", "link", 412),
    ("If-None-Match", "target", 304),
    ("If-None-Match", "link", 200),
]


@pytest.mark.rule("symlink.read.etag-conditionals")
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("header", "which", "status"), ETAG_CASES)
def test_etag_conditionals(oss, new_key, rule, reads_through, method, header, which, status):
    link, target = pre.link_to_object(oss, new_key, b"conditional data")
    etags = {
        "target": pre.head(oss, target).header("ETag"),
        "link": require(oss.get_symlink(link), GET_SYMLINK_HEADERS).header("ETag"),
    }
    require_equal(
        GET_SYMLINK_HEADERS, None, "the link's ETag differs from the target's", etags["link"] != etags["target"], True
    )
    got = oss.request(method, link, headers={header: etags[which]})
    expect_conditional(got, rule, status)


# (header, compared with which time, expected status) when link and target differ by about a second.
TIME_CASES = [
    ("If-Modified-Since", "earlier", 200),
    ("If-Modified-Since", "later", 304),
    ("If-Unmodified-Since", "earlier", 412),
    ("If-Unmodified-Since", "later", 200),
]


@pytest.mark.rule("symlink.read.time-conditionals")
@pytest.mark.parametrize("first", [ticks.TARGET_FIRST, ticks.LINK_FIRST])
@pytest.mark.parametrize(("header", "which", "status"), TIME_CASES)
def test_time_conditionals(oss, rule, reads_through, tick_apart, first, header, which, status):
    link, target = tick_apart(first)
    times = sorted(link_times(oss, link, target))
    when = times[0] if which == "earlier" else times[1]
    got = oss.get_object(link, {header: format_datetime(when, usegmt=True)})
    expect_conditional(got, rule, status)


@pytest.mark.rule("symlink.read.object-meta-is-link")
def test_object_meta_reports_link(oss, new_key, rule, links_work):
    data = b"x" * 4096  # far longer than any target name, so sizes cannot coincide
    link, target = pre.link_to_object(oss, new_key, data)
    target_etag = pre.head(oss, target).header("ETag")
    link_etag = require(oss.get_symlink(link), GET_SYMLINK_HEADERS).header("ETag")
    differs = link_etag != target_etag
    require_equal(GET_SYMLINK_HEADERS, None, "the link's ETag differs from the target's", differs, True)
    got = expect(oss.get_object_meta(link), rule)
    expect_header(got, rule, "ETag", link_etag)
    if got.header("ETag") == target_etag or got.header("Content-Length") == str(len(data)):
        fail(rule, got, "GetObjectMeta on a link reported the target's ETag or size")


@pytest.mark.rule("symlink.read.current-target")
@pytest.mark.parametrize("method", METHODS)
def test_resolves_to_current_target(oss, new_key, rule, reads_through, method):
    link, target = pre.link_to_object(oss, new_key, b"old")
    require(oss.get_object(link), pre.READ_THROUGH)  # read once first: a cached resolution must notice the change
    new = pre.put(oss, target, b"new data")
    got = expect(oss.request(method, link), rule)
    expect_header(got, rule, "ETag", new.header("ETag"))
    if method == "GET":
        expect_equal(rule, got, "body after the target was overwritten", got.body, b"new data")
