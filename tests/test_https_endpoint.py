"""The suite against a server it did not start, over HTTPS: `oss-conformance serve --tls-self-signed` on
loopback, with a certificate made for the run (openssl CLI, see conformance/server/tls.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
from conftest import run_suite

from conformance.client import Transport
from conformance.profile import Profile, ProfileError
from conformance.server import ReferenceServer
from conformance.server.server import DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET
from conformance.server.tls import self_signed, server_context

CREDENTIALS = {"OSS_ACCESS_KEY_ID": DEFAULT_ACCESS_KEY_ID, "OSS_ACCESS_KEY_SECRET": DEFAULT_ACCESS_KEY_SECRET}


@pytest.fixture(autouse=True)
def journal_in_tmp(tmp_path, monkeypatch):
    """Runs against a named endpoint journal their keys: into this test's directory, not the user's cache."""
    monkeypatch.setenv("OSS_CONFORMANCE_JOURNAL_DIR", str(tmp_path / "journal"))


@pytest.fixture(scope="module")
def https_server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """(url, ca bundle) of `oss-conformance serve` over TLS, read from the one line it prints."""
    directory = tmp_path_factory.mktemp("tls")
    command = [sys.executable, "-m", "conformance.cli", "serve", "--port", "0", "--tls-self-signed", str(directory)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        fields = dict(word.split("=", 1) for word in line.split() if "=" in word)
        assert fields.get("url", "").startswith("https://127.0.0.1:"), line + process.stderr.read()
        yield fields["url"], fields["ca_bundle"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_whole_suite_over_https_with_the_ca_bundle_and_virtual_host(https_server):
    url, ca_bundle = https_server
    port = url.rsplit(":", 1)[1]
    # virtual-host: the bucket is a DNS label of localhost, pinned to loopback inside the client
    result = run_suite(
        *("-q", "-n", "2", "--endpoint", f"https://localhost:{port}", "--ca-bundle", ca_bundle),
        *("--addressing", "virtual-host", "--resolve", "localhost=127.0.0.1", "--resolve", "*.localhost=127.0.0.1"),
        env=CREDENTIALS,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " failed" not in result.stdout
    # every worker deleted what it wrote (a WORM-retained object stays, as it must, and is counted apart)
    left = re.findall(r"/gw\d+/: (\d+) keys left behind", result.stdout)
    assert left and set(left) == {"0"}, result.stdout[-3000:]


def test_untrusted_certificate_stops_the_run_with_one_line(https_server):
    url, _ = https_server
    result = run_suite("-q", "--endpoint", url, env=CREDENTIALS)
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        f"oss-conformance: the TLS certificate of {url} is not trusted (self-signed certificate); nothing was "
        "tested. Fix: --ca-bundle FILE (the CA that signed it), or --insecure to skip verification"
    ]
    assert " passed" not in result.stdout and " failed" not in result.stdout


def test_insecure_passes_and_warns_once(https_server):
    url, _ = https_server
    # two workers, so "once" means once per run; one module is enough (the whole suite runs over TLS above)
    result = run_suite("-q", "-n", "2", "-k", "test_objects.py", "--endpoint", url, "--insecure", env=CREDENTIALS)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert output.count("not verified") == 1 and "InsecureRequestWarning" not in output
    assert f"oss-conformance: warning: TLS certificates of {url} are not verified" in result.stderr


def test_curl_line_reaches_the_server_the_same_way(tmp_path):
    """The curl options carry the trust and the pinned address, so the pasted line connects as the suite did."""
    transport = Transport(ca_bundle="/ca.pem", resolve={"*.oss.test": "127.0.0.1"})
    assert transport.curl_flags("https://b.oss.test:8443/k") == [
        *("--cacert", "/ca.pem", "--resolve", "b.oss.test:8443:127.0.0.1"),
    ]
    assert Transport(insecure=True).curl_flags("https://oss.test/") == ["-k"]


def test_resolve_keeps_the_name_for_tls(tmp_path):
    """Connecting by a pinned address still checks the certificate against the name (SNI and hostname)."""
    cert, key = self_signed(tmp_path, ["only.example.test"])
    server = ReferenceServer(tls=server_context(cert, key)).start()
    try:
        port = server.port
        pinned = Transport(ca_bundle=str(cert), resolve={"only.example.test": "127.0.0.1", "other.test": "127.0.0.1"})
        assert pinned.session().get(f"https://only.example.test:{port}/", timeout=5).status_code == 403
        with pytest.raises(requests.exceptions.SSLError):
            pinned.session().get(f"https://other.test:{port}/", timeout=5)
    finally:
        server.stop()


def test_environment_proxy_is_used(always_ok_server, monkeypatch):
    """HTTP_PROXY is honoured: the request goes to the (loopback) proxy, with the absolute URL."""
    monkeypatch.setenv("HTTP_PROXY", always_ok_server)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    reply = Transport().session().get("http://oss.example.invalid/b/k", timeout=5)
    assert reply.status_code == 200  # answered by the proxy: the name itself was never looked up


def test_any_endpoint_is_accepted_and_tls_fields_are_checked(tmp_path):
    assert Profile().with_overrides(endpoint="https://oss-cn-hangzhou.aliyuncs.com").endpoint.startswith("https")
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    for values, field in (
        ({"endpoint": "https://h", "ca_bundle": str(tmp_path / "none.pem")}, "ca_bundle"),
        ({"endpoint": "https://h", "ca_bundle": str(bundle), "insecure": True}, "insecure"),
        ({"endpoint": "https://10.0.0.1", "addressing": "virtual-host"}, "addressing"),
        ({"endpoint": "ftp://h"}, "endpoint"),
    ):
        with pytest.raises(ProfileError, match=f"field '{field}'"):
            Profile().with_overrides(**values)
