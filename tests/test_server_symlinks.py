"""Reference server: symbolic links (docs/oss-facts.md §1, §2, §3, §4)."""

from __future__ import annotations

import hashlib
import itertools
import time
import xml.etree.ElementTree as ET

import pytest
from server_support import client_for, error_fields, module_server, wait_restored

BUCKET, VERSIONED, WORM = "oss-conformance", "oss-conformance-versioned", "oss-conformance-worm"
SYMLINK = {"symlink": ""}
_counter = itertools.count()


server = module_server()


@pytest.fixture(params=["v1", "v4"])
def client(server, request):
    return client_for(server, request.param)


@pytest.fixture
def key():
    return f"links/{next(_counter)}"


def outcome(reply) -> tuple[int, str, str]:
    if not reply.content:
        return reply.status_code, "", ""
    fields = error_fields(reply.content)
    return reply.status_code, fields["Code"], fields["EC"]


def put_link(client, link, target, bucket=BUCKET, **headers):
    return client.put_symlink(bucket, link, target, **headers)


def test_put_and_get_symlink(client, key):
    reply = put_link(client, key, "some target")
    assert (reply.status_code, reply.content) == (200, b"")
    assert reply.headers["ETag"].startswith('"')
    got = client.request("GET", BUCKET, key, query=SYMLINK)
    assert got.status_code == 200
    assert got.headers["Content-Length"] == "0"
    assert got.headers["x-oss-symlink-target"] == "some%20target"
    assert got.headers["ETag"] == reply.headers["ETag"]
    assert "Last-Modified" in got.headers


def test_missing_target_header(client, key):
    reply = client.request("PUT", BUCKET, key, query=SYMLINK)
    assert outcome(reply) == (400, "MissingArgument", "0043-00000001")


@pytest.mark.parametrize(
    ("sent", "stored", "returned"),
    [
        ("a%20b%2Bc", "a b+c", "a%20b%2Bc"),
        ("a+b", "a b", "a%20b"),  # form decoding: '+' is a space
        ("dir%2Ffile", "dir/file", "dir/file"),
        ("%E4%B8%AD%E6%96%87", "中文", "%E4%B8%AD%E6%96%87"),
        ("plain/name.txt", "plain/name.txt", "plain/name.txt"),
    ],
)
def test_target_encoding(client, key, sent, stored, returned):
    client.request("PUT", BUCKET, "links/targets/" + stored, body=stored.encode())
    put_link(client, key, "links%2Ftargets%2F" + sent)
    assert (
        client.request("GET", BUCKET, key, query=SYMLINK).headers["x-oss-symlink-target"] == "links/targets/" + returned
    )
    assert client.request("GET", BUCKET, key).content == stored.encode()


def test_target_not_checked_at_create(client, key):
    assert put_link(client, key, key).status_code == 200  # itself
    assert put_link(client, key + "-to-missing", "links/nothing-here").status_code == 200
    assert put_link(client, key + "-to-link", key).status_code == 200
    assert outcome(client.request("GET", BUCKET, key))[:2] == (400, "InvalidTargetType")
    assert outcome(client.request("GET", BUCKET, key + "-to-link"))[:2] == (400, "InvalidTargetType")
    missing = client.request("GET", BUCKET, key + "-to-missing")
    assert outcome(missing) == (404, "SymlinkTargetNotExist", "0026-00000012")
    head = client.request("HEAD", BUCKET, key + "-to-missing")
    assert (head.status_code, head.headers["x-oss-ec"]) == (404, "0026-00000012")


def test_get_symlink_errors(client, key):
    assert outcome(client.request("GET", BUCKET, key, query=SYMLINK)) == (404, "NoSuchKey", "0026-00000001")
    client.request("PUT", BUCKET, key, body=b"normal")
    assert outcome(client.request("GET", BUCKET, key, query=SYMLINK)) == (400, "NotSymlink", "0043-00000101")


def test_link_storage_classes(client, key):
    for value in ("Standard", "IA", "Archive"):
        assert put_link(client, key, "t", **{"x-oss-storage-class": value}).status_code == 200
        assert client.request("HEAD", BUCKET, key, query={"objectMeta": ""}).status_code == 200
    for value in ("ColdArchive", "DeepColdArchive", "standard"):
        assert outcome(put_link(client, key, "t", **{"x-oss-storage-class": value}))[:2] == (400, "InvalidArgument")


def test_read_through_link_header_provenance(client, key):
    target = key + "-target"
    client.request("PUT", BUCKET, target, body=b"payload", headers={"Content-Type": "text/plain", "x-oss-meta-t": "1"})
    time.sleep(1.1)  # so the link is strictly newer than the target
    put_link(client, key, target, **{"Content-Type": "image/png", "x-oss-meta-l": "2", "x-oss-storage-class": "IA"})
    target_head = client.request("HEAD", BUCKET, target).headers
    link_meta = client.request("HEAD", BUCKET, key, query={"objectMeta": ""}).headers
    for method in ("GET", "HEAD"):
        reply = client.request(method, BUCKET, key)
        assert reply.status_code == 200
        headers = reply.headers
        assert headers["Content-Length"] == "7"
        assert headers["ETag"] == target_head["ETag"] == '"' + hashlib.md5(b"payload").hexdigest().upper() + '"'
        assert headers["Content-MD5"] == target_head["Content-MD5"]
        assert headers["Last-Modified"] == link_meta["Last-Modified"] != target_head["Last-Modified"]
        assert headers["Content-Type"] == "image/png"
        assert headers["x-oss-object-type"] == "Symlink"
        assert headers["x-oss-storage-class"] == "IA"
        assert headers["x-oss-meta-l"] == "2" and "x-oss-meta-t" not in headers
    assert client.request("GET", BUCKET, key).content == b"payload"


def test_range_and_conditionals_through_link(client, key):
    client.request("PUT", BUCKET, key + "-target", body=b"0123456789")
    put_link(client, key, key + "-target")
    ranged = client.request("GET", BUCKET, key, headers={"Range": "bytes=2-4"})
    assert (ranged.status_code, ranged.content, ranged.headers["Content-Range"]) == (206, b"234", "bytes 2-4/10")
    whole = client.request("GET", BUCKET, key, headers={"Range": "bytes=20-30"})
    assert (whole.status_code, whole.content) == (200, b"0123456789")
    etag = whole.headers["ETag"]
    assert client.request("GET", BUCKET, key, headers={"If-None-Match": etag}).status_code == 304
    assert outcome(client.request("GET", BUCKET, key, headers={"If-Match": '"0"'}))[:2] == (412, "PreconditionFailed")
    modified = whole.headers["Last-Modified"]
    assert client.request("GET", BUCKET, key, headers={"If-Modified-Since": modified}).status_code == 304


def test_archive_target_needs_restore(client, key):
    client.request("PUT", BUCKET, key + "-target", body=b"cold", headers={"x-oss-storage-class": "Archive"})
    put_link(client, key, key + "-target")
    assert outcome(client.request("GET", BUCKET, key))[:2] == (403, "InvalidObjectState")
    assert outcome(client.request("POST", BUCKET, key, query={"restore": ""}))[:2] == (400, "OperationNotSupported")
    client.request("POST", BUCKET, key + "-target", query={"restore": ""})
    assert wait_restored(client, BUCKET, key + "-target")
    assert client.request("GET", BUCKET, key).content == b"cold"


def test_object_meta_reports_the_link(client, key):
    client.request("PUT", BUCKET, key + "-target", body=b"a longer body")
    link_etag = put_link(client, key, key + "-target").headers["ETag"]
    meta = client.request("HEAD", BUCKET, key, query={"objectMeta": ""})
    assert meta.headers["ETag"] == link_etag
    assert meta.headers["Content-Length"] == str(len((key + "-target").encode()))


def test_link_attributes_and_subresources(client, key):
    headers = {
        "x-oss-object-acl": "private",
        "x-oss-tagging": "k=v",
        "x-oss-meta-owner": "me",
        "Content-Type": "text/x",
    }
    put_link(client, key, "t", **headers)
    got = client.request("GET", BUCKET, key, query=SYMLINK).headers
    assert (got["Content-Type"], got["x-oss-meta-owner"]) == ("text/x", "me")
    acl = ET.fromstring(client.request("GET", BUCKET, key, query={"acl": ""}).content)
    assert acl.findtext(".//Grant") == "private"
    tags = ET.fromstring(client.request("GET", BUCKET, key, query={"tagging": ""}).content)
    assert [(t.findtext("Key"), t.findtext("Value")) for t in tags.iter("Tag")] == [("k", "v")]
    bad = {"x-oss-meta-bad_name": "x"}
    assert outcome(put_link(client, key, "t", **bad)) == (400, "InvalidArgument", "0011-00000004")


def test_forbid_overwrite_and_overwrite(client, key):
    client.request("PUT", BUCKET, key, body=b"x")
    assert outcome(put_link(client, key, "t", **{"x-oss-forbid-overwrite": "true"})) == (
        409,
        "FileAlreadyExists",
        "0026-00000002",
    )
    assert put_link(client, key, "t").status_code == 200  # default: overwrite a normal object
    assert put_link(client, key, "u").status_code == 200  # and a link
    assert client.request("GET", BUCKET, key, query=SYMLINK).headers["x-oss-symlink-target"] == "u"
    assert outcome(put_link(client, key, "t", **{"x-oss-forbid-overwrite": "yes"}))[2] == "0017-00000279"
    client.request("PUT", VERSIONED, key, body=b"x")
    assert put_link(client, key, "t", bucket=VERSIONED, **{"x-oss-forbid-overwrite": "true"}).status_code == 200


def test_worm_refuses_overwrite_by_link(client, key):
    assert put_link(client, key, "t", bucket=WORM).status_code == 200
    assert outcome(put_link(client, key, "u", bucket=WORM))[:2] == (409, "FileImmutable")
    client.request("PUT", WORM, key + "-obj", body=b"x")
    assert outcome(put_link(client, key + "-obj", "u", bucket=WORM))[:2] == (409, "FileImmutable")


def test_link_operations(client, key):
    target = key + "-target"
    client.request("PUT", BUCKET, target, body=b"data")
    put_link(client, key, target)
    append = client.request("POST", BUCKET, key, query={"append": "", "position": "0"}, body=b"x")
    assert outcome(append)[:2] == (409, "ObjectNotAppendable")
    copied = client.request("PUT", BUCKET, key + "-copy", headers={"x-oss-copy-source": f"/{BUCKET}/{key}"})
    assert copied.status_code == 200
    assert client.request("GET", BUCKET, key + "-copy", query=SYMLINK).headers["x-oss-symlink-target"] == target
    listing = ET.fromstring(client.request("GET", BUCKET, None, query={"prefix": key}).content)
    types = {c.findtext("Key"): c.findtext("Type") for c in listing.iter("Contents")}
    assert types == {key: "Symlink", key + "-copy": "Symlink", target: "Normal"}
    assert client.request("DELETE", BUCKET, key).status_code == 204
    assert client.request("GET", BUCKET, target).content == b"data"
    client.request("PUT", BUCKET, key + "-copy", body=b"replaced")
    assert client.request("GET", BUCKET, key + "-copy").headers["x-oss-object-type"] == "Normal"


def test_versioned_links(client, key):
    target = key + "-target"
    client.request("PUT", VERSIONED, target, body=b"v1")
    first = put_link(client, key, target, bucket=VERSIONED).headers["x-oss-version-id"]
    second = put_link(client, key, "elsewhere", bucket=VERSIONED).headers["x-oss-version-id"]
    assert first and second and first != second
    old = client.request("GET", VERSIONED, key, query={"symlink": "", "versionId": first})
    assert (old.headers["x-oss-symlink-target"], old.headers["x-oss-version-id"]) == (target, first)
    assert client.request("GET", VERSIONED, key, query={"versionId": first}).content == b"v1"
    client.request("PUT", VERSIONED, target, body=b"v2")
    assert client.request("GET", VERSIONED, key, query={"versionId": first}).content == b"v2"  # current target
    deleted = client.request("DELETE", VERSIONED, key)
    assert deleted.status_code == 204
    assert deleted.headers["x-oss-delete-marker"] == "true"
    marker = deleted.headers["x-oss-version-id"]
    gone = client.request("GET", VERSIONED, key, query=SYMLINK)
    assert outcome(gone)[:2] == (404, "NoSuchKey")
    assert (gone.headers["x-oss-delete-marker"], gone.headers["x-oss-version-id"]) == ("true", marker)
