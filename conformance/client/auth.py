"""Signing attached to a requests session as an `AuthBase`: V1 (HMAC-SHA1) or V4 (OSS4-HMAC-SHA256).

The bucket and key are read back from the prepared request (Host header for virtual-host, first path segment
for path-style), so the object signs exactly what goes on the wire.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import unquote, urlsplit

import requests

from . import signing

SIGNATURE_VERSIONS = ("v1", "v4")


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    access_key_secret: str
    session_token: str = ""

    def __repr__(self) -> str:  # never print a secret by accident
        return f"Credentials(access_key_id={self.access_key_id!r}, access_key_secret=<redacted>)"


def split_resource(url: str, host: str) -> tuple[str | None, str | None]:
    """(bucket, key) of a request URL, decoded."""
    parts = urlsplit(url)
    path = parts.path
    if host != parts.netloc and host.endswith("." + parts.netloc):
        bucket = host[: -len(parts.netloc) - 1]
        return bucket, unquote(path[1:])
    bucket, _, key = path[1:].partition("/")
    if not bucket:
        return None, None
    return unquote(bucket), unquote(key)


class OssAuth(requests.auth.AuthBase):
    """Signs each request at send time. `clock` may be shifted to provoke RequestTimeTooSkewed."""

    def __init__(
        self,
        credentials: Credentials,
        version: str = "v4",
        region: str = "cn-hangzhou",
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        if version not in SIGNATURE_VERSIONS:
            raise ValueError(f"signature version {version!r} is not one of {', '.join(SIGNATURE_VERSIONS)}")
        self.credentials = credentials
        self.version = version
        self.region = region
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        now = self.clock()
        headers = request.headers
        headers["Date"] = format_datetime(now, usegmt=True)
        if self.credentials.session_token:
            headers["x-oss-security-token"] = self.credentials.session_token
        host = headers.get("Host") or urlsplit(request.url).netloc
        # the client names the resource (the URL alone cannot tell `bucket.host/` from a service request)
        bucket, key = getattr(request, "oss_resource", None) or split_resource(request.url, host)
        query = signing.split_query(urlsplit(request.url).query)
        method = request.method or "GET"
        if self.version == "v1":
            text = signing.v1_string_to_sign(method, bucket, key, headers, query)
            headers["Authorization"] = signing.v1_authorization(
                self.credentials.access_key_id, self.credentials.access_key_secret, text
            )
            return request
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        headers["x-oss-date"] = stamp
        headers.setdefault("x-oss-content-sha256", signing.UNSIGNED_PAYLOAD)
        canonical = signing.v4_canonical_request(method, bucket, key, headers, query)
        signature = signing.v4_signature(
            self.credentials.access_key_secret,
            stamp[:8],
            self.region,
            signing.v4_string_to_sign(stamp, self.region, canonical),
        )
        headers["Authorization"] = signing.v4_authorization(
            self.credentials.access_key_id, stamp, self.region, (), signature
        )
        return request
