"""A request handler that counts what it serves and can hold each request back, as a distant server would.

`serve --latency-ms 25` (or ReferenceServer(latency_ms=25)) makes every request wait 25 ms before it is
handled: what a server one region away feels like, to see how a CI run behaves against it. The count is what
`oss-conformance bench` reports as requests sent.
"""

from __future__ import annotations

import threading
import time

from conformance.server.http import OssHTTPServer, OssRequestHandler


class MeteredHTTPServer(OssHTTPServer):
    latency: float = 0.0  # seconds added to every request
    served: int = 0  # requests handled so far
    _lock = threading.Lock()

    def count(self) -> None:
        with self._lock:  # handler threads share the count
            self.served += 1


class MeteredHandler(OssRequestHandler):
    server: MeteredHTTPServer

    def _handle(self) -> None:
        self.server.count()
        if self.server.latency > 0:
            time.sleep(self.server.latency)  # per request, not per connection: keep-alive does not hide it
        super()._handle()
