"""Where a request goes: URL and Host header for path-style and virtual-host addressing.

Virtual-host puts the bucket in the URL's host name (`bucket.endpoint-host`), as the SDKs do, so that DNS,
proxies, TLS SNI and the certificate all see the name the server is addressed by (transport.py can pin that
name to an address).

Keys are percent-encoded whole, '/' included (as oss2 does), so that no HTTP layer normalises '//' or dot
segments inside a key; the server decodes the path. Sources: docs/oss-facts.md §6.5.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlsplit

ADDRESSING_STYLES = ("path", "virtual-host")

# (name, value): value None sends the bare name (`?symlink`), "" sends `name=` (`?symlink=`).
QueryPairs = list[tuple[str, str | None]]


def encode_key(key: str) -> str:
    return quote(key, safe="")


def encode_query(query: Iterable[tuple[str, str | None]]) -> str:
    parts = []
    for name, value in query:
        encoded = quote(name, safe="")
        parts.append(encoded if value is None else f"{encoded}={quote(value, safe='')}")
    return "&".join(parts)


def build_target(endpoint: str, style: str, bucket: str | None, key: str | None, query: QueryPairs) -> tuple[str, str]:
    """Return (url, host header) for a request."""
    parts = urlsplit(endpoint.rstrip("/"))
    netloc = parts.netloc
    path = "/"
    host = netloc
    if bucket and style == "virtual-host":
        host = f"{bucket}.{netloc}"
        path = "/" + encode_key(key or "")
    elif bucket:
        path = f"/{bucket}/" + encode_key(key or "")
    qs = encode_query(query)
    url = f"{parts.scheme}://{host}{path}" + (f"?{qs}" if qs else "")
    return url, host
