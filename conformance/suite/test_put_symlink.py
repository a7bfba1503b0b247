"""PutSymlink (PUT /<key>?symlink): what a server must accept, store and refuse at create time."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import example, given

from conformance import strategies as gen
from conformance.checks import expect, expect_equal, expect_header, expect_status, fail, link_target, require
from conformance.client.xml import elements
from conformance.suite import preconditions as pre

FORBID = "x-oss-forbid-overwrite"


def _occupy(oss, key: str, kind: str, old_target: str) -> None:
    """Put something at `key` before a PutSymlink lands on it: a plain object or a proven link."""
    if kind == "object":
        pre.put(oss, key, b"plain object")
    else:
        pre.link(oss, key, old_target)


def _expect_target(oss, rule, link: str, target: str) -> None:
    """The rule's own read-back: GetSymlink on `link` names `target`."""
    got = expect_status(oss.get_symlink(link), rule, 200)
    expect_equal(rule, got, "GetSymlink target (percent-decoded)", link_target(got), target)


def _head_link(oss, link: str):
    """HEAD through a new link to an existing target, as a precondition: the rule under test is about the
    headers it reports, not about whether reading through links works."""
    return require(oss.head_object(link), pre.READ_THROUGH_HEAD)


def _link_views(oss, link: str) -> list:
    """The two replies that show what is stored on a link: GetSymlink and HEAD through the link (to an
    existing target). Whether each reports the link's own headers is a rule of its own (symlink.get.*,
    symlink.read.link-*); a value stored on the link shows in at least one of them."""
    return [require(oss.get_symlink(link), pre.LINK_IS_LINK), _head_link(oss, link)]


def _expect_stored(rule, views: list, name: str, value: str) -> None:
    """`name: value` was stored on the link: at least one view reports it."""
    seen = [view.header(name) for view in views]
    if value not in seen:
        fail(rule, views[-1], f"header {name}: GetSymlink gave {seen[0]!r}, HEAD gave {seen[1]!r}; sent {value!r}")


def _xml_elements(reply, tag: str, prerequisite: str) -> list:
    return elements(pre.xml_root(reply, prerequisite), tag)


# ---------------------------------------------------------------- request form and response


@pytest.mark.rule("symlink.put.response")
def test_response(oss, new_key, rule):
    target = pre.put_key(oss, new_key("target"))  # a missing target is symlink.put.no-target-check's case
    reply = expect(oss.put_symlink(new_key("link"), target), rule)
    expect_equal(rule, reply, "response body", reply.body, b"")
    expect_header(reply, rule, "ETag")
    expect_header(reply, rule, "x-oss-request-id")


@pytest.mark.rule("symlink.put.query-with-equals")
def test_query_with_equals(oss, new_key, rule):
    link, target = new_key("link"), pre.put_key(oss, new_key("target"))
    expect(oss.put_symlink(link, target, query_form=""), rule)
    got = oss.get_symlink(link)
    if got.status != 200 or link_target(got) != target:
        pre.link(oss, new_key("control"), target)  # bare ?symlink works: the '=' form is what failed
    _expect_target(oss, rule, link, target)


@pre.each_rule("symlink.put.target-header-required", "symlink.put.target-header-required-code")
def test_missing_target_header_rejected(oss, new_key, rule, links_work, judged_by):
    expect(oss.put_symlink(new_key("link"), None), rule)


# ---------------------------------------------------------------- what is not checked, overwrite


@pytest.mark.rule("symlink.put.no-target-check")
@given(target=gen.targets())
def test_missing_target_is_accepted(oss, new_key, rule, links_made, target):
    link, target = new_key("link"), new_key("absent-") + target
    expect(oss.put_symlink(link, target), rule)
    pre.is_link(oss, link, target)


@pytest.mark.rule("symlink.put.no-target-check")
@pytest.mark.parametrize("target_kind", ["itself", "another-link"])
def test_link_target_is_accepted(oss, new_key, rule, links_made, target_kind):
    link = new_key("link")
    target = link
    if target_kind == "another-link":
        target = new_key("other-link")
        expect(oss.put_symlink(target, new_key("absent")), rule)  # a link to a missing name: this rule too
    expect(oss.put_symlink(link, target), rule)
    pre.is_link(oss, link, target)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, marks=pytest.mark.rule("symlink.put.overwrite"), id="no-forbid-header"),
        pytest.param({FORBID: "false"}, marks=pytest.mark.rule("symlink.put.forbid-overwrite-false"), id="false"),
    ],
)
@pytest.mark.parametrize("existing", ["object", "link"])
def test_overwrite_replaces(oss, new_key, rule, links_work, existing, headers):
    link, new_target = new_key("link"), new_key("new")
    _occupy(oss, link, existing, new_key("old"))
    expect(oss.put_symlink(link, new_target, headers), rule)
    _expect_target(oss, rule, link, new_target)


@pytest.mark.rule("symlink.put.forbid-overwrite-existing")
@pytest.mark.parametrize("existing", ["object", "link"])
def test_forbid_overwrite_refuses(oss, new_key, rule, links_work, existing):
    link, old_target = new_key("link"), new_key("old")
    _occupy(oss, link, existing, old_target)
    expect(oss.put_symlink(link, new_key("new"), {FORBID: "true"}), rule)
    if existing == "link":  # the refused request left the old link alone
        _expect_target(oss, rule, link, old_target)
    else:
        kept = expect_status(oss.get_object(link), rule, 200)
        expect_equal(rule, kept, "object after the refused PutSymlink", kept.body, b"plain object")


@pytest.mark.rule("symlink.put.forbid-overwrite-new-key")
def test_forbid_overwrite_new_key(oss, new_key, rule, links_work):
    link, target = new_key("link"), new_key("target")
    expect(oss.put_symlink(link, target, {FORBID: "true"}), rule)
    _expect_target(oss, rule, link, target)


@pre.each_rule("symlink.put.forbid-overwrite-invalid", "symlink.put.forbid-overwrite-invalid-status")
@given(value=gen.invalid_forbid_overwrite_values())
def test_forbid_overwrite_invalid(oss, new_key, rule, links_work, judged_by, value):
    expect(oss.put_symlink(new_key("link"), new_key("target"), {FORBID: value}), rule)


# ---------------------------------------------------------------- storage class


@pytest.mark.rule("symlink.put.storage-class")
@pytest.mark.parametrize("storage_class", gen.LINK_STORAGE_CLASSES)
def test_storage_class_accepted(oss, new_key, rule, links_work, storage_class):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target)
    expect(oss.put_symlink(link, target, {"x-oss-storage-class": storage_class}), rule)
    expect_header(_head_link(oss, link), rule, "x-oss-storage-class", storage_class)


@pytest.mark.rule("symlink.put.storage-class-invalid")
@given(storage_class=gen.invalid_storage_classes())
def test_invalid_storage_class_rejected(oss, new_key, rule, links_work, storage_class):
    expect(oss.put_symlink(new_key("link"), new_key("target"), {"x-oss-storage-class": storage_class}), rule)


@pytest.mark.rule("symlink.put.storage-class-empty")
def test_empty_storage_class(oss, new_key, rule, links_work):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target)
    reply = oss.put_symlink(link, target, {"x-oss-storage-class": ""})
    if reply.status != 200:  # refusing is allowed, but only as the documented invalid-class error
        expect(reply, rule)
        return
    expect_header(_head_link(oss, link), rule, "x-oss-storage-class", "Standard")


# ---------------------------------------------------------------- user metadata


@pytest.mark.rule("symlink.put.meta-roundtrip")
@given(meta=gen.meta_below_cap())
@example(meta={"empty": "", "full": "value"})  # an empty value is a value: a parser may drop the header
def test_meta_below_cap_roundtrips(oss, new_key, rule, links_work, meta):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target)
    headers = gen.meta_headers(meta)
    expect(oss.put_symlink(link, target, headers), rule)
    views = _link_views(oss, link)
    for name, value in headers.items():
        _expect_stored(rule, views, name, value.strip())


@pytest.mark.rule("symlink.put.meta-over-cap")
@given(meta=gen.meta_above_cap())
def test_meta_over_cap_rejected(oss, new_key, rule, links_work, meta):
    expect(oss.put_symlink(new_key("link"), new_key("target"), gen.meta_headers(meta)), rule)


@pytest.mark.rule("symlink.put.meta-just-under-cap")
def test_meta_just_under_cap_accepted(oss, new_key, rule, links_work):
    meta = gen.meta_totalling(gen.META_LIMIT - 1, count_prefix=True)
    expect(oss.put_symlink(new_key("link"), new_key("target"), gen.meta_headers(meta)), rule)


@pytest.mark.rule("symlink.put.meta-just-over-cap")
def test_meta_just_over_cap_rejected(oss, new_key, rule, links_work):
    meta = gen.meta_totalling(gen.META_LIMIT + 1, count_prefix=False)
    expect(oss.put_symlink(new_key("link"), new_key("target"), gen.meta_headers(meta)), rule)


@pytest.mark.rule("symlink.put.meta-name-lowercased")
def test_meta_name_lowercased(oss, new_key, rule, links_work):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target)
    expect(oss.put_symlink(link, target, {"X-Oss-Meta-MixedCase": "v"}), rule)
    views = _link_views(oss, link)
    sent = [name for view in views for name in view.headers if name.lower() == "x-oss-meta-mixedcase"]
    if not sent:
        fail(rule, views[-1], "neither GetSymlink nor HEAD returned an x-oss-meta-mixedcase header")
    # Only the part after the prefix is the stored name; the prefix's case is HTTP framing.
    expect_equal(rule, views[-1], "stored meta name", sent[0][len("x-oss-meta-") :], "mixedcase")


@pre.each_rule("symlink.put.meta-name-invalid", "symlink.put.meta-name-invalid-status")
@given(name=gen.invalid_meta_names())
@example(name="under_score")
def test_meta_name_invalid_rejected(oss, new_key, rule, links_work, judged_by, name):
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
def test_http_headers_stored(oss, new_key, rule, links_work, name, value):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target)
    expect(oss.put_symlink(link, target, {name: value}), rule)
    _expect_stored(rule, _link_views(oss, link), name, value)


@pytest.mark.rule("symlink.put.object-acl")
@pytest.mark.parametrize("acl", ["default", "private", "public-read", "public-read-write"])
def test_object_acl_on_link(oss, new_key, rule, links_work, acl):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target, headers={"x-oss-object-acl": "public-read" if acl == "private" else "private"})
    expect(oss.put_symlink(link, target, {"x-oss-object-acl": acl}), rule)
    got = require(oss.request("GET", link, query=[("acl", None)]), ACL_ON_LINK)
    grants = [e.text for e in _xml_elements(got, "Grant", ACL_ON_LINK)]
    expect_equal(rule, got, "Grant of GetObjectAcl on the link", grants, [acl])


ACL_ON_LINK = "symlink.ops.acl-on-link"  # GetObjectAcl on a link answers for the link
TAGGING_ON_LINK = "symlink.ops.tagging-on-link"  # GetObjectTagging on a link answers for the link
LINK_TAGS = [("k1", "v1"), ("key 2", "a+b=c"), ("path", "x/y:z")]


@pytest.mark.rule("symlink.put.tagging")
def test_tagging_on_link(oss, new_key, rule, links_work):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target, headers={"x-oss-tagging": "owner=target"})
    expect(oss.put_symlink(link, target, {"x-oss-tagging": urlencode(LINK_TAGS, quote_via=quote)}), rule)
    got = require(oss.request("GET", link, query=[("tagging", None)]), TAGGING_ON_LINK)
    tags = sorted((t.findtext("Key"), t.findtext("Value")) for t in _xml_elements(got, "Tag", TAGGING_ON_LINK))
    expect_equal(rule, got, "tags of GetObjectTagging on the link", tags, sorted(LINK_TAGS))


# ---------------------------------------------------------------- the target value


def _check_round_trip(oss, rule, link: str, target: str, sent: str) -> None:
    """Create the target and a link to it, sending `sent` as x-oss-symlink-target; GetSymlink must name the
    target and GetObject must read it."""
    data = target.encode()[-64:]
    pre.put(oss, target, data)
    pre.reads_back(oss, target, data)  # the target's own name round-trips (object.name.any-characters)
    expect(oss.put_symlink(link, sent, encode=False), rule)
    _expect_target(oss, rule, link, target)
    read = expect_status(oss.get_object(link), rule, 200)
    expect_equal(rule, read, "bytes read through the link", read.body, data)


@pytest.mark.rule("symlink.put.target-encoded")
@given(suffix=gen.targets())
@example(suffix="oss/+< >[]/世界/中国.txt")  # the Java SDK's integration-test name
@example(suffix="%41%2B+ \x0c!@#$%^&*()-=")
def test_encoded_target_round_trips(oss, new_key, rule, reads_through, suffix):
    target = new_key("t-") + suffix
    _check_round_trip(oss, rule, new_key("link"), target, quote(target, safe=""))  # `/` too, as oss2 and Java


@pytest.mark.rule("symlink.put.target-raw-ascii")
@given(suffix=gen.raw_ascii_targets())
@example(suffix="page?x=1#top")  # '?' and '#' raw: a URL parser would cut the name there
def test_raw_ascii_target_round_trips(oss, new_key, rule, reads_through, suffix):
    target = new_key("t-") + suffix
    _check_round_trip(oss, rule, new_key("link"), target, target)


@pytest.mark.rule("symlink.put.target-invalid-name")
@pytest.mark.parametrize("kind", ["empty", "leading-slash", "leading-backslash", "too-long"])
def test_invalid_target_name(oss, new_key, rule, links_work, kind):
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
def test_link_name_max_length(oss, new_key, rule, links_work):
    link, target = gen.padded_key(new_key("max"), gen.MAX_KEY_BYTES), new_key("target")
    expect(oss.put_symlink(link, target), rule)
    _expect_target(oss, rule, link, target)


@pytest.mark.rule("symlink.put.link-name-too-long")
@pytest.mark.parametrize("size", [gen.MAX_KEY_BYTES + 1, 2 * gen.MAX_KEY_BYTES])
def test_link_name_too_long(oss, new_key, rule, links_work, size):
    expect(oss.put_symlink(gen.padded_key(new_key("long"), size), new_key("target")), rule)


@pytest.mark.rule("symlink.put.link-name-too-long-bytes")
def test_link_name_too_long_in_bytes(oss, new_key, rule, links_work):
    link = gen.padded_key(new_key("long"), gen.MAX_KEY_BYTES + 1, filler="é")
    assert len(link) <= gen.MAX_KEY_BYTES < len(link.encode())  # the case the two wordings disagree on
    expect(oss.put_symlink(link, new_key("target")), rule)


@pytest.mark.rule("symlink.put.link-name-leading-slash")
@pytest.mark.parametrize("lead", ["/", "\\"], ids=["slash", "backslash"])
def test_link_name_leading_slash(oss, new_key, rule, links_work, lead):
    expect(oss.put_symlink(lead + new_key("link"), new_key("target")), rule)
