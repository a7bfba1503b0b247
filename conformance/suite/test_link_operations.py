"""Operations other than reads on a link: delete, overwrite, copy, append, list, ACL and tagging."""

from __future__ import annotations

import pytest

from conformance import rules
from conformance.checks import expect, expect_equal, expect_status, fail, link_target, require, require_equal
from conformance.client.xml import child_text, xml_elements
from conformance.suite import preconditions as pre

TAGGING_XML = b"<Tagging><TagSet><Tag><Key>on</Key><Value>link</Value></Tag></TagSet></Tagging>"


@pytest.mark.rule("symlink.ops.delete-link-only")
def test_delete_removes_link_only(oss, new_key, rule, links_work):
    link, target = pre.link_to_object(oss, new_key)
    expect(oss.delete_object(link), rule)
    expect_status(oss.get_object(link), rule, 404)  # its Code is error.no-such-key's
    got = expect_status(oss.get_object(target), rule, 200)
    expect_equal(rule, got, "target body after deleting the link", got.body, b"target data")


@pytest.mark.rule("symlink.ops.put-object-replaces")
def test_put_object_replaces_link(oss, new_key, rule, links_work):
    link, _ = pre.link_to_object(oss, new_key)
    expect(oss.put_object(link, b"now a normal object"), rule)
    got = expect_status(oss.get_object(link), rule, 200)
    expect_equal(rule, got, "GET after PutObject over the link", got.body, b"now a normal object")
    if got.header("x-oss-object-type") == "Symlink":
        fail(rule, got, "the key still reports x-oss-object-type: Symlink after PutObject")
    not_link = oss.get_symlink(link)  # its Code is symlink.get.not-symlink's; a link would answer 200
    expect_equal(rule, not_link, "GetSymlink answers 200 (still a link)", not_link.status == 200, False)


@pytest.mark.rule("symlink.ops.copy-copies-link")
def test_copy_copies_the_link(oss, new_key, rule, reads_through):
    link, target = pre.link_to_object(oss, new_key)
    dest = new_key("copy")
    expect(oss.copy_object(dest, link), rule)
    got = expect_status(oss.get_symlink(dest), rule, 200)
    expect_equal(rule, got, "GetSymlink target of the copy", link_target(got), target)
    read = expect_status(oss.get_object(dest), rule, 200)
    expect_equal(rule, read, "body read through the copy", read.body, b"target data")


@pytest.mark.rule("symlink.ops.append-rejected")
@pytest.mark.parametrize("position", [0, len(b"target data")])
def test_append_to_link_rejected(oss, new_key, rule, links_work, position):
    link, target = pre.link_to_object(oss, new_key)
    expect(oss.append_object(link, position, b"more"), rule)
    got = expect_status(oss.get_object(target), rule, 200)
    expect_equal(rule, got, "target body after AppendObject on the link", got.body, b"target data")


def _listed_entry(oss, rule, link: str, blocked: bool = False):
    """The link's <Contents> entry in a listing. The listing is the rule's own step for list-entry and a
    precondition (blocked, not failed) for rules about what the entry says."""
    listing = oss.list_objects(prefix=link)
    if blocked:
        require(listing, rule.id)
    else:
        expect(listing, rule)
    for entry in xml_elements(listing.body, "Contents"):
        if child_text(entry, "Key") == link:
            return listing, entry
    if blocked:
        require_equal(rule.id, listing, f"the link {link!r} is listed", False, True)
    fail(rule, listing, f"the link {link!r} is not in the listing")
    raise AssertionError  # unreachable: fail() raises


@pytest.mark.rule("symlink.ops.list-entry")
def test_list_shows_link(oss, new_key, rule, links_work):
    link, _ = pre.link_to_object(oss, new_key)
    _listed_entry(oss, rule, link)


@pytest.mark.rule("symlink.ops.list-type")
def test_list_type_symlink(oss, new_key, rule, links_work):
    link, _ = pre.link_to_object(oss, new_key)
    listing, entry = _listed_entry(oss, rules.get("symlink.ops.list-entry"), link, blocked=True)
    expect_equal(rule, listing, "<Type> of the link's entry", child_text(entry, "Type"), "Symlink")


def _grant(oss, rule, key: str) -> str | None:
    grants = xml_elements(expect(oss.request("GET", key, query=[("acl", None)]), rule).body, "Grant")
    return grants[0].text if grants else None


@pytest.mark.rule("symlink.ops.acl-on-link")
def test_acl_ops_act_on_link(oss, new_key, rule, links_work):
    link, target = pre.link_to_object(oss, new_key)
    before = _grant(oss, rule, target)
    reply = oss.request("PUT", link, query=[("acl", None)], headers={"x-oss-object-acl": "public-read"})
    expect(reply, rule)
    expect_equal(rule, reply, "GetObjectAcl of the link", _grant(oss, rule, link), "public-read")
    expect_equal(rule, reply, "GetObjectAcl of the target (unchanged)", _grant(oss, rule, target), before)
    still = expect_status(oss.get_symlink(link), rule, 200)
    expect_equal(rule, still, "GetSymlink target after PutObjectAcl on the link", link_target(still), target)


def _tags(oss, rule, key: str) -> list[str | None]:
    body = expect(oss.request("GET", key, query=[("tagging", None)]), rule).body
    return [child_text(tag, "Key") for tag in xml_elements(body, "Tag")]


@pytest.mark.rule("symlink.ops.tagging-on-link")
def test_tagging_ops_act_on_link(oss, new_key, rule, links_work):
    link, target = pre.link_to_object(oss, new_key)
    reply = oss.request(
        "PUT", link, query=[("tagging", None)], data=TAGGING_XML, headers={"Content-Type": "application/xml"}
    )
    expect(reply, rule)
    expect_equal(rule, reply, "tag keys of the link", _tags(oss, rule, link), ["on"])
    expect_equal(rule, reply, "tag keys of the target (untouched)", _tags(oss, rule, target), [])
    still = expect_status(oss.get_symlink(link), rule, 200)
    expect_equal(rule, still, "GetSymlink target after tagging the link", link_target(still), target)
