"""Listings for cleanup and sweep (conformance/client/listings.py): url-encoded names decoded only where the reply
says so, every page followed with decoded markers, and a server that refuses encoding-type asked without it."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from requests.structures import CaseInsensitiveDict

from conformance.client.listings import ListingUnreadable, listed
from conformance.client.session import Reply


class Scripted:
    """A client whose listing replies are given: each call pops the next (status, body); the queries are kept."""

    bucket = "b"

    def __init__(self, *replies: tuple[int, str]) -> None:
        self.replies, self.queries = list(replies), []

    def request(self, method: str, key: None, query: list) -> Reply:
        self.queries.append(dict(query))
        status, body = self.replies.pop(0)
        return Reply(status, CaseInsensitiveDict(), body.encode(), None, None)  # type: ignore[arg-type]


def page(keys: list[str], encoded: bool, next_marker: str | None = None) -> tuple[int, str]:
    shown = [quote(k, safe="/") if encoded else k for k in keys]
    parts = ["<EncodingType>url</EncodingType>" if encoded else ""]
    parts += [f"<Contents><Key>{k}</Key></Contents>" for k in shown]
    if next_marker is not None:
        marker = quote(next_marker, safe="/") if encoded else next_marker
        parts.append(f"<IsTruncated>true</IsTruncated><NextMarker>{marker}</NextMarker>")
    return 200, f"<ListBucketResult>{''.join(parts)}</ListBucketResult>"


def test_encoded_pages_are_decoded_and_followed():
    odd = "run/a\x0cb c+d%41"
    client = Scripted(page(["run/1", odd], True, next_marker=odd), page(["run/2"], True))
    assert list(listed(client, "run/", "keys")) == [("run/1", None), (odd, None), ("run/2", None)]
    assert client.queries[0]["encoding-type"] == "url" and client.queries[1]["marker"] == odd


def test_a_reply_that_ignores_encoding_type_is_read_as_it_is():
    client = Scripted(page(["run/a+b%41"], False))
    assert list(listed(client, "run/", "keys")) == [("run/a+b%41", None)]


def test_a_server_that_refuses_encoding_type_is_asked_without_it():
    client = Scripted((400, "<Error><Code>InvalidArgument</Code></Error>"), page(["run/1"], False))
    assert list(listed(client, "run/", "keys")) == [("run/1", None)]
    assert "encoding-type" not in client.queries[1]


def test_a_listing_that_is_not_one_says_so():
    client = Scripted((403, ""), (403, ""))
    with pytest.raises(ListingUnreadable) as refused:
        list(listed(client, "run/", "versions"))
    assert refused.value.status == 403


def test_a_listing_that_does_not_move_on_is_not_followed_for_ever():
    client = Scripted(page(["run/1"], True, next_marker="run/1"), page(["run/1"], True, next_marker="run/1"))
    with pytest.raises(ListingUnreadable, match="repeats its page"):
        list(listed(client, "run/", "keys"))
    assert len(client.queries) == 2


def test_pages_without_next_marker_go_on_from_the_last_key():
    truncated = (
        200,
        "<ListBucketResult><Contents><Key>run/1</Key></Contents><IsTruncated>true</IsTruncated></ListBucketResult>",
    )
    client = Scripted(truncated, page(["run/2"], False))
    assert [key for key, _ in listed(client, "run/", "keys")] == ["run/1", "run/2"]
    assert client.queries[1]["marker"] == "run/1"
