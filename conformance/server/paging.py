"""Paging and encoding shared by the listings (objects, versions, multipart uploads): a page capped at max-keys
with common prefixes, and the encoding-type=url encoder (docs/oss-facts.md §24-§26)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

from conformance.server.context import Context
from conformance.server.errors import invalid_argument
from conformance.server.quirks import NO_QUIRKS
from conformance.server.request import Request
from conformance.server.xmlutil import element


class Page:
    """One page of a listing: entries and common prefixes in key order, capped at max-keys together."""

    def __init__(
        self,
        rows: Iterable[tuple[str, Any]],
        prefix: str,
        delimiter: str,
        after: str,
        max_keys: int,
        *,
        count_prefixes: bool = True,  # False and True below only for quirks
        repeat_groups: bool = False,
    ):
        self.entries: list[tuple[str, Any]] = []
        self.prefixes: list[str] = []
        self.truncated = False
        self.count_prefixes = count_prefixes
        self.last: Any = None  # the last (key, payload) or common prefix taken; the next page starts after it
        self.following: str | None = None  # the first key or prefix left for the next page
        for key, payload in rows:
            group = self._group(key, prefix, delimiter)
            repeated = self.prefixes and self.prefixes[-1] == group and not repeat_groups
            if group is not None and (group <= after or repeated):
                continue  # a common prefix is listed once, and not again on later pages
            if len(self.entries) + (len(self.prefixes) if count_prefixes else 0) >= max_keys:
                self.truncated = True
                self.following = key if group is None else group
                break
            if group is None:
                self.entries.append((key, payload))
                self.last = (key, payload)
            else:
                self.prefixes.append(group)
                self.last = (group, None)

    @staticmethod
    def _group(key: str, prefix: str, delimiter: str) -> str | None:
        if not delimiter:
            return None
        index = key.find(delimiter, len(prefix))
        return None if index < 0 else key[: index + len(delimiter)]


class Encoder:
    """encoding-type=url: a space is %20 and a plus %2B, which both the plain and the form-style decoders of the
    SDKs read back (docs/oss-facts.md §26.2, §9.21); `/` stays."""

    def __init__(self, request: Request, ctx: Context | None = None) -> None:
        encoding = request.param("encoding-type")
        quirks = ctx.quirks if ctx is not None else NO_QUIRKS
        if encoding not in (None, "url") and quirks.has("list-encoding-type-ignored"):
            encoding = None
        if encoding not in (None, "url"):
            raise invalid_argument("The encoding-type is invalid.", name="encoding-type", value=encoding or "")
        self.url = encoding == "url"
        # asked only where names are encoded: a quirk asked is a quirk reached (conformance.reach)
        self.key_only = self.url and quirks.has("list-encoding-key-only")
        self.quote = quote_plus if self.url and quirks.has("list-encoding-plus") else quote

    def __call__(self, name: str, value: str) -> str:
        encoded = self.url and (name == "Key" or not self.key_only)
        return element(name, self.quote(value, safe="/") if encoded else value)

    def trailer(self) -> list[str]:
        return [element("EncodingType", "url")] if self.url else []
