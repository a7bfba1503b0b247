"""OssClient: one signed requests.Session bound to an endpoint, a bucket and the run namespace.

No retries and a timeout on every request: a conformance suite must see each answer exactly as sent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

import requests
from requests.structures import CaseInsensitiveDict

from .addressing import QueryPairs, build_target
from .auth import OssAuth
from .errors import OssError, parse_error
from .namespace import Namespace
from .transcript import Exchange, Transcript

WRITE_METHODS = ("PUT", "POST")


class HarnessError(RuntimeError):
    """The endpoint gave no usable answer (refused, reset, timed out): not a verdict on the server."""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: CaseInsensitiveDict
    body: bytes
    error: OssError | None
    exchange: Exchange

    @property
    def code(self) -> str | None:
        return self.error.code if self.error else None

    @property
    def ec(self) -> str:
        return (self.error.ec if self.error else "") or self.headers.get("x-oss-ec", "")

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass
class WrittenKeys:
    """Every (bucket, key) this run created: cleanup deletes them without relying on listings."""

    keys: set[tuple[str, str]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, bucket: str, key: str) -> None:
        with self.lock:
            self.keys.add((bucket, key))

    def discard(self, bucket: str, key: str) -> None:
        with self.lock:
            self.keys.discard((bucket, key))

    def snapshot(self) -> list[tuple[str, str]]:
        with self.lock:
            return sorted(self.keys)


def _as_pairs(query: Mapping[str, str | None] | Iterable[tuple[str, str | None]] | None) -> QueryPairs:
    if query is None:
        return []
    if isinstance(query, Mapping):
        return list(query.items())
    return list(query)


class OssClient:
    def __init__(
        self,
        endpoint: str,
        bucket: str,
        auth: OssAuth | None,
        namespace: Namespace,
        transcript: Transcript,
        addressing: str = "path",
        timeout: tuple[float, float] = (5.0, 30.0),
        written: WrittenKeys | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.bucket = bucket
        self.auth = auth
        self.namespace = namespace
        self.transcript = transcript
        self.addressing = addressing
        self.timeout = timeout
        self.written = written if written is not None else WrittenKeys()
        self.session = session or requests.Session()
        self.session.trust_env = False  # no proxies from the environment: traffic stays where we send it

    def with_options(self, **changes) -> OssClient:
        """A client sharing session, transcript and written-key log, with some fields changed
        (bucket=..., auth=None for anonymous requests, auth=OssAuth(...) for other credentials)."""
        fields = dict(
            endpoint=self.endpoint,
            bucket=self.bucket,
            auth=self.auth,
            namespace=self.namespace,
            transcript=self.transcript,
            addressing=self.addressing,
            timeout=self.timeout,
            written=self.written,
            session=self.session,
        )
        fields.update(changes)
        return OssClient(**fields)

    # ------------------------------------------------------------ the one way to send a request

    def request(
        self,
        method: str,
        key: str | None = None,
        *,
        query: Mapping[str, str | None] | Iterable[tuple[str, str | None]] | None = None,
        headers: Mapping[str, str] | None = None,
        data: bytes = b"",
        bucket: str | None = None,
    ) -> Reply:
        bucket = self.bucket if bucket is None else bucket
        self.namespace.check(method, key)
        url, host = build_target(self.endpoint, self.addressing, bucket, key, _as_pairs(query))
        sent_headers = {"Host": host, **(headers or {})}
        prepared = self.session.prepare_request(requests.Request(method, url, headers=sent_headers, data=data or None))
        prepared.oss_resource = (bucket or None, key)  # type: ignore[attr-defined]  # what the signer signs
        if self.auth is not None:
            prepared = self.auth(prepared)
        if data == b"" and method in WRITE_METHODS:
            prepared.headers["Content-Length"] = "0"
        try:
            response = self.session.send(prepared, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            self.transcript.record(method, url, prepared.headers, data, None, failure=str(exc))
            raise HarnessError(f"{method} {url}: no answer from the endpoint ({type(exc).__name__}: {exc})") from exc
        body = response.content if method != "HEAD" else b""
        exchange = self.transcript.record(
            method, url, prepared.headers, data, response.status_code, response.headers, body
        )
        reply = Reply(
            status=response.status_code,
            headers=response.headers,
            body=body,
            error=parse_error(method, response.status_code, response.headers, body),
            exchange=exchange,
        )
        self._track(method, bucket, key, reply)
        return reply

    def _track(self, method: str, bucket: str, key: str | None, reply: Reply) -> None:
        if key is None or not 200 <= reply.status < 300:
            return
        if method in WRITE_METHODS:
            self.written.add(bucket, key)
        elif method == "DELETE":
            self.written.discard(bucket, key)

    # ------------------------------------------------------------ named operations (thin on purpose)

    def put_object(self, key: str, data: bytes = b"", headers: Mapping[str, str] | None = None, **kw) -> Reply:
        return self.request("PUT", key, data=data, headers=headers, **kw)

    def get_object(self, key: str, headers: Mapping[str, str] | None = None, **kw) -> Reply:
        return self.request("GET", key, headers=headers, **kw)

    def head_object(self, key: str, headers: Mapping[str, str] | None = None, **kw) -> Reply:
        return self.request("HEAD", key, headers=headers, **kw)

    def get_object_meta(self, key: str, **kw) -> Reply:
        return self.request("HEAD", key, query=[("objectMeta", None)], **kw)

    def delete_object(self, key: str, version_id: str | None = None, **kw) -> Reply:
        query = [("versionId", version_id)] if version_id else None
        return self.request("DELETE", key, query=query, **kw)

    def put_symlink(
        self,
        key: str,
        target: str | None,
        headers: Mapping[str, str] | None = None,
        *,
        encode: bool = True,
        query_form: str | None = None,
        **kw,
    ) -> Reply:
        """PUT ?symlink. The target is percent-encoded as the docs require unless encode=False;
        target=None omits the header; query_form "" sends `?symlink=` instead of `?symlink`."""
        sent = dict(headers or {})
        if target is not None:
            sent["x-oss-symlink-target"] = quote(target, safe="") if encode else target
        return self.request("PUT", key, query=[("symlink", query_form)], headers=sent, **kw)

    def get_symlink(self, key: str, version_id: str | None = None, **kw) -> Reply:
        query: QueryPairs = [("symlink", None)] + ([("versionId", version_id)] if version_id else [])
        return self.request("GET", key, query=query, **kw)

    def copy_object(self, key: str, source_key: str, headers: Mapping[str, str] | None = None, **kw) -> Reply:
        source_bucket = kw.pop("source_bucket", None) or kw.get("bucket") or self.bucket
        sent = {"x-oss-copy-source": f"/{source_bucket}/{quote(source_key, safe='')}", **(headers or {})}
        return self.request("PUT", key, headers=sent, **kw)

    def append_object(
        self, key: str, position: int, data: bytes, headers: Mapping[str, str] | None = None, **kw
    ) -> Reply:
        return self.request(
            "POST", key, query=[("append", None), ("position", str(position))], data=data, headers=headers, **kw
        )

    def list_objects(self, **params: str) -> Reply:
        return self.request("GET", None, query=list(params.items()))
