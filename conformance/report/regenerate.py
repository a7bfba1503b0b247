"""`oss-conformance matrix`: run the suite against the four servers of the committed matrix and rebuild it.

The servers: the embedded reference server, two quirked reference servers (each a deliberate deviation
modelled on a real clone), and moto's standalone server (a third-party S3 mock that knows nothing of OSS
symlinks), reached with OSS V1 signatures. Everything listens on 127.0.0.1 and stops when the run ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from conformance.usage import Parser

from .build import build

# What the moto run claims: an S3 mock has no OSS WORM or Archive; everything else is tried.
MOTO_PROFILE = """# Written by `oss-conformance matrix`: the profile of the moto run.
name = "moto"
signature_version = "v1"

[capabilities]
worm = false
archive = false
"""
MOTO_CREDENTIALS = {"OSS_ACCESS_KEY_ID": "moto-access-key", "OSS_ACCESS_KEY_SECRET": "moto-secret-not-real"}
VERSIONING_ON = b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"


@dataclass(frozen=True)
class Target:
    name: str
    args: tuple[str, ...] = ()
    moto: bool = False  # start moto_server and point the suite at it


TARGETS = (
    Target("reference"),
    Target("reference+symlink-not-implemented", ("--quirk", "symlink-not-implemented")),
    Target("reference+symlink-target-raw", ("--quirk", "symlink-target-raw")),
    Target("moto", moto=True),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _moto_command() -> list[str]:
    beside = Path(sys.executable).with_name("moto_server")
    found = str(beside) if beside.exists() else shutil.which("moto_server")
    if not found:
        raise SystemExit("oss-conformance matrix: moto_server not found. Fix: pip install 'oss-conformance[report]'")
    return [found]


@contextmanager
def moto_server(buckets: dict[str, bool]) -> Iterator[str]:
    """A moto server on a free loopback port with `buckets` created (True: versioning enabled)."""
    with moto_process(buckets) as (url, _):
        yield url


@contextmanager
def moto_process(buckets: dict[str, bool]) -> Iterator[tuple[str, subprocess.Popen]]:
    """moto_server as `moto_server` starts it, with its process (the benchmark reads the process's CPU time)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [*_moto_command(), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(url, timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("oss-conformance matrix: moto_server did not start") from None
                time.sleep(0.2)
        for bucket, versioned in buckets.items():  # moto checks no signature on bucket creation
            requests.put(f"{url}/{bucket}", timeout=10).raise_for_status()
            if versioned:
                requests.put(f"{url}/{bucket}?versioning", data=VERSIONING_ON, timeout=10).raise_for_status()
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_target(target: Target, results: Path, workers: int) -> int:
    args = list(target.args)
    if target.moto:
        profile = results.parent.parent / "moto-profile.toml"
        profile.write_text(MOTO_PROFILE, encoding="utf-8")
        args += ["--profile", str(profile)]
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--pyargs",
        "conformance",
        "-p",
        "no:cacheprovider",
        "-q",
        "-n",
        str(workers),
        "--hypothesis-profile-name",
        "ci",
        "--results",
        str(results),
        "--server-label",
        target.name,
        *args,
    ]
    env = dict(os.environ)
    if not target.moto:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    else:
        with moto_server({"oss-conformance": False, "oss-conformance-versioned": True}) as url:
            env.update(MOTO_CREDENTIALS)
            done = subprocess.run([*command, "--endpoint", url], capture_output=True, text=True, env=env, check=False)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    print(f"{target.name:40} exit {done.returncode}: {summary}")
    if done.returncode not in (0, 1) or not results.exists():
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        return done.returncode or 1
    return 0


def matrix_main(argv: list[str]) -> int:
    parser = Parser(
        prog="oss-conformance matrix",
        description="Run the suite against the reference, quirked and moto servers and rebuild the committed matrix.",
    )
    parser.add_argument("--out", default="reports", help="directory for results/, matrix.md and matrix.html")
    parser.add_argument("-n", "--workers", type=int, default=2, help="pytest-xdist workers per run")
    args = parser.parse_args(argv)
    out = Path(args.out)
    (out / "results").mkdir(parents=True, exist_ok=True)
    files = []
    for target in TARGETS:
        path = out / "results" / f"{target.name}.json"
        if run_target(target, path, args.workers):
            return 1
        files.append(path)
    matrix = build(files, out / "matrix.html", out / "matrix.md")
    for i, run in enumerate(matrix.runs):
        scores = ", ".join(f"{lvl} {s.conforming}/{s.applicable}" for lvl, s in matrix.scores(i).items())
        print(f"{run.label:40} {scores}")
    print(f"wrote {out / 'matrix.html'} and {out / 'matrix.md'}")
    return 0
