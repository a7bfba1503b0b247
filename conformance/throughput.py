"""The reference server's throughput against moto_server's, for `oss-conformance bench`: 1 KB PUT+GET in a loop
on 4 threads, with the same two clients against both servers.

Two clients, because on a small machine the client can be what saturates: a requests.Session (the stack the suite
uses) spends more CPU per operation than the reference server does, so its figure is bounded by the client. A
plain http.client connection per thread costs a fraction of that, and shows the servers themselves. Each row also
gives the server's and the client's CPU milliseconds per operation, read from the processes; the server's figure
does not depend on which side saturated.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import formatdate
from urllib.parse import urlsplit

import requests

from .client import Credentials, OssAuth, signing

THREADS = 4
PAYLOAD = b"x" * 1024

# (url, bucket, credentials, key prefix, deadline) -> (operations answered 2xx, operations answered otherwise)
Loop = Callable[[str, str, Credentials, str, float], tuple[int, int]]


def requests_loop(url: str, bucket: str, credentials: Credentials, prefix: str, deadline: float) -> tuple[int, int]:
    session = requests.Session()
    session.auth = OssAuth(credentials, "v1")  # V1: moto checks no signature, but accepts it
    statuses: list[int] = []
    while time.perf_counter() < deadline:
        key = f"{url}/{bucket}/{prefix}-{len(statuses) // 2 % 16}"
        statuses.append(session.put(key, data=PAYLOAD, timeout=30).status_code)
        statuses.append(session.get(key, timeout=30).status_code)
    session.close()
    return _counted(statuses)


def http_client_loop(url: str, bucket: str, credentials: Credentials, prefix: str, deadline: float) -> tuple[int, int]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    statuses: list[int] = []
    while time.perf_counter() < deadline:
        key = f"{prefix}-{len(statuses) // 2 % 16}"
        for method, body in (("PUT", PAYLOAD), ("GET", None)):
            headers = {"Date": formatdate(usegmt=True)}
            text = signing.v1_string_to_sign(method, bucket, key, headers, [])
            headers["Authorization"] = signing.v1_authorization(
                credentials.access_key_id, credentials.access_key_secret, text
            )
            connection.request(method, f"/{bucket}/{key}", body=body, headers=headers)
            reply = connection.getresponse()
            reply.read()
            statuses.append(reply.status)
    connection.close()
    return _counted(statuses)


def _counted(statuses: list[int]) -> tuple[int, int]:
    """(2xx, other): moto_server has answered an odd 500 under load; it is counted, not fatal."""
    ok = sum(200 <= status < 300 for status in statuses)
    return ok, len(statuses) - ok


CLIENTS: dict[str, Loop] = {"requests.Session": requests_loop, "http.client": http_client_loop}


@dataclass
class Figure:
    ops_per_second: float  # operations answered 2xx
    errors: int  # operations answered otherwise
    server_ms: float | None  # CPU milliseconds per operation; None where the process's CPU time cannot be read
    client_ms: float


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) of a running process, from /proc; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(url: str, pid: int, bucket: str, credentials: Credentials, loop: Loop, seconds: float) -> Figure:
    server_before, client_before = process_cpu(pid), time.process_time()
    started = time.perf_counter()
    deadline = started + seconds
    with ThreadPoolExecutor(THREADS) as pool:
        counts = list(
            pool.map(lambda n: loop(url, bucket, credentials, f"bench-throughput/{n}", deadline), range(THREADS))
        )
    elapsed = time.perf_counter() - started
    ops, errors = sum(ok for ok, _ in counts), sum(bad for _, bad in counts)
    client = (time.process_time() - client_before) / max(ops + errors, 1) * 1000
    server_after = process_cpu(pid)
    server = None
    if server_before is not None and server_after is not None:
        server = (server_after - server_before) / max(ops + errors, 1) * 1000
    return Figure(ops / elapsed, errors, server, client)


def measure_or_reason(
    url: str, pid: int, bucket: str, credentials: Credentials, loop: Loop, seconds: float
) -> Figure | str:
    """A Figure, or in one line why the loop stopped."""
    try:
        return measure(url, pid, bucket, credentials, loop, seconds)
    except (requests.RequestException, OSError, http.client.HTTPException) as exc:
        return f"a request failed ({str(exc)[:160]})"


@contextmanager
def reference_process(bucket: str, credentials: Credentials) -> Iterator[tuple[str, subprocess.Popen]]:
    """The reference server in a process of its own, as moto_server runs: the comparison is server to server."""
    command = [sys.executable, "-m", "conformance.server", "--port", "0", "--bucket", bucket]
    command += ["--access-key-id", credentials.access_key_id, "--access-key-secret", credentials.access_key_secret]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline() if process.stdout else ""
        yield line.split("url=", 1)[1].split()[0], process
    finally:
        process.terminate()
        process.wait(timeout=10)


def throughput_lines(seconds: float, bucket: str, credentials: Credentials) -> list[str]:
    """One table row per server and client, then the reference / moto ratios per client."""
    from .report.regenerate import _moto_command, moto_process

    servers: dict[str, Callable] = {"reference": lambda: reference_process(bucket, credentials)}
    try:
        _moto_command()
        servers["moto_server"] = lambda: moto_process({bucket: False})
    except SystemExit:  # its one-line "not found" message
        missing = "moto_server: not measured: not installed (pip install 'oss-conformance[report]')"
    else:
        missing = ""
    figures: dict[tuple[str, str], Figure | str] = {}
    for server, start in servers.items():
        with start() as (url, process):
            for client, loop in CLIENTS.items():
                figures[server, client] = measure_or_reason(url, process.pid, bucket, credentials, loop, seconds)
    return render(figures, seconds) + ([missing] if missing else [])


def render(figures: dict[tuple[str, str], Figure | str], seconds: float) -> list[str]:
    lines = [
        f"server throughput ({THREADS} threads, 1 KB PUT+GET, V1, {seconds:g} s per row):",
        "| server | client | ops/s | errors | server CPU ms/op | client CPU ms/op |",
        "|---|---|---|---|---|---|",
    ]
    for (server, client), figure in figures.items():
        if isinstance(figure, str):
            lines.append(f"| {server} | {client} | not measured: {figure} | | | |")
        else:
            cpu = "-" if figure.server_ms is None else f"{figure.server_ms:.2f}"
            ops = f"{figure.ops_per_second:.0f} | {figure.errors}"
            lines.append(f"| {server} | {client} | {ops} | {cpu} | {figure.client_ms:.2f} |")
    for client in CLIENTS:
        ours, theirs = figures.get(("reference", client)), figures.get(("moto_server", client))
        if isinstance(ours, Figure) and isinstance(theirs, Figure):
            line = f"reference / moto with {client}: {ours.ops_per_second / theirs.ops_per_second:.2f}x ops/s"
            if ours.server_ms and theirs.server_ms:
                line += f", {theirs.server_ms / ours.server_ms:.2f}x less server CPU per op"
            lines.append(line)
    return lines
