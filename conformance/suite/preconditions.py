"""Steps a test needs but does not judge, each checked as a precondition of a named rule.

A conformance test calls these for its setup, then `expect*` for its own rule. When a step does not hold, the
test ends *blocked* by the rule that covers the step (conformance.checks.require), so a server's deviation
turns red only the rules it breaks: the prerequisite rule's own test is the one that fails.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from conformance.checks import Blocked, link_target, require, require_equal
from conformance.client import OssClient, Reply

# The rules whose tests judge these steps.
PUT_OBJECT = "object.put.response"  # PutObject answers 200
GET_OBJECT = "object.get.body"  # GetObject returns the bytes that were put
PUT_LINK = "symlink.put.response"  # PutSymlink answers 200
LINK_IS_LINK = "symlink.get.target"  # GetSymlink on the new key gives the target back: a link was made
LIST_OBJECTS = "symlink.ops.list-entry"  # a listing names the keys under a prefix

TARGET_DATA = b"target data"
NewKey = Callable[[str], str]


def put(oss: OssClient, key: str, data: bytes = TARGET_DATA, headers: Mapping[str, str] | None = None) -> Reply:
    """A plain object at `key`."""
    return require(oss.put_object(key, data, headers), PUT_OBJECT)


def reads_back(oss: OssClient, key: str, data: bytes) -> Reply:
    """The object at `key` reads directly as `data` (what a read through a link is compared with)."""
    got = require(oss.get_object(key), GET_OBJECT)
    require_equal(GET_OBJECT, got, f"GET {key} body", got.body, data)
    return got


def link(oss: OssClient, key: str, target: str, headers: Mapping[str, str] | None = None) -> Reply:
    """A link at `key` to `target`, proven to be one: GetSymlink gives the target back. A server that stores
    `PUT ?symlink` as a plain object blocks the test here instead of passing it hollowly."""
    made = require(oss.put_symlink(key, target, headers), PUT_LINK)
    got = require(oss.get_symlink(key), LINK_IS_LINK)
    require_equal(LINK_IS_LINK, got, "GetSymlink target (percent-decoded)", link_target(got), target)
    return made


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
    try:
        return ElementTree.fromstring(reply.body)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        where = f"{reply.exchange.method} {reply.exchange.url}"
        raise Blocked(prerequisite, f"{where}: the body is not XML ({exc})") from None


def local(tag: str) -> str:
    """An XML tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def elements(root: Element, tag: str) -> list[Element]:
    """Every element named `tag` (any namespace) below `root`."""
    return [e for e in root.iter() if local(e.tag) == tag]
