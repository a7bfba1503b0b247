"""The run namespace: every key the suite writes lives under `<prefix><run-id>/<worker-id>/`.

The client consults it before any write or delete, so a bug in a test cannot touch a vendor's other data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import secrets
from dataclasses import dataclass, field

RUN_ID_PATTERN = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")


class NamespaceViolation(RuntimeError):
    """A write or delete outside the run namespace was attempted; nothing was sent."""


def new_run_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


@dataclass
class Namespace:
    prefix: str
    run_id: str
    worker_id: str = "main"
    _counter: itertools.count = field(default_factory=itertools.count, repr=False)

    @property
    def root(self) -> str:
        """`<prefix><run-id>/<worker-id>/`; with an empty worker id the whole run's keys (cleanup, sweep)."""
        return f"{self.prefix}{self.run_id}/" + (f"{self.worker_id}/" if self.worker_id else "")

    def key(self, label: str = "k") -> str:
        """A fresh key under the namespace; the label makes a transcript readable."""
        return f"{self.root}{label}-{next(self._counter)}"

    def owns(self, key: str) -> bool:
        # Name-rule probes ('/'- or '\\'-prefixed keys) still carry the namespace inside them.
        return key.lstrip("/\\").startswith(self.root)

    def check(self, method: str, key: str | None) -> None:
        if method in ("PUT", "POST", "DELETE") and key is not None and not self.owns(key):
            raise NamespaceViolation(f"refusing {method} on key {key!r}: outside the run namespace {self.root!r}")
