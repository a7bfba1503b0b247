"""What the GetObject and HeadObject tests share: objects to read, dates around them, the whole-object check."""

from __future__ import annotations

from collections.abc import Mapping

from hypothesis import strategies as st

from conformance.checks import expect_equal, fail
from conformance.client import OssClient, Reply
from conformance.rules import Rule
from conformance.suite.preconditions import NewKey, put

SIZED = st.binary(min_size=2, max_size=600)
PAST = "Mon, 01 Jan 2001 00:00:00 GMT"  # before any object of this run was written
FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"  # after it


def object_with(oss: OssClient, new_key: NewKey, data: bytes, headers: Mapping[str, str] | None = None) -> str:
    key = new_key("object")
    put(oss, key, data, headers)
    return key


def whole(rule: Rule, got: Reply, data: bytes) -> None:
    """The Range was ignored: the whole object and no Content-Range."""
    if got.header("Content-Range") is not None:
        fail(rule, got, f"Content-Range {got.header('Content-Range')!r} on a reply that should ignore the Range")
    expect_equal(rule, got, "body (the whole object)", got.body, data)
