"""The parsed request and the reply an operation builds, plus Host/path/query parsing.

Addressing (docs/oss-facts.md §6.5): virtual-host when the first Host label is an existing bucket and more labels
follow (`bucket.127.0.0.1:PORT`), else path-style `/<bucket>/<key>`. The path is percent-decoded after the
bucket is split off, so `%2F` inside a key is a `/` of the key. Query values are decoded with form rules
(`+` is a space), matching what `requests`' params= and the SDKs (which always send `%2B`) produce.
"""

from __future__ import annotations

import ipaddress
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from conformance.client.signing import split_query
from conformance.server.errors import ErrorReply
from conformance.server.quirks import NO_QUIRKS, Quirks


@dataclass
class Request:
    method: str
    bucket: str | None  # None: a service-level request (GET /)
    key: str | None  # None: a bucket-level request
    query: list[tuple[str, str]]  # decoded, in order, blank values kept (`?symlink` == `?symlink=`)
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    host: str = ""
    anonymous: bool = True  # cleared by auth when a valid signature was presented
    key_error: ErrorReply | None = None  # a key that could not be decoded; raised when the key is needed
    raw_key: str | None = None  # the key as the path carried it, before percent-decoding
    operation: Callable | None = None  # the handler that answers it (set by the router; reply filters read it)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def has(self, name: str) -> bool:
        return any(k == name for k, _ in self.query)

    def param(self, name: str, default: str | None = None) -> str | None:
        for k, v in self.query:
            if k == name:
                return v
        return default


@dataclass
class Response:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_length: int | None = None  # set when no body is sent (HEAD): the length a GET would carry


def host_name(host: str) -> str:
    """The Host header without its port (IPv6 literals keep their brackets off)."""
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def split_target(host: str, target: str, is_bucket: Callable[[str], bool]) -> tuple[str, str | None, str | None]:
    """(raw query, decoded bucket or None, raw still-encoded key or None) of a request target."""
    parts = urlsplit(target)
    path, query = parts.path or "/", parts.query
    name = host_name(host)
    labels = name.split(".")
    # `<bucket>.<ip or localhost>` is virtual-host even when the bucket does not exist (then: NoSuchBucket)
    own_name = len(labels) > 1 and (is_ip(".".join(labels[1:])) or labels[1:] == ["localhost"])
    if len(labels) > 1 and not is_ip(name) and (is_bucket(labels[0]) or own_name):
        raw_key = path[1:]
        return query, labels[0], raw_key or None
    bucket_part, slash, raw_key = path[1:].partition("/")
    if not bucket_part:
        return query, None, None
    return query, unquote(bucket_part), (raw_key if slash and raw_key else None)


def decode_key(raw_key: str) -> str:
    """Percent-decode a key; keys must be UTF-8 (docs/oss-facts.md §5: not UTF-8 -> EC 0016-00000002)."""
    try:
        return unquote_to_bytes(raw_key).decode("utf-8")
    except UnicodeDecodeError:
        raise ErrorReply(
            "InvalidObjectName", "The Length of Object name must be less than 1024", ec="0016-00000002"
        ) from None


def build_request(
    method: str,
    target: str,
    headers: dict[str, str],
    body: bytes,
    is_bucket: Callable[[str], bool],
    quirks: Quirks = NO_QUIRKS,
) -> Request:
    host = headers.get("host", "")
    query, bucket, raw_key = split_target(host, target, is_bucket)
    request = Request(method, bucket, None, split_query(query), headers, body, host, raw_key=raw_key)
    # Each quirk is asked last, where it would change something: a quirk asked is a quirk reached (conformance.reach).
    if method == "GET" and "symlink=" in query.split("&") and quirks.has("get-symlink-equals-ignored"):
        request.query = [(name, value) for name, value in request.query if name != "symlink"]
    if raw_key is not None:
        try:
            request.key = _decode_key_with_quirks(raw_key, quirks)
        except ErrorReply as error:
            request.key, request.key_error = "", error
        if len(f"/{request.key}".encode("utf-8", "surrogatepass")) > 1023 and quirks.has("key-limit-counts-slash"):
            # refused where the key is needed (after the signature, which covers the key as sent)
            request.key_error = ErrorReply("InvalidObjectName", "The object name is too long.", ec="0016-00000002")
    return request


def _decode_key_with_quirks(raw_key: str, quirks: Quirks) -> str:
    key = decode_key(raw_key)
    if any(ord(c) < 0x20 for c in key) and quirks.has("control-characters-rejected"):
        raise ErrorReply("InvalidObjectName", "The specified object is not valid.", ec="0016-00000005")
    # a leading separator is refused as OSS does, so such a name is left as it is
    if key and key[0] not in "/\\" and posixpath.normpath(key) != key and quirks.has("names-normalized"):
        key = posixpath.normpath(key)
    return key
