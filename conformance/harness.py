"""One run against one target: credentials, the embedded server if needed, the namespace, clients, cleanup.

The pytest plugin wires this into fixtures and hooks; everything here also works without pytest (the CLI and
the stateful differential mode use it directly).
"""

from __future__ import annotations

import dataclasses
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from . import journal
from .client import (
    Credentials,
    ExchangeLimits,
    Namespace,
    NamespaceViolation,
    NoUsableAnswer,
    OssAuth,
    OssClient,
    Redactor,
    Transcript,
    WrittenKeys,
)
from .client.listings import ListingUnreadable, listed
from .client.session import confirmed_deleted
from .profile import Profile

BUCKET_PURPOSES = ("plain", "versioned", "worm")
CLEANUP_FAILURE_LIMIT = 3  # consecutive deletes without an answer before cleanup gives up
BATCH_DELETE_KEYS = 1000  # DeleteMultipleObjects' documented limit per request
# Keys an XML body carries unchanged: no control characters (a parser rejects them, or reads \r as \n)
XML_SAFE_KEY = re.compile(r"[^\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]+")


class CleanupStopped(Exception):
    """Cleanup gave up: the server stopped answering or the cleanup budget is spent."""


@dataclass
class CleanupReport:
    deleted: int = 0
    left: list[str] = field(default_factory=list)  # "bucket/key (status Code)"
    retained: list[str] = field(default_factory=list)  # held by a WORM retention policy, as it must be
    stopped: str = ""  # why cleanup gave up early; then what remains is unconfirmed
    skipped: str = ""  # why cleanup did not run at all
    failures_in_a_row: int = 0

    def summary(self) -> str:
        if self.skipped:
            return f"cleanup skipped: {self.skipped}"
        line = f"{len(self.left)} keys left behind"
        if self.stopped:
            line += f" (cleanup stopped: {self.stopped})"
        if self.retained:
            line += f" (+{len(self.retained)} held by a WORM retention policy, as documented)"
        return line


class Harness:
    """Owns what a run needs; `start()` before use, `finish()` always (it cleans up and stops the server)."""

    def __init__(
        self,
        profile: Profile,
        run_id: str,
        worker_id: str = "main",
        journal_dir: Path | None = None,
        ephemeral: bool = False,
    ) -> None:
        self.profile = profile
        self.ephemeral = ephemeral  # an embedded server that ends with this process: nothing to clean up
        self.namespace = Namespace(profile.key_prefix, run_id, worker_id)
        name = f"{worker_id}.jsonl" if worker_id else journal.CONTROLLER_FILE
        self.journal = journal.Journal(journal_dir / name) if journal_dir else None
        self.written = WrittenKeys(journal=self.journal)
        self.cutoff: float | None = None  # time.monotonic() after which no request starts (test/run deadline)
        self.server: Any = None
        self.endpoint = profile.endpoint
        self.credentials: Credentials | None = None
        self.transport = profile.transport()
        self.transcript = Transcript(Redactor(), curl_flags=self.transport.curl_flags)
        self.cleanup_transcript = Transcript(Redactor(), curl_flags=self.transport.curl_flags)
        self._session: requests.Session | None = None  # one per process, made by the first client()

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

    def limits(self, cutoff: float | None = None) -> ExchangeLimits:
        """The exchange limits of the profile; `cutoff` (else the test's) ends every request by that time."""
        limits = self.profile.limits
        until = (lambda: cutoff) if cutoff is not None else (lambda: self.cutoff)
        return ExchangeLimits(limits.reply_cap, limits.request_deadline, until)

    def client(
        self, purpose: str = "plain", transcript: Transcript | None = None, cutoff: float | None = None
    ) -> OssClient:
        return OssClient(
            endpoint=self.endpoint,
            bucket=self.profile.bucket_for(purpose),
            auth=self.auth(),
            namespace=self.namespace,
            transcript=transcript or self.transcript,
            addressing=self.profile.addressing,
            timeout=(self.profile.timeouts.connect, self.profile.timeouts.read),
            written=self.written,
            session=self._shared_session(),
            limits=self.limits(cutoff),
        )

    def _shared_session(self) -> requests.Session:
        """Every client of the process shares one session, so its connections outlive a test: a session per test
        opened a connection per test (and a thread for it in the embedded server)."""
        if self._session is None:
            self._session = self.transport.session()
        return self._session

    # ------------------------------------------------------------ cleanup

    def finish(self) -> CleanupReport:
        try:
            return self.cleanup()
        finally:
            if self.journal is not None:
                self.journal.close()
            if self.server is not None:
                self.server.stop()
                self.server = None

    def cleanup(self) -> CleanupReport:
        """Delete every key of this worker's namespace within the cleanup budget. What we sent writes for needs
        no listing and goes first; listings (uploads, versions, keys) are a best-effort sweep on top of it. Both
        go in batches where the server confirms them. Gives up after a few deletes in a row without an answer."""
        report = CleanupReport()
        if self.ephemeral and self.server is not None:
            report.skipped = "the embedded server and all it stored end with this process"
            return report
        if self.credentials is None:
            return report
        cutoff = time.monotonic() + self.profile.limits.cleanup_budget
        clients = [self.client(p, transcript=self.cleanup_transcript, cutoff=cutoff) for p in self._purposes()]
        try:
            for client in clients:
                self._delete_written(client, report, cutoff)
            self._delete_all(self._written_left(clients), report, cutoff)
            for client in clients:
                self._abort_uploads(client, report)
                listed = self._listed_versions(client, report)
                listed += [(k, None) for k in self._listed_keys(client, report) - self._written_in(client.bucket)]
                left = self._delete_batches(client, listed, report, cutoff)
                self._delete_all([(client, k, v) for k, v in left], report, cutoff)
        except CleanupStopped as exc:
            report.stopped = str(exc)
            remaining = [f"{c.bucket}/{key}" for c, key, _ in self._written_left(clients)]
            known = [entry for entry in report.left if not any(entry.startswith(w + " (") for w in remaining)]
            report.left = known + [f"{where} (not confirmed deleted)" for where in remaining]
        return report

    def _written_left(self, clients: list[OssClient]) -> list[tuple[OssClient, str, None]]:
        return [(c, key, None) for c in clients for key in sorted(self._written_in(c.bucket))]

    def _delete_written(self, client: OssClient, report: CleanupReport, cutoff: float) -> None:
        self._delete_batches(client, [(key, None) for key in sorted(self._written_in(client.bucket))], report, cutoff)

    def _delete_batches(
        self, client: OssClient, targets: list[tuple[str, str | None]], report: CleanupReport, cutoff: float
    ) -> list[tuple[str, str | None]]:
        """DeleteMultipleObjects for the targets (key, version id or None) XML can carry, a thousand a request
        (against a distant server, one request instead of a thousand). A target counts as deleted only where the
        reply lists it under Deleted; the others are returned, to go the one-by-one way, so a server without
        batch delete, or with a wrong one, costs one request and loses nothing."""
        left = [t for t in targets if not XML_SAFE_KEY.fullmatch(t[0])]
        todo = [t for t in targets if XML_SAFE_KEY.fullmatch(t[0])]
        while todo:
            chunk, todo = todo[:BATCH_DELETE_KEYS], todo[BATCH_DELETE_KEYS:]
            deleted = self._delete_batch(client, chunk, report, cutoff)
            left += [t for t in chunk if t not in deleted]
            if not deleted:  # batch delete does not work here: no point sending the next thousand
                return left + todo
        return left

    def _delete_batch(
        self, client: OssClient, chunk: list[tuple[str, str | None]], report: CleanupReport, cutoff: float
    ) -> set[tuple[str, str | None]]:
        """The targets of `chunk` one DeleteMultipleObjects confirmed deleted."""
        if time.monotonic() >= cutoff:
            return set()
        try:
            reply = client.delete_multiple(chunk)
        except NamespaceViolation:
            return set()
        except NoUsableAnswer:
            self._no_answer(report)
            return set()
        report.failures_in_a_row = 0
        deleted = confirmed_deleted(reply, chunk)
        report.deleted += len(deleted)
        return deleted

    def _delete_all(self, todo: list, report: CleanupReport, cutoff: float) -> None:
        for client, key, version_id in todo:
            if time.monotonic() >= cutoff:
                raise CleanupStopped(f"the cleanup budget of {self.profile.limits.cleanup_budget:g} s is spent")
            self._delete(client, key, version_id, report)

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
        except NamespaceViolation as exc:
            report.left.append(f"{where} ({exc})")
            return
        except NoUsableAnswer:
            report.left.append(f"{where} (no answer)")
            self._no_answer(report)
            return
        report.failures_in_a_row = 0
        if 200 <= reply.status < 300 or reply.status == 404:
            report.deleted += 1
            self.written.discard(client.bucket, key)
        elif reply.code == "FileImmutable":
            report.retained.append(where)
        else:
            report.left.append(f"{where} ({reply.status} {reply.code})")

    @staticmethod
    def _no_answer(report: CleanupReport) -> None:
        report.failures_in_a_row += 1
        if report.failures_in_a_row >= CLEANUP_FAILURE_LIMIT:
            raise CleanupStopped(f"{report.failures_in_a_row} requests in a row got no answer")

    def _abort_uploads(self, client: OssClient, report: CleanupReport) -> None:
        """Multipart uploads left in progress hold no key but do hold parts: abort them (best effort)."""
        for key, upload_id in self._list(client, "uploads", report):
            if upload_id:
                try:
                    client.abort_multipart(key, upload_id)
                except NoUsableAnswer:
                    self._no_answer(report)

    def _listed_keys(self, client: OssClient, report: CleanupReport) -> set[str]:
        return {key for key, _ in self._list(client, "keys", report)}

    def _listed_versions(self, client: OssClient, report: CleanupReport) -> list[tuple[str, str | None]]:
        return [(key, version) for key, version in self._list(client, "versions", report) if version]

    def _list(self, client: OssClient, kind: str, report: CleanupReport) -> list[tuple[str, str | None]]:
        """The entries of this worker's namespace a listing shows (listings.KINDS); a listing the server refuses,
        or that does not parse, only means the best-effort sweep finds nothing more."""
        found: list[tuple[str, str | None]] = []
        try:
            for key, second in listed(client, self.namespace.root, kind):
                report.failures_in_a_row = 0
                if self.namespace.owns(key):
                    found.append((key, second))
        except ListingUnreadable:
            report.failures_in_a_row = 0
        except NoUsableAnswer:
            self._no_answer(report)
        return found


def _capability(purpose: str) -> str:
    return {"plain": "list", "versioned": "versioning", "worm": "worm"}[purpose]
