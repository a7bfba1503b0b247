"""The quirk catalog (conformance/server/quirks.py) as data: enough realistic quirks, each breaking registered
rules, each with a branch in the server, and the committed mutation report agreeing with it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conformance import rules
from conformance.server import rewrites
from conformance.server.quirks import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "conformance" / "server"
REPORT = ROOT / "reports" / "mutants.json"
MIN_QUIRKS = 25


def _report() -> dict:
    return json.loads(REPORT.read_text())


def test_catalog_is_large_and_documented():
    assert len(REGISTRY) >= MIN_QUIRKS
    for name, quirk in REGISTRY.items():
        assert quirk.name == name and quirk.mimics and quirk.description and quirk.breaks, name


def test_breaks_name_registered_rules():
    known = rules.registry()
    unknown = {name: [r for r in quirk.breaks if r not in known] for name, quirk in REGISTRY.items()}
    assert {name: ids for name, ids in unknown.items() if ids} == {}


def test_every_quirk_has_a_server_branch():
    """One marked place each: a `quirks.has("name")` branch, or a row of the rewrite tables."""
    source = "\n".join(path.read_text() for path in SERVER.glob("*.py") if path.name != "quirks.py")
    branched = set(re.findall(r'quirks\.has\("([a-z0-9-]+)"\)', source))
    filtered = {*rewrites.REQUEST_FILTERS, *rewrites.ERROR_FILTERS, *rewrites.REPLY_FILTERS}
    assert branched & filtered == set(), "a quirk both filtered and branched: two places"
    branched |= filtered
    assert sorted(set(REGISTRY) - branched) == [], "registered quirks no server code checks"
    assert sorted(branched - set(REGISTRY)) == [], "server branches naming unregistered quirks"


def test_committed_report_covers_the_catalog():
    report = _report()
    assert sorted(row["quirk"] for row in report["rows"]) == sorted(REGISTRY), (
        "reports/mutants.json is stale; regenerate it with the command in reports/mutants.md"
    )
    assert report["clean_failures"] == 0
    assert report["score"] == 1.0, [row["quirk"] for row in report["rows"] if not row["caught"]]


def test_catching_rules_overlap_declared_breaks():
    """What caught a quirk must include a rule it claims to break: a catch by an unrelated rule means either
    the declaration is wrong or the quirk leaks into behaviour it was not meant to change."""
    disjoint = {
        row["quirk"]: row["caught_by"]
        for row in _report()["rows"]
        if not set(row["caught_by"]) & set(REGISTRY[row["quirk"]].breaks)
    }
    assert disjoint == {}
