"""Every fact the code and the rules cite lives in this repository: docs/oss-facts.md, by a section that exists.

A user who installs the package or clones the repository must be able to follow every citation, so a path
outside the repository (`../shared/...`) or the old facts file's name fails, and so does a `§N.M` that has no
anchor in docs/oss-facts.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "docs" / "oss-facts.md"
SECTION = "\N{SECTION SIGN}"
CITED = re.compile(SECTION + r"(\d+(?:\.\d+)*)")
ANCHOR = re.compile(r'<a id="s(\d+(?:\.\d+)*)"></a>')
# A facts file outside the repository: a parent-directory path, or the name of the file the facts came from.
OUTSIDE = re.compile(r"(?<![\w/])\.\./[\w.-]+/|OSS-FACTS")


def _cited_files() -> list[Path]:
    """Modules, rules, docs and the project's tests; the generated reports are left to `matrix`."""
    found = [p for p in (ROOT / "conformance").rglob("*") if p.suffix in (".py", ".toml", ".md")]
    found += [p for p in (ROOT / "tests").glob("*.py") if p.name != Path(__file__).name]
    found += [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return sorted(found)


def anchors(text: str) -> set[str]:
    return set(ANCHOR.findall(text))


def bad_citations(text: str, known: set[str]) -> list[str]:
    """What in `text` cites outside the repository or a facts section that does not exist."""
    problems = [f"outside the repository: {m.group(0)!r}" for m in OUTSIDE.finditer(text)]
    problems += [f"no section {SECTION}{n} in docs/oss-facts.md" for n in CITED.findall(text) if n not in known]
    return problems


def test_facts_file_has_numbered_anchors():
    known = anchors(FACTS.read_text())
    assert {"1.7", "2", "3.4", "6.5", "9.3", "19", "29.2"} <= known
    assert len(known) > 100


def test_every_citation_is_in_the_repository_and_exists():
    known = anchors(FACTS.read_text())
    found = {str(p.relative_to(ROOT)): bad_citations(p.read_text(), known) for p in _cited_files()}
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_rules_cite_the_facts_file():
    """Each rule file says where its facts are, as a section of docs/oss-facts.md."""
    missing = [
        p.name
        for p in (ROOT / "conformance" / "rules").glob("*.toml")
        if "docs/oss-facts.md " + SECTION not in p.read_text()
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Facts: ../shared/OSS-FACTS.md section 5.", "outside the repository"),
        ("(OSS-FACTS 1.7)", "outside the repository"),
        (f"docs/oss-facts.md {SECTION}1.99", f"no section {SECTION}1.99"),
        (f"docs/oss-facts.md {SECTION}99", f"no section {SECTION}99"),
    ],
)
def test_checker_catches(text, problem):
    problems = bad_citations(text, anchors(FACTS.read_text()))
    assert any(p.startswith(problem) for p in problems), problems


def test_checker_passes_good_citations():
    assert (
        bad_citations(f"docs/oss-facts.md {SECTION}1.7, {SECTION}9.3 and {SECTION}26.2", anchors(FACTS.read_text()))
        == []
    )
