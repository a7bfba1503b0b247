"""The argument parser every command uses: a bad option or value is one line on stderr and exit status 2
(argparse's own error prints the whole usage block first, which buries the line that says what is wrong)."""

from __future__ import annotations

import argparse
from typing import NoReturn

USAGE_EXIT = 2


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_EXIT, f"{self.prog}: {message} (see {self.prog} --help)\n")
