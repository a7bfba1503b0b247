"""A precondition for tests that compare names in replies (Keys in XML, listings, copy sources) with the
names they sent: a '/' sent as %2F is a '/' of the name. A server that keeps '%2F' literally breaks
object.name.encoded-slash; the tests that only rely on it are then blocked by that rule, not failed."""

from __future__ import annotations

from conformance.checks import require, require_equal
from conformance.client import OssClient
from conformance.suite import preconditions as pre
from conformance.suite.preconditions import NewKey

ENCODED_SLASH = "object.name.encoded-slash"


def slash_names_kept(oss: OssClient, new_key: NewKey) -> None:
    """An object whose name holds '/' is listed under that very name."""
    key = new_key("slash") + "/leaf"
    pre.put(oss, key, b"slash")
    listing = require(oss.list_objects(prefix=key), pre.LIST_PREFIX)
    keys = [e.text for e in pre.xml_elements(listing.body, "Key")]
    require_equal(ENCODED_SLASH, listing, f"keys listed under {key!r}", keys, [key])
