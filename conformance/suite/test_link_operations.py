"""Operations other than reads on a link: delete, overwrite, copy, append, list, ACL and tagging."""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

import pytest
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from conformance.checks import expect, expect_equal, fail, link_target

TAGGING_XML = b"<Tagging><TagSet><Tag><Key>on</Key><Value>link</Value></Tag></TagSet></Tagging>"


def make_link(oss, new_key, data: bytes = b"target data") -> tuple[str, str]:
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, data)
    oss.put_symlink(link, target)
    return link, target


def xml_children(body: bytes, tag: str) -> list:
    """Elements named `tag` (namespace ignored) anywhere in an XML body; none when it is not XML."""
    try:
        root = ElementTree.fromstring(body)
    except (ParseError, DefusedXmlException):
        return []
    return [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == tag]


def xml_text(element, tag: str) -> str | None:
    for child in element:
        if child.tag.rsplit("}", 1)[-1] == tag:
            return child.text or ""
    return None


@pytest.mark.rule("symlink.ops.delete-link-only")
def test_delete_removes_link_only(oss, new_key, rule):
    link, target = make_link(oss, new_key)
    expect(oss.delete_object(link), rule)
    expect(oss.get_object(link), rule, status=404, codes=("NoSuchKey",))
    got = expect(oss.get_object(target), rule, status=200)
    expect_equal(rule, got, "target body after deleting the link", got.body, b"target data")


@pytest.mark.rule("symlink.ops.put-object-replaces")
def test_put_object_replaces_link(oss, new_key, rule):
    link, _ = make_link(oss, new_key)
    expect(oss.put_object(link, b"now a normal object"), rule)
    got = expect(oss.get_object(link), rule)
    expect_equal(rule, got, "GET after PutObject over the link", got.body, b"now a normal object")
    if got.header("x-oss-object-type") == "Symlink":
        fail(rule, got, "the key still reports x-oss-object-type: Symlink after PutObject")
    not_link = oss.get_symlink(link)
    expect_equal(rule, not_link, "GetSymlink Code on what is now a normal object", not_link.code, "NotSymlink")


@pytest.mark.rule("symlink.ops.copy-copies-link")
def test_copy_copies_the_link(oss, new_key, rule):
    link, target = make_link(oss, new_key)
    dest = new_key("copy")
    expect(oss.copy_object(dest, link), rule)
    got = expect(oss.get_symlink(dest), rule)
    expect_equal(rule, got, "GetSymlink target of the copy", link_target(got), target)
    read = expect(oss.get_object(dest), rule)
    expect_equal(rule, read, "body read through the copy", read.body, b"target data")


@pytest.mark.rule("symlink.ops.append-rejected")
@pytest.mark.parametrize("position", [0, len(b"target data")])
def test_append_to_link_rejected(oss, new_key, rule, position):
    link, target = make_link(oss, new_key)
    expect(oss.append_object(link, position, b"more"), rule)
    got = expect(oss.get_object(target), rule, status=200, codes=())
    expect_equal(rule, got, "target body after AppendObject on the link", got.body, b"target data")


def _listed_entry(oss, rule, link: str):
    listing = expect(oss.list_objects(prefix=link), rule)
    for entry in xml_children(listing.body, "Contents"):
        if xml_text(entry, "Key") == link:
            return listing, entry
    fail(rule, listing, f"the link {link!r} is not in the listing")
    raise AssertionError  # unreachable: fail() raises


@pytest.mark.rule("symlink.ops.list-entry")
def test_list_shows_link(oss, new_key, rule):
    link, _ = make_link(oss, new_key)
    _listed_entry(oss, rule, link)


@pytest.mark.rule("symlink.ops.list-type")
def test_list_type_symlink(oss, new_key, rule):
    link, _ = make_link(oss, new_key)
    listing, entry = _listed_entry(oss, rule, link)
    expect_equal(rule, listing, "<Type> of the link's entry", xml_text(entry, "Type"), "Symlink")


def _grant(oss, rule, key: str) -> str | None:
    grants = xml_children(expect(oss.request("GET", key, query=[("acl", None)]), rule).body, "Grant")
    return grants[0].text if grants else None


@pytest.mark.rule("symlink.ops.acl-on-link")
def test_acl_ops_act_on_link(oss, new_key, rule):
    link, target = make_link(oss, new_key)
    before = _grant(oss, rule, target)
    reply = oss.request("PUT", link, query=[("acl", None)], headers={"x-oss-object-acl": "public-read"})
    expect(reply, rule)
    expect_equal(rule, reply, "GetObjectAcl of the link", _grant(oss, rule, link), "public-read")
    expect_equal(rule, reply, "GetObjectAcl of the target (unchanged)", _grant(oss, rule, target), before)
    still = expect(oss.get_symlink(link), rule)
    expect_equal(rule, still, "GetSymlink target after PutObjectAcl on the link", link_target(still), target)


def _tags(oss, rule, key: str) -> list[str | None]:
    body = expect(oss.request("GET", key, query=[("tagging", None)]), rule).body
    return [xml_text(tag, "Key") for tag in xml_children(body, "Tag")]


@pytest.mark.rule("symlink.ops.tagging-on-link")
def test_tagging_ops_act_on_link(oss, new_key, rule):
    link, target = make_link(oss, new_key)
    reply = oss.request(
        "PUT", link, query=[("tagging", None)], data=TAGGING_XML, headers={"Content-Type": "application/xml"}
    )
    expect(reply, rule)
    expect_equal(rule, reply, "tag keys of the link", _tags(oss, rule, link), ["on"])
    expect_equal(rule, reply, "tag keys of the target (untouched)", _tags(oss, rule, target), [])
    still = expect(oss.get_symlink(link), rule)
    expect_equal(rule, still, "GetSymlink target after tagging the link", link_target(still), target)
