"""A precondition for tests that compare names in replies (Keys in XML, listings, copy sources) with the
names they sent: a '/' sent as %2F is a '/' of the name. A server that keeps '%2F' literally breaks
object.name.encoded-slash; the tests that only rely on it are then blocked by that rule, not failed."""

from __future__ import annotations

from conformance.client import OssClient
from conformance.suite import preconditions as pre
from conformance.suite.preconditions import NewKey


def slash_names_kept(oss: OssClient, new_key: NewKey) -> None:
    """An object whose name holds '/' is listed under that very name."""
    pre.listed(oss, pre.put_key(oss, new_key("slash") + "/leaf"))
