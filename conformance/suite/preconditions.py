"""Steps a test needs but does not judge, each checked as a precondition of a named rule.

A conformance test calls these for its setup, then `expect*` for its own rule. When a step does not hold, the
test ends *blocked* by the rule that covers the step (conformance.checks.require), so a server's deviation
turns red only the rules it breaks: the prerequisite rule's own test is the one that fails.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from xml.etree.ElementTree import Element

import pytest

from conformance.checks import Blocked, link_target, require, require_equal
from conformance.client import OssClient, Reply
from conformance.client.xml import child_text, parse, xml_elements

# The rules whose tests judge these steps.
PUT_OBJECT = "object.put.response"  # PutObject answers 200
GET_OBJECT = "object.get.body"  # GetObject returns the bytes that were put
HEAD_OBJECT = "object.head.response"  # HeadObject answers 200 with the object's headers
PUT_LINK = "symlink.put.response"  # PutSymlink answers 200
LINK_IS_LINK = "symlink.get.target"  # GetSymlink on the new key gives the target back: a link was made
READ_THROUGH = "symlink.read.target-bytes"  # GetObject on a link to an existing target reads the target
READ_THROUGH_HEAD = "symlink.read.target-headers"  # HEAD on a link to an existing target answers 200
NAMES_KEPT = "object.name.encoded-slash"  # a key with '/' is stored and listed under that name
LIST_PREFIX = "object.list.prefix"  # ListObjects with a prefix lists the keys that start with it
APPEND_NEW = "object.append.create"  # AppendObject at position 0 creates an appendable object

TARGET_DATA = b"target data"
NewKey = Callable[[str], str]


def put(oss: OssClient, key: str, data: bytes = TARGET_DATA, headers: Mapping[str, str] | None = None) -> Reply:
    """A plain object at `key`."""
    return require(oss.put_object(key, data, headers), PUT_OBJECT)


def put_key(oss: OssClient, key: str) -> str:
    """`put`, returning the key."""
    put(oss, key)
    return key


def listed(oss: OssClient, key: str) -> None:
    """`key` shows under its exact name in a listing with itself as prefix."""
    listing = require(oss.list_objects(prefix=key), LIST_PREFIX)
    keys = [child_text(entry, "Key") for entry in xml_elements(listing.body, "Contents")]
    require_equal(NAMES_KEPT, listing, f"keys listed under {key!r}", keys, [key])


def reads_back(oss: OssClient, key: str, data: bytes) -> Reply:
    """The object at `key` reads directly as `data` (what a read through a link is compared with)."""
    got = require(oss.get_object(key), GET_OBJECT)
    require_equal(GET_OBJECT, got, f"GET {key} body", got.body, data)
    return got


def link(oss: OssClient, key: str, target: str, headers: Mapping[str, str] | None = None) -> Reply:
    """A link at `key` to `target`, proven to be one (`is_link`)."""
    made = require(oss.put_symlink(key, target, headers), PUT_LINK)
    is_link(oss, key, target)
    return made


def is_link(oss: OssClient, key: str, target: str) -> Reply:
    """Proof that `key` holds a link to `target`: GetSymlink gives the target back. A server that stores
    `PUT ?symlink` as a plain object blocks the test here instead of passing it hollowly."""
    got = require(oss.get_symlink(key), LINK_IS_LINK)
    require_equal(LINK_IS_LINK, got, "GetSymlink target (percent-decoded)", link_target(got), target)
    return got


def head(oss: OssClient, key: str) -> Reply:
    """HeadObject of an existing key (its ETag, size and Last-Modified, as a test compares them)."""
    return require(oss.head_object(key), HEAD_OBJECT)


def link_to_object(
    oss: OssClient,
    new_key: NewKey,
    data: bytes = TARGET_DATA,
    target_headers: Mapping[str, str] | None = None,
    link_headers: Mapping[str, str] | None = None,
) -> tuple[str, str]:
    """A target object holding `data` and a proven link to it; returns (link, target)."""
    key, target = new_key("link"), new_key("target")
    put(oss, target, data, target_headers)
    link(oss, key, target, link_headers)
    return key, target


def xml_root(reply: Reply, prerequisite: str) -> Element:
    """The reply body as XML; a body that does not parse blocks the test by `prerequisite`."""
    root, problem = parse(reply.body)
    if root is None:
        where = f"{reply.exchange.method} {reply.exchange.url}"
        raise Blocked(prerequisite, f"{where}: the body is {problem}")
    return root


def each_rule(*rule_ids: str) -> pytest.MarkDecorator:
    """Run a test once per rule: one reply judged by a MUST rule (what the documents say) and by a SHOULD rule
    (what is inferred beyond it, such as a guessed status or Code), each with its own verdict."""
    params = [pytest.param(rule_id, marks=pytest.mark.rule(rule_id), id=rule_id) for rule_id in rule_ids]
    return pytest.mark.parametrize("judged_by", params)
