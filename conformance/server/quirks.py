"""Deliberate deviations ("quirks"), each modelled on a real clone's behaviour, so the suite can be shown
able to fail. A quirk is one named entry here and one `if ctx.quirks.has("name"):` branch at the single place
in the server where the behaviour lives. `breaks` lists the rule ids (OSS-FACTS section 10) it violates.

To add one: add a Quirk to REGISTRY, then add its branch where the correct behaviour is implemented.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class Quirk(NamedTuple):
    name: str
    mimics: str  # the real server (or SDK family) whose behaviour this copies
    breaks: tuple[str, ...]  # rule ids
    description: str


def _registry(*quirks: Quirk) -> dict[str, Quirk]:
    return {quirk.name: quirk for quirk in quirks}


REGISTRY: dict[str, Quirk] = _registry(
    Quirk(
        "symlink-not-implemented",
        "aliyun/oss-emulator",
        ("SL-PUT-01", "SL-PUT-02", "SL-GET-01"),
        "PutSymlink and GetSymlink answer 501 NotImplemented.",
    ),
    Quirk(
        "symlink-target-raw",
        "servers written against the V2 SDKs, which neither encode nor decode the target",
        ("SL-GET-02", "SL-PUT-16"),
        "PutSymlink stores x-oss-symlink-target without percent-decoding; GetSymlink returns it unencoded.",
    ),
    Quirk(
        "objectmeta-follows-link",
        "S3-style gateways that resolve links for every read",
        ("SL-OBJ-09",),
        "GetObjectMeta (HEAD ?objectMeta) on a link reports the target instead of the link itself.",
    ),
    Quirk(
        "forbid-overwrite-ignored",
        "gateways that drop unknown x-oss-* headers",
        ("SL-PUT-07",),
        "x-oss-forbid-overwrite: true is ignored; existing objects are overwritten.",
    ),
    Quirk(
        "head-error-without-x-oss-err",
        "generic HTTP front ends",
        ("ERR-03",),
        "HEAD error replies omit the base64 error XML in x-oss-err.",
    ),
)


class Quirks:
    """The active set of quirks; unknown names are refused up front so a typo cannot pass silently."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        names = frozenset(names)
        unknown = sorted(names - REGISTRY.keys())
        if unknown:
            raise ValueError(f"unknown quirk(s) {', '.join(unknown)}; known: {', '.join(sorted(REGISTRY))}")
        self.names = names

    def has(self, name: str) -> bool:
        if name not in REGISTRY:  # a branch naming an unregistered quirk is a server bug
            raise KeyError(name)
        return name in self.names

    def __iter__(self):
        return iter(sorted(self.names))

    def __repr__(self) -> str:
        return f"Quirks({sorted(self.names)!r})"
