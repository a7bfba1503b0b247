"""ReferenceServer: the embedded OSS server, started in a daemon thread (or served by the CLI)."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterable
from typing import Any

from conformance.server.auth import AccountKeys
from conformance.server.context import Context
from conformance.server.latency import MeteredHandler, MeteredHTTPServer
from conformance.server.quirks import Quirks
from conformance.server.storage import Store

DEFAULT_ACCESS_KEY_ID = "test-access-key-id"
DEFAULT_ACCESS_KEY_SECRET = "test-access-key-secret"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: addresses only this machine can reach."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class ReferenceServer:
    """Starts with three buckets: `<bucket>` (plain), `<bucket>-versioned` (versioning Enabled) and
    `<bucket>-worm` (a locked retention policy: existing objects cannot be overwritten or deleted)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        bucket: str = "oss-conformance",
        access_key_id: str = DEFAULT_ACCESS_KEY_ID,
        access_key_secret: str = DEFAULT_ACCESS_KEY_SECRET,
        region: str = "cn-hangzhou",
        quirks: Iterable[str] = (),
        data_dir: str | None = None,
        verbose: bool = False,
        tls: ssl.SSLContext | None = None,
        max_body: int = 64 * 1024 * 1024,
        latency_ms: float = 0.0,
        restore_seconds: float = 1.0,
    ) -> None:
        self.host, self.port, self.bucket = host, port, bucket
        self.tls = tls
        store = Store(data_dir)
        store.ensure_bucket(bucket)
        store.ensure_bucket(f"{bucket}-versioned", versioning="Enabled")
        store.ensure_bucket(f"{bucket}-worm", worm=True)
        credentials = AccountKeys(access_key_id, access_key_secret, region)
        self.context = Context(store, credentials, Quirks(quirks), verbose, max_body, restore_seconds)
        self.latency = latency_ms / 1000
        self._httpd: MeteredHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def quirks(self) -> Quirks:
        return self.context.quirks

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    @property
    def buckets(self) -> dict[str, dict[str, Any]]:
        """Bucket name -> features: versioning (None/"Enabled"/"Suspended"), worm, acl."""
        return {
            b.name: {"versioning": b.versioning, "worm": b.worm, "acl": b.acl} for b in self.context.store.buckets()
        }

    @property
    def requests_served(self) -> int:
        return self._httpd.served if self._httpd is not None else 0

    def bind(self) -> None:
        """Open the listening socket (resolving port 0) without serving yet."""
        server_class = MeteredHTTPServer
        if ":" in self.host:
            server_class = type("OssHTTPServer6", (MeteredHTTPServer,), {"address_family": socket.AF_INET6})
        self._httpd = server_class((self.host, self.port), MeteredHandler)
        self._httpd.context = self.context
        self._httpd.latency = self.latency
        if self.tls is not None:
            # the handshake happens in the handler thread, on first read: a slow client cannot stall accept()
            self._httpd.socket = self.tls.wrap_socket(
                self._httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self.port = self._httpd.server_address[1]

    def serve_forever(self) -> None:
        if self._httpd is None:
            self.bind()
        assert self._httpd is not None
        self._httpd.serve_forever(poll_interval=0.02)  # stop() waits up to one interval

    def start(self) -> ReferenceServer:
        """Serve in a daemon thread; returns at once."""
        self.bind()
        self._thread = threading.Thread(target=self.serve_forever, name="oss-reference-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=10)
        self._httpd.server_close()
        self._httpd, self._thread = None, None

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
