"""PutSymlink (PUT /<key>?symlink): what a server must accept, store and refuse at create time."""

from __future__ import annotations

from urllib.parse import quote, urlencode
from xml.etree.ElementTree import ParseError

import pytest
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from hypothesis import example, given

from conformance import strategies as gen
from conformance.checks import expect, expect_equal, expect_header, fail, link_target

FORBID = "x-oss-forbid-overwrite"


def _occupy(oss, key: str, kind: str, old_target: str) -> None:
    """Put something at `key` before a PutSymlink lands on it: a plain object or a link."""
    if kind == "object":
        oss.put_object(key, b"plain object")
    else:
        oss.put_symlink(key, old_target)


def _expect_target(oss, rule, link: str, target: str) -> None:
    got = expect(oss.get_symlink(link), rule, status=200, codes=())
    expect_equal(rule, got, "GetSymlink target (percent-decoded)", link_target(got), target)


def _xml_elements(rule, reply, tag: str) -> list:
    """Elements named `tag` (any namespace) in a reply body that must be XML."""
    try:
        root = ElementTree.fromstring(reply.body)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        fail(rule, reply, f"body is not XML ({exc})")
    return [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == tag]


# ---------------------------------------------------------------- request form and response


@pytest.mark.rule("symlink.put.response")
def test_response(oss, new_key, rule):
    reply = expect(oss.put_symlink(new_key("link"), new_key("target")), rule)
    expect_equal(rule, reply, "response body", reply.body, b"")
    expect_header(reply, rule, "ETag")
    expect_header(reply, rule, "x-oss-request-id")


@pytest.mark.rule("symlink.put.query-with-equals")
def test_query_with_equals(oss, new_key, rule):
    link, target = new_key("link"), new_key("target")
    expect(oss.put_symlink(link, target, query_form=""), rule)
    _expect_target(oss, rule, link, target)


@pytest.mark.rule("symlink.put.target-header-required")
def test_missing_target_header_rejected(oss, new_key, rule):
    expect(oss.put_symlink(new_key("link"), None), rule)


# ---------------------------------------------------------------- what is not checked, overwrite


@pytest.mark.rule("symlink.put.no-target-check")
@given(target=gen.targets())
def test_missing_target_is_accepted(oss, new_key, rule, target):
    expect(oss.put_symlink(new_key("link"), new_key("absent-") + target), rule)


@pytest.mark.rule("symlink.put.no-target-check")
@pytest.mark.parametrize("target_kind", ["itself", "another-link"])
def test_link_target_is_accepted(oss, new_key, rule, target_kind):
    link = new_key("link")
    target = link
    if target_kind == "another-link":
        target = new_key("other-link")
        expect(oss.put_symlink(target, new_key("absent")), rule)
    expect(oss.put_symlink(link, target), rule)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, marks=pytest.mark.rule("symlink.put.overwrite"), id="no-forbid-header"),
        pytest.param({FORBID: "false"}, marks=pytest.mark.rule("symlink.put.forbid-overwrite-false"), id="false"),
    ],
)
@pytest.mark.parametrize("existing", ["object", "link"])
def test_overwrite_replaces(oss, new_key, rule, existing, headers):
    link, new_target = new_key("link"), new_key("new")
    _occupy(oss, link, existing, new_key("old"))
    expect(oss.put_symlink(link, new_target, headers), rule)
    _expect_target(oss, rule, link, new_target)


@pytest.mark.rule("symlink.put.forbid-overwrite-existing")
@pytest.mark.parametrize("existing", ["object", "link"])
def test_forbid_overwrite_refuses(oss, new_key, rule, existing):
    link, old_target = new_key("link"), new_key("old")
    _occupy(oss, link, existing, old_target)
    expect(oss.put_symlink(link, new_key("new"), {FORBID: "true"}), rule)
    if existing == "link":  # the refused request left the old link alone
        _expect_target(oss, rule, link, old_target)
    else:
        kept = expect(oss.get_object(link), rule, status=200, codes=())
        expect_equal(rule, kept, "object after the refused PutSymlink", kept.body, b"plain object")


@pytest.mark.rule("symlink.put.forbid-overwrite-new-key")
def test_forbid_overwrite_new_key(oss, new_key, rule):
    link, target = new_key("link"), new_key("target")
    expect(oss.put_symlink(link, target, {FORBID: "true"}), rule)
    _expect_target(oss, rule, link, target)


@pytest.mark.rule("symlink.put.forbid-overwrite-invalid")
@given(value=gen.invalid_forbid_overwrite_values())
def test_forbid_overwrite_invalid(oss, new_key, rule, value):
    expect(oss.put_symlink(new_key("link"), new_key("target"), {FORBID: value}), rule)


# ---------------------------------------------------------------- storage class


@pytest.mark.rule("symlink.put.storage-class")
@pytest.mark.parametrize("storage_class", gen.LINK_STORAGE_CLASSES)
def test_storage_class_accepted(oss, new_key, rule, storage_class):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"data")
    expect(oss.put_symlink(link, target, {"x-oss-storage-class": storage_class}), rule)
    head = expect(oss.head_object(link), rule)
    expect_header(head, rule, "x-oss-storage-class", storage_class)


@pytest.mark.rule("symlink.put.storage-class-invalid")
@given(storage_class=gen.invalid_storage_classes())
def test_invalid_storage_class_rejected(oss, new_key, rule, storage_class):
    expect(oss.put_symlink(new_key("link"), new_key("target"), {"x-oss-storage-class": storage_class}), rule)


@pytest.mark.rule("symlink.put.storage-class-empty")
def test_empty_storage_class(oss, new_key, rule):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"data")
    reply = oss.put_symlink(link, target, {"x-oss-storage-class": ""})
    if reply.status != 200:  # refusing is allowed, but only as the documented invalid-class error
        expect(reply, rule)
        return
    head = expect(oss.head_object(link), rule, status=200, codes=())
    expect_header(head, rule, "x-oss-storage-class", "Standard")


# ---------------------------------------------------------------- user metadata


@pytest.mark.rule("symlink.put.meta-roundtrip")
@given(meta=gen.meta_below_cap())
def test_meta_below_cap_roundtrips(oss, new_key, rule, meta):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"data")
    headers = gen.meta_headers(meta)
    expect(oss.put_symlink(link, target, headers), rule)
    head = expect(oss.head_object(link), rule)
    for name, value in headers.items():
        expect_header(head, rule, name, value.strip())


@pytest.mark.rule("symlink.put.meta-over-cap")
@given(meta=gen.meta_above_cap())
def test_meta_over_cap_rejected(oss, new_key, rule, meta):
    expect(oss.put_symlink(new_key("link"), new_key("target"), gen.meta_headers(meta)), rule, codes=())


@pytest.mark.rule("symlink.put.meta-just-under-cap")
def test_meta_just_under_cap_accepted(oss, new_key, rule):
    meta = gen.meta_totalling(gen.META_LIMIT - 1, count_prefix=True)
    expect(oss.put_symlink(new_key("link"), new_key("target"), gen.meta_headers(meta)), rule)


@pytest.mark.rule("symlink.put.meta-just-over-cap")
def test_meta_just_over_cap_rejected(oss, new_key, rule):
    meta = gen.meta_totalling(gen.META_LIMIT + 1, count_prefix=False)
    expect(oss.put_symlink(new_key("link"), new_key("target"), gen.meta_headers(meta)), rule)


@pytest.mark.rule("symlink.put.meta-name-lowercased")
def test_meta_name_lowercased(oss, new_key, rule):
    link = new_key("link")
    expect(oss.put_symlink(link, new_key("target"), {"X-Oss-Meta-MixedCase": "v"}), rule)
    got = expect(oss.get_symlink(link), rule)
    sent = [name for name in got.headers if name.lower() == "x-oss-meta-mixedcase"]
    if not sent:
        fail(rule, got, "GetSymlink returned no x-oss-meta-mixedcase header")
    # Only the part after the prefix is the stored name; the prefix's case is HTTP framing.
    expect_equal(rule, got, "stored meta name", sent[0][len("x-oss-meta-") :], "mixedcase")


@pytest.mark.rule("symlink.put.meta-name-invalid")
@given(name=gen.invalid_meta_names())
@example(name="under_score")
def test_meta_name_invalid_rejected(oss, new_key, rule, name):
    expect(oss.put_symlink(new_key("link"), new_key("target"), {f"x-oss-meta-{name}": "v"}), rule)


# ---------------------------------------------------------------- other headers stored on the link


@pytest.mark.rule("symlink.put.http-headers")
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Content-Type", "text/plain"),
        ("Cache-Control", "no-cache"),
        ("Content-Disposition", 'attachment; filename="link.txt"'),
    ],
)
def test_http_headers_stored(oss, new_key, rule, name, value):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"data")
    expect(oss.put_symlink(link, target, {name: value}), rule)
    head = expect(oss.head_object(link), rule)
    expect_header(head, rule, name, value)


@pytest.mark.rule("symlink.put.object-acl")
@pytest.mark.parametrize("acl", ["default", "private", "public-read", "public-read-write"])
def test_object_acl_on_link(oss, new_key, rule, acl):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"data", {"x-oss-object-acl": "public-read" if acl == "private" else "private"})
    expect(oss.put_symlink(link, target, {"x-oss-object-acl": acl}), rule)
    got = expect(oss.request("GET", link, query=[("acl", None)]), rule)
    grants = [e.text for e in _xml_elements(rule, got, "Grant")]
    expect_equal(rule, got, "Grant of GetObjectAcl on the link", grants, [acl])


LINK_TAGS = [("k1", "v1"), ("key 2", "a+b=c"), ("path", "x/y:z")]


@pytest.mark.rule("symlink.put.tagging")
def test_tagging_on_link(oss, new_key, rule):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"data", {"x-oss-tagging": "owner=target"})
    expect(oss.put_symlink(link, target, {"x-oss-tagging": urlencode(LINK_TAGS, quote_via=quote)}), rule)
    got = expect(oss.request("GET", link, query=[("tagging", None)]), rule)
    tags = sorted((t.findtext("Key"), t.findtext("Value")) for t in _xml_elements(rule, got, "Tag"))
    expect_equal(rule, got, "tags of GetObjectTagging on the link", tags, sorted(LINK_TAGS))


# ---------------------------------------------------------------- the target value


def _check_round_trip(oss, rule, link: str, target: str, encode: bool) -> None:
    """Create the target and a link to it; GetSymlink must name it and GetObject must read it."""
    data = target.encode()[-64:]
    oss.put_object(target, data)
    expect(oss.put_symlink(link, target, encode=encode), rule)
    _expect_target(oss, rule, link, target)
    read = expect(oss.get_object(link), rule)
    expect_equal(rule, read, "bytes read through the link", read.body, data)


@pytest.mark.rule("symlink.put.target-encoded")
@given(suffix=gen.targets())
@example(suffix="oss/+< >[]/世界/中国.txt")  # the Java SDK's integration-test name
@example(suffix="%41%2B+ \x0c!@#$%^&*()-=")
def test_encoded_target_round_trips(oss, new_key, rule, suffix):
    _check_round_trip(oss, rule, new_key("link"), new_key("t-") + suffix, encode=True)


@pytest.mark.rule("symlink.put.target-raw-ascii")
@given(suffix=gen.raw_ascii_targets())
def test_raw_ascii_target_round_trips(oss, new_key, rule, suffix):
    _check_round_trip(oss, rule, new_key("link"), new_key("t-") + suffix, encode=False)


@pytest.mark.rule("symlink.put.target-invalid-name")
@pytest.mark.parametrize("kind", ["empty", "leading-slash", "leading-backslash", "too-long"])
def test_invalid_target_name(oss, new_key, rule, kind):
    link, valid = new_key("link"), new_key("target")
    target = {
        "empty": "",
        "leading-slash": "/" + valid,
        "leading-backslash": "\\" + valid,
        "too-long": gen.padded_key(valid, gen.MAX_KEY_BYTES + 1),
    }[kind]
    reply = oss.put_symlink(link, target)
    if reply.status != 200:  # refusing is allowed, as a name error
        expect(reply, rule)
        return
    _expect_target(oss, rule, link, target)


# ---------------------------------------------------------------- the link's own name


@pytest.mark.rule("symlink.put.link-name-max")
def test_link_name_max_length(oss, new_key, rule):
    link, target = gen.padded_key(new_key("max"), gen.MAX_KEY_BYTES), new_key("target")
    expect(oss.put_symlink(link, target), rule)
    _expect_target(oss, rule, link, target)


@pytest.mark.rule("symlink.put.link-name-too-long")
@pytest.mark.parametrize("size", [gen.MAX_KEY_BYTES + 1, 2 * gen.MAX_KEY_BYTES])
def test_link_name_too_long(oss, new_key, rule, size):
    expect(oss.put_symlink(gen.padded_key(new_key("long"), size), new_key("target")), rule)


@pytest.mark.rule("symlink.put.link-name-too-long-bytes")
def test_link_name_too_long_in_bytes(oss, new_key, rule):
    link = gen.padded_key(new_key("long"), gen.MAX_KEY_BYTES + 1, filler="é")
    assert len(link) <= gen.MAX_KEY_BYTES < len(link.encode())  # the case the two wordings disagree on
    expect(oss.put_symlink(link, new_key("target")), rule)


@pytest.mark.rule("symlink.put.link-name-leading-slash")
@pytest.mark.parametrize("lead", ["/", "\\"], ids=["slash", "backslash"])
def test_link_name_leading_slash(oss, new_key, rule, lead):
    expect(oss.put_symlink(lead + new_key("link"), new_key("target")), rule)
