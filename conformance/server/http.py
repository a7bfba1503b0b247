"""The HTTP front: read a request, authenticate, dispatch, and write the reply the way OSS does.

Every reply carries x-oss-request-id, Date, Server: AliyunOSS and Content-Length (keep-alive needs it).
Errors are XML with x-oss-ec; HEAD errors have no body and carry the base64 error XML in x-oss-err
(docs/oss-facts.md §6.1). Header bytes are treated as UTF-8 both ways, since metadata values may be UTF-8.
"""

from __future__ import annotations

import base64
import socketserver
import sys
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conformance.server.auth import authenticate
from conformance.server.context import Context
from conformance.server.errors import ErrorReply, error_xml
from conformance.server.listing import lists_missing_bucket
from conformance.server.request import Request, Response, build_request
from conformance.server.rewrites import filter_error, filter_reply, filter_request
from conformance.server.router import creates_bucket, dispatch
from conformance.server.xmlutil import http_date


def _as_utf8(value: str) -> str:
    """http.server decodes header bytes as Latin-1; recover UTF-8 text when the bytes are UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def error_response(ctx: Context, error: ErrorReply, request_id: str, host: str, head: bool) -> Response:
    filter_error(ctx, error)
    body = error_xml(error, request_id, host)
    headers = {"Content-Type": "application/xml", "x-oss-ec": error.ec or "", **error.headers}
    if ctx.quirks.has("error-body-not-xml"):
        body, headers["Content-Type"] = f"{error.code}: {error.message}".encode(), "text/plain"
    if error.status == 304:
        return Response(304, dict(error.headers), b"", 0)
    if head:
        if not ctx.quirks.has("head-error-without-x-oss-err"):
            headers["x-oss-err"] = base64.b64encode(body).decode()
        return Response(error.status or 500, headers, b"", 0)
    return Response(error.status or 500, headers, body)


class OssRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AliyunOSS"
    timeout = 300  # seconds an idle keep-alive connection may hold its thread
    server: OssHTTPServer

    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_PUT = do_POST = do_DELETE = do_OPTIONS = do_PATCH = do_GET

    def log_message(self, format: str, *args: object) -> None:
        if self.server.context.verbose:
            super().log_message(format, *args)

    def _lower_headers(self) -> dict[str, str]:
        names = dict.fromkeys(name.lower() for name in self.headers)
        return {name: _as_utf8(",".join(self.headers.get_all(name) or [])) for name in names}

    def _read_body(self, headers: dict[str, str]) -> bytes:
        """The body, up to the server's cap: over it, EntityTooLarge without reading the rest."""
        cap = self.server.context.max_body
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self._read_chunked(cap)
        length = int(headers.get("content-length") or 0)
        if length > cap:
            self.close_connection = True  # the unread body makes the connection unusable
            raise ErrorReply("EntityTooLarge", extras={"MaxSizeAllowed": str(cap), "ProposedSize": str(length)})
        body = self.rfile.read(length) if length > 0 else b""
        if len(body) < length:
            self.close_connection = True
            raise ErrorReply("IncompleteBody")
        return body

    def _read_chunked(self, cap: int) -> bytes:
        chunks, total = [], 0
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > cap:
                self.close_connection = True
                raise ErrorReply("EntityTooLarge", extras={"MaxSizeAllowed": str(cap)})
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _handle(self) -> None:
        ctx = self.server.context
        self._body_done = False
        request_id = ctx.next_request_id()
        headers = self._lower_headers()
        head = self.command == "HEAD"
        request = None
        try:
            request = build_request(self.command, self.path, headers, b"", ctx.store.has_bucket, ctx.quirks)
            missing = request.bucket and not ctx.store.has_bucket(request.bucket)
            if missing and not creates_bucket(request) and not lists_missing_bucket(ctx, request):
                raise ErrorReply("NoSuchBucket", extras={"BucketName": request.bucket})  # before the key is judged
            authenticate(request, ctx.credentials, quirks=ctx.quirks)  # from the headers: no body read yet
            request.body = self._body_for(request, headers)
            filter_request(ctx, request)
            response = dispatch(ctx, request)
        except ErrorReply as error:
            if not self._body_done:
                self.close_connection = True  # an unread body would be taken for the next request
            response = error_response(ctx, error, request_id, headers.get("host", ""), head)
        except Exception:  # a server bug must still produce a well-formed reply
            traceback.print_exc(file=sys.stderr)
            response = error_response(ctx, ErrorReply("InternalError"), request_id, headers.get("host", ""), head)
        self._send(response, request_id, head, request)

    _body_done = False

    def _body_for(self, request, headers: dict[str, str]) -> bytes:
        """Read the body only for a signed request: an anonymous write is refused by the router anyway, so
        an unauthenticated 1 GB PUT costs nothing."""
        if request.anonymous and self.command not in ("GET", "HEAD"):
            return b""
        try:
            body = self._read_body(headers)
        except ValueError:
            raise ErrorReply("InvalidRequest", "The request body framing is invalid.") from None
        self._body_done = True
        return body

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed HTTP (bad request line, headers, version): still an OSS XML error where a reply is possible."""
        self.close_connection = True
        codes = {400: "InvalidRequest", 405: "MethodNotAllowed", 501: "NotImplemented"}
        error = ErrorReply(codes.get(code, "InvalidRequest"), message or "Malformed HTTP request.", status=code)
        request_id = self.server.context.next_request_id()
        host = self.headers.get("host", "") if getattr(self, "headers", None) else ""
        response = error_response(self.server.context, error, request_id, host, self.command == "HEAD")
        if not hasattr(self, "wfile"):
            return
        self._send(response, request_id, getattr(self, "command", "") == "HEAD")

    def _send(self, response: Response, request_id: str, head: bool, request: Request | None = None) -> None:
        length = response.content_length if response.content_length is not None else len(response.body)
        common = {
            "Server": "AliyunOSS",
            "Date": http_date(),
            "Content-Length": str(length),
            "Connection": "close" if self.close_connection else "keep-alive",
            "x-oss-request-id": request_id,
        }
        reply = Response(response.status, {**common, **response.headers}, response.body)
        filter_reply(self.server.context, request, reply)
        lines = [f"HTTP/1.1 {reply.status} {HTTPStatus(reply.status).phrase}"]
        lines += [f"{name}: {value}" for name, value in reply.headers.items()]
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
        try:
            self.wfile.write(payload if head else payload + reply.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        self.log_request(reply.status, length)


class OssHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default backlog of 5 drops connections under parallel clients
    context: Context

    def server_bind(self) -> None:
        # Skip HTTPServer.server_bind's getfqdn(): a reverse DNS lookup is traffic off loopback.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)
