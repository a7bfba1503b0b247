"""OssClient: one signed requests.Session bound to an endpoint, a bucket and the run namespace.

No retries: a conformance suite must see each answer exactly as sent. Every exchange is bounded whatever the
server does: a deadline for the whole exchange (not per socket read, so a trickled body cannot hold the run),
and replies are streamed under a size cap (a huge body ends the test as *error*, never exhausts memory).
"""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote
from xml.sax.saxutils import escape

import requests
import urllib3
from requests.structures import CaseInsensitiveDict
from requests.utils import requote_uri

from .addressing import QueryPairs, build_target
from .auth import OssAuth
from .errors import OssError, parse_error
from .namespace import Namespace
from .transcript import Exchange, Transcript
from .transport import tls_reason
from .xml import child_text, elements, parse, url_decoder

WRITE_METHODS = ("PUT", "POST")


CHUNK = 64 * 1024


class NoUsableAnswer(RuntimeError):
    """The endpoint gave no usable answer (refused, reset, timed out): not a verdict on the server."""


class ReplyTooLarge(NoUsableAnswer):
    """The reply body is larger than the configured cap; what was read is dropped."""


@dataclass(frozen=True)
class ExchangeLimits:
    reply_cap: int = 8 * 1024 * 1024  # bytes of body read before the reply is refused
    deadline: float = 60.0  # seconds for one whole exchange
    # Absolute time.monotonic() after which no request starts (the test's or the run's deadline), or None.
    cutoff: Callable[[], float | None] = lambda: None


def _short(exc: BaseException, limit: int = 160) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[:limit] + "..."


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


# While conformance.reach records: the lowercase names of the reply headers the running test has read ("*": all
# of them, by iterating). A quirk that changes only headers it never read cannot change its verdict.
HEADER_READS: set[str] | None = None


class ReadHeaders(CaseInsensitiveDict):
    """A reply's headers that note each read in HEADER_READS, whichever test reads them (a shared setup's reply is
    read by later tests)."""

    def __getitem__(self, key: str) -> str:
        _read(key.lower())
        return super().__getitem__(key)


def _read(name: str) -> None:
    if HEADER_READS is not None:
        HEADER_READS.add(name)


def _reading_all(name: str) -> Callable:
    """A method of CaseInsensitiveDict that sees every header (get, `in`, items and the rest go through these)."""
    inherited = getattr(CaseInsensitiveDict, name)

    def method(self, *args):
        _read("*")
        return inherited(self, *args)

    return method


for _name in ("__iter__", "__len__", "lower_items", "copy"):
    setattr(ReadHeaders, _name, _reading_all(_name))


@dataclass
class WrittenKeys:
    """Every (bucket, key) this run created, plus writes sent without an answer yet (they may exist): cleanup
    deletes them without relying on listings. With a journal, every change is also appended to it."""

    keys: set[tuple[str, str]] = field(default_factory=set)
    inflight: set[tuple[str, str]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    journal: Callable[[str, str, str], None] | None = None  # (op "put"/"del", bucket, key): survives SIGKILL

    def _log(self, op: str, bucket: str, key: str) -> None:
        if self.journal is not None:
            self.journal(op, bucket, key)

    def add(self, bucket: str, key: str) -> None:
        with self.lock:
            self.keys.add((bucket, key))

    def discard(self, bucket: str, key: str) -> None:
        with self.lock:
            self.keys.discard((bucket, key))
            self.inflight.discard((bucket, key))
        self._log("del", bucket, key)

    def attempt(self, bucket: str, key: str) -> None:
        """A write is about to be sent: until it is answered, cleanup must try this key."""
        with self.lock:
            self.inflight.add((bucket, key))
        self._log("put", bucket, key)

    def settle(self, bucket: str, key: str, stored: bool) -> None:
        """The write was answered: stored (2xx), or refused (then it created nothing)."""
        with self.lock:
            self.inflight.discard((bucket, key))
            if stored:
                self.keys.add((bucket, key))
            forgotten = not stored and (bucket, key) not in self.keys
        if forgotten:
            self._log("del", bucket, key)

    def snapshot(self) -> list[tuple[str, str]]:
        with self.lock:
            return sorted(self.keys | self.inflight)


def confirmed_deleted(reply: Reply, objects: list[tuple[str, str | None]]) -> set[tuple[str, str | None]]:
    """The (key, version id or None) of `objects` a DeleteMultipleObjects reply lists under Deleted. A quiet reply
    lists only failures, so it confirms nothing: its keys stay written, and cleanup deletes them again (a delete
    of a missing key costs one 204) rather than trust a 200 that may have removed nothing."""
    root, _ = parse(reply.body) if reply.status == 200 else (None, "")
    if root is None:
        return set()
    decode = url_decoder(root)
    listed = {(decode(child_text(e, "Key") or ""), child_text(e, "VersionId")) for e in elements(root, "Deleted")}
    keys = {key for key, _ in listed}
    return {(key, v) for key, v in objects if ((key, v) in listed if v else key in keys)}


def _as_pairs(query: Mapping[str, str | None] | Iterable[tuple[str, str | None]] | None) -> QueryPairs:
    if query is None:
        return []
    if isinstance(query, Mapping):
        return list(query.items())
    return list(query)


def prepare(
    session: requests.Session, method: str, url: str, headers: Mapping[str, str], data: bytes
) -> requests.PreparedRequest:
    """What `session.prepare_request` makes of this request, at a fifth of its cost: build_target encodes the URL
    already (a URL requests would still change, say a bucket name with a space, goes the long way), and the
    session has no cookies, auth or parameters of its own to merge, only headers. tests/test_client.py holds the
    two equal."""
    netloc = url.partition("://")[2].partition("/")[0]
    if netloc != netloc.lower() or requote_uri(url) != url:
        return session.prepare_request(requests.Request(method, url, headers=headers, data=data or None))
    prepared = requests.PreparedRequest()
    prepared.method = method
    prepared.url = url
    prepared.prepare_headers({**session.headers, **headers})  # the same validation: a bad value is refused
    prepared.body = data or None
    prepared.hooks = requests.hooks.default_hooks()
    prepared.prepare_content_length(prepared.body)
    return prepared


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
        limits: ExchangeLimits | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.bucket = bucket
        self.auth = auth
        self.namespace = namespace
        self.transcript = transcript
        self.addressing = addressing
        self.timeout = timeout
        self.written = written if written is not None else WrittenKeys()
        self.limits = limits or ExchangeLimits()
        self.session = session or requests.Session()
        self.session.trust_env = False  # nothing from the environment; transport.py adds the standard proxies

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
            limits=self.limits,
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
        prepared = prepare(self.session, method, url, sent_headers, data)
        prepared.oss_resource = (bucket or None, key)  # type: ignore[attr-defined]  # what the signer signs
        if self.auth is not None:
            prepared = self.auth(prepared)
        if data == b"" and method in WRITE_METHODS:
            prepared.headers["Content-Length"] = "0"
        if method in WRITE_METHODS and key is not None:
            self.written.attempt(bucket, key)  # journalled before sending: a write without an answer may exist
        try:
            response, body = self._exchange(method, prepared)
        except NoUsableAnswer as exc:
            self.transcript.record(method, url, prepared.headers, data, None, failure=str(exc))
            raise NoUsableAnswer(f"{method} {url}: {exc}") from None
        exchange = self.transcript.record(
            method, url, prepared.headers, data, response.status_code, response.headers, body
        )
        headers = response.headers if HEADER_READS is None else ReadHeaders(response.headers)
        reply = Reply(
            status=response.status_code,
            headers=headers,
            body=body,
            error=parse_error(method, response.status_code, headers, body),
            exchange=exchange,
        )
        self._track(method, bucket, key, reply, {name for name, _ in _as_pairs(query)})
        return reply

    def _exchange(self, method: str, prepared: requests.PreparedRequest) -> tuple[requests.Response, bytes]:
        """Send and read the whole reply within the deadline and the size cap; NoUsableAnswer otherwise."""
        deadline = self._deadline()
        remaining = max(0.01, deadline - time.monotonic())
        timeout = (min(self.timeout[0], remaining), min(self.timeout[1], remaining))
        try:
            response = self.session.send(prepared, timeout=timeout, allow_redirects=False, stream=True)
        except requests.exceptions.SSLError as exc:
            raise NoUsableAnswer(f"no answer over TLS ({tls_reason(exc)})") from None
        except requests.RequestException as exc:
            raise NoUsableAnswer(f"no answer from the endpoint ({_short(exc)})") from None
        try:
            body = b"" if method == "HEAD" else self._read_body(response, deadline)
        finally:
            response.close()  # an unread remainder is never drained: the connection is dropped instead
        return response, body

    def _deadline(self) -> float:
        now = time.monotonic()
        cutoff = self.limits.cutoff()
        if cutoff is not None and now >= cutoff:
            raise NoUsableAnswer("not sent: the test's or the run's deadline has passed")
        deadline = now + self.limits.deadline
        return deadline if cutoff is None else min(deadline, cutoff)

    def _read_body(self, response: requests.Response, deadline: float) -> bytes:
        cap = self.limits.reply_cap
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise ReplyTooLarge(f"reply body over the cap: declared {declared} bytes, read 0, cap {cap}")
        body = bytearray()
        while True:
            if time.monotonic() > deadline:
                raise NoUsableAnswer(f"reply not complete within the deadline ({len(body)} bytes read)")
            try:
                chunk = response.raw.read1(CHUNK, decode_content=True)  # returns what is there, never waits for all
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise NoUsableAnswer(f"reply broken off after {len(body)} bytes ({_short(exc)})") from None
            if not chunk:
                return bytes(body)
            body += chunk
            if len(body) > cap:
                raise ReplyTooLarge(
                    f"reply body over the cap: declared {declared or 'no length'}, read {len(body)} bytes, cap {cap}"
                )

    def _track(self, method: str, bucket: str, key: str | None, reply: Reply, params: set[str]) -> None:
        if key is None:
            return
        if method in WRITE_METHODS:
            self.written.settle(bucket, key, 200 <= reply.status < 300)
        elif method == "DELETE" and 200 <= reply.status < 300 and params <= {"versionId"}:  # not ?uploadId
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
        """PUT ?symlink. The target is percent-encoded as the docs require unless encode=False, with `/` kept
        (as ali-oss sends it): a name of letters, digits, `-_.~` and `/`, as every key the suite makes for a
        test's setup, then travels the same raw or encoded, so a setup does not depend on the server's
        decoding, which the target-encoding rules judge. target=None omits the header; query_form ""
        sends `?symlink=` instead of `?symlink`."""
        sent = dict(headers or {})
        if target is not None:
            sent["x-oss-symlink-target"] = quote(target) if encode else target
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

    def delete_multiple(
        self,
        keys: Iterable[str | tuple[str, str | None]],
        quiet: bool = False,
        headers: Mapping[str, str] | None = None,
        **params: str,
    ) -> Reply:
        """POST ?delete of keys, or of (key, version id) pairs. Every key is checked against the run namespace
        first. Control characters in a key are sent raw, as oss2 sends them; `body=` in params is not accepted (use
        request() for raw bodies)."""
        objects = [(entry, None) if isinstance(entry, str) else entry for entry in keys]
        for key, _ in objects:
            self.namespace.check("DELETE", key)
        body = delete_body(objects, quiet)
        sent = {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode(), **(headers or {})}
        reply = self.request("POST", None, query=[("delete", None), *params.items()], data=body, headers=sent)
        for key, version_id in confirmed_deleted(reply, objects):
            if version_id is None:  # deleting one version leaves the key written
                self.written.discard(self.bucket, key)
        return reply

    # ------------------------------------------------------------ multipart upload

    def initiate_multipart(self, key: str, headers: Mapping[str, str] | None = None, **params: str) -> Reply:
        return self.request("POST", key, query=[("uploads", None), *params.items()], headers=headers)

    def upload_part(
        self, key: str, upload_id: str, number: int | str, data: bytes, headers: Mapping[str, str] | None = None
    ) -> Reply:
        query = [("partNumber", str(number)), ("uploadId", upload_id)]
        return self.request("PUT", key, query=query, data=data, headers=headers)

    def upload_part_copy(
        self, key: str, upload_id: str, number: int, source_key: str, headers: Mapping[str, str] | None = None
    ) -> Reply:
        sent = {"x-oss-copy-source": f"/{self.bucket}/{quote(source_key, safe='')}", **(headers or {})}
        return self.upload_part(key, upload_id, number, b"", sent)

    def complete_multipart(
        self,
        key: str,
        upload_id: str,
        parts: Iterable[tuple[int, str]] | None,
        headers: Mapping[str, str] | None = None,
        **params: str,
    ) -> Reply:
        """parts = [(part number, ETag)] in the order given; None sends no body (for x-oss-complete-all)."""
        body = b"" if parts is None else complete_body(parts)
        query = [("uploadId", upload_id), *params.items()]
        return self.request("POST", key, query=query, data=body, headers=headers)

    def abort_multipart(self, key: str, upload_id: str) -> Reply:
        return self.request("DELETE", key, query=[("uploadId", upload_id)])

    def list_parts(self, key: str, upload_id: str, **params: str) -> Reply:
        return self.request("GET", key, query=[("uploadId", upload_id), *params.items()])

    def list_multipart_uploads(self, **params: str) -> Reply:
        return self.request("GET", None, query=[("uploads", None), *params.items()])


def delete_body(objects: Iterable[tuple[str, str | None]], quiet: bool = False) -> bytes:
    """The DeleteMultipleObjects body of (key, version id or None) pairs; only & < > are escaped, so control
    characters travel raw."""
    listed = "".join(
        f"<Object><Key>{escape(key)}</Key>" + (f"<VersionId>{escape(v)}</VersionId>" if v else "") + "</Object>"
        for key, v in objects
    )
    return f"<Delete><Quiet>{str(quiet).lower()}</Quiet>{listed}</Delete>".encode()


def complete_body(parts: Iterable[tuple[int, str]]) -> bytes:
    """The CompleteMultipartUpload body, parts in the order given (a test may send them out of order)."""
    listed = "".join(f"<Part><PartNumber>{n}</PartNumber><ETag>{etag}</ETag></Part>" for n, etag in parts)
    return f"<CompleteMultipartUpload>{listed}</CompleteMultipartUpload>".encode()
