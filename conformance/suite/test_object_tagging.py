"""PutObjectTagging, GetObjectTagging, DeleteObjectTagging, and the x-oss-tagging header on PutObject.
Rules: conformance/rules/object-tagging.toml (docs/oss-facts.md §29)."""

from __future__ import annotations

from urllib.parse import quote
from xml.sax.saxutils import escape

import pytest
from hypothesis import given

from conformance.checks import expect, expect_equal, expect_header, expect_status, expect_xml, require, require_equal
from conformance.client.xml import child_text, elements
from conformance.strategies import tag_sets
from conformance.suite import preconditions as pre
from conformance.suite import ticks

TAGGING = [("tagging", None)]
PUT_GET = "object.tagging.put-get"  # PutObjectTagging stores the set and GetObjectTagging returns it
GET_EMPTY = "object.tagging.get-empty"  # GetObjectTagging of an untagged object answers 200
DELETE = "object.tagging.delete"  # DeleteObjectTagging answers 204
PUT_HEADER = "object.put.tagging"  # PutObject stores x-oss-tagging
Tags = list[tuple[str, str]]
# The limits, all at once (docs/oss-facts.md §29.2).
AT_LIMITS = sorted(
    [("k" * 128, "v" * 256), ("+-=._:/", ""), ("with space", "_/ :"), ("Case", "x"), ("case", "y")]
    + [(f"tag{n}", str(n)) for n in range(5)]
)


def tagging_body(tags: Tags) -> bytes:
    entries = "".join(f"<Tag><Key>{escape(k)}</Key><Value>{escape(v)}</Value></Tag>" for k, v in tags)
    return f'<?xml version="1.0" encoding="UTF-8"?><Tagging><TagSet>{entries}</TagSet></Tagging>'.encode()


def put_tags(oss, key: str, tags: Tags):
    return oss.request("PUT", key, query=TAGGING, data=tagging_body(tags))


def get_tags(oss, key: str):
    return oss.request("GET", key, query=TAGGING)


def tags_in(root) -> Tags:
    return sorted((child_text(tag, "Key") or "", child_text(tag, "Value") or "") for tag in elements(root, "Tag"))


def read_tags(oss, key: str, prerequisite: str = PUT_GET) -> Tags:
    """The object's tags, as a precondition judged by `prerequisite`."""
    return tags_in(pre.xml_root(require(get_tags(oss, key), prerequisite), prerequisite))


def judged_tags(oss, key: str, rule) -> Tags:
    """The object's tags as the test's own check: GetObjectTagging's status is object.tagging.put-get's."""
    return tags_in(expect_xml(require(get_tags(oss, key), PUT_GET), rule))


def tagged(oss, new_key, tags: Tags) -> str:
    key = pre.put_key(oss, new_key("object"))
    require(put_tags(oss, key, tags), PUT_GET)
    require_equal_tags(oss, key, tags)
    return key


def require_equal_tags(oss, key: str, tags: Tags) -> None:
    got = read_tags(oss, key)
    require_equal(PUT_GET, None, f"tags of {key}", got, sorted(tags))


def header_value(tags: Tags) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in tags)


@pytest.mark.rule("object.tagging.put-get")
@given(tags=tag_sets(min_tags=1))
def test_put_then_get(oss, new_key, rule, tags):
    key = pre.put_key(oss, new_key("object"))
    expect(put_tags(oss, key, tags), rule)
    reply = expect_status(get_tags(oss, key), rule, 200)
    expect_equal(rule, reply, "GetObjectTagging tags", tags_in(expect_xml(reply, rule)), tags)


@pytest.mark.rule("object.tagging.replace-all")
def test_replace_all(oss, new_key, rule):
    key = tagged(oss, new_key, [("a", "1"), ("b", "2")])
    expect(put_tags(oss, key, [("c", "3")]), rule)
    expect_equal(rule, None, "tags after the second PutObjectTagging", judged_tags(oss, key, rule), [("c", "3")])


@pytest.mark.rule("object.tagging.get-empty")
def test_get_untagged(oss, new_key, rule):
    reply = expect(get_tags(oss, pre.put_key(oss, new_key("object"))), rule)
    expect_equal(rule, reply, "tags of an untagged object", tags_in(expect_xml(reply, rule)), [])


@pytest.mark.rule("object.tagging.delete")
def test_delete(oss, new_key, rule):
    key = tagged(oss, new_key, [("a", "1")])
    expect(oss.request("DELETE", key, query=TAGGING), rule)
    expect_equal(rule, None, "tags after DeleteObjectTagging", read_tags(oss, key, GET_EMPTY), [])


@pytest.mark.rule("object.tagging.limits-accepted")
def test_limits_accepted(oss, new_key, rule):
    key = pre.put_key(oss, new_key("object"))
    expect(put_tags(oss, key, AT_LIMITS), rule)
    expect_equal(rule, None, "tags stored at the limits", judged_tags(oss, key, rule), AT_LIMITS)


def rule_param(rule_id: str, value: object, n: int = 0):
    return pytest.param(value, marks=pytest.mark.rule(rule_id), id=f"{rule_id}-{n}")


REFUSED = [
    ("object.tagging.too-many", [(f"tag{n}", "v") for n in range(11)]),
    ("object.tagging.key-length", [("", "v")]),
    ("object.tagging.key-length", [("k" * 129, "v")]),
    ("object.tagging.value-length", [("k", "v" * 257)]),
    ("object.tagging.key-chars", [("%@abc", "v")]),
    ("object.tagging.key-chars", [("a*b", "v")]),
    ("object.tagging.value-chars", [("k", "%abc")]),
    ("object.tagging.value-chars", [("k", "a*b")]),
]


@pytest.mark.parametrize("tags", [rule_param(rule_id, tags, n) for n, (rule_id, tags) in enumerate(REFUSED)])
def test_refused(oss, new_key, rule, tags):
    key = pre.put_key(oss, new_key("object"))
    expect(put_tags(oss, key, tags), rule)


@pytest.mark.rule("object.tagging.header-encoded")
@given(tags=tag_sets(min_tags=1))
def test_header_encoded(oss, new_key, rule, tags):
    key = new_key("object")
    expect(oss.put_object(key, b"tags", {"x-oss-tagging": header_value(tags)}), rule)
    expect_equal(rule, None, "tags from x-oss-tagging", judged_tags(oss, key, rule), tags)


@pytest.mark.parametrize(
    "header",
    [rule_param("object.tagging.header-invalid", "a=1&a=2"), rule_param("object.tagging.header-format", "aa=bb=cc")],
)
def test_header_refused(oss, new_key, rule, header):
    expect(oss.put_object(new_key("object"), b"tags", {"x-oss-tagging": header}), rule)


@pytest.mark.rule("object.tagging.header-bare-key")
def test_header_bare_key(oss, new_key, rule):
    key = new_key("object")
    expect(oss.put_object(key, b"tags", {"x-oss-tagging": "solo&team=blue"}), rule)
    expect_equal(rule, None, "tags", judged_tags(oss, key, rule), [("solo", ""), ("team", "blue")])


@pytest.mark.rule("object.tagging.count-header")
def test_count_header(oss, new_key, rule):
    key = new_key("object")
    pre.put(oss, key, b"tags", {"x-oss-tagging": "a=1&b=2&c=3"})
    require_equal(
        PUT_HEADER,
        None,
        "tags from x-oss-tagging",
        read_tags(oss, key, PUT_HEADER),
        [("a", "1"), ("b", "2"), ("c", "3")],
    )
    expect_header(expect(oss.head_object(key), rule), rule, "x-oss-tagging-count", "3")
    expect_header(expect(oss.get_object(key), rule), rule, "x-oss-tagging-count", "3")


@pytest.mark.rule("object.tagging.last-modified-kept")
def test_last_modified_kept(oss, rule, tick_apart):
    key = tick_apart(ticks.AGED)  # written a second ago: a rewrite would show
    before = pre.head(oss, key).header("Last-Modified")
    require(put_tags(oss, key, [("a", "1")]), PUT_GET)
    expect_equal(rule, None, "Last-Modified after PutObjectTagging", pre.head(oss, key).header("Last-Modified"), before)
    require(oss.request("DELETE", key, query=TAGGING), DELETE, status=204)
    expect_equal(
        rule, None, "Last-Modified after DeleteObjectTagging", pre.head(oss, key).header("Last-Modified"), before
    )


@pytest.mark.rule("object.tagging.no-such-key")
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_missing_key(oss, new_key, rule, method):
    data = tagging_body([("a", "1")]) if method == "PUT" else b""
    expect(oss.request(method, new_key("missing"), query=TAGGING, data=data), rule)
