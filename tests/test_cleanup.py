"""Cleanup deletes what a run wrote with as few requests as it can (one DeleteMultipleObjects a thousand keys or
versions), and loses nothing when batch delete is missing or wrong: a key or version counts as deleted only where
the reply says so."""

from __future__ import annotations

import pytest

from conformance.client.session import OssClient
from conformance.harness import Harness
from conformance.profile import Profile

KEYS = ["plain", "dir/nested", "tricky &<>'\" name", "form\x0cfeed", "中文"]  # \x0c: XML cannot carry it
UNCARRIED = sum(not key.isprintable() for key in KEYS)  # keys DeleteMultipleObjects cannot name: one by one


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


def _write_versions(harness: Harness) -> OssClient:
    """Of each key in the versioned bucket: a version, a delete marker and a current version."""
    client = harness.client("versioned")
    for suffix in KEYS:
        key = harness.namespace.key(suffix)
        assert [client.put_object(key, b"x").status, client.delete_object(key).status] == [200, 204]
        assert client.put_object(key, b"x").status == 200
    return client


def _listed(client: OssClient, harness: Harness) -> list:
    return client.request("GET", None, query=[("prefix", harness.namespace.root)]).body.count(b"<Contents>")


def _versions(client: OssClient, harness: Harness) -> int:
    body = client.request("GET", None, query=[("versions", None), ("prefix", harness.namespace.root)]).body
    return body.count(b"<Version>") + body.count(b"<DeleteMarker>")


def test_one_batch_and_the_keys_xml_cannot_carry_one_by_one(harness):
    client = _write_all(harness)
    report = harness.cleanup()
    sent = [e.method for e in harness.cleanup_transcript.exchanges]
    assert (report.deleted, report.left, _listed(client, harness)) == (len(KEYS), [], 0)
    assert sent.count("POST") == 1 and sent.count("DELETE") == 1, sent  # the batch, then the form-feed key


def test_versions_go_in_batches_too(harness):
    """The versions listing (url-encoded: a raw one holding the form feed would not parse) finds every version
    and delete marker; one batch removes those XML can carry, the form-feed key's go one by one."""
    client = _write_versions(harness)
    assert _versions(client, harness) == 3 * len(KEYS)
    report = harness.cleanup()
    sent = [e.method for e in harness.cleanup_transcript.exchanges if "oss-conformance-versioned/" in e.url]
    # each key: its written name (a new delete marker), then the listed version, marker, version and that marker
    assert (report.deleted, report.left, _versions(client, harness)) == (5 * len(KEYS), [], 0)
    assert sent.count("POST") == 2, sent  # the written keys, then the listed versions
    assert sent.count("DELETE") == 5 * UNCARRIED, sent


def test_a_batch_that_confirms_nothing_loses_nothing(harness, monkeypatch):
    plain, versioned = _write_all(harness), _write_versions(harness)
    real = OssClient.delete_multiple

    def claims_success_deletes_nothing(self, keys, *args, **kwargs):
        other = [k + "-never-written" if isinstance(k, str) else (k[0] + "-never-written", k[1]) for k in keys]
        reply = real(self, other, *args, **kwargs)  # a 200 naming other keys
        assert reply.status == 200
        return reply

    monkeypatch.setattr(OssClient, "delete_multiple", claims_success_deletes_nothing)
    report = harness.cleanup()
    # as in test_versions_go_in_batches_too, one by one, plus the marker the fake batch left on each other name
    # (the keys XML cannot carry never went into a batch)
    deleted = len(KEYS) + 6 * (len(KEYS) - UNCARRIED) + 5 * UNCARRIED
    assert (report.deleted, report.left, _listed(plain, harness), _versions(versioned, harness)) == (deleted, [], 0, 0)


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


def test_a_batch_forgets_only_the_keys_its_reply_confirms(harness, monkeypatch):
    """What a run wrote stays written (and its journal says so, for `sweep --journal` after a SIGKILL) until a
    reply names it deleted: not on a quiet reply, which names only failures, nor on a 200 that names other keys."""
    client = harness.client()
    keys = [harness.namespace.key(suffix) for suffix in ("a", "b c+d", "e")]
    for key in keys:
        assert client.put_object(key, b"x").status == 200
    assert client.delete_multiple(keys[:1], quiet=True).status == 200
    assert harness._written_in(client.bucket) == set(keys)
    real = OssClient.delete_multiple
    monkeypatch.setattr(OssClient, "delete_multiple", lambda self, ks, **kw: real(self, [k + "-other" for k in ks]))
    assert client.delete_multiple(keys[1:2]).status == 200
    assert harness._written_in(client.bucket) == set(keys)
    monkeypatch.undo()
    assert client.delete_multiple(keys[1:], **{"encoding-type": "url"}).status == 200  # names come back encoded
    assert harness._written_in(client.bucket) == {keys[0]}
