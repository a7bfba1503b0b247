"""A raw-wire signed client for the reference server's own tests (V1 or V4, path-style or virtual-host).

Not conformance/client's OssClient on purpose: these tests need what a conformance client must never do —
verbatim query strings, unsigned or clock-skewed requests, and keys outside any run namespace.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests

from conformance.client import signing
from conformance.client.signing import split_query
from conformance.server.server import ReferenceServer
from conformance.server.xmlutil import http_date

Query = Sequence[tuple[str, str]] | Mapping[str, str] | None


def _pairs(query: Query) -> list[tuple[str, str]]:
    if query is None:
        return []
    return list(query.items()) if isinstance(query, Mapping) else list(query)


def encode_query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" if v else quote(k, safe="") for k, v in pairs)


class SignedClient:
    def __init__(
        self,
        url: str,
        access_key_id: str,
        access_key_secret: str,
        region: str = "cn-hangzhou",
        version: str = "v1",
        virtual_host: bool = False,
    ) -> None:
        self.url, self.version, self.region, self.virtual_host = url.rstrip("/"), version, region, virtual_host
        self.access_key_id, self.access_key_secret = access_key_id, access_key_secret
        self.session = requests.Session()

    def _url_and_host(self, bucket: str | None, key: str | None) -> tuple[str, str]:
        netloc = urlsplit(self.url).netloc
        path = "/" + quote(key or "", safe="") if key is not None else "/"
        if bucket and self.virtual_host:
            return self.url + path, f"{bucket}.{netloc}"
        if bucket:
            return f"{self.url}/{bucket}{path}", netloc
        return self.url + "/", netloc

    def sign(self, method: str, bucket: str | None, key: str | None, headers: dict[str, str], pairs, skew: float = 0):
        """Add date and Authorization headers in place."""
        now = time.time() + skew
        if self.version == "v4":
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
            headers.setdefault("x-oss-date", stamp)
            headers.setdefault("x-oss-content-sha256", signing.UNSIGNED_PAYLOAD)
            canonical = signing.v4_canonical_request(method, bucket, key, headers, pairs)
            string_to_sign = signing.v4_string_to_sign(stamp, self.region, canonical)
            signature = signing.v4_signature(self.access_key_secret, stamp[:8], self.region, string_to_sign)
            headers["Authorization"] = signing.v4_authorization(self.access_key_id, stamp, self.region, (), signature)
        else:
            headers.setdefault("Date", http_date(now))
            string_to_sign = signing.v1_string_to_sign(method, bucket, key, headers, pairs)
            headers["Authorization"] = signing.v1_authorization(
                self.access_key_id, self.access_key_secret, string_to_sign
            )

    def request(
        self,
        method: str,
        bucket: str | None,
        key: str | None = None,
        query: Query = None,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        sign: bool = True,
        skew: float = 0,
        raw_query: str | None = None,
    ) -> requests.Response:
        """`raw_query` (e.g. "symlink=") is sent verbatim instead of the encoded `query`."""
        pairs = _pairs(query)
        url, host = self._url_and_host(bucket, key)
        sent = dict(headers or {})
        sent["Host"] = host
        if sign:
            signed_pairs = pairs if raw_query is None else split_query(raw_query)
            self.sign(method, bucket, key, sent, signed_pairs, skew)
        query_text = raw_query if raw_query is not None else encode_query(pairs)
        if query_text:
            url += "?" + query_text
        encoded = {name: value.encode("utf-8") for name, value in sent.items()}  # UTF-8 on the wire
        return self.session.request(method, url, headers=encoded, data=body, allow_redirects=False, timeout=30)

    def put_symlink(self, bucket: str, link: str, target: str, **headers: str) -> requests.Response:
        """PutSymlink with `target` sent as given (callers encode it when they mean to)."""
        return self.request(
            "PUT", bucket, link, query={"symlink": ""}, headers={"x-oss-symlink-target": target, **headers}
        )


def error_fields(body: bytes) -> dict[str, str]:
    """The children of an <Error> body as a dict (tag -> text)."""
    root = ET.fromstring(body)
    assert root.tag == "Error", body
    return {child.tag: child.text or "" for child in root}


def wait_restored(client, bucket: str, key: str, seconds: float = 10.0) -> bool:
    """Poll HEAD until x-oss-restore says the restore completed (the server's restore window is 1 s)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if 'ongoing-request="false"' in client.request("HEAD", bucket, key).headers.get("x-oss-restore", ""):
            return True
        time.sleep(0.1)
    return False


def module_server(**kwargs: Any):
    """A module-scoped pytest fixture that runs one ReferenceServer(**kwargs) for the whole test module."""

    @pytest.fixture(scope="module")
    def server():
        with ReferenceServer(**kwargs) as running:
            yield running

    return server


def client_for(server, version: str = "v1", **kwargs) -> SignedClient:
    """A SignedClient with the server's own credentials."""
    credentials = server.context.credentials
    return SignedClient(
        server.url, credentials.access_key_id, credentials.access_key_secret, credentials.region, version, **kwargs
    )
