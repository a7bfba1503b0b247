"""What every operation can reach: the store, the credentials, the active quirks, request ids."""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass, field

from conformance.server.auth import AccountKeys
from conformance.server.quirks import Quirks
from conformance.server.storage import Store


@dataclass
class Context:
    store: Store
    credentials: AccountKeys
    quirks: Quirks
    verbose: bool = False
    max_body: int = 64 * 1024 * 1024  # bytes of a request body accepted; over it: 400 EntityTooLarge
    restore_seconds: float = 1.0  # how long a RestoreObject stays in progress (409, ongoing-request="true")
    _prefix: str = field(default_factory=lambda: secrets.token_hex(4).upper())
    _counter: itertools.count = field(default_factory=lambda: itertools.count(time.time_ns() & (2**63 - 1)))

    def next_request_id(self) -> str:
        """24 upper-case hex characters, unique per server: random prefix + a counter (next() is atomic)."""
        return f"{self._prefix}{next(self._counter) & (2**64 - 1):016X}"
