"""Cleanup deletes what a run wrote with as few requests as it can (one DeleteMultipleObjects a thousand keys),
and loses nothing when batch delete is missing or wrong: a key counts as deleted only where the reply says so."""

from __future__ import annotations

import pytest

from conformance.client.session import OssClient
from conformance.harness import Harness
from conformance.profile import Profile

KEYS = ["plain", "dir/nested", "tricky &<>'\" name", "form\x0cfeed", "中文"]  # \x0c: XML cannot carry it


@pytest.fixture
def harness():
    harness = Harness(Profile(), "cleanup-test")
    harness.start()
    yield harness
    harness.finish()


def _write_all(harness: Harness) -> OssClient:
    client = harness.client()
    for suffix in KEYS:
        assert client.put_object(harness.namespace.key(suffix), b"x").status == 200
    return client


def _listed(client: OssClient, harness: Harness) -> list:
    return client.request("GET", None, query=[("prefix", harness.namespace.root)]).body.count(b"<Contents>")


def test_one_batch_and_the_keys_xml_cannot_carry_one_by_one(harness):
    client = _write_all(harness)
    report = harness.cleanup()
    sent = [e.method for e in harness.cleanup_transcript.exchanges]
    assert (report.deleted, report.left, _listed(client, harness)) == (len(KEYS), [], 0)
    assert sent.count("POST") == 1 and sent.count("DELETE") == 1, sent  # the batch, then the form-feed key


def test_a_batch_that_confirms_nothing_loses_nothing(harness, monkeypatch):
    client = _write_all(harness)
    real = OssClient.delete_multiple

    def claims_success_deletes_nothing(self, keys, *args, **kwargs):
        reply = real(self, [k + "-never-written" for k in keys], *args, **kwargs)  # a 200 naming other keys
        assert reply.status == 200
        return reply

    monkeypatch.setattr(OssClient, "delete_multiple", claims_success_deletes_nothing)
    report = harness.cleanup()
    assert (report.deleted, report.left, _listed(client, harness)) == (len(KEYS), [], 0)


def test_an_ephemeral_embedded_server_is_not_cleaned_and_says_so():
    """A mutation run's child: its embedded server ends with it, so cleanup sends nothing (and its line says why);
    against an endpoint the same flag changes nothing."""
    harness = Harness(Profile(), "cleanup-test", ephemeral=True)
    harness.start()
    try:
        client = _write_all(harness)
        report = harness.cleanup()
        assert (harness.cleanup_transcript.exchanges, _listed(client, harness)) == ([], len(KEYS))
        assert report.summary().startswith("cleanup skipped: ")
        remote = Harness(Profile(endpoint=harness.endpoint), "cleanup-test", ephemeral=True)
        remote.credentials, remote.written = harness.credentials, harness.written
        assert remote.cleanup().deleted == len(KEYS)
    finally:
        harness.finish()
