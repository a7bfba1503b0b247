"""A profile: which server to test and what it claims to support, read from TOML into one frozen object.

Command-line options override profile fields. A bad profile raises ProfileError with one line that names the
file, the field, what was found and what is accepted; callers show that line and no traceback.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .client import ADDRESSING_STYLES, SIGNATURE_VERSIONS, Credentials, Transport
from .options import HYPOTHESIS_PROFILES

# plus-as-space: a '+' in a header that names an object (x-oss-symlink-target, x-oss-copy-source) is a space, as
# form decoding reads it; servers that decode plainly declare it false (docs/oss-facts.md §9.3: no single
# decoding serves every SDK).
CAPABILITIES = (
    "versioning",
    "worm",
    "archive",
    "acl",
    "tagging",
    "append",
    "copy",
    "list",
    "multipart",
    "restore",
    "plus-as-space",
)


class ProfileError(ValueError):
    """One clear line: where, which field, what is wrong, how to fix it."""


@dataclass(frozen=True)
class CredentialEnv:
    access_key_id: str = "OSS_ACCESS_KEY_ID"
    access_key_secret: str = "OSS_ACCESS_KEY_SECRET"
    session_token: str = "OSS_SESSION_TOKEN"


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0


# OSS takes about a minute to restore an Archive object; the embedded server takes 1 s (--restore-seconds).
REMOTE_RESTORE_WAIT = 120.0
EMBEDDED_RESTORE_WAIT = 10.0


@dataclass(frozen=True)
class Limits:
    """What keeps a run bounded whatever the server does (issue 13). Sizes in bytes, times in seconds."""

    reply_cap: int = 8 * 1024 * 1024  # a few MB above the largest body the suite writes (4 KB today)
    request_deadline: float = 60.0  # one whole exchange: connect, send, headers and body
    test_deadline: float = 300.0  # no request of a test starts after this
    run_deadline: float = 3 * 3600.0  # no test starts after this
    cleanup_budget: float = 120.0  # per worker: deleting what the run wrote
    restore_wait: float = REMOTE_RESTORE_WAIT  # how long a test polls for a RestoreObject to complete


@dataclass(frozen=True)
class Profile:
    name: str = "embedded"
    endpoint: str = ""  # empty: start the embedded reference server
    bucket: str = "oss-conformance"
    versioned_bucket: str = ""  # default: "<bucket>-versioned"
    worm_bucket: str = ""  # default: "<bucket>-worm"
    region: str = "cn-hangzhou"
    addressing: str = "path"
    signature_version: str = "v4"
    key_prefix: str = "oss-conformance/"
    hypothesis_profile: str = "ci"
    quirks: tuple[str, ...] = ()  # embedded server only: deliberate deviations
    ca_bundle: str = ""  # PEM file of the CA(s) to trust for https:// (default: the system's)
    insecure: bool = False  # https:// without verifying the certificate
    resolve: tuple[tuple[str, str], ...] = ()  # (host name, address): connect there, like curl --resolve
    credentials: CredentialEnv = field(default_factory=CredentialEnv)
    timeouts: Timeouts = field(default_factory=Timeouts)
    limits: Limits = field(default_factory=Limits)
    capabilities: frozenset[str] = frozenset(CAPABILITIES)
    source: str = "<defaults>"

    @property
    def embedded(self) -> bool:
        return not self.endpoint

    @property
    def restore_wait(self) -> float:
        """Seconds to poll for a restore: the profile's. For the embedded server, which restores in 1 s, the
        default 120 reads as 10 (so does a 120 written out in its profile)."""
        if self.embedded and self.limits.restore_wait == REMOTE_RESTORE_WAIT:
            return EMBEDDED_RESTORE_WAIT
        return self.limits.restore_wait

    def bucket_for(self, purpose: str) -> str:
        """The bucket for "plain", "versioned" or "worm" tests."""
        named = {"plain": self.bucket, "versioned": self.versioned_bucket, "worm": self.worm_bucket}[purpose]
        return named or (self.bucket if purpose == "plain" else f"{self.bucket}-{purpose}")

    def supports(self, capability: str) -> bool:
        return capability in self.capabilities

    def read_credentials(self, environ: dict[str, str] | None = None) -> Credentials:
        env = os.environ if environ is None else environ
        names = self.credentials
        missing = [n for n in (names.access_key_id, names.access_key_secret) if not env.get(n)]
        if missing:
            raise ProfileError(
                f"{self.source}: credentials: environment variable(s) {', '.join(missing)} not set. "
                f"Fix: export them, or name other variables in [credentials] of the profile."
            )
        return Credentials(env[names.access_key_id], env[names.access_key_secret], env.get(names.session_token, ""))

    def transport(self) -> Transport:
        return Transport(self.ca_bundle, self.insecure, dict(self.resolve))

    def with_overrides(self, **values: Any) -> Profile:
        """Apply command-line values (None means: not given) and validate the result."""
        given = {k: v for k, v in values.items() if v is not None}
        if "quirks" in given:
            given["quirks"] = tuple(given["quirks"])
        if "resolve" in given:
            given["resolve"] = _resolve_pairs(self.source, given["resolve"])
        return validate(dataclasses.replace(self, **given), source=f"{self.source} + command line")


def _fail(source: str, name: str, problem: str, fix: str) -> ProfileError:
    return ProfileError(f"{source}: field '{name}': {problem}. Fix: {fix}")


def _choice(source: str, name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise _fail(source, name, f"{value!r} is not accepted", f"use one of {', '.join(allowed)}")


def _check_endpoint(source: str, endpoint: str) -> None:
    """Any http:// or https:// host: what keeps a vendor's data safe is the run namespace, not the address."""
    if not endpoint:
        return
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _fail(source, "endpoint", f"{endpoint!r} is not a URL", "write it as https://HOST[:PORT]")


def _check_virtual_host(source: str, profile: Profile) -> None:
    host = urlsplit(profile.endpoint).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return
    if profile.addressing == "virtual-host":
        raise _fail(
            source,
            "addressing",
            f"virtual-host needs a host name, and the endpoint is the address {host}",
            "use the server's DNS name in the endpoint (--resolve NAME=ADDRESS pins a name to an address)",
        )


def _check_tls(source: str, profile: Profile) -> None:
    if profile.ca_bundle and profile.insecure:
        raise _fail(source, "insecure", "is set together with ca_bundle", "give one of them")
    if profile.ca_bundle and not Path(profile.ca_bundle).is_file():
        raise _fail(source, "ca_bundle", f"{profile.ca_bundle!r} is not a file", "name a PEM file of CA certificates")


def _resolve_pairs(source: str, raw: Any) -> tuple[tuple[str, str], ...]:
    """`{"name": "address"}` (profile) or `["name=address", ...]` (command line) -> sorted pairs."""
    items = list(raw.items()) if isinstance(raw, dict) else [tuple(item.partition("=")[::2]) for item in raw]
    for name, address in items:
        if not isinstance(name, str) or not isinstance(address, str) or not name or not address:
            raise _fail(source, "resolve", f"{name!r} = {address!r} is not usable", 'write "NAME=ADDRESS"')
    return tuple(sorted(items))


def _check_endpoint_shape(source: str, endpoint: str) -> None:
    """Parts of a URL the client would drop or misuse: a path, a query, a fragment, user:password@."""
    if not endpoint:
        return
    parts = urlsplit(endpoint)
    if parts.username is not None or parts.password is not None:
        shown = parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]).geturl()
        raise _fail(
            source,
            "endpoint",
            "carries user information (user:password@)",
            f"use {shown} and put credentials in the environment",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise _fail(
            source,
            "endpoint",
            f"{endpoint!r} has a path, query or fragment",
            f"give only scheme, host and port, e.g. {parts.scheme}://{parts.netloc}",
        )
    try:
        _ = parts.port  # urlsplit only complains when the port is read
    except ValueError:
        raise _fail(source, "endpoint", f"{endpoint!r} has an invalid port", "use a port from 1 to 65535") from None


def _positive(source: str, table: str, value_of: object) -> None:
    for name, value in dataclasses.asdict(value_of).items():  # type: ignore[call-overload]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise _fail(
                source,
                f"{table}.{name}",
                f"{value!r} is not a positive number",
                "give seconds (bytes for reply_cap), e.g. 5",
            )


def validate(profile: Profile, source: str | None = None) -> Profile:
    source = source or profile.source
    _choice(source, "addressing", profile.addressing, ADDRESSING_STYLES)
    _choice(source, "signature_version", profile.signature_version, SIGNATURE_VERSIONS)
    _choice(source, "hypothesis_profile", profile.hypothesis_profile, HYPOTHESIS_PROFILES)
    _check_endpoint(source, profile.endpoint)
    _check_tls(source, profile)
    _check_virtual_host(source, profile)
    _check_endpoint_shape(source, profile.endpoint)
    if not profile.bucket:
        raise _fail(source, "bucket", "is empty", "name the bucket the suite may write to")
    if not profile.key_prefix or profile.key_prefix.startswith("/"):
        raise _fail(source, "key_prefix", f"{profile.key_prefix!r} is not usable", "use e.g. 'oss-conformance/'")
    for cap in profile.capabilities:
        _choice(source, "capabilities", cap, CAPABILITIES)
    _positive(source, "timeouts", profile.timeouts)
    _positive(source, "limits", profile.limits)
    if profile.quirks and not profile.embedded:
        raise _fail(source, "quirks", "quirks apply to the embedded server only", "remove quirks or the endpoint")
    return dataclasses.replace(profile, source=source)


# ---------------------------------------------------------------- reading TOML

_TABLES = {"credentials": CredentialEnv, "timeouts": Timeouts, "limits": Limits}
_TOP_FIELDS = {f.name for f in dataclasses.fields(Profile)} - {"source"}


def _unknown(source: str, where: str, name: str, known: set[str]) -> ProfileError:
    near = difflib.get_close_matches(name, sorted(known), n=1)
    fix = f"did you mean '{near[0]}'?" if near else f"known fields: {', '.join(sorted(known))}"
    return _fail(source, f"{where}{name}", "is not a profile field", fix)


def _table(source: str, name: str, raw: Any, cls: type) -> Any:
    if not isinstance(raw, dict):
        raise _fail(source, name, "must be a table", f"write it as [{name}]")
    known = {f.name for f in dataclasses.fields(cls)}
    defaults = cls()
    for key, value in raw.items():
        if key not in known:
            raise _unknown(source, f"{name}.", key, known)
        _typed(source, f"{name}.{key}", value, type(getattr(defaults, key)))
    return cls(**raw)


def _typed(source: str, name: str, value: Any, expected: type) -> None:
    """A value of the default's type; an int may stand for a float, a bool never for a number."""
    numbers = (int, float) if expected is float else (expected,)
    if (isinstance(value, bool) and expected is not bool) or not isinstance(value, numbers):
        raise _fail(source, name, f"{value!r} is a {type(value).__name__}", f"give a {expected.__name__}")


def _capabilities(source: str, raw: Any) -> frozenset[str]:
    if not isinstance(raw, dict) or not all(isinstance(v, bool) for v in raw.values()):
        raise _fail(source, "capabilities", "must be a table of true/false", "write e.g. versioning = false")
    for key in raw:
        _choice(source, "capabilities", key, CAPABILITIES)
    return frozenset(c for c in CAPABILITIES if raw.get(c, True))


def from_mapping(data: dict[str, Any], source: str) -> Profile:
    values: dict[str, Any] = {}
    for key, raw in data.items():
        if key not in _TOP_FIELDS:
            raise _unknown(source, "", key, _TOP_FIELDS)
        if key in _TABLES:
            values[key] = _table(source, key, raw, _TABLES[key])
        elif key == "capabilities":
            values[key] = _capabilities(source, raw)
        elif key == "quirks":
            if not isinstance(raw, list) or not all(isinstance(q, str) for q in raw):
                raise _fail(source, "quirks", "must be a list of names", 'write e.g. quirks = ["name"]')
            values[key] = tuple(raw)
        elif key == "resolve":
            if not isinstance(raw, dict):
                raise _fail(source, "resolve", "must be a table", 'write [resolve] then "NAME" = "ADDRESS"')
            values[key] = _resolve_pairs(source, raw)
        else:
            _typed(source, key, raw, type(getattr(Profile(), key)))
            values[key] = raw
    return validate(Profile(**values, source=source))


def load(path: str | Path) -> Profile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile ({exc.strerror}). Fix: check the path") from None
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}: not UTF-8 text (byte {exc.start}). Fix: save the profile as UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc}). Fix: correct the syntax at that line") from None
    return from_mapping(data, str(path))
