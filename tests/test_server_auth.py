"""Reference server: request authentication (V1, V4, presigned, anonymous). docs/oss-facts.md §6.2, §6.3, §6.4."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from server_support import SignedClient, client_for, error_fields, module_server

from conformance.client import signing
from conformance.server.xmlutil import http_date

BUCKET = "oss-conformance"


server = module_server(access_key_id="ak-test", access_key_secret="sk-test")


@pytest.fixture(scope="module", autouse=True)
def stored_object(server):
    client_for(server).request("PUT", BUCKET, "auth/object", body=b"data")


@pytest.fixture(params=["v1", "v4"])
def version(request):
    return request.param


def test_valid_signatures_accepted(server, version):
    reply = client_for(server, version).request("GET", BUCKET, "auth/object")
    assert reply.status_code == 200
    assert reply.content == b"data"


def test_wrong_secret_is_signature_does_not_match(server, version):
    client = SignedClient(server.url, "ak-test", "wrong-secret", version=version)
    reply = client.request("GET", BUCKET, "auth/object")
    assert reply.status_code == 403
    fields = error_fields(reply.content)
    assert fields["Code"] == "SignatureDoesNotMatch"
    assert fields["StringToSign"]
    assert fields["SignatureProvided"]


def test_unknown_access_key(server, version):
    client = SignedClient(server.url, "who-is-this", "sk-test", version=version)
    reply = client.request("GET", BUCKET, "auth/object")
    assert reply.status_code == 403
    fields = error_fields(reply.content)
    assert (fields["Code"], fields["EC"], fields["OSSAccessKeyId"]) == (
        "InvalidAccessKeyId",
        "0002-00000902",
        "who-is-this",
    )


def test_no_credentials_is_access_denied(server):
    reply = client_for(server).request("GET", BUCKET, "auth/object", sign=False)
    assert reply.status_code == 403
    assert error_fields(reply.content)["Code"] == "AccessDenied"


@pytest.mark.parametrize("skew", [-16 * 60, 16 * 60])
def test_skew_over_15_minutes(server, version, skew):
    reply = client_for(server, version).request("GET", BUCKET, "auth/object", skew=skew)
    assert reply.status_code == 403
    assert error_fields(reply.content)["Code"] == "RequestTimeTooSkewed"


def test_skew_under_15_minutes_accepted(server, version):
    assert client_for(server, version).request("GET", BUCKET, "auth/object", skew=14 * 60).status_code == 200


def test_v1_x_oss_date_wins_over_date(server):
    client = client_for(server)
    stale = {"Date": http_date(time.time() - 3600), "x-oss-date": http_date()}
    assert client.request("GET", BUCKET, "auth/object", headers=stale).status_code == 200
    skewed = {"Date": http_date(), "x-oss-date": http_date(time.time() - 3600)}
    reply = client.request("GET", BUCKET, "auth/object", headers=skewed)
    assert error_fields(reply.content)["Code"] == "RequestTimeTooSkewed"


def test_v4_wrong_region(server):
    client = SignedClient(server.url, "ak-test", "sk-test", region="cn-beijing", version="v4")
    reply = client.request("GET", BUCKET, "auth/object")
    assert reply.status_code == 400
    fields = error_fields(reply.content)
    assert (fields["Code"], fields["EC"]) == ("InvalidArgument", "0002-00000226")


def test_v4_signed_payload_hash_refused(server):
    headers = {"x-oss-content-sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}
    reply = client_for(server, "v4").request("GET", BUCKET, "auth/object", headers=headers)
    assert reply.status_code == 400
    fields = error_fields(reply.content)
    assert (fields["Code"], fields["EC"]) == ("InvalidArgument", "0002-00000214")


def test_v4_comma_space_separator_accepted(server):
    client = client_for(server, "v4")
    headers: dict[str, str] = {}
    client.sign("GET", BUCKET, "auth/object", headers, [])
    headers["Authorization"] = headers["Authorization"].replace(",", ", ")
    reply = client.session.get(f"{server.url}/{BUCKET}/auth%2Fobject", headers=headers)
    assert reply.status_code == 200


def test_v4_additional_headers_signed(server):
    client = client_for(server, "v4")
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    headers = {"x-oss-date": stamp, "x-oss-content-sha256": signing.UNSIGNED_PAYLOAD, "Range": "bytes=0-1"}
    canonical = signing.v4_canonical_request("GET", BUCKET, "auth/object", headers, [], ["range"])
    signature = signing.v4_signature(
        "sk-test", stamp[:8], "cn-hangzhou", signing.v4_string_to_sign(stamp, "cn-hangzhou", canonical)
    )
    headers["Authorization"] = signing.v4_authorization("ak-test", stamp, "cn-hangzhou", ["range"], signature)
    reply = client.session.get(f"{server.url}/{BUCKET}/auth%2Fobject", headers=headers)
    assert (reply.status_code, reply.content) == (206, b"da")
    headers["Range"] = "bytes=0-2"  # the signed additional header changed
    reply = client.session.get(f"{server.url}/{BUCKET}/auth%2Fobject", headers=headers)
    assert error_fields(reply.content)["Code"] == "SignatureDoesNotMatch"


def test_v1_presigned_url(server):
    expires = str(int(time.time()) + 300)
    string_to_sign = signing.v1_string_to_sign("GET", BUCKET, "auth/object", {}, [], date=expires)
    signature = signing.v1_signature("sk-test", string_to_sign)
    query = f"OSSAccessKeyId=ak-test&Expires={expires}&Signature={quote(signature, safe='')}"
    reply = client_for(server).session.get(f"{server.url}/{BUCKET}/auth%2Fobject?{query}")
    assert (reply.status_code, reply.content) == (200, b"data")
    expired = query.replace(expires, str(int(time.time()) - 10))
    reply = client_for(server).session.get(f"{server.url}/{BUCKET}/auth%2Fobject?{expired}")
    assert reply.status_code == 403


def test_anonymous_read_follows_effective_acl(server):
    client = client_for(server)
    client.request("PUT", BUCKET, "auth/public", body=b"open", headers={"x-oss-object-acl": "public-read"})
    client.request("PUT", BUCKET, "auth/default", body=b"closed", headers={"x-oss-object-acl": "default"})
    assert client.request("GET", BUCKET, "auth/public", sign=False).content == b"open"
    assert client.request("HEAD", BUCKET, "auth/public", sign=False).status_code == 200
    assert client.request("GET", BUCKET, "auth/default", sign=False).status_code == 403  # bucket is private
    assert client.request("GET", BUCKET, "auth/missing", sign=False).status_code == 403  # no existence oracle
    assert client.request("PUT", BUCKET, "auth/public", sign=False, body=b"x").status_code == 403


def test_anonymous_read_through_link_needs_both_acls(server):
    client = client_for(server)
    client.request("PUT", BUCKET, "auth/t-public", body=b"t", headers={"x-oss-object-acl": "public-read"})
    client.request("PUT", BUCKET, "auth/t-private", body=b"t", headers={"x-oss-object-acl": "private"})
    cases = {
        ("public-read", "auth/t-public"): 200,
        ("private", "auth/t-public"): 403,
        ("public-read-write", "auth/t-private"): 403,
        ("default", "auth/t-public"): 403,
    }
    for index, ((link_acl, target), status) in enumerate(cases.items()):
        link = f"auth/link-{index}"
        headers = {"x-oss-symlink-target": target, "x-oss-object-acl": link_acl}
        assert client.request("PUT", BUCKET, link, query={"symlink": ""}, headers=headers).status_code == 200
        assert client.request("GET", BUCKET, link, sign=False).status_code == status, (link_acl, target)
