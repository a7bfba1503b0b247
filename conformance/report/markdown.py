"""The matrix as Markdown: scores, one table per operation, changes between runs, and each failure's message
and curl line (the full exchanges are in the HTML page)."""

from __future__ import annotations

from .html import BADGES
from .matrix import LEVELS, Matrix, source_link


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _badge(outcome: str | None) -> str:
    symbol, text = BADGES.get(outcome or "", ("", "not run"))
    return f"{symbol} {text}".strip()


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _scores(m: Matrix) -> list[str]:
    rows = []
    for i, run in enumerate(m.runs):
        scores, counts = m.scores(i), m.counts(i)
        cells = [f"{s.conforming}/{s.applicable} ({s.percent}%)" if s.applicable else "n/a" for s in scores.values()]
        tally = ", ".join(f"{n} {_badge(o)}" for o, n in sorted(counts.items()))
        rows.append([_escape(run.label), *cells, tally])
    return _table(["Server", *(f"{lvl} rules" for lvl in LEVELS), "Tests"], rows)


def _rule(rule_id: str, meta: dict) -> str:
    url = next((u for u in map(source_link, meta.get("sources", [])) if u), "")
    name = f"[`{rule_id}`]({url})" if url else f"`{rule_id}`"
    return f"{name}<br>{_escape(meta.get('title', ''))}"


def _matrix(m: Matrix) -> list[str]:
    lines: list[str] = []
    for operation, rule_ids in m.operations.items():
        rows = []
        for rule_id in rule_ids:
            cells = []
            for i in range(len(m.runs)):
                c = m.cell(rule_id, i)
                cells.append(_badge(c.outcome) + (f" {c.passed}/{c.executed}" if c.executed else ""))
            rows.append([_rule(rule_id, m.rules[rule_id]), m.rules[rule_id]["level"], *cells])
        lines += ["", f"### {operation}", "", *_table(["Rule", "Level", *(_escape(r.label) for r in m.runs)], rows)]
    return lines


def _changes(m: Matrix) -> list[str]:
    lines: list[str] = []
    for ch in m.changes():
        lines += ["", f"### {ch.server}: {ch.before} → {ch.after}", ""]
        for title, items in (("New failures", ch.new_failures), ("New passes", ch.new_passes)):
            lines.append(f"**{title}** ({len(items)})" + ("" if items else ": none"))
            lines += [f"- `{t}`: {_badge(a)} → {_badge(b)}" for t, a, b in items]
    return lines


def _failures(m: Matrix) -> list[str]:
    lines: list[str] = []
    for run in m.runs:
        failures = run.failures()
        lines += ["", f"### {run.label}: {len(failures)} tests did not pass", ""]
        for t in failures:
            message = _escape(t.get("message", "").splitlines()[0] if t.get("message") else "")[:300]
            lines.append(f"- `{t['test']}` — {_badge(t['outcome'])} (`{t.get('rule')}`): {message}")
    return lines


def render(m: Matrix, title: str = "OSS conformance: compatibility matrix") -> str:
    legend = " · ".join(_badge(o) for o in BADGES)
    lines = [
        f"# {title}",
        "",
        f"{len(m.runs)} runs, {len(m.rules)} rules; rule registry {', '.join(m.registry_hashes)}. "
        "A cell shows the worst outcome of the rule's tests and how many passed. Legend: " + legend,
        "",
        "## Scores",
        "",
        "Rules whose every test passed, per requirement level.",
        "",
        *_scores(m),
        "",
        "## Rules by operation",
        *_matrix(m),
    ]
    changes = _changes(m)
    if changes:
        lines += ["", "## Changes between runs of the same server", *changes]
    lines += ["", "## Failures", *_failures(m)]
    return "\n".join(lines) + "\n"
