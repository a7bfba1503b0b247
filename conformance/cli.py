"""`oss-conformance <command>`: serve the reference server, list the rules, and the report tools."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Sequence

from conformance.usage import USAGE_EXIT, Parser

from . import rules

# name -> (help, "module:function taking argv"); a command's module is imported only when it runs.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("run the reference server (loopback by default; optional TLS)", "conformance.server.cli:serve_main"),
    "rules": ("list the rules (--format json for a machine-readable array)", "conformance.cli:rules_main"),
    "quirks": ("list the reference server's deliberate deviations and what each breaks", "conformance.cli:quirks_main"),
    "report": ("build the HTML page and Markdown matrix from results files", "conformance.report.build:report_main"),
    "matrix": (
        "run the suite against the reference, quirked and moto servers; rebuild reports/",
        "conformance.report.regenerate:matrix_main",
    ),
    "mutants": (
        "run the suite against the reference server's quirks; print what caught each (the score)",
        "conformance.mutants:mutants_main",
    ),
    "bench": (
        "time the suite against the reference server a given latency away; reference vs moto throughput",
        "conformance.bench:bench_main",
    ),
    "sweep": (
        "delete what earlier runs left under the key prefix (by age, or exactly a run's --journal)",
        "conformance.sweep:sweep_main",
    ),
    "store-bench": (
        "time the reference server's --data-dir writes with 1 MB and 200 MB stored",
        "conformance.server.bench_store:store_bench_main",
    ),
    "stateful-catches": (
        "run the state machine alone against each quirk that involves state",
        "conformance.stateful.catches:catches_main",
    ),
}


def rule_tests() -> dict[str, list[str]]:
    """Rule id -> node ids of the conformance tests that check it (collected, not run)."""
    import pytest

    class Collector:
        def __init__(self) -> None:
            self.found: dict[str, list[str]] = {}

        def pytest_collection_modifyitems(self, items) -> None:
            for item in items:
                rule_id = rules.marked(item)
                if rule_id:
                    self.found.setdefault(rule_id, []).append(item.nodeid)

    collector = Collector()
    pytest.main(["--collect-only", "-p", "no:terminal", "--pyargs", "conformance.suite"], plugins=[collector])
    return collector.found


def rules_main(argv: list[str]) -> int:
    parser = Parser(prog="oss-conformance rules")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    tests = rule_tests()
    registry = rules.registry()
    if args.format == "json":
        out = [
            {
                **{
                    k: getattr(r, k)
                    for k in ("id", "title", "operation", "level", "evidence", "status", "code", "note")
                },
                "codes": list(r.codes),
                "capabilities": list(r.capabilities),
                "sources": list(r.sources),
                "tests": tests.get(r.id, []),
            }
            for r in registry.values()
        ]
        json.dump(out, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    for r in sorted(registry.values(), key=lambda r: (r.operation, r.id)):
        print(f"{r.id:48} {r.level:6} {r.evidence:10} {r.expectation():28} {len(tests.get(r.id, []))} tests")
        print(f"    {r.title}")
    return 0


def quirks_main(argv: list[str]) -> int:
    Parser(prog="oss-conformance quirks", description="List the reference server's quirks.").parse_args(argv)
    from conformance.server.quirks import REGISTRY

    for quirk in REGISTRY.values():
        print(f"{quirk.name:40} mimics {quirk.mimics}; breaks {', '.join(quirk.breaks) or '(no rule)'}")
        print(f"    {quirk.description}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in COMMANDS and args[0] not in ("-h", "--help"):
        print(f"oss-conformance: no command {args[0]!r} (one of {', '.join(COMMANDS)})", file=sys.stderr)
        return USAGE_EXIT
    if not args or args[0] in ("-h", "--help"):
        print("usage: oss-conformance <command> [options]\n\ncommands:", file=sys.stdout if args else sys.stderr)
        for name, (help_text, _) in COMMANDS.items():
            print(f"  {name:17} {help_text}", file=sys.stdout if args else sys.stderr)
        return 0 if args else USAGE_EXIT
    module, function = COMMANDS[args[0]][1].split(":")
    return getattr(importlib.import_module(module), function)(args[1:])


if __name__ == "__main__":
    raise SystemExit(main())
