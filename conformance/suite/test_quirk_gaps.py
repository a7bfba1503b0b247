"""Rules added because a quirk of the reference server went uncaught (see reports/mutants.md)."""

from __future__ import annotations

import hashlib
import re

import pytest

from conformance.checks import expect, expect_equal, expect_header, fail

QUOTED_UPPER_HEX = re.compile(r'^"[0-9A-F]+"$')


@pytest.mark.rule("etag.quoted-upper-hex")
def test_etags_quoted_upper_hex(oss, new_key, rule):
    link, target = new_key("link"), new_key("target")
    oss.put_object(target, b"hello")
    put = expect(oss.put_symlink(link, target), rule)
    etag = expect_header(put, rule, "ETag")
    if not QUOTED_UPPER_HEX.match(etag):
        fail(rule, put, f"PutSymlink ETag {etag!r} is not quoted upper-case hex")
    head = expect(oss.head_object(link), rule)
    expect_header(head, rule, "ETag", f'"{hashlib.md5(b"hello").hexdigest().upper()}"')


@pytest.mark.rule("symlink.ops.append-rejected")
def test_append_to_link_with_appendable_target_rejected(oss, new_key, rule):
    # A link is never appendable, whatever its target is; a server following the link would append here.
    link, target = new_key("link"), new_key("target")
    expect(oss.append_object(target, 0, b"first"), rule, status=200, codes=())
    oss.put_symlink(link, target)
    expect(oss.append_object(link, len(b"first"), b"more"), rule)
    got = expect(oss.get_object(target), rule, status=200, codes=())
    expect_equal(rule, got, "appendable target after AppendObject on the link", got.body, b"first")
