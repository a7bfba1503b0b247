"""`oss-conformance stateful-catches`: which quirks the state machine catches on its own, and how short the
shrunk example is. A quirk involves state when it breaks a rule the machine checks (attribution.CHECK_RULES); each
runs in its own process against an embedded server with that quirk, at a Hypothesis budget (default: default),
from a few seeds and without the example database, so the table is not one seed's luck.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from hypothesis import Phase, settings

from conformance.usage import Parser

from ..server.quirks import REGISTRY, quirk_name
from ..strategies import stateful_settings
from . import attribution, machine, steps
from .pytest_stateful import embedded

COMMAND = "oss-conformance stateful-catches --output-md reports/stateful.md"


# Rules the machine checks but can see broken only by chance: Last-Modified has one-second resolution and the
# machine never waits for the clock (a sleeping step would slow every example); their own tests wait a tick.
NEEDS_A_CLOCK_TICK = frozenset({"symlink.read.last-modified-max"})
# Rules the machine names but whose quirks it cannot provoke: why, rule by rule.
OUT_OF_REACH = {
    "object.copy.data": "the machine's objects are a few bytes; copy quirks cut at 1 KiB",
    "object.append.next-position": "the model does not predict x-oss-next-append-position",
    "mpu.part.overwrite": "a part uploaded twice takes two upload_part steps on one open upload: rarely drawn",
}
# Quirks that break a rule the machine checks, but only in a part of the reply the model does not predict.
OUT_OF_REACH_QUIRKS = {
    "append-next-position-of-chunk": "it breaks object.append.empty-body only in x-oss-next-append-position",
    "append-create-without-next-position": "it breaks object.append.create only in x-oss-next-append-position",
    "put-object-without-request-id": "it breaks object.put.response only in x-oss-request-id, which no step checks",
    "list-etag-unquoted": "it breaks list.v1.entry-fields only in the listed ETag, which the model does not predict",
}


# Quirks that make an operation answer 501: the machine drops the operation and reports it (not a failure).
MAKES_AN_OPERATION_ABSENT = frozenset({"symlink-not-implemented", "objectmeta-not-implemented"})


def stateful_quirks() -> list[str]:
    """Quirks breaking at least one rule the machine checks without waiting for the clock."""
    named = {*attribution.CHECK_RULES.values(), *attribution.MADE_BY_RULES.values()}
    checked = named - NEEDS_A_CLOCK_TICK - set(OUT_OF_REACH)
    wanted = (name for name, quirk in REGISTRY.items() if checked & set(quirk.breaks))
    return sorted(name for name in wanted if name not in MAKES_AN_OPERATION_ABSENT and name not in OUT_OF_REACH_QUIRKS)


def catch(quirk: str, budget: str = "default", seed: int = 0, shrink: bool = True) -> dict:
    """Run the machine against a server with `quirk` from a fixed seed; what failed, after how many steps
    (without `shrink`, the length of the first failing example: a catch is found as surely, in far less time)."""
    started = time.monotonic()
    message = ""
    phases = tuple(Phase) if shrink else (Phase.explicit, Phase.reuse, Phase.generate)
    with embedded((quirk,), label="catches") as context:
        try:
            machine.run(context, settings(stateful_settings(budget), database=None, phases=phases), seed)
        except Exception as exc:  # a failure the machine printed, or Hypothesis's FlakyFailure around one
            inner = getattr(exc, "exceptions", None)
            message = str(inner[0]) if inner else str(exc)
    rule, calls = steps.parse_failure(message)
    return {
        "quirk": quirk,
        "seed": seed,
        "caught": bool(calls),
        "rule": rule,
        "steps": len(calls) or None,
        "calls": calls,
        "seconds": round(time.monotonic() - started, 1),
    }


def summarize(runs: Sequence[dict]) -> list[dict]:
    """One row per quirk: in how many seeds it was caught, the shrunk lengths, the shortest example."""
    rows = []
    for quirk in dict.fromkeys(run["quirk"] for run in runs):
        mine = [run for run in runs if run["quirk"] == quirk]
        caught = [run for run in mine if run["caught"]]
        shortest = min(caught, key=lambda run: run["steps"], default=None)
        rows.append(
            {
                "quirk": quirk,
                "caught": len(caught),
                "seeds": len(mine),
                "rules": sorted({run["rule"] for run in caught}),
                "steps": sorted(run["steps"] for run in caught),
                "shortest": shortest["calls"] if shortest else [],
                "seconds": round(sum(run["seconds"] for run in mine), 1),
            }
        )
    return rows


def render_markdown(rows: Sequence[dict], budget: str) -> str:
    always = sum(row["caught"] == row["seeds"] for row in rows)
    lines = [
        "# The state machine alone against the quirks that involve state",
        "",
        f"Regenerate: `{COMMAND}`",
        "",
        f"Budget: Hypothesis profile `{budget}` (conformance/strategies.py STATEFUL), each quirk from "
        f"{rows[0]['seeds'] if rows else 0} seeds. "
        f"Caught from every seed: {always} of {len(rows)} quirks.",
        "",
        "A quirk involves state when it breaks a rule the machine checks (conformance/stateful/attribution.py "
        "CHECK_RULES), leaving out rules seen only after a clock tick: "
        + ", ".join(f"`{r}`" for r in sorted(NEEDS_A_CLOCK_TICK))
        + ", and rules out of its reach: "
        + "; ".join(f"`{r}` ({why})" for r, why in sorted(OUT_OF_REACH.items()))
        + "; and quirk "
        + "; ".join(f"`{q}` ({why})" for q, why in sorted(OUT_OF_REACH_QUIRKS.items()))
        + ". **caught as** is the rule of the first failing check; **shrunk steps** the length of the shrunk "
        "example from each seed that caught it (read-backs after writes are steps too).",
        "",
        "| quirk | caught | caught as | shrunk steps | the shortest example |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        example = "<br>".join(f"{i}. `{call}`" for i, call in enumerate(row["shortest"], 1)) or "**NOT CAUGHT**"
        caught_as = ", ".join(f"`{r}`" for r in row["rules"])
        steps = ", ".join(map(str, row["steps"]))
        lines.append(f"| `{row['quirk']}` | {row['caught']}/{row['seeds']} | {caught_as} | {steps} | {example} |")
    return "\n".join(lines) + "\n"


def catches_main(argv: Sequence[str]) -> int:
    parser = Parser(prog="oss-conformance stateful-catches", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quirk", action="append", type=quirk_name, metavar="NAME", help="only these quirks")
    parser.add_argument("--budget", default="default", help="Hypothesis settings profile (ci, default, thorough)")
    parser.add_argument("--seeds", type=int, default=3, help="runs per quirk, from seeds 0, 1, ...")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel processes")
    parser.add_argument("--format", choices=("markdown", "json"), default="markdown")
    parser.add_argument("--output-md", help="also write the Markdown table here")
    parser.add_argument("--no-shrink", action="store_true", help="steps are the first failing example's, unshrunk")
    args = parser.parse_args(argv)
    quirks = args.quirk or stateful_quirks()
    work = [(quirk, seed) for quirk in quirks for seed in range(args.seeds)]
    shrink = [not args.no_shrink] * len(work)
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        runs = list(pool.map(catch, [q for q, _ in work], [args.budget] * len(work), [s for _, s in work], shrink))
    rows = summarize(runs)
    table = render_markdown(rows, args.budget)
    if args.output_md:
        Path(args.output_md).write_text(table)
    print(json.dumps(rows, indent=2) if args.format == "json" else table, end="\n" if args.format == "json" else "")
    return 0 if all(row["caught"] == row["seeds"] for row in rows) else 1
