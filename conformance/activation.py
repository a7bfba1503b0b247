"""Whether this pytest run is a conformance run. The plugin is installed through the `pytest11` entry point, so
it loads in every pytest run of the environment; like pytest-xdist and Hypothesis, it stays inert unless the
run asks for it: one of the suite's own options is given, or a test path (or --pyargs module) lies inside the
package. Decided once, in the entry point's pytest_cmdline_main (conformance.plugin), before the run plugin is
registered and collection imports anything (the Hypothesis profile must be loaded before the suite's tests are
imported), and identically in xdist workers (same options, same args).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

PACKAGE = Path(__file__).resolve().parent
ACTIVE_KEY = pytest.StashKey[bool]()
OWN_OPTIONS: set[str] = set()  # dests of the suite's command-line options


def add_option(group: Any, *names: str, **kwargs: Any) -> None:
    """group.addoption, remembering the option as one of the suite's own."""
    group.addoption(*names, **kwargs)
    OWN_OPTIONS.add(group.options[-1].dest)


def _inside_package(arg: str, pyargs: bool) -> bool:
    target = arg.split("::", 1)[0]
    if pyargs and (target == PACKAGE.name or target.startswith(PACKAGE.name + ".")):
        return True
    try:
        return Path(target).resolve().is_relative_to(PACKAGE)
    except (OSError, ValueError):
        return False


def is_active(config: pytest.Config) -> bool:
    """Decided on first use (any of the suite's pytest_configure hooks may run first)."""
    if ACTIVE_KEY not in config.stash:
        config.stash[ACTIVE_KEY] = _decide(config)
    return config.stash[ACTIVE_KEY]


def _decide(config: pytest.Config) -> bool:
    option = config.option
    given = any(getattr(option, dest, None) not in (None, False, []) for dest in OWN_OPTIONS)
    pyargs = bool(getattr(option, "pyargs", False))
    return given or any(_inside_package(str(arg), pyargs) for arg in config.args)
