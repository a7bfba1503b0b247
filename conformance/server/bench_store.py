"""`oss-conformance store-bench`: the reference server's write latency with --data-dir, at 1 MB and at 200 MB
stored, to show a write costs the same however much is stored (issue 13). Prints one table; asserts nothing.

    oss-conformance store-bench [--writes 200] [--sizes 1,200]
"""

from __future__ import annotations

import statistics
import tempfile
import time

from conformance.server.model import ObjectVersion
from conformance.server.storage import Store
from conformance.usage import Parser

FILL_OBJECT = 1 << 20  # the stored amount is made of 1 MiB objects


def _latencies(store: Store, writes: int) -> list[float]:
    found = []
    for number in range(writes):
        started = time.perf_counter()
        store.write("bench", ObjectVersion(f"probe/{number}", data=b"x"))
        found.append((time.perf_counter() - started) * 1000)
    return found


def measure(stored_mb: int, writes: int) -> tuple[float, float]:
    """(median, 95th percentile) in ms of a 1-byte write with `stored_mb` MiB already stored."""
    with tempfile.TemporaryDirectory() as data_dir:
        store = Store(data_dir)
        store.ensure_bucket("bench")
        payload = b"y" * FILL_OBJECT
        for number in range(stored_mb):
            store.write("bench", ObjectVersion(f"fill/{number}", data=payload))
        found = sorted(_latencies(store, writes))
        return statistics.median(found), found[int(len(found) * 0.95) - 1]


def store_bench_main(argv: list[str]) -> int:
    parser = Parser(prog="oss-conformance store-bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=200, help="1-byte writes timed per size (default 200)")
    parser.add_argument("--sizes", default="1,200", help="MiB stored before timing, comma-separated (default 1,200)")
    args = parser.parse_args(argv)
    try:
        sizes = [int(size) for size in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes {args.sizes!r}: give MiB as integers, e.g. 1,200")
    print(f"{'stored':>10}  {'writes':>6}  {'median ms':>9}  {'p95 ms':>7}")
    for size in sizes:
        median, p95 = measure(size, args.writes)
        print(f"{size:>7} MB  {args.writes:>6}  {median:>9.3f}  {p95:>7.3f}")
    return 0
