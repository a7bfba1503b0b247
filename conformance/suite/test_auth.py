"""Authentication: both signature versions, the V4 header's separators, and the 403s of a bad request.

Only reads, or writes inside the run namespace: every key here comes from `new_key`.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import requests

from conformance.checks import expect, expect_equal, expect_status, require
from conformance.client import SIGNATURE_VERSIONS, Credentials, OssAuth
from conformance.client.signing import V4_ALGORITHM, parse_v4_authorization
from conformance.suite import preconditions as pre

SKEW = dt.timedelta(minutes=20)  # clearly beyond the documented 15 minutes


def signed(oss, oss_harness, version: str, credentials: Credentials | None = None, **kw):
    """The test's client, signing with `version` (and other credentials, region or clock when given)."""
    kw.setdefault("region", oss_harness.profile.region)
    auth = OssAuth(credentials or oss_harness.credentials, version, **kw)
    return oss.with_options(auth=auth)


def stored(oss, new_key, data: bytes = b"auth data") -> str:
    key = new_key("auth")
    pre.put(oss, key, data)
    return key


def wrong_signature_refused(oss, oss_harness, new_key, version: str) -> None:
    """Accepting a signature version means something only where a wrong signature of that version is refused:
    a server that checks no signature would pass every acceptance test."""
    wrong = Credentials(oss_harness.credentials.access_key_id, oss_harness.credentials.access_key_secret + "x")
    reply = signed(oss, oss_harness, version, wrong).get_object(stored(oss, new_key))
    require(reply, MISMATCH, status=403)


MISMATCH = "auth.signature-mismatch"
VERSIONS = "auth.signature-versions"


def version_works(oss, oss_harness, new_key, version: str) -> str:
    """A correctly signed request of `version` is accepted: a refusal of that version's wrong signatures
    means something only then. Returns a stored key to read."""
    key = stored(oss, new_key)
    require(signed(oss, oss_harness, version).get_object(key), VERSIONS)
    return key


class CommaSpaceV4(requests.auth.AuthBase):
    """V4 as oss2 writes it: the Authorization fields separated by ', ' instead of ','."""

    def __init__(self, inner: OssAuth) -> None:
        self.inner = inner

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request = self.inner(request)
        fields = parse_v4_authorization(request.headers["Authorization"])
        request.headers["Authorization"] = f"{V4_ALGORITHM} " + ", ".join(f"{k}={v}" for k, v in fields.items())
        return request


@pytest.mark.rule("auth.signature-versions")
@pytest.mark.parametrize("version", SIGNATURE_VERSIONS)
def test_both_versions_accepted(oss, oss_harness, new_key, rule, version):
    wrong_signature_refused(oss, oss_harness, new_key, version)
    client = signed(oss, oss_harness, version)
    key = new_key(f"signed-{version}")
    expect(client.put_object(key, version.encode()), rule)
    got = expect_status(client.get_object(key), rule, 200)
    expect_equal(rule, got, f"body written and read with {version}", got.body, version.encode())


@pytest.mark.rule("auth.v4-separator")
def test_v4_comma_space_separator(oss, oss_harness, new_key, rule):
    wrong_signature_refused(oss, oss_harness, new_key, "v4")
    key = stored(oss, new_key)
    inner = OssAuth(oss_harness.credentials, "v4", oss_harness.profile.region)
    got = expect(oss.with_options(auth=CommaSpaceV4(inner)).get_object(key), rule)
    expect_equal(rule, got, "body read with ', '-separated V4", got.body, b"auth data")


@pytest.mark.rule("auth.signature-mismatch")
@pytest.mark.parametrize("version", SIGNATURE_VERSIONS)
def test_wrong_secret(oss, oss_harness, new_key, rule, version):
    key = version_works(oss, oss_harness, new_key, version)
    wrong = Credentials(oss_harness.credentials.access_key_id, oss_harness.credentials.access_key_secret + "x")
    expect(signed(oss, oss_harness, version, wrong).get_object(key), rule)


@pytest.mark.rule("auth.unknown-access-key")
@pytest.mark.parametrize("version", SIGNATURE_VERSIONS)
def test_unknown_access_key(oss, oss_harness, new_key, rule, version):
    key = version_works(oss, oss_harness, new_key, version)
    unknown = Credentials(f"oss-conformance-unknown-{secrets.token_hex(6)}", secrets.token_urlsafe(24))
    expect(signed(oss, oss_harness, version, unknown).get_object(key), rule)


@pytest.mark.rule("auth.anonymous-denied")
def test_anonymous_on_private_object(oss, new_key, rule):
    key = new_key("private")
    pre.put(oss, key, b"private data", {"x-oss-object-acl": "private"})
    expect(oss.with_options(auth=None).get_object(key), rule)


@pytest.mark.rule("auth.clock-skew")
@pytest.mark.parametrize("version", SIGNATURE_VERSIONS)
@pytest.mark.parametrize("direction", [-1, 1], ids=["behind", "ahead"])
def test_clock_skew(oss, oss_harness, new_key, rule, version, direction):
    key = version_works(oss, oss_harness, new_key, version)
    clock = lambda: dt.datetime.now(dt.UTC) + direction * SKEW  # noqa: E731 - a one-line clock
    expect(signed(oss, oss_harness, version, clock=clock).get_object(key), rule)


@pytest.mark.rule("auth.v4-wrong-region")
def test_v4_wrong_region(oss, oss_harness, new_key, rule):
    key = stored(oss, new_key)
    other = "cn-beijing" if oss_harness.profile.region != "cn-beijing" else "cn-shanghai"
    expect(signed(oss, oss_harness, "v4", region=other).get_object(key), rule)
