"""A record of every HTTP exchange, redacted, so that a failure can be read and replayed with curl.

Redaction happens when an exchange is recorded, not when it is printed: no later code path can leak a secret.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

REDACTED = "<redacted>"
SECRET_HEADERS = ("x-oss-security-token", "x-amz-security-token", "x-oss-server-side-encryption-key")
SECRET_PARAMETERS = ("Signature", "x-oss-signature", "security-token", "x-oss-security-token", "X-Amz-Signature")
SECRET_QUERY = re.compile(rf"((?:^|[?&])(?:{'|'.join(SECRET_PARAMETERS)})=)[^&]*", re.IGNORECASE)
# What SECRET_QUERY needs to match, as substrings of lowercased ASCII text: a cheap test that skips the regex on text
# that cannot hold a secret query parameter (a curl line's "Signature=<redacted>" follows a comma, not ? or &).
_AT_START = tuple(f"{name.lower()}=" for name in SECRET_PARAMETERS)
_AFTER_SEPARATOR = tuple(f"{separator}{name}" for separator in "?&" for name in _AT_START)
BODY_PREVIEW = 2048
CURL_SKIPPED_HEADERS = ("content-length", "accept-encoding", "connection", "user-agent", "accept")


def _redact_authorization(value: str) -> str:
    # Keep the scheme and the key id (needed to read a transcript); drop the signature.
    if value.startswith("OSS4-HMAC-SHA256"):
        return re.sub(r"Signature=[0-9a-fA-F]*", f"Signature={REDACTED}", value)
    if value.startswith(("OSS ", "OSS2 ")):
        return re.sub(r":[^:]*$", f":{REDACTED}", value) if ":" in value else value
    return REDACTED


class Redactor:
    """Removes signatures, tokens and every known secret value from text and headers."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def text(self, value: str) -> str:
        value = self._without_secrets(value)
        if "=" not in value:  # no query parameter to redact (most header values): skip the regex
            return value
        if value.isascii():  # where lower() folds case as the regex does (it also folds U+017F to 's', say)
            lowered = value.lower()
            if not lowered.startswith(_AT_START) and not any(needle in lowered for needle in _AFTER_SEPARATOR):
                return value
        return SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, value)

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        out = {}
        for name, value in headers.items():
            lower = name.lower()
            if lower == "authorization":  # cut by its scheme; it holds no query parameter for text() to look for
                out[name] = self._without_secrets(_redact_authorization(str(value)))
            else:
                out[name] = REDACTED if lower in SECRET_HEADERS else self.text(str(value))
        return out

    def _without_secrets(self, value: str) -> str:
        for secret in self._secrets:
            value = value.replace(secret, REDACTED)
        return value


# Control characters (but line breaks and tabs) shown as \xNN: a terminal, grep and a JUnit file stay text.
_CONTROL_ESCAPES = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F] if chr(c) not in "\n\t"}


def _preview(body: bytes) -> str:
    if not body:
        return ""
    shown = body[:BODY_PREVIEW].decode("utf-8", errors="replace").translate(_CONTROL_ESCAPES)
    more = len(body) - BODY_PREVIEW
    return shown + (f"\n... ({more} more bytes)" if more > 0 else "")


# Each byte as printf shows it: printable ASCII as itself, but for the characters printf or the quotes treat
# specially; everything else as an octal escape.
_PRINTF_BYTES = [chr(b) if 0x20 <= b < 0x7F and chr(b) not in "\\'%" else f"\\{b:03o}" for b in range(256)]


def _shell_body(body: bytes) -> tuple[str, list[str]]:
    """(prefix, curl words) that send exactly these bytes: inline when it is plain text, else through printf
    with octal escapes (POSIX printf, so it pastes into sh, bash and zsh alike)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and text.isprintable():
        return "", ["--data-binary", text]
    escaped = "".join(map(_PRINTF_BYTES.__getitem__, body))
    return f"printf '{escaped}' | ", ["--data-binary", "@-"]


def curl_line(method: str, url: str, headers: Mapping[str, str], body: bytes, flags: Iterable[str] = ()) -> str:
    """A curl command that sends the same request (re-sign it: the signature is redacted). HEAD uses -I:
    `-X HEAD` would wait for a body that never comes."""
    words = ["curl", "-sS", *flags, *(["-I"] if method == "HEAD" else ["-i", "-X", method]), url]
    sent = {name.lower() for name in headers}
    for name, value in headers.items():
        if name.lower() not in CURL_SKIPPED_HEADERS:
            words += ["-H", f"{name}: {value}"]
    prefix = ""
    if body:
        if "content-type" not in sent:
            words += ["-H", "Content-Type:"]  # curl would add a form Content-Type of its own
        prefix, body_words = _shell_body(body)
        words += body_words
    elif method in ("PUT", "POST"):
        words += ["-H", "Content-Length: 0"]
    return prefix + " ".join(shlex.quote(w) for w in words)


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest() if body else ""


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: str
    request_size: int
    status: int | None
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: str = ""
    failure: str = ""
    response_size: int = 0
    request_sha256: str = ""
    response_sha256: str = ""
    curl_command: str = ""  # built (and redacted) when recorded, from the whole request body

    def curl(self) -> str:
        if self.curl_command:
            return self.curl_command
        return curl_line(self.method, self.url, self.request_headers, self.request_body.encode())

    def lines(self, shown: Callable[[str, str], bool] = lambda side, name: True, body_chars: int = 0) -> list[str]:
        """The exchange as every output shows it (terminal, HTML report, stateful step log): `> ` request,
        `< ` response; the headers `shown(side, name)` keeps, bodies cut at `body_chars` (0: as recorded)."""

        def body(side: str, text: str) -> list[str]:
            cut = text if not body_chars or len(text) <= body_chars else text[:body_chars] + " ..."
            return [f"{side} ", *(f"{side} {line}" for line in cut.splitlines())] if text else []

        lines = [f"> {self.method} {self.url}"]
        lines += [f"> {k}: {v}" for k, v in self.request_headers.items() if shown(">", k)]
        lines += body(">", self.request_body)
        if self.status is None:
            return [*lines, f"< (no answer: {self.failure})"]
        lines.append(f"< {self.status}")
        lines += [f"< {k}: {v}" for k, v in self.response_headers.items() if shown("<", k)]
        return lines + body("<", self.response_body)

    def render(self) -> str:
        return "\n".join([*self.lines(), f"# reproduce: {self.curl()}"])

    @classmethod
    def from_dict(cls, x: dict) -> Exchange:
        """An exchange read back from a results file (fields a file lacks take their defaults)."""
        return cls(
            method=str(x.get("method", "")),
            url=str(x.get("url", "")),
            request_headers=dict(x.get("request_headers") or {}),
            request_body=str(x.get("request_body") or ""),
            request_size=int(x.get("request_size") or 0),
            status=x.get("status"),
            response_headers=dict(x.get("response_headers") or {}),
            response_body=str(x.get("response_body") or ""),
            failure=str(x.get("failure") or ""),
            curl_command=str(x.get("curl") or ""),
        )

    def to_dict(self) -> dict:
        """Bodies as a preview plus their length and sha256 (a results file stays small)."""
        return {
            "method": self.method,
            "url": self.url,
            "request_headers": dict(self.request_headers),
            "request_body": self.request_body,
            "request_size": self.request_size,
            "request_sha256": self.request_sha256,
            "status": self.status,
            "response_headers": dict(self.response_headers),
            "response_body": self.response_body,
            "response_size": self.response_size,
            "response_sha256": self.response_sha256,
            "failure": self.failure,
            "curl": self.curl(),
        }


class Transcript:
    """The exchanges of one test (or of the whole session, for cleanup), already redacted."""

    def __init__(
        self, redactor: Redactor, limit: int = 200, curl_flags: Callable[[str], list[str]] | None = None
    ) -> None:
        self.redactor = redactor
        self.limit = limit
        self.curl_flags = curl_flags  # url -> curl options that reach the server the same way (TLS, --resolve)
        self.exchanges: list[Exchange] = []

    def record(
        self,
        method: str,
        url: str,
        request_headers: Mapping[str, str],
        request_body: bytes,
        status: int | None,
        response_headers: Mapping[str, str] | None = None,
        response_body: bytes = b"",
        failure: str = "",
    ) -> Exchange:
        r = self.redactor
        sent_headers = r.headers(request_headers)
        exchange = Exchange(
            method=method,
            url=r.text(url),
            request_headers=sent_headers,
            request_body=r.text(_preview(request_body)),
            request_size=len(request_body),
            status=status,
            response_headers=r.headers(response_headers or {}),
            response_body=r.text(_preview(response_body)),
            failure=r.text(failure),
            response_size=len(response_body),
            request_sha256=_sha256(request_body),
            response_sha256=_sha256(response_body),
            curl_command=r.text(self._curl(method, url, sent_headers, request_body)),
        )
        self.exchanges.append(exchange)
        del self.exchanges[: -self.limit]
        return exchange

    def _curl(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> str:
        flags = self.curl_flags(url) if self.curl_flags else []
        return curl_line(method, self.redactor.text(url), headers, body, flags)

    def clear(self) -> None:
        self.exchanges.clear()

    def render(self, last: int = 8) -> str:
        shown = self.exchanges[-last:]
        skipped = len(self.exchanges) - len(shown)
        head = [f"({skipped} earlier exchanges not shown)"] if skipped else []
        return "\n\n".join(head + [e.render() for e in shown])
