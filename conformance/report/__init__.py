"""Results of a run (JSON), vendor expectations and the gate, and the compatibility matrix (HTML, Markdown).

Data flows one way: pytest reports -> `results` records -> JSON file -> `matrix` model -> `html` / `markdown`.
"""

from __future__ import annotations

# Every test ends as exactly one of these (DESIGN.md "Outcomes"); "skipped" is a skip that is not about the
# profile (e.g. `pytest.skip` inside a test), kept apart so it is never counted as not-applicable.
OUTCOMES = ("pass", "fail", "not-implemented", "not-applicable", "known", "error", "skipped")
# Outcomes that mean the server deviates (or could not be tested) and no expectation excuses it.
DEVIATIONS = ("fail", "not-implemented", "error")
# Outcomes an expectations entry may list.
EXPECTABLE = DEVIATIONS
