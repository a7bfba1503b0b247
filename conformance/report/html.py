"""One self-contained HTML page: inline CSS, no script, no fetch. Scores, the matrix, changes, and details
(the redacted exchange and curl line of every test that did not pass), reached by anchor links."""

from __future__ import annotations

import html
import re

from ..client.transcript import Exchange
from ..outcomes import Outcome
from .matrix import LEVELS, Matrix, anchor, source_link

# C0 and C1 control characters except tab and newline: shown as \xNN, so the page stays text (no raw NUL that
# makes grep call it binary) and a byte the server sent is still visible as what it was.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def escape(text: object) -> str:
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", html.escape(str(text)))


# outcome -> (symbol, short text); the CSS class is the outcome itself
BADGES = {o.value: (o.symbol, o.label) for o in Outcome}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2433;background:#f6f7f9}
main{max-width:1400px;margin:0 auto;padding:24px 32px 64px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px}h3{font-size:16px;margin:24px 0 8px}
p.meta{color:#5b6477;margin:0 0 12px}
table{border-collapse:collapse;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.08)}
th,td{border:1px solid #e1e4ea;padding:5px 8px;text-align:left;vertical-align:top}
thead th{background:#2b3445;color:#fff;position:sticky;top:0;z-index:1}
tr.op th{background:#e9edf4;color:#2b3445;font-size:13px;letter-spacing:.02em}
td.rule a{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;color:#1f4f99}
td.rule .title{color:#5b6477;font-size:12.5px;max-width:560px}
td.c{text-align:center;white-space:nowrap;font-weight:600;width:120px}
table.matrix thead th.run{width:120px;font-size:12.5px}
table.scores th small{font-weight:400;color:#5b6477}table.scores td.zero{color:#b8bec9}
td.c a{color:inherit;text-decoration:none;display:block}td.c a:hover{text-decoration:underline}
td.c small{display:block;font-weight:400;opacity:.8}
.pass{background:#dcf3e1;color:#14532d}.fail{background:#fbd9d9;color:#8a1c1c}
.not-implemented{background:#ffe9c7;color:#7a4a00}.known{background:#dde7f7;color:#1f3f75}
.error{background:#ecdcf6;color:#5a1f7a}.blocked{background:#eef0d8;color:#5b5b14}.not-applicable,.skipped,.none{background:#f1f2f4;color:#8b93a3}
.lvl{font-weight:700;font-size:12px}.MUST{color:#8a1c1c}.SHOULD{color:#7a4a00}.MAY{color:#3b6b3b}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;margin-right:6px;font-weight:600;font-size:12px}
table.scores td.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{display:inline-block;height:8px;background:#d6dae1;width:80px;border-radius:4px;margin-left:6px;
 vertical-align:middle;overflow:hidden}.bar i{display:block;height:8px;background:#2f9e55}
article{background:#fff;border:1px solid #e1e4ea;border-left:4px solid #c53030;margin:10px 0;padding:8px 14px}
article[data-outcome=known]{border-left-color:#3b64ad}article[data-outcome=not-implemented]{border-left-color:#d08a00}
article[data-outcome=error]{border-left-color:#7b3fa6}article[data-outcome=blocked]{border-left-color:#9a9a2a}
article:target{outline:3px solid #f0b429}
article a.up{float:right;font-size:12px}
article h4{margin:4px 0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;word-break:break-all}
pre{background:#f3f4f7;padding:8px;overflow-x:auto;font-size:12px;white-space:pre-wrap;word-break:break-all}
ul.changes li{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px}
"""


def badge(outcome: str | None) -> str:
    symbol, text = BADGES.get(outcome or "", ("", "not run"))
    return f'<span class="badge {escape(outcome or "none")}">{symbol} {escape(text)}</span>'


def exchange_text(x: dict) -> str:
    """An exchange of a results file as the terminal shows it."""
    return "\n".join(Exchange.from_dict(x).lines())


def _rule_cell(rule_id: str, meta: dict) -> str:
    links = [source_link(s) for s in meta.get("sources", [])]
    first = next((u for u in links if u), "")
    name = f'<a href="{escape(first)}">{escape(rule_id)}</a>' if first else escape(rule_id)
    more = "".join(f' <a href="{escape(u)}">[{i}]</a>' for i, u in enumerate(links[1:], 2) if u)
    return f'<td class="rule">{name}{more}<div class="title">{escape(meta.get("title", ""))}</div></td>'


def _label(label: str) -> str:
    return escape(label).replace("+", "+<wbr>")  # long quirk names break after "+", not mid-word


def _matrix(m: Matrix) -> str:
    head = "".join(f'<th class="run">{_label(r.label)}</th>' for r in m.runs)
    rows = [f"<thead><tr><th>Rule</th><th>Level</th>{head}</tr></thead><tbody>"]
    for operation, rule_ids in m.operations.items():
        rows.append(f'<tr class="op"><th colspan="{len(m.runs) + 2}">{escape(operation)}</th></tr>')
        for rule_id in rule_ids:
            meta = m.rules[rule_id]
            cells = []
            for i in range(len(m.runs)):
                c = m.cell(rule_id, i)
                symbol, text = BADGES.get(c.outcome or "", ("", "not run"))
                inner = f"{symbol} {escape(text)}" + (
                    f"<small>{c.passed}/{c.executed} tests</small>" if c.executed else ""
                )
                if c.anchor:
                    inner = f'<a href="#{c.anchor}">{inner}</a>'
                cells.append(f'<td class="c {escape(c.outcome or "none")}">{inner}</td>')
            level = escape(meta["level"])
            rows.append(f'<tr>{_rule_cell(rule_id, meta)}<td class="lvl {level}">{level}</td>{"".join(cells)}</tr>')
    rows.append("</tbody>")
    return f'<table class="matrix" id="matrix-table">{"".join(rows)}</table>'


def _scores(m: Matrix) -> str:
    outcomes = list(BADGES)
    head = "".join(f"<th>{lvl} rules</th>" for lvl in LEVELS) + "".join(f"<th>{BADGES[o][1]}</th>" for o in outcomes)
    rows = []
    for i, run in enumerate(m.runs):
        scores, counts = m.scores(i), m.counts(i)
        cells = []
        for level in LEVELS:
            s = scores[level]
            bar = f'<span class="bar"><i style="width:{s.percent or 0}%"></i></span>' if s.applicable else ""
            text = f"{s.conforming}/{s.applicable} ({s.percent}%)" if s.applicable else "n/a"
            cells.append(f'<td class="num">{text}{bar}</td>')
        cells += [f'<td class="num{"" if counts.get(o) else " zero"}">{counts.get(o, 0)}</td>' for o in outcomes]
        info = run.info
        started = str(info.get("started", "")).replace("T", " ")[:16]
        about = f"signature {info.get('signature_version')} · {started} UTC · exit {info.get('exit_status')}"
        rows.append(
            f'<tr><th><a href="#run-{i}">{_label(run.label)}</a><br><small>{escape(about)}</small></th>'
            f"{''.join(cells)}</tr>"
        )
    return f'<table class="scores"><thead><tr><th>Server</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _changes(m: Matrix) -> str:
    parts = []
    for ch in m.changes():
        parts.append(f"<h3>{escape(ch.server)}: {escape(ch.before)} → {escape(ch.after)}</h3>")
        for title, items in (("New failures", ch.new_failures), ("New passes", ch.new_passes)):
            lis = "".join(f"<li>{escape(t)}: {badge(a)} → {badge(b)}</li>" for t, a, b in items) or "<li>none</li>"
            parts.append(f'<p><b>{title}</b> ({len(items)})</p><ul class="changes">{lis}</ul>')
    return "".join(parts)


def _details(m: Matrix) -> str:
    parts = []
    for i, run in enumerate(m.runs):
        failures = run.failures()
        parts.append(f'<h3 id="run-{i}">{escape(run.label)}: {len(failures)} tests did not pass</h3>')
        for t in failures:
            expected = (
                (
                    f"<p>Listed in the expectations as {escape(t['expected'])}: {escape(t.get('reason', ''))} "
                    f"{escape(t.get('ticket', ''))}</p>"
                )
                if t.get("expected")
                else ""
            )
            exchanges = "\n\n".join(exchange_text(x) for x in t.get("exchanges", []))
            exchange_html = (
                (f"<details open><summary>HTTP exchanges (redacted)</summary><pre>{escape(exchanges)}</pre></details>")
                if exchanges
                else "<p><i>No exchange was recorded.</i></p>"
            )
            curl = (
                f'<p>Reproduce (re-sign first):</p><pre class="curl">{escape(t["curl"])}</pre>' if t.get("curl") else ""
            )
            parts.append(
                f'<article id="{anchor(i, t["test"])}" data-outcome="{escape(t["outcome"])}">'
                f'<a class="up" href="#matrix">↑ matrix</a><h4>{escape(t["test"])}</h4>'
                f"<p>{badge(t['outcome'])} rule <code>{escape(t.get('rule') or '-')}</code>"
                f" ({escape(t.get('level') or '-')})</p>{expected}<pre>{escape(t.get('message', ''))}</pre>"
                f"{exchange_html}{curl}</article>"
            )
    return "".join(parts)


def render(m: Matrix, title: str = "OSS conformance: compatibility matrix") -> str:
    legend = " ".join(badge(o) for o in BADGES)
    changes = _changes(m)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{CSS}</style></head><body><main>"
        f"<h1>{escape(title)}</h1>"
        f'<p class="meta">{len(m.runs)} runs, {len(m.rules)} rules; '
        f"rule registry {escape(', '.join(m.registry_hashes))}."
        f" A cell shows the worst outcome of the rule's tests and how many passed; click it for the exchange.</p>"
        f'<p class="meta">{legend}</p>'
        f'<h2 id="scores">Scores</h2><p class="meta">Rules whose every test passed, per requirement level.</p>'
        f"{_scores(m)}"
        f'<h2 id="matrix">Rules by operation</h2>{_matrix(m)}'
        + (f'<h2 id="changes">Changes between runs of the same server</h2>{changes}' if changes else "")
        + f'<h2 id="details">Details</h2>{_details(m)}</main></body></html>\n'
    )
