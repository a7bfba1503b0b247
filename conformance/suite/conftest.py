"""Fixtures of the conformance suite: proofs a test needs before its own step, made once per worker.

A proof is a precondition that many tests share (plain PutSymlink and GetSymlink work at all). It is tried once;
when it does not hold, every test that needs it ends *blocked* by the rule that covers it, with the same
message, instead of each reporting the same deviation as a failure of its own rule.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.checks import Blocked
from conformance.suite import preconditions as pre

Proof = Callable[[], object]


@pytest.fixture(scope="session")
def _proofs() -> dict[str, Blocked | None]:
    return {}


def _proven(proofs: dict[str, Blocked | None], name: str, proof: Proof) -> None:
    if name not in proofs:
        try:
            proof()
            proofs[name] = None
        except Blocked as blocked:
            proofs[name] = blocked
    blocked = proofs[name]
    if blocked is not None:
        raise Blocked(blocked.prerequisite, f"{blocked.what} (tried once per worker)")


@pytest.fixture
def links_work(oss, new_key, _proofs) -> None:
    """Plain PutSymlink answers 200 and GetSymlink gives the target back: tests of PutSymlink's options and of
    reads through a link stand on this."""
    _proven(_proofs, "links", lambda: pre.link(oss, new_key("proof-link"), new_key("proof-target")))
