"""One run against one target: credentials, the embedded server if needed, the namespace, clients, cleanup.

The pytest plugin wires this into fixtures and hooks; everything here also works without pytest (the CLI and
the stateful differential mode use it directly).
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import requests
from defusedxml import ElementTree

from .client import (
    Credentials,
    HarnessError,
    Namespace,
    NamespaceViolation,
    OssAuth,
    OssClient,
    Redactor,
    Transcript,
    WrittenKeys,
)
from .profile import Profile

BUCKET_PURPOSES = ("plain", "versioned", "worm")


@dataclass
class CleanupReport:
    deleted: int = 0
    left: list[str] = field(default_factory=list)  # "bucket/key (status Code)"
    retained: list[str] = field(default_factory=list)  # held by a WORM retention policy, as it must be

    def summary(self) -> str:
        line = f"{len(self.left)} keys left behind"
        if self.retained:
            line += f" (+{len(self.retained)} held by a WORM retention policy, as documented)"
        return line


class Harness:
    """Owns what a run needs; `start()` before use, `finish()` always (it cleans up and stops the server)."""

    def __init__(self, profile: Profile, run_id: str, worker_id: str = "main") -> None:
        self.profile = profile
        self.namespace = Namespace(profile.key_prefix, run_id, worker_id)
        self.written = WrittenKeys()
        self.server: Any = None
        self.endpoint = profile.endpoint
        self.credentials: Credentials | None = None
        self.transport = profile.transport()
        self.transcript = Transcript(Redactor(), curl_flags=self.transport.curl_flags)
        self.cleanup_transcript = Transcript(Redactor(), curl_flags=self.transport.curl_flags)

    def start(self) -> None:
        if self.profile.embedded:
            self.credentials = Credentials(f"oss-conformance-{secrets.token_hex(4)}", secrets.token_urlsafe(24))
            self._start_embedded()
        else:
            self.credentials = self.profile.read_credentials()
        secrets_ = (self.credentials.access_key_secret, self.credentials.session_token)
        self.transcript.redactor = self.cleanup_transcript.redactor = Redactor(secrets_)

    def _start_embedded(self) -> None:
        from .server import ReferenceServer  # only the embedded mode needs the server

        assert self.credentials is not None
        self.server = ReferenceServer(
            host="127.0.0.1",
            port=0,
            bucket=self.profile.bucket,
            region=self.profile.region,
            access_key_id=self.credentials.access_key_id,
            access_key_secret=self.credentials.access_key_secret,
            quirks=self.profile.quirks,
        )
        self.server.start()
        self.endpoint = self.server.url
        if self.profile.addressing == "virtual-host":
            self._name_embedded_server()

    def _name_embedded_server(self) -> None:
        """Virtual-host needs a host name: `localhost` and `*.localhost`, pinned to the server's address."""
        resolve = {**self.transport.resolve, **dict.fromkeys(("localhost", "*.localhost"), self.server.host)}
        self.transport = dataclasses.replace(self.transport, resolve=resolve)
        self.transcript.curl_flags = self.cleanup_transcript.curl_flags = self.transport.curl_flags
        self.endpoint = f"http://localhost:{self.server.port}"

    def auth(self, credentials: Credentials | None = None, **kw: Any) -> OssAuth:
        creds = credentials or self.credentials
        assert creds is not None, "Harness.start() was not called"
        return OssAuth(creds, self.profile.signature_version, self.profile.region, **kw)

    def client(self, purpose: str = "plain", transcript: Transcript | None = None) -> OssClient:
        return OssClient(
            endpoint=self.endpoint,
            bucket=self.profile.bucket_for(purpose),
            auth=self.auth(),
            namespace=self.namespace,
            transcript=transcript or self.transcript,
            addressing=self.profile.addressing,
            timeout=(self.profile.timeouts.connect, self.profile.timeouts.read),
            written=self.written,
            session=self.transport.session(),
        )

    def probe(self) -> str | None:
        """One request to see whether anything answers; returns a one-line problem or None."""
        try:
            self.client(transcript=self.cleanup_transcript).list_objects(**{"max-keys": "1"})
        except HarnessError as exc:
            if isinstance(exc.__cause__, requests.exceptions.SSLError):
                return _certificate_problem(self.endpoint, exc.__cause__)
            return f"the endpoint {self.endpoint} does not answer; nothing was tested.\n  {exc}"
        return None

    # ------------------------------------------------------------ cleanup

    def finish(self) -> CleanupReport:
        try:
            return self.cleanup()
        finally:
            if self.server is not None:
                self.server.stop()
                self.server = None

    def cleanup(self) -> CleanupReport:
        """Delete every key of this worker's namespace. Per-key DeleteObject of what we wrote needs no
        listing; listings (plain and versions) are only a best-effort sweep on top of it."""
        report = CleanupReport()
        if self.credentials is None:
            return report
        for purpose in self._purposes():
            client = self.client(purpose, transcript=self.cleanup_transcript)
            for version_key, version_id in self._listed_versions(client):
                self._delete(client, version_key, version_id, report)
            for key in self._listed_keys(client) | self._written_in(client.bucket):
                self._delete(client, key, None, report)
        return report

    def _purposes(self) -> list[str]:
        wanted = {"plain"} | {p for p in BUCKET_PURPOSES if self.profile.supports(_capability(p))}
        buckets_written = {bucket for bucket, _ in self.written.snapshot()}
        return [p for p in BUCKET_PURPOSES if p in wanted or self.profile.bucket_for(p) in buckets_written]

    def _written_in(self, bucket: str) -> set[str]:
        return {key for b, key in self.written.snapshot() if b == bucket}

    def _delete(self, client: OssClient, key: str, version_id: str | None, report: CleanupReport) -> None:
        where = f"{client.bucket}/{key}" + (f"?versionId={version_id}" if version_id else "")
        try:
            reply = client.delete_object(key, version_id=version_id)
        except (HarnessError, NamespaceViolation) as exc:
            report.left.append(f"{where} ({exc})")
            return
        if 200 <= reply.status < 300 or reply.status == 404:
            report.deleted += 1
        elif reply.code == "FileImmutable":
            report.retained.append(where)
        else:
            report.left.append(f"{where} ({reply.status} {reply.code})")

    def _listed_keys(self, client: OssClient) -> set[str]:
        found: set[str] = set()
        for element in self._list(client, [("prefix", self.namespace.root)], "Contents"):
            key = element.findtext("Key")
            if key and self.namespace.owns(key):
                found.add(key)
        return found

    def _listed_versions(self, client: OssClient) -> list[tuple[str, str]]:
        found = []
        for tag in ("Version", "DeleteMarker"):
            for element in self._list(client, [("versions", None), ("prefix", self.namespace.root)], tag):
                key, version = element.findtext("Key"), element.findtext("VersionId")
                if key and version and version != "null" and self.namespace.owns(key):
                    found.append((key, version))
        return found

    @staticmethod
    def _list(client: OssClient, query: list, tag: str) -> list:
        try:
            reply = client.request("GET", None, query=[*query, ("max-keys", "1000")])
            root = ElementTree.fromstring(reply.body) if reply.status == 200 and reply.body else None
        except Exception:
            return []
        return [] if root is None else [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == tag]


def _certificate_problem(endpoint: str, error: Exception) -> str:
    found = re.search(r"certificate verify failed: ([^(']+)", str(error))
    why = found.group(1).strip() if found else type(error).__name__
    return (
        f"the TLS certificate of {endpoint} is not trusted ({why}); nothing was tested. "
        "Fix: --ca-bundle FILE (the CA that signed it), or --insecure to skip verification"
    )


def _capability(purpose: str) -> str:
    return {"plain": "list", "versioned": "versioning", "worm": "worm"}[purpose]
