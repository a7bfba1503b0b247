"""ListObjects (V1): order, delimiter, marker paging, max-keys, encoding-type, entry fields, errors.

Each test lists only a prefix of its own under the run namespace. That a plain listing shows the keys put is a
precondition (object.list.prefix); what the test then checks is its own rule.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import unquote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal, fail, require
from conformance.client.xml import child_text, elements
from conformance.strategies import padded_key
from conformance.suite import list_steps as ls
from conformance.suite import preconditions as pre

# Every listing here names keys with '/' in them: they stand on such names being kept as given.
pytestmark = pytest.mark.usefixtures("names_kept")


ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


# '-' and '.' sort before '/': a server that walks directories lists a/b before a-c.
ORDER_NAMES = st.sets(st.text("ab/-.", min_size=1, max_size=4), min_size=1, max_size=6)


@pytest.mark.rule("list.v1.order")
@given(names=ORDER_NAMES)
@example(names={"a", "a/b", "b", "b/c", "bc", "c"})  # the documents' own example
@example(names={"a-c", "a/b", "a.d"})
def test_order(oss, new_key, rule, names):
    prefix = ls.fresh_prefix(new_key)
    keys = ls.put_under(oss, prefix, names)
    reply = ls.all_listed(oss, prefix, keys)
    expect_equal(rule, reply, "keys in listed order", ls.keys_of(reply), sorted(keys))


# Characters whose UTF-8 order differs from their UTF-16 order (astral above U+E000..U+FFFF), and plain ones.
UTF8_NAMES = st.sets(st.text("a~é中\uff01\U0001f600", min_size=1, max_size=3), min_size=2, max_size=5)


@pytest.mark.rule("list.v1.order-utf8")
@given(names=UTF8_NAMES)
@example(names={"\uff01", "\U0001f600"})
def test_order_utf8(oss, new_key, rule, names):
    prefix = ls.fresh_prefix(new_key)
    keys = ls.put_under(oss, prefix, names)
    reply = ls.all_listed(oss, prefix, keys)
    expect_equal(rule, reply, "keys in listed order", ls.keys_of(reply), sorted(keys, key=str.encode))


@pytest.mark.rule("list.v1.delimiter")
@given(names=ls.NAMES)
@example(names={"dir/a", "dir/b", "dir/sub/c", "top", "zz/x"})
def test_delimiter(oss, new_key, rule, names):
    prefix = ls.fresh_prefix(new_key)
    keys = ls.put_under(oss, prefix, names)
    ls.all_listed(oss, prefix, keys)
    reply = expect(ls.listing(oss, prefix=prefix, delimiter="/"), rule)
    groups = ls.prefixes_of(reply, rule.id)
    loose = sorted((prefix + n for n in names if "/" not in n), key=str.encode)
    expect_equal(rule, reply, "CommonPrefixes", groups, ls.grouped(prefix, (n for n in names if "/" in n)))
    expect_equal(rule, reply, "Contents keys", ls.keys_of(reply, rule.id), loose)


@pytest.mark.rule("list.v1.max-keys-counts-prefixes")
def test_max_keys_counts_prefixes(oss, new_key, rule):
    prefix = ls.fresh_prefix(new_key)
    ls.all_listed(oss, prefix, ls.put_under(oss, prefix, ["a/1", "b/1", "c", "d/1", "e"]))
    reply = expect(ls.listing(oss, prefix=prefix, delimiter="/", **{"max-keys": "3"}), rule)
    got = ls.entries_of(reply, rule.id)
    expect_equal(
        rule, reply, "keys and CommonPrefixes of a max-keys=3 page", got, [prefix + "a/", prefix + "b/", prefix + "c"]
    )


@pytest.mark.rule("list.v1.paging")
@given(names=ls.NAMES, page=st.integers(1, 3), delimited=st.booleans())
def test_paging(oss, new_key, rule, names, page, delimited):
    ls.walk_listing(oss, rule, ls.fresh_prefix(new_key), names, page, delimited, ls.V1)


@pytest.mark.rule("list.v1.marker-exclusive")
def test_marker_exclusive(oss, new_key, rule):
    ls.lists_after(oss, new_key, rule, ls.V1, "marker")


@pytest.mark.rule("list.v1.not-truncated")
@pytest.mark.parametrize("max_keys", ["2", "1000"])
def test_not_truncated(oss, new_key, rule, max_keys):
    prefix = ls.fresh_prefix(new_key)
    ls.all_listed(oss, prefix, ls.put_under(oss, prefix, ["a", "b"]))
    reply = expect(ls.listing(oss, prefix=prefix, **{"max-keys": max_keys}), rule)
    expect_equal(rule, reply, "IsTruncated", ls.field(reply, "IsTruncated", rule.id), "false")
    expect_equal(rule, reply, "NextMarker", ls.field(reply, "NextMarker", rule.id), None)


@pytest.mark.rule("list.v1.max-keys-default")
def test_max_keys_default(oss, new_key, rule):
    prefix = ls.fresh_prefix(new_key)
    ls.put_under(oss, prefix, [f"{n:03d}" for n in range(101)])
    reply = expect(ls.listing(oss, prefix=prefix), rule)
    expect_equal(rule, reply, "MaxKeys", ls.field(reply, "MaxKeys", rule.id), "100")
    expect_equal(rule, reply, "keys listed", len(ls.keys_of(reply, rule.id)), 100)
    expect_equal(rule, reply, "IsTruncated", ls.field(reply, "IsTruncated", rule.id), "true")


@pytest.mark.rule("list.v1.max-keys-invalid")
@pytest.mark.parametrize("value", ls.INVALID_MAX_KEYS)
def test_max_keys_invalid(oss, new_key, rule, value):
    ls.max_keys_refused(oss, new_key, rule, ls.V1, value)


@pytest.mark.rule("list.v1.prefix-too-long")
@given(name=st.sampled_from(["prefix", "marker", "delimiter"]), size=st.sampled_from([1024, 1025, 2000]))
def test_prefix_too_long(oss, new_key, rule, name, size):
    base = ls.fresh_prefix(new_key)
    value = "/" * size if name == "delimiter" else padded_key(base, size)
    expect(ls.listing(oss, **{"prefix": base, name: value}), rule)


@pytest.mark.rule("list.v1.encoding-url")
def test_encoding_url(oss, new_key, rule):
    prefix = ls.fresh_prefix(new_key) + ls.URL_PREFIX
    ls.put_under(oss, prefix, ["leaf%2", "m中", "zz+1/x"])
    params = {"prefix": prefix, "delimiter": "/", "marker": prefix + "c+", "max-keys": "2", "encoding-type": "url"}
    reply = expect(ls.listing(oss, **params), rule)
    want = {"Prefix": prefix, "Marker": prefix + "c+", "Delimiter": "/"}
    sent = ls.top_fields(reply, want, rule.id)
    keys = ls.keys_of(reply, rule.id)
    sent |= ls.numbered("Key", keys)
    want |= ls.numbered("Key", [prefix + "leaf%2", prefix + "m中"])
    expect_equal(rule, reply, "keys listed", len(keys), 2)
    ls.expect_encoded(rule, reply, sent, want)
    next_marker = ls.field(reply, "NextMarker", rule.id) or ""  # which entry it names is list.v1.paging's
    if not unquote(next_marker).startswith(prefix) or unquote(next_marker) == next_marker:
        fail(rule, reply, f"NextMarker {next_marker!r} is not an url-encoded name under {prefix!r}")
    whole = expect(ls.listing(oss, prefix=prefix, delimiter="/", **{"encoding-type": "url"}), rule)
    groups = ls.numbered("CommonPrefixes Prefix", ls.prefixes_of(whole, rule.id))
    ls.expect_encoded(rule, whole, groups, ls.numbered("CommonPrefixes Prefix", [prefix + "zz+1/"]))


@pytest.mark.rule("list.v1.encoding-escapes")
def test_encoding_escapes(oss, new_key, rule):
    key = ls.fresh_prefix(new_key) + "a b+c"
    require(oss.put_object(key, b"x"), pre.PUT_OBJECT)
    reply = expect(ls.listing(oss, prefix=key, **{"encoding-type": "url"}), rule)
    sent = (ls.keys_of(reply, rule.id) or [""])[0]
    for raw in (" ", "+"):
        if raw in sent:
            fail(rule, reply, f"the encoded Key {sent!r} holds a raw {raw!r} (want %20 for a space, %2B for a plus)")
    expect_equal(rule, reply, "Key, url-decoded", unquote(sent), key)


@pytest.mark.rule("list.v1.encoding-type-invalid")
@pytest.mark.parametrize("value", ["gzip", "hex", "utf-8"])
def test_encoding_type_invalid(oss, new_key, rule, value):
    expect(ls.listing(oss, prefix=ls.fresh_prefix(new_key), **{"encoding-type": value}), rule)


@pytest.mark.rule("list.v1.entry-fields")
def test_entry_fields(oss, new_key, rule):
    key, data = ls.fresh_prefix(new_key) + "entry", b"listed entry"
    pre.put(oss, key, data)
    # the object's ETag, whatever the form HEAD writes it in (that form is etag.quoted-upper-hex's to judge)
    etag = (pre.head(oss, key).header("ETag") or "").strip('"').upper()
    reply = ls.all_listed(oss, key, [key])
    (entry,) = elements(ls.root(reply, rule.id), "Contents")
    got = {tag: child_text(entry, tag) for tag in ("Key", "ETag", "Type", "Size")}
    listed_etag = got["ETag"] or ""
    got["ETag"] = listed_etag.strip('"')
    want = {"Key": key, "ETag": etag, "Type": "Normal", "Size": str(len(data))}
    expect_equal(rule, reply, "Key, ETag (without its quotes), Type, Size", got, want)
    if not ISO_8601.match(child_text(entry, "LastModified") or ""):
        fail(rule, reply, f"LastModified {child_text(entry, 'LastModified')!r} is not ISO 8601 UTC")
    if not listed_etag.startswith('"'):
        fail(rule, reply, f"listed ETag {listed_etag!r} is not quoted")
    for tag in ("StorageClass", "Owner"):
        if not child_text(entry, tag) and not elements(entry, tag):
            fail(rule, reply, f"the entry has no {tag}")


@pytest.mark.rule("list.v1.no-such-bucket")
def test_no_such_bucket(oss, new_key, rule):
    absent = oss.with_options(bucket=f"oss-conformance-absent-{secrets.token_hex(8)}")
    expect(ls.listing(absent, prefix=ls.fresh_prefix(new_key)), rule)


@pytest.mark.rule("list.v1.current-versions-only")
def test_current_versions_only(oss_versioned, new_key, rule):
    prefix = ls.fresh_prefix(new_key)
    kept, deleted = ls.put_under(oss_versioned, prefix, ["kept", "deleted"], b"first")
    pre.put(oss_versioned, kept, b"second version")
    require(oss_versioned.delete_object(deleted), ls.DELETE, status=204)
    reply = expect(ls.listing(oss_versioned, prefix=prefix), rule)
    entries = [(child_text(e, "Key"), child_text(e, "Size")) for e in elements(ls.root(reply, rule.id), "Contents")]
    expect_equal(rule, reply, "(Key, Size) listed", entries, [(kept, str(len(b"second version")))])
