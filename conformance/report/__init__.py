"""Results of a run (JSON), vendor expectations and the gate, and the compatibility matrix (HTML, Markdown).

Data flows one way: pytest reports -> `results` records -> JSON file -> `matrix` model -> `html` / `markdown`.
Outcomes are `conformance.outcomes.Outcome`.
"""
