"""`oss-conformance report RESULTS.json... --html OUT.html --markdown OUT.md`."""

from __future__ import annotations

import sys
from pathlib import Path

from conformance.usage import Parser

from . import html, markdown
from .matrix import Matrix
from .results import ResultsError, load


def build(results: list[str | Path], html_out: str | Path | None, markdown_out: str | Path | None) -> Matrix:
    matrix = Matrix(load(path) for path in results)
    for out, renderer in ((html_out, html.render), (markdown_out, markdown.render)):
        if out:
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_text(renderer(matrix), encoding="utf-8")
    return matrix


def report_main(argv: list[str]) -> int:
    parser = Parser(
        prog="oss-conformance report", description="Build the compatibility matrix from results JSON files."
    )
    parser.add_argument("results", nargs="+", help="results files written by pytest --results")
    parser.add_argument("--html", help="write the self-contained HTML page here")
    parser.add_argument("--markdown", help="write the Markdown matrix here")
    args = parser.parse_args(argv)
    if not (args.html or args.markdown):
        parser.error("give --html OUT.html and/or --markdown OUT.md")
    try:
        matrix = build(args.results, args.html, args.markdown)
    except ResultsError as exc:
        print(f"oss-conformance report: {exc}", file=sys.stderr)
        return 2
    for i, run in enumerate(matrix.runs):
        scores = ", ".join(f"{lvl} {s.conforming}/{s.applicable}" for lvl, s in matrix.scores(i).items())
        print(f"{run.label:40} {scores}")
    return 0
