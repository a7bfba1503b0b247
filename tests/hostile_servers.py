"""Small stdlib servers that misbehave the ways a broken server under test does (issue 13), for the run's
robustness tests. Each answers its first `honest` requests as a plausible OSS server (404 NoSuchKey, 200 to
writes), so the start-up probe passes and the misbehaviour meets the tests themselves.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NO_SUCH_KEY = b"<?xml version='1.0' encoding='UTF-8'?><Error><Code>NoSuchKey</Code><Message>m</Message></Error>"


def _error(code: str) -> bytes:
    return f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>m</Message></Error>".encode()


class Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mode = "honest"
    honest = 1
    served = 0  # requests answered so far (class-wide, under the lock)
    lock = threading.Lock()

    def log_message(self, *args: object) -> None:
        pass

    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    upstream: str = ""  # when set, honest requests are forwarded to this real (reference) server

    def _plausible(self, body: bytes) -> None:
        """What an empty OSS bucket answers (writes stored, reads 404 NoSuchKey), or the upstream's answer."""
        if self.upstream:
            return self._forward(body)
        if self.command in ("PUT", "POST", "DELETE"):
            self._reply(204 if self.command == "DELETE" else 200, headers={"ETag": '"0"'})
        else:
            self._reply(404, NO_SUCH_KEY, {"Content-Type": "application/xml"})

    def _forward(self, body: bytes) -> None:
        host, port = self.upstream.rsplit("/", 1)[-1].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request(self.command, self.path, body=body or None, headers=dict(self.headers.items()))
        reply = connection.getresponse()
        data = reply.read()
        self.send_response(reply.status)
        for name, value in reply.getheaders():
            if name.lower() not in ("content-length", "connection", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        connection.close()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.lock:
            type(self).served += 1
            number = type(self).served
        if number <= self.honest:
            return self._plausible(body)
        getattr(self, "_" + self.mode.replace("-", "_"))()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

    # ------------------------------------------------------------ the misbehaviours

    def _huge_fast(self) -> None:
        """A body with no declared length, as fast as the socket takes it, until the client hangs up."""
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"x" * (1 << 20)
        try:
            for _ in range(4096):  # 4 GiB at most
                self.wfile.write(chunk)
        except OSError:
            pass
        self.close_connection = True

    def _huge_trickled(self) -> None:
        """A declared 512 KiB body (under the cap) at 10 KB/s: every socket read succeeds, the exchange drags on."""
        self.send_response(200)
        self.send_header("Content-Length", str(512 << 10))
        self.end_headers()
        try:
            for _ in range(512):
                self.wfile.write(b"x" * 1024)
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass
        self.close_connection = True

    def _hang(self) -> None:
        time.sleep(3600)

    def _error_500(self) -> None:
        self._reply(500, _error("InternalError"), {"Content-Type": "application/xml"})

    def _refuse_credentials(self) -> None:
        self._reply(403, _error("InvalidAccessKeyId"), {"Content-Type": "application/xml"})

    def _no_bucket(self) -> None:
        self._reply(404, _error("NoSuchBucket"), {"Content-Type": "application/xml"})

    def _die(self) -> None:
        """The process dies: this connection drops and nothing listens any more."""
        self.close_connection = True
        server = self.server

        def die() -> None:
            server.shutdown()
            server.socket.close()

        threading.Thread(target=die, daemon=True).start()


@contextmanager
def hostile_server(mode: str, honest: int = 1, upstream: str = "") -> Iterator[str]:
    attributes = {"mode": mode, "honest": honest, "served": 0, "upstream": upstream}
    handler = type(f"Hostile_{mode}", (Hostile,), attributes)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
