"""Steps the listing tests share: making keys under a test's own prefix and reading listing replies.

Every listing is confined to a prefix the test made under the run namespace (`new_key`), so it sees only its
own keys. Reading a reply never judges it: an unreadable body blocks the test by the rule that demands it.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, unquote
from xml.etree.ElementTree import Element

from hypothesis import strategies as st

from conformance.checks import Blocked, expect, expect_equal, fail, require, require_equal
from conformance.client import OssClient, Reply
from conformance.client.xml import child_text, elements, local
from conformance.rules import Rule
from conformance.suite import preconditions as pre
from conformance.suite.multipart_steps import text, walk_pages
from conformance.suite.preconditions import NewKey, xml_root

LIST_PREFIX = pre.LIST_PREFIX  # ListObjects with a prefix lists the keys that start with it
VERSIONS = "versions.list.entries"  # ListObjectVersions lists every version and delete marker
DELETE = "object.delete.response"  # DeleteObject answers 204
DELIMITER = "list.v1.delimiter"  # a delimiter groups keys into CommonPrefixes, each listed once
COUNTS_PREFIXES = "list.v1.max-keys-counts-prefixes"  # max-keys bounds keys and common prefixes together
V1, V2 = (), (("list-type", "2"),)
VERSIONED = (("versions", None),)
# Short names over a small alphabet: collisions, shared prefixes and '/' groups are frequent.
NAMES = st.sets(st.text("ab/", min_size=1, max_size=4), min_size=1, max_size=6)
URL_PREFIX = "/a+b%25中&<>;/"  # characters an url-encoded listing must escape, no space (see the escapes rule)
INVALID_MAX_KEYS = (1001, 5000, -1, -100)  # both sides of the documented 0..1000 (0 itself is disputed, §9.32)


def fresh_prefix(new_key: NewKey) -> str:
    return new_key("list") + "/"


def put_under(oss: OssClient, prefix: str, names: Iterable[str], data: bytes = b"x") -> list[str]:
    """A small object at prefix+name for each name; returns the keys."""
    keys = [prefix + name for name in names]
    for key in keys:
        pre.put(oss, key, data)
    return keys


def listing(oss: OssClient, kind: tuple = V1, **params: str) -> Reply:
    """GET / of the given kind (V1, V2 or VERSIONED); parameter names with dashes come as a dict."""
    return oss.request("GET", None, query=[*kind, *params.items()])


def root(reply: Reply, prerequisite: str) -> Element:
    return xml_root(reply, prerequisite)


def field(reply: Reply, tag: str, prerequisite: str = LIST_PREFIX) -> str | None:
    """A top-level element of the listing (IsTruncated, NextMarker, KeyCount ...), or None when absent."""
    return child_text(root(reply, prerequisite), tag)


def keys_of(reply: Reply, prerequisite: str = LIST_PREFIX) -> list[str]:
    """The Contents keys, in listed order."""
    return [text(entry, "Key") or "" for entry in elements(root(reply, prerequisite), "Contents")]


def prefixes_of(reply: Reply, prerequisite: str = LIST_PREFIX) -> list[str]:
    """The CommonPrefixes, in listed order."""
    return [text(group, "Prefix") or "" for group in elements(root(reply, prerequisite), "CommonPrefixes")]


def entries_of(reply: Reply, prerequisite: str = LIST_PREFIX) -> list[str]:
    """Keys and common prefixes together, in key order (the order they page in)."""
    return sorted(keys_of(reply, prerequisite) + prefixes_of(reply, prerequisite), key=str.encode)


def page_entries(reply: Reply, page: int, delimited: bool, rule_id: str) -> list[str]:
    """A page's entries. A delimited page over max-keys blocks the test by COUNTS_PREFIXES: that rule, not the
    paging rule, is what says common prefixes count (an undelimited page over max-keys fails the paging rule)."""
    found = entries_of(reply, rule_id)
    if delimited and len(found) > page:
        where = f"{reply.exchange.method} {reply.exchange.url}"
        raise Blocked(COUNTS_PREFIXES, f"{where}: a page of max-keys {page} listed {len(found)} keys and prefixes")
    return found


def all_listed(oss: OssClient, prefix: str, keys: list[str], kind: tuple = V1) -> Reply:
    """Precondition: a plain listing of `prefix` shows exactly `keys` (in any order)."""
    reply = require(listing(oss, kind, prefix=prefix, **{"max-keys": "1000"}), LIST_PREFIX)
    got = keys_of(reply)
    require_equal(LIST_PREFIX, reply, f"keys listed under {prefix!r}", sorted(got), sorted(keys))
    return reply


def made_and_listed(oss: OssClient, prefix: str, names: Iterable[str], delimited: bool) -> list[str]:
    """Keys prefix+name, and the entries one unpaged listing shows (grouped by '/' when `delimited`), checked
    as preconditions: a paging or counting test judges only what it adds to a listing that already holds."""
    names = list(names)
    keys = put_under(oss, prefix, names)
    all_listed(oss, prefix, keys)
    if not delimited:
        return sorted(keys, key=str.encode)
    want = grouped(prefix, names)
    reply = require(listing(oss, prefix=prefix, delimiter="/", **{"max-keys": "1000"}), DELIMITER)
    require_equal(DELIMITER, reply, f"entries of {prefix!r} grouped by '/'", entries_of(reply, DELIMITER), want)
    return want


def grouped(prefix: str, names: Iterable[str], delimiter: str = "/") -> list[str]:
    """What a delimited listing of prefix+names shows, keys and common prefixes together, in key order."""
    shown = set()
    for name in names:
        cut = name.find(delimiter)
        shown.add(prefix + (name if cut < 0 else name[: cut + len(delimiter)]))
    return sorted(shown, key=str.encode)


def versions_of(reply: Reply) -> list[tuple[str, str, str, str]]:
    """(tag, Key, VersionId, IsLatest) of every Version and DeleteMarker entry, in listed order."""
    found = []
    for entry in root(reply, VERSIONS):
        tag = local(entry.tag)
        if tag in ("Version", "DeleteMarker"):
            found.append((tag, text(entry, "Key") or "", text(entry, "VersionId") or "", text(entry, "IsLatest") or ""))
    return found


def expect_encoded(rule: Rule, reply: Reply, sent: dict[str, str | None], want: dict[str, str]) -> None:
    """Under encoding-type=url: EncodingType is url, and each element's text url-decodes to what `want` gives,
    and is escaped wherever the plain value has a character that needs it. A missing element fails `rule`."""
    expect_equal(rule, reply, "EncodingType", field(reply, "EncodingType", rule.id), "url")
    for tag, plain in want.items():
        got = sent.get(tag)
        if got is None:
            fail(rule, reply, f"no {tag} in the reply (want {plain!r}, url-encoded)")
        expect_equal(rule, reply, f"{tag}, url-decoded", unquote(got), plain)
        if got == plain and quote(plain, safe="/") != plain:
            fail(rule, reply, f"{tag} {got!r} came back unencoded")


def top_fields(reply: Reply, tags: Iterable[str], prerequisite: str) -> dict[str, str | None]:
    return {tag: field(reply, tag, prerequisite) for tag in tags}


def numbered(what: str, values: list[str]) -> dict[str, str]:
    """Entries as {'Key 1': ..., 'Key 2': ...}, so a list can be judged by expect_encoded."""
    return {f"{what} {n}": value for n, value in enumerate(values, 1)}


def max_keys_refused(oss: OssClient, new_key: NewKey, rule: Rule, kind: tuple, value: int) -> None:
    """One listing of `kind` with an out-of-range max-keys, judged by `rule` (400 InvalidArgument)."""
    expect(listing(oss, kind, prefix=fresh_prefix(new_key), **{"max-keys": str(value)}), rule)


def walk_listing(
    oss: OssClient, rule: Rule, prefix: str, names: list[str], page: int, delimited: bool, kind: tuple
) -> None:
    """Page through prefix+names `page` entries at a time (grouped by '/' when `delimited`), feeding back
    NextMarker (V1) or NextContinuationToken (V2); every entry must come once, in order."""
    want = made_and_listed(oss, prefix, names, delimited)
    grouping = {"delimiter": "/"} if delimited else {}
    param, tag = ("continuation-token", "NextContinuationToken") if kind == V2 else ("marker", "NextMarker")
    seen = walk_pages(
        rule,
        page,
        lambda resume: listing(oss, kind, prefix=prefix, **grouping, **{"max-keys": str(page)}, **resume),
        lambda reply: page_entries(reply, page, delimited, rule.id),
        lambda found: {param: child_text(found, tag) or ""},
        most=len(want) + 1,
    )
    expect_equal(rule, None, "entries over all pages, in order", seen, want)


def lists_after(oss: OssClient, new_key: NewKey, rule: Rule, kind: tuple, param: str) -> None:
    """marker / start-after is exclusive, and need not name a key: a, b, c after b is c; after a0, b and c."""
    prefix = fresh_prefix(new_key)
    all_listed(oss, prefix, put_under(oss, prefix, ["a", "b", "c"]))
    for after, want in (("b", ["c"]), ("a0", ["b", "c"])):
        reply = expect(listing(oss, kind, prefix=prefix, **{param: prefix + after}), rule)
        expect_equal(rule, reply, f"keys after {param} {after!r}", keys_of(reply, rule.id), [prefix + w for w in want])
