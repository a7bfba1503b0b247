"""Talking OSS on the wire: signing, addressing, error parsing, transcripts, the run namespace.

The suite and the reference server both import from here; neither imports the other.
"""

from .addressing import ADDRESSING_STYLES
from .auth import SIGNATURE_VERSIONS, Credentials, OssAuth
from .errors import OssError
from .namespace import Namespace, NamespaceViolation, new_run_id
from .session import ExchangeLimits, NoUsableAnswer, OssClient, Reply, ReplyTooLarge, WrittenKeys
from .transcript import Exchange, Redactor, Transcript
from .transport import Transport

__all__ = [
    "ADDRESSING_STYLES",
    "SIGNATURE_VERSIONS",
    "Credentials",
    "Exchange",
    "ExchangeLimits",
    "Namespace",
    "NamespaceViolation",
    "NoUsableAnswer",
    "OssAuth",
    "OssClient",
    "OssError",
    "Redactor",
    "Reply",
    "ReplyTooLarge",
    "Transcript",
    "Transport",
    "WrittenKeys",
    "new_run_id",
]
