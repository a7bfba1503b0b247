"""The user's cache directory for oss-conformance: $XDG_CACHE_HOME/oss-conformance, else ~/.cache/oss-conformance."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache(*parts: str) -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache, "oss-conformance", *parts)
