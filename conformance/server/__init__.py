"""The reference OSS server: a small, standalone, thread-safe implementation of the documented behaviour
(docs/oss-facts.md), with named deliberate deviations ("quirks") for proving the suite can fail."""

from conformance.server.quirks import REGISTRY as QUIRKS
from conformance.server.quirks import Quirk, Quirks
from conformance.server.server import ReferenceServer, is_loopback

__all__ = ["QUIRKS", "Quirk", "Quirks", "ReferenceServer", "is_loopback"]
