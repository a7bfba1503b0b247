"""ListObjectsV2: continuation-token paging, start-after, KeyCount, fetch-owner, encoding-type, errors, empty."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conformance.checks import expect, expect_equal
from conformance.client.xml import elements
from conformance.strategies import padded_key
from conformance.suite import list_steps as ls

# Every listing here names keys with '/' in them: they stand on such names being kept as given.
pytestmark = pytest.mark.usefixtures("names_kept")


@pytest.mark.rule("list.v2.paging")
@given(names=ls.NAMES, page=st.integers(1, 3), delimited=st.booleans())
def test_paging(oss, new_key, rule, names, page, delimited):
    ls.walk_listing(oss, rule, ls.fresh_prefix(new_key), names, page, delimited, ls.V2)


@pytest.mark.rule("list.v2.start-after")
def test_start_after(oss, new_key, rule):
    ls.lists_after(oss, new_key, rule, ls.V2, "start-after")


@pytest.mark.rule("list.v2.key-count")
@pytest.mark.parametrize(("max_keys", "count"), [("1000", 3), ("2", 2)])
def test_key_count(oss, new_key, rule, max_keys, count):
    prefix = ls.fresh_prefix(new_key)
    ls.made_and_listed(oss, prefix, ["a/1", "a/2", "b", "c/1"], delimited=True)
    reply = expect(ls.listing(oss, ls.V2, prefix=prefix, delimiter="/", **{"max-keys": max_keys}), rule)
    shown = len(ls.entries_of(reply, rule.id))
    expect_equal(rule, reply, "Contents plus CommonPrefixes", shown, count)
    expect_equal(rule, reply, "KeyCount", ls.field(reply, "KeyCount", rule.id), str(count))


@pytest.mark.rule("list.v2.fetch-owner")
def test_fetch_owner(oss, new_key, rule):
    prefix = ls.fresh_prefix(new_key)
    ls.all_listed(oss, prefix, ls.put_under(oss, prefix, ["a", "b"]))
    for asked, want in (({}, [False, False]), ({"fetch-owner": "true"}, [True, True])):
        reply = expect(ls.listing(oss, ls.V2, prefix=prefix, **asked), rule)
        owners = [bool(elements(entry, "Owner")) for entry in elements(ls.root(reply, rule.id), "Contents")]
        expect_equal(rule, reply, f"entries with an Owner ({asked or 'no fetch-owner'})", owners, want)


@pytest.mark.rule("list.v2.token-invalid")
@pytest.mark.parametrize("token", ["not-a-continuation-token", "AAAA", "%%%"])
def test_token_invalid(oss, new_key, rule, token):
    expect(ls.listing(oss, ls.V2, prefix=ls.fresh_prefix(new_key), **{"continuation-token": token}), rule)


@pytest.mark.rule("list.v2.encoding-url")
def test_encoding_url(oss, new_key, rule):
    prefix = ls.fresh_prefix(new_key) + ls.URL_PREFIX
    ls.put_under(oss, prefix, ["dir+1/x", "leaf%2", "zz中"])
    params = {"prefix": prefix, "delimiter": "/", "start-after": prefix + "c+", "encoding-type": "url"}
    reply = expect(ls.listing(oss, ls.V2, **params), rule)
    want = {"Prefix": prefix, "StartAfter": prefix + "c+", "Delimiter": "/"}
    sent = ls.top_fields(reply, want, rule.id)
    keys, groups = ls.keys_of(reply, rule.id), ls.prefixes_of(reply, rule.id)
    sent |= ls.numbered("Key", keys) | ls.numbered("CommonPrefixes Prefix", groups)
    want |= ls.numbered("Key", [prefix + "leaf%2", prefix + "zz中"])
    want |= ls.numbered("CommonPrefixes Prefix", [prefix + "dir+1/"])
    expect_equal(rule, reply, "entries listed", (len(keys), len(groups)), (2, 1))
    ls.expect_encoded(rule, reply, sent, want)


@pytest.mark.rule("list.v2.max-keys-invalid")
@pytest.mark.parametrize("value", ls.INVALID_MAX_KEYS)
def test_max_keys_invalid(oss, new_key, rule, value):
    ls.max_keys_refused(oss, new_key, rule, ls.V2, value)


@pytest.mark.rule("list.v2.start-after-too-long")
@given(size=st.sampled_from([1024, 1025, 2000]))
def test_start_after_too_long(oss, new_key, rule, size):
    base = ls.fresh_prefix(new_key)
    expect(ls.listing(oss, ls.V2, prefix=base, **{"start-after": padded_key(base, size)}), rule)


@pytest.mark.rule("list.v2.empty")
def test_empty(oss, new_key, rule):
    reply = expect(ls.listing(oss, ls.V2, prefix=ls.fresh_prefix(new_key)), rule)
    got = {tag: ls.field(reply, tag, rule.id) for tag in ("KeyCount", "IsTruncated", "NextContinuationToken")}
    expect_equal(
        rule,
        reply,
        "KeyCount, IsTruncated, NextContinuationToken",
        got,
        {"KeyCount": "0", "IsTruncated": "false", "NextContinuationToken": None},
    )
    expect_equal(rule, reply, "Contents entries", len(ls.keys_of(reply, rule.id)), 0)
