"""Object names on PutObject and GetObject: length, leading separators, and the characters a name may hold."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import example, given

from conformance import strategies as gen
from conformance.checks import expect, expect_equal, expect_status, fail, require
from conformance.client.xml import xml_elements
from conformance.suite import preconditions as pre

# Sent for GET after a successful PUT, or alone to show GET applies the same name rules.
OPERATIONS = ["PUT", "GET"]
FILLERS = {"ascii": "a", "cjk": "中"}  # 1-byte and 3-byte UTF-8 characters


def padded(base: str, size: int, filler: str) -> str:
    """`base` extended to exactly `size` UTF-8 bytes with `filler`, topped up with 'a'."""
    room = size - len(base.encode())
    width = len(filler.encode())
    return base + filler * (room // width) + "a" * (room % width)


def send(oss, operation: str, key: str):
    return oss.put_object(key, b"name data") if operation == "PUT" else oss.get_object(key)


@pytest.mark.rule("object.name.too-long")
@pytest.mark.parametrize("operation", OPERATIONS)
def test_name_over_1023_bytes_rejected(oss, new_key, rule, names_kept, operation):
    key = padded(new_key("long"), gen.MAX_KEY_BYTES + 1, "a")
    expect(send(oss, operation, key), rule)


@pytest.mark.rule("object.name.leading-separator")
@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("separator", ["/", "\\"])
def test_leading_separator_rejected(oss, new_key, rule, names_kept, operation, separator):
    expect(send(oss, operation, separator + new_key("lead")), rule)


@pytest.mark.rule("object.name.any-characters")
@given(suffix=gen.key_suffixes())
@example(suffix="tab\tform-feed\x0c plus+ percent%25 中文 é")  # every class the rule names, whatever the budget
@example(suffix="a/../b x//y ./c")  # path-like names: a server that normalises them must fail, not pass
def test_any_characters_roundtrip(oss, new_key, rule, names_kept, suffix):
    """Read back and listed: a server that rewrites a name reads it back through the same rewrite, so only the
    listing shows the name it really stored."""
    key = new_key("name-") + suffix
    expect(oss.put_object(key, suffix.encode()), rule)
    got = expect_status(oss.get_object(key), rule, 200)
    expect_equal(rule, got, "body read back under the same name", got.body, suffix.encode())
    listing = require(oss.list_objects(prefix=key, **{"encoding-type": "url"}), pre.LIST_PREFIX)
    listed = [unquote(k.text or "") for k in xml_elements(listing.body, "Key")]
    expect_equal(rule, listing, f"keys listed under prefix {key!r}", listed, [key])


@pytest.mark.rule("object.name.max-length")
@pytest.mark.parametrize("filler", sorted(FILLERS))
def test_name_of_1023_bytes_accepted(oss, new_key, rule, names_kept, filler):
    key = padded(new_key("max-"), gen.MAX_KEY_BYTES, FILLERS[filler])
    expect(oss.put_object(key, b"longest name"), rule)
    got = expect_status(oss.get_object(key), rule, 200)
    expect_equal(rule, got, "body under the 1023-byte name", got.body, b"longest name")


@pytest.mark.rule("object.name.encoded-slash")
def test_encoded_slash_is_decoded(oss, new_key, rule):
    key = new_key("dir") + "/sub/leaf"
    expect(oss.put_object(key, b"nested"), rule)
    listing = require(oss.list_objects(prefix=key), pre.LIST_PREFIX)
    keys = [e.text for e in xml_elements(listing.body, "Key")]
    if key not in keys:
        fail(rule, listing, f"listing with prefix {key!r} shows {keys!r}, not the key with '/'")
