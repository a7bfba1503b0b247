"""The suite can fail: against every quirk of the reference server at least one conformance test fails, and
against the clean server none does. Fast mode: each quirk's run stops at its first failure, the quirk's own
rules run first, runs go in parallel. The full table (every catching rule) is reports/mutants.md."""

from __future__ import annotations

import os
import time

from conformance import mutants
from conformance.server.quirks import REGISTRY

# Runs spend much of their time waiting on HTTP dates' one-second resolution, so more runs than CPUs pay off.
JOBS = max(4, 2 * (os.cpu_count() or 1))
TIMEOUT = 150.0


def test_every_quirk_is_caught_and_the_clean_server_passes():
    started = time.monotonic()
    clean, runs = mutants.run_all(sorted(REGISTRY), JOBS, fast=True, timeout=TIMEOUT)
    summary = mutants.summarize(clean, runs, fast=True)
    print(f"\nmutation score (fast, {JOBS} jobs): {time.monotonic() - started:.0f}s")  # a benchmark, not an assert
    print(mutants.render_text(summary))
    assert summary["clean_failures"] == 0, (clean.problem, clean.failures)
    holes = {row["quirk"]: row["problem"] or "no test failed" for row in summary["rows"] if not row["caught"]}
    assert holes == {}, "quirks no test catches: close each hole with a test, never weaken the quirk"
