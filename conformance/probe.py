"""The start-up probe: before any test runs, one look at the environment, so that a wrong endpoint, bucket,
credentials or clock ends the run with one line and its own exit status instead of a flood of server
"failures". Runs once per run, in the controller; xdist workers reuse its verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .client import NoUsableAnswer, Reply
from .harness import Harness

# Exit statuses (README lists them all). pytest's own: 0 ok, 1 deviations, 2 interrupted, 4 usage, 5 no tests.
EXIT_NO_ANSWER = 3
EXIT_USAGE = 4
EXIT_NO_BUCKET = 6
EXIT_CREDENTIALS = 7
EXIT_CLOCK_SKEW = 8
EXIT_RUN_DEADLINE = 9

CERTIFICATE_FAILED = re.compile(r"certificate verify failed(?:: ([^(')\]]+))?", re.IGNORECASE)
CREDENTIAL_CODES = ("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied")
# Extra buckets a profile may name: (purpose, capability, profile field).
EXTRA_BUCKETS = (("versioned", "versioning", "versioned_bucket"), ("worm", "worm", "worm_bucket"))


@dataclass
class Verdict:
    exit_status: int = 0  # 0: go on
    line: str = ""  # why the run cannot start
    missing: dict[str, str] = field(default_factory=dict)  # capability -> why it is not applicable

    def warnings(self) -> list[str]:
        return [f"oss-conformance: warning: {why}" for why in self.missing.values()]


def _stop(reply: Reply, bucket: str, endpoint: str) -> Verdict | None:
    """The verdict a reply to GET of a key that cannot exist gives, or None when the environment is fine."""
    answer = f"{reply.status} {reply.code}" if reply.code else str(reply.status)
    if reply.code == "NoSuchBucket":
        return Verdict(
            EXIT_NO_BUCKET,
            f"oss-conformance: the bucket {bucket!r} does not exist at {endpoint} ({answer}); nothing was tested. "
            "Fix: create it, or name an existing one with --bucket (serve's default is oss-conformance)",
        )
    if reply.code in CREDENTIAL_CODES:
        return Verdict(
            EXIT_CREDENTIALS,
            f"oss-conformance: {endpoint} refused the credentials ({answer}); nothing was tested. "
            "Fix: export the access key id and secret the server accepts (serve prints them)",
        )
    if reply.code == "RequestTimeTooSkewed":
        return Verdict(
            EXIT_CLOCK_SKEW,
            f"oss-conformance: {endpoint} reports a clock skew ({answer}); nothing was tested. "
            "Fix: synchronise this machine's clock (NTP)",
        )
    if reply.status >= 500:
        return Verdict(
            EXIT_NO_ANSWER,
            f"oss-conformance: {endpoint} gives no usable answer ({answer} to GetObject); nothing was tested.",
        )
    return None


def _certificate_problem(endpoint: str, error: Exception) -> str:
    found = CERTIFICATE_FAILED.search(str(error))
    why = (found.group(1) or "").strip() if found else ""
    why = why or "verification failed"
    return (
        f"oss-conformance: the TLS certificate of {endpoint} is not trusted ({why}); nothing was tested. "
        "Fix: --ca-bundle FILE (the CA that signed it), or --insecure to skip verification"
    )


def probe(harness: Harness) -> Verdict:
    """GET a key that cannot exist in the plain bucket (and in each extra bucket the profile relies on)."""
    profile = harness.profile
    client = harness.client(transcript=harness.cleanup_transcript)
    key = harness.namespace.key("probe")
    try:
        reply = client.get_object(key)
    except NoUsableAnswer as exc:
        if CERTIFICATE_FAILED.search(str(exc)):
            return Verdict(EXIT_NO_ANSWER, _certificate_problem(profile.endpoint, exc))
        return Verdict(
            EXIT_NO_ANSWER,
            f"oss-conformance: the endpoint {profile.endpoint} does not answer; nothing was tested ({exc})",
        )
    stop = _stop(reply, profile.bucket, profile.endpoint)
    if stop is not None:
        return stop
    verdict = Verdict()
    for purpose, capability, field_name in EXTRA_BUCKETS:
        bucket = profile.bucket_for(purpose)
        if not profile.supports(capability) or bucket == profile.bucket:
            continue
        try:
            extra = client.get_object(key, bucket=bucket)
        except NoUsableAnswer:
            continue  # the plain bucket answered; a stall here shows up in the tests themselves
        if extra.code == "NoSuchBucket":
            verdict.missing[capability] = (
                f"bucket {bucket!r} (profile field {field_name}) does not exist: {capability} tests are "
                f"not-applicable. Fix: create it, or set {field_name} in the profile"
            )
    return verdict
