"""Reference server: lifecycle, persistence, concurrency, the serve CLI and the quirk registry."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from server_support import client_for, error_fields

from conformance.server import ReferenceServer, cli, is_loopback
from conformance.server.quirks import Quirks

BUCKET = "oss-conformance"


def test_context_manager_and_buckets():
    with ReferenceServer(bucket="demo") as srv:
        assert srv.url.startswith("http://127.0.0.1:") and srv.port > 0
        assert srv.buckets == {
            "demo": {"versioning": None, "worm": False, "acl": "private"},
            "demo-versioned": {"versioning": "Enabled", "worm": False, "acl": "private"},
            "demo-worm": {"versioning": None, "worm": True, "acl": "private"},
        }
        assert client_for(srv).request("GET", "demo", None).status_code == 200


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("LocalHost", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("::", False),
        ("example.com", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_persistence_across_restart(tmp_path):
    with ReferenceServer(data_dir=str(tmp_path)) as srv:
        client = client_for(srv)
        client.request("PUT", BUCKET, "kept", body=b"still here")
        client.request("PUT", BUCKET, "kept-link", query={"symlink": ""}, headers={"x-oss-symlink-target": "kept"})
        client.request("PUT", f"{BUCKET}-versioned", "v", body=b"1")
    with ReferenceServer(data_dir=str(tmp_path)) as srv:
        client = client_for(srv)
        assert client.request("GET", BUCKET, "kept-link").content == b"still here"
        listing = client.request("GET", f"{BUCKET}-versioned", None, query={"versions": ""})
        assert listing.content.count(b"<Version>") == 1
    with ReferenceServer() as srv:  # without data_dir nothing carries over
        assert client_for(srv).request("GET", BUCKET, "kept").status_code == 404


def test_parallel_requests():
    with ReferenceServer() as srv:
        client = client_for(srv, "v4")

        sessions = threading.local()

        def work(index: int) -> tuple[int, bytes]:
            if not hasattr(sessions, "client"):
                sessions.client = client_for(srv, "v4")  # requests sessions are not thread-safe: one per thread
            local = sessions.client
            key = f"parallel/{index % 8}"
            local.request("PUT", BUCKET, key, body=f"{index}".encode())
            local.request("POST", BUCKET, "parallel/appended", query={"append": "", "position": "0"}, body=b"x")
            reply = local.request("GET", BUCKET, key)
            return reply.status_code, reply.content

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(work, range(200)))
        assert all(status == 200 and body.isdigit() for status, body in results)
        # exactly one append at position 0 can win; the rest see PositionNotEqualToLength
        assert client.request("GET", BUCKET, "parallel/appended").content == b"x"


def test_forbid_overwrite_is_atomic():
    with ReferenceServer() as srv:
        barrier = threading.Barrier(12)

        def attempt(index: int) -> int:
            local = client_for(srv)
            barrier.wait()
            headers = {"x-oss-forbid-overwrite": "true"}
            return local.request("PUT", BUCKET, "race", body=str(index).encode(), headers=headers).status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(attempt, range(12)))
        assert sorted(statuses) == [200] + [409] * 11


# ---------------------------------------------------------------- quirks


def test_unknown_quirk_is_refused_and_names_the_list():  # the catalog's own checks: tests/test_quirks_catalog.py
    with pytest.raises(ValueError, match=r"no-such-quirk .*oss-conformance quirks"):
        Quirks(["no-such-quirk"])
    assert Quirks(["symlink-not-implemented"]).has("symlink-not-implemented")


@pytest.fixture
def quirked(request):
    """A client of a fresh server running the one quirk named by indirect parametrization."""
    with ReferenceServer(quirks=[request.param]) as srv:
        yield client_for(srv)


@pytest.mark.parametrize("quirked", ["symlink-not-implemented"], indirect=True)
def test_quirk_symlink_not_implemented(quirked):
    reply = quirked.put_symlink(BUCKET, "l", "t")
    assert (reply.status_code, error_fields(reply.content)["Code"]) == (501, "NotImplemented")
    assert quirked.request("GET", BUCKET, "l", query={"symlink": ""}).status_code == 501


@pytest.mark.parametrize("quirked", ["symlink-target-raw"], indirect=True)
def test_quirk_symlink_target_raw(quirked):
    quirked.put_symlink(BUCKET, "l", "a%20b")
    assert quirked.request("GET", BUCKET, "l", query={"symlink": ""}).headers["x-oss-symlink-target"] == "a%20b"


@pytest.mark.parametrize("quirked", ["objectmeta-follows-link"], indirect=True)
def test_quirk_objectmeta_follows_link(quirked):
    quirked.request("PUT", BUCKET, "t", body=b"12345")
    quirked.put_symlink(BUCKET, "l", "t")
    assert quirked.request("HEAD", BUCKET, "l", query={"objectMeta": ""}).headers["Content-Length"] == "5"


@pytest.mark.parametrize("quirked", ["forbid-overwrite-ignored"], indirect=True)
def test_quirk_forbid_overwrite_ignored(quirked):
    quirked.request("PUT", BUCKET, "k", body=b"1")
    assert quirked.request("PUT", BUCKET, "k", body=b"2", headers={"x-oss-forbid-overwrite": "true"}).ok


@pytest.mark.parametrize("quirked", ["head-error-without-x-oss-err"], indirect=True)
def test_quirk_head_error_without_x_oss_err(quirked):
    reply = quirked.request("HEAD", BUCKET, "missing")
    assert reply.status_code == 404 and "x-oss-err" not in reply.headers


# ---------------------------------------------------------------- serve CLI


def _serve(*args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "conformance.server", "serve", *args]
    # Ctrl-C as a terminal sends it: a child whose parent ignores SIGINT (an xdist worker may) inherits the
    # ignore, and Python then installs no KeyboardInterrupt handler; reset it so SIGINT means what it does for users.
    restore = lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)  # noqa: E731
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=restore)


def test_serve_prints_url_and_export_line_and_stops_on_ctrl_c():
    process = _serve("--host", "127.0.0.1", "--port", "0", "--access-key-secret", "local-secret")
    try:
        line = process.stdout.readline() if process.stdout else ""
        export = process.stdout.readline() if process.stdout else ""
        assert line.startswith("oss-conformance reference server: url=http://127.0.0.1:")
        assert line.rstrip().endswith("bucket=oss-conformance access_key_id=test-access-key-id")
        # a local test server: the secret it accepts is printed, ready to paste
        assert export.rstrip() == "export OSS_ACCESS_KEY_ID=test-access-key-id OSS_ACCESS_KEY_SECRET=local-secret"
        url = line.split("url=")[1].split()[0]
        assert requests.get(url + "/", timeout=10).status_code == 403  # it serves (anonymous: denied)
        process.send_signal(signal.SIGINT)
        stdout, _ = process.communicate(timeout=120)  # a hang check; a loaded machine is slow to start it
    finally:
        process.kill()
    assert process.returncode == 0
    assert stdout == ""


class _Unlistening:
    """Stands in for the server in serve_main: binds nothing (the project's tests listen on loopback only)."""

    url = "http://0.0.0.0:9000"

    def bind(self) -> None:
        pass

    def serve_forever(self) -> None:
        raise KeyboardInterrupt

    def stop(self) -> None:
        pass


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("127.0.0.1", False)])
def test_serve_beyond_loopback_warns_once(host, warned, monkeypatch, capsys):
    monkeypatch.setattr(cli, "_server", lambda args, context: _Unlistening())
    assert cli.serve_main(["--host", host]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 2  # the URL line and the export line
    warnings = captured.err.strip().splitlines()
    assert warnings == (
        [
            f"serve: warning: listening on {host}, beyond loopback: whoever reaches this port can use "
            "the credentials printed above to read and write its buckets"
        ]
        if warned
        else []
    )
