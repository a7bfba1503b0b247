"""`oss-conformance bench`: how fast the suite runs against a server a given latency away, and how the reference
server's throughput compares with moto_server's (throughput.py). A benchmark that prints figures, never a pass/fail
verdict.

The suite runs in a subprocess (as a user runs it, with `--endpoint`) against a reference server started here
with `--latency-ms` added to every request; the server counts what it serves. The floor is requests x the bare
per-request cost (a plain signed requests.Session doing 1 KB PUT+GET against the same server, same latency,
measured before and after the suite's runs): what the requests cost with no suite around them.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import requests

from conformance.usage import Parser

from .client import Credentials, OssAuth
from .server import ReferenceServer
from .strategies import PROFILES
from .throughput import PAYLOAD, throughput_lines

BUCKET = "oss-conformance"
CREDENTIALS = Credentials("bench-access-key", "bench-secret-not-real")


@dataclass
class SuiteRun:
    workers: int
    requests: int
    seconds: float
    exit_status: int
    cpu: float  # CPU seconds of the suite's processes (pytest and its workers; the server is not among them)


# ---------------------------------------------------------------- measurements


def bare_cost(url: str, pairs: int = 200) -> float:
    """Seconds per request of 1 KB PUT+GET pairs on one signed session, nothing else around them; after a
    warm-up pair (the connection)."""
    session = requests.Session()
    session.auth = OssAuth(CREDENTIALS, "v4")
    started = 0.0
    for i in range(pairs + 1):
        key = f"{url}/{BUCKET}/bench-bare/{i % 8}"
        session.put(key, data=PAYLOAD, timeout=30).raise_for_status()
        session.get(key, timeout=30).raise_for_status()
        started = started or time.perf_counter()
    return (time.perf_counter() - started) / (2 * pairs)


def bare_cost_apart(url: str) -> float:
    """bare_cost from a process of its own, as the suite's client is: it does not share the server's GIL."""
    code = f"from conformance.bench import bare_cost; print(bare_cost({url!r}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


def suite_environment(bytecode: str) -> dict[str, str]:
    """Credentials, and a bytecode cache the runs share, as an installed package has one: where the machine sets
    PYTHONDONTWRITEBYTECODE, every process (each xdist worker) would compile and rewrite the package again."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_XDIST_WORKER", "PYTHONDONTWRITEBYTECODE")}
    env["OSS_ACCESS_KEY_ID"] = CREDENTIALS.access_key_id
    env["OSS_ACCESS_KEY_SECRET"] = CREDENTIALS.access_key_secret
    env["PYTHONPYCACHEPREFIX"] = bytecode
    return env


def run_suite(url: str, workers: int, budget: str, count: Callable[[], int], env: dict[str, str]) -> SuiteRun:
    """The whole suite against `url`, as a user runs it; requests are what the server counted meanwhile."""
    command = [sys.executable, "-m", "pytest", "--pyargs", "conformance", "-q", "-p", "no:cacheprovider"]
    command += ["-n", str(workers), "--hypothesis-profile-name", budget, "--endpoint", url, "--bucket", BUCKET]
    before, cpu_before = count(), _children_cpu()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="oss-bench-") as scratch:
        done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(f"bench: the suite exited {done.returncode} with -n {workers}:\n{done.stdout[-2000:]}", file=sys.stderr)
    return SuiteRun(workers, count() - before, seconds, done.returncode, _children_cpu() - cpu_before)


def warm_up(env: dict[str, str]) -> None:
    """Collect the suite once, untimed, so that the first timed run does not pay for filling the bytecode cache."""
    command = [sys.executable, "-m", "pytest", "--pyargs", "conformance", "-q", "-p", "no:cacheprovider"]
    with tempfile.TemporaryDirectory(prefix="oss-bench-") as scratch:
        subprocess.run([*command, "--collect-only"], cwd=scratch, env=env, capture_output=True, check=False)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ---------------------------------------------------------------- servers


@contextmanager
def reference_server(latency_ms: float) -> Iterator[ReferenceServer]:
    server = ReferenceServer(
        bucket=BUCKET,
        access_key_id=CREDENTIALS.access_key_id,
        access_key_secret=CREDENTIALS.access_key_secret,
        latency_ms=latency_ms,
    )
    with server:
        yield server


# ---------------------------------------------------------------- the table


def render(latency_ms: float, budget: str, bare_costs: tuple[float, float], runs: Sequence[SuiteRun]) -> list[str]:
    """The table; the floor uses the mean of the bare cost measured before and after the suite's runs (a shared
    machine's load moves it, and the runs lie between the two)."""
    serial = next((run.seconds for run in runs if run.workers == 0), None)
    bare = sum(bare_costs) / 2
    lines = [
        f"bare per-request cost at {latency_ms:g} ms: {bare * 1000:.2f} ms (1 KB PUT+GET, one signed session; "
        f"{bare_costs[0] * 1000:.2f} ms before the suite's runs, {bare_costs[1] * 1000:.2f} ms after)",
        "| latency ms | workers | budget | requests | wall s | requests/s | x faster than -n 0 | wall / floor "
        "| suite CPU s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        floor = run.requests * bare
        speedup = f"{serial / run.seconds:.2f}" if serial else "-"
        status = "" if run.exit_status == 0 else f" (exit {run.exit_status})"
        lines.append(
            f"| {latency_ms:g} | {run.workers} | {budget} | {run.requests} | {run.seconds:.1f}{status} | "
            f"{run.requests / run.seconds:.0f} | {speedup} | {run.seconds / floor:.2f} | {run.cpu:.1f} |"
        )
    return lines


def _workers(text: str) -> list[int]:
    try:
        found = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give worker counts as integers, e.g. 0,8") from None
    if any(n < 0 for n in found):
        raise argparse.ArgumentTypeError(f"{text!r}: worker counts are 0 or more")
    return found


def bench_main(argv: Sequence[str]) -> int:
    parser = Parser(prog="oss-conformance bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=25.0, help="added to every request (default 25)")
    parser.add_argument("--workers", type=_workers, default=[0, 8], help="comma-separated -n values (0,8)")
    parser.add_argument("--budget", choices=PROFILES, default="ci", help="Hypothesis budget of the suite")
    parser.add_argument("--throughput-seconds", type=float, default=5.0, help="0 skips the server comparison")
    args = parser.parse_args(argv)
    if args.latency_ms < 0:
        parser.error(f"--latency-ms {args.latency_ms:g} is negative")
    with reference_server(args.latency_ms) as server, tempfile.TemporaryDirectory(prefix="oss-bench-pyc-") as pyc:
        env = suite_environment(pyc)
        warm_up(env)
        before = bare_cost_apart(server.url)
        runs = [run_suite(server.url, n, args.budget, lambda: server.requests_served, env) for n in args.workers]
        after = bare_cost_apart(server.url)
    lines = render(args.latency_ms, args.budget, (before, after), runs)
    if args.throughput_seconds > 0:
        lines += throughput_lines(args.throughput_seconds, BUCKET, CREDENTIALS)
    print("\n".join(lines))
    return 0 if all(run.exit_status == 0 for run in runs) else 1
