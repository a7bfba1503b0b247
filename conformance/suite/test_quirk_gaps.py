"""Rules added because a quirk of the reference server went uncaught (see reports/mutants.md)."""

from __future__ import annotations

import hashlib
import re

import pytest

from conformance.checks import expect, expect_equal, expect_header, expect_status, fail, require
from conformance.suite import preconditions as pre

QUOTED_UPPER_HEX = re.compile(r'^"[0-9A-F]+"$')


@pytest.mark.rule("etag.quoted-upper-hex")
def test_etags_quoted_upper_hex(oss, new_key, rule, reads_through):
    link, target = new_key("link"), new_key("target")
    pre.put(oss, target, b"hello")
    put = require(oss.put_symlink(link, target), pre.PUT_LINK)
    etag = expect_header(put, rule, "ETag")
    if not QUOTED_UPPER_HEX.match(etag):
        fail(rule, put, f"PutSymlink ETag {etag!r} is not quoted upper-case hex")
    head = require(oss.head_object(link), pre.READ_THROUGH_HEAD)
    expect_header(head, rule, "ETag", f'"{hashlib.md5(b"hello").hexdigest().upper()}"')


@pytest.mark.rule("symlink.ops.append-rejected")
def test_append_to_link_with_appendable_target_rejected(oss, new_key, rule, links_work):
    # A link is never appendable, whatever its target is; a server following the link would append here.
    link, target = new_key("link"), new_key("target")
    require(oss.append_object(target, 0, b"first"), pre.APPEND_NEW)
    pre.link(oss, link, target)
    expect(oss.append_object(link, len(b"first"), b"more"), rule)
    got = expect_status(oss.get_object(target), rule, 200)
    expect_equal(rule, got, "appendable target after AppendObject on the link", got.body, b"first")
