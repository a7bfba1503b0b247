"""The client's wire pieces: addressing, error parsing, redaction, namespace guard, no cookies."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from conformance import strategies as gen
from conformance.client import Namespace, NamespaceViolation, Redactor, Transcript
from conformance.client.addressing import build_target
from conformance.client.auth import split_resource
from conformance.client.errors import parse_error
from conformance.client.session import prepare
from conformance.client.signing import split_query
from conformance.client.transcript import REDACTED, SECRET_QUERY
from conformance.client.transport import Transport

ENDPOINT = "http://127.0.0.1:9000"


@given(suffix=gen.key_suffixes())
@pytest.mark.parametrize("style", ["path", "virtual-host"])
def test_keys_survive_addressing_both_styles(style, suffix):
    key = "ns/" + suffix
    url, host = build_target("http://oss.example:9000", style, "bkt", key, [("symlink", None)])
    if style == "virtual-host":  # the bucket is the host's first label; the whole path is the key
        assert host == urlsplit(url).netloc == "bkt.oss.example:9000"
        assert unquote(urlsplit(url).path[1:]) == key
    else:
        assert split_resource(url, host) == ("bkt", key)
    assert urlsplit(url).query == "symlink"


@given(
    method=st.sampled_from(["GET", "HEAD", "PUT", "POST", "DELETE"]),
    bucket=st.sampled_from(["bkt", "", "Bad_Bucket", "a b", "桶"]),
    suffix=gen.key_suffixes(),
    value=st.one_of(st.none(), st.text()),
    meta=st.dictionaries(st.sampled_from(["x-oss-meta-a", "Content-Type", "x-oss-tagging"]), st.text("ab =&%+")),
    data=st.binary(max_size=64),
)
@pytest.mark.parametrize("style", ["path", "virtual-host"])
def test_lean_preparation_equals_the_sessions(style, method, bucket, suffix, value, meta, data):
    """client.session.prepare skips session.prepare_request's work; what goes on the wire is the same."""
    url, host = build_target(ENDPOINT, style, bucket, "ns/" + suffix, [("versionId", value), ("acl", None)])
    headers = {"Host": host, **meta}
    session = requests.Session()

    def sent(make) -> tuple:
        try:
            prepared = make()
        except requests.RequestException as exc:  # refused before sending: the same refusal
            return (type(exc),)
        return prepared.method, prepared.url, list(prepared.headers.items()), prepared.body

    theirs = sent(lambda: session.prepare_request(requests.Request(method, url, headers=headers, data=data or None)))
    assert sent(lambda: prepare(session, method, url, headers, data)) == theirs


def test_query_forms_bare_and_empty_value():
    url, _ = build_target(ENDPOINT, "path", "b", "k", [("symlink", "")])
    assert url.endswith("/b/k?symlink=")
    assert split_query("symlink=&versionId=a%2Bb") == [("symlink", ""), ("versionId", "a+b")]


def test_slash_in_key_is_percent_encoded():
    url, host = build_target(ENDPOINT, "path", "b", "a/b c+d", [])
    assert url == f"{ENDPOINT}/b/a%2Fb%20c%2Bd" and host == "127.0.0.1:9000"
    url, host = build_target("https://oss.example:8443", "virtual-host", "b", "a/b", [])
    assert url == "https://b.oss.example:8443/a%2Fb" and host == "b.oss.example:8443"


ERROR_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>gone</Message>'
    b"<RequestId>R1</RequestId><HostId>h</HostId><EC>0026-00000001</EC><Key>k</Key></Error>"
)


def test_error_from_body_and_from_head_header():
    err = parse_error("GET", 404, {}, ERROR_XML)
    assert (err.code, err.request_id, err.ec, err.extra["Key"]) == ("NoSuchKey", "R1", "0026-00000001", "k")
    head = parse_error("HEAD", 404, {"x-oss-err": base64.b64encode(ERROR_XML).decode()}, b"")
    assert head.code == "NoSuchKey"


@pytest.mark.parametrize(
    ("method", "headers", "body", "problem"),
    [
        ("GET", {}, b"", "no body and no x-oss-err"),
        ("GET", {}, b"<html>oops</html>", "not <Error>"),
        ("GET", {}, b"not xml at all", "not XML"),
        ("HEAD", {"x-oss-err": "!!!"}, b"", "not base64"),
        ("GET", {}, b"<Error><Message>m</Message></Error>", "no <Code>"),
    ],
)
def test_unusable_error_bodies_say_why(method, headers, body, problem):
    err = parse_error(method, 500, headers, body)
    assert err.code is None and problem in err.problem


def test_hostile_xml_is_refused():
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Error><Code>&b;</Code></Error>'
    assert parse_error("GET", 400, {}, bomb).code is None


def test_success_is_not_an_error():
    assert parse_error("GET", 200, {}, b"") is None
    assert parse_error("GET", 304, {}, b"") is None


SECRET = "SENTINEL-secret-value-42"


def test_redaction_of_signatures_tokens_and_secrets():
    transcript = Transcript(Redactor([SECRET, "tok-123456"]))
    exchange = transcript.record(
        "GET",
        f"{ENDPOINT}/b/k?x-oss-signature=abcd&Signature=zz&other=1",
        {
            "Authorization": "OSS4-HMAC-SHA256 Credential=ak/20240101/r/oss/aliyun_v4_request,Signature=deadbeef",
            "x-oss-security-token": "tok-123456",
            "x-oss-meta-note": f"contains {SECRET}",
        },
        f"body {SECRET}".encode(),
        200,
        {"x-oss-echo": SECRET},
        SECRET.encode(),
    )
    text = exchange.render() + str(exchange.to_dict())
    for leaked in (SECRET, "deadbeef", "tok-123456", "abcd", "Signature=zz"):
        assert leaked not in text
    assert "Credential=ak/20240101" in text and "other=1" in text
    v1 = Redactor().headers({"Authorization": "OSS ak:c2lnbmF0dXJl"})
    assert v1["Authorization"] == "OSS ak:<redacted>"


_QUERY_PIECES = ["Signature=", "SIGNATURE=", "x-oss-signature=", "X-Amz-Signature=", "security-token=", "?", "&", ","]
_QUERY_PIECES += ["abc", "=", "\u017fignature=", "\u0130", "\u212a", "OSS4-HMAC-SHA256 Credential=a,Signature=", "%26"]


@given(st.lists(st.sampled_from(_QUERY_PIECES), max_size=9).map("".join))
def test_the_quick_test_before_the_query_regex_never_changes_its_result(text):
    """Redactor.text skips SECRET_QUERY where a substring test says it cannot match: it must give what the regex
    alone gives, non-ASCII case folding included."""
    assert Redactor().text(text) == SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, text)


def test_curl_line_reproduces_method_url_and_headers():
    exchange = Transcript(Redactor()).record("PUT", f"{ENDPOINT}/b/k?symlink", {"x-oss-symlink-target": "t"}, b"", 200)
    assert exchange.curl() == (
        f"curl -sS -i -X PUT '{ENDPOINT}/b/k?symlink' -H 'x-oss-symlink-target: t' -H 'Content-Length: 0'"
    )


def test_namespace_guard():
    ns = Namespace("p/", "20260101T000000Z-abcdef", "gw0")
    key = ns.key("link")
    assert key.startswith("p/20260101T000000Z-abcdef/gw0/link-")
    ns.check("PUT", key)
    ns.check("PUT", "/" + key)  # name-rule probes keep the namespace inside
    ns.check("GET", "anything")  # reads are not guarded
    for method in ("PUT", "POST", "DELETE"):
        with pytest.raises(NamespaceViolation):
            ns.check(method, "p/other-run/x")
    assert unquote(key) == key


def test_curl_lines_paste_and_send_the_same_bytes(tmp_path):
    """HEAD with -I (no wait for a body); a text body inline; any other body through printf, byte for byte."""
    import subprocess

    from conformance.client.transcript import _shell_body, curl_line

    assert curl_line("HEAD", "http://h/b/k", {}, b"").startswith("curl -sS -I http://h/b/k")
    assert "--data-binary 'hello world'" in curl_line("PUT", "http://h/b/k", {}, b"hello world")
    body = bytes(range(256))
    prefix, words = _shell_body(body)
    assert words == ["--data-binary", "@-"]
    sent = subprocess.run(["sh", "-c", prefix + "cat"], capture_output=True, check=True).stdout
    assert sent == body


def test_falsifying_example_as_plain_values():
    from conformance.failure_text import concise

    note = (
        "Falsifying example: test_meta(\n    oss=<conformance.client.session.OssClient object at 0x7f>,\n"
        "    rule=Rule(id='x',\n     title='t'),\n    meta={'0': ''},\n    body=b'a\\x00',\n)"
    )
    text = concise("[r] PUT url: expected 200, got 500", [note], ["oss", "rule"], "conformance/suite/test_a.py::test_m")
    assert text.splitlines() == [
        "[r] PUT url: expected 200, got 500",
        "falsifying example: meta={'0': ''}, body=b'a\\x00'",
        "replay: pytest --pyargs conformance.suite.test_a::test_m (with the same options: Hypothesis tries the "
        "failing example first, from its database in ./.hypothesis)",
    ]


def test_read_headers_note_every_way_a_header_is_read(monkeypatch):
    """While reach is recorded, a reply's headers note what a test reads: a header-only quirk counts only where one
    of its headers was read, so a read that went unnoted would drop a test from its quirk's mutation run."""
    from conformance.client import session

    monkeypatch.setattr(session, "HEADER_READS", set())
    headers = session.ReadHeaders({"ETag": '"a"', "x-oss-hash-crc64ecma": "1", "x-oss-request-id": "r"})
    assert headers["etag"] == '"a"' and headers.get("X-OSS-HASH-CRC64ECMA") == "1" and "x-oss-missing" not in headers
    assert {"etag", "x-oss-hash-crc64ecma", "x-oss-missing"} == session.HEADER_READS
    for look_at_all in (list, dict, len, lambda h: h.copy(), lambda h: h == {}, lambda h: list(h.lower_items())):
        session.HEADER_READS = set()
        look_at_all(headers)
        assert "*" in session.HEADER_READS, look_at_all
    session.HEADER_READS = None
    assert headers["ETag"] == '"a"'  # not recording: nothing noted, nothing fails


class _SetsCookies(BaseHTTPRequestHandler):
    """Answers every GET with a Set-Cookie, and with the Cookie header it was sent (if any) as its body."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = (self.headers.get("Cookie") or "").encode()
        self.send_response(200)
        self.send_header("Set-Cookie", "session=abc; Path=/")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_servers_cookie_is_never_sent_back():
    """One session serves every test of a process: a Set-Cookie from one reply must not change a later request."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SetsCookies)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        session = Transport().session()
        url = f"http://127.0.0.1:{server.server_address[1]}/b/k"
        replies = [session.get(url, timeout=5) for _ in range(2)]
        assert [r.headers["Set-Cookie"] for r in replies] == ["session=abc; Path=/"] * 2
        assert [r.content for r in replies] == [b"", b""]
    finally:
        server.shutdown()
        server.server_close()
