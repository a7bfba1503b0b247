"""The key journal: every key a run writes is appended here before the write is sent, and every confirmed
delete after it, so `oss-conformance sweep --journal DIR` can remove exactly the keys of a run that was
killed (SIGKILL, a job timeout) before its cleanup ran.

One directory per run (`<base>/<run-id>/`), one JSON-lines file per worker: {"op": "put"|"del", "bucket", "key"}.
JSON because keys may hold any character, newlines and tabs included.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

from .user_cache import user_cache

ENV_DIR = "OSS_CONFORMANCE_JOURNAL_DIR"
CONTROLLER_FILE = "controller.jsonl"  # the xdist controller's (or a sweep's) own harness writes here


def base_dir(given: str | None = None) -> Path:
    """--journal-dir, else $OSS_CONFORMANCE_JOURNAL_DIR, else the user's cache directory."""
    if given:
        return Path(given)
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    return user_cache("journal")


def run_dir(base: Path, run_id: str) -> Path:
    return base / run_id


class Journal:
    """Append-only, flushed per line (a line either reaches the file or the key was never sent)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the run

    def __call__(self, op: str, bucket: str, key: str) -> None:
        line = json.dumps({"op": op, "bucket": bucket, "key": key}, ensure_ascii=False) + "\n"
        with self._lock:
            if not self._handle.closed:
                self._handle.write(line)
                self._handle.flush()

    def close(self) -> None:
        with self._lock:
            self._handle.close()


class JournalError(ValueError):
    """A journal that cannot be read: one line naming the file and the problem."""


def pending(path: Path) -> list[tuple[str, str]]:
    """(bucket, key) written and not confirmed deleted, from one journal file or a run's directory."""
    # the controller's file last: it deletes what workers left, after they ended (its name sorts before theirs)
    files = sorted(path.glob("*.jsonl"), key=lambda f: (f.name == CONTROLLER_FILE, f.name)) if path.is_dir() else [path]
    live: dict[tuple[str, str], None] = {}
    for file in files:
        for number, line in enumerate(_lines(file), 1):
            try:
                entry = json.loads(line)
                where = (str(entry["bucket"]), str(entry["key"]))
                op = entry["op"]
            except (ValueError, KeyError, TypeError):
                if number == 1 or line.endswith("\n"):
                    raise JournalError(f"{file}: line {number} is not a journal entry") from None
                continue  # a last line cut short by SIGKILL: its write was never sent
            if op == "put":
                live[where] = None
            else:
                live.pop(where, None)
    return list(live)


def _lines(file: Path) -> list[str]:
    """The file's lines, each ending in "\n" but a last one cut short. Split on "\n" alone: json.dumps with
    ensure_ascii=False leaves U+0085, U+2028 and U+2029 raw in a key, and str.splitlines ends lines there."""
    try:
        with open(file, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise JournalError(f"{file}: cannot read the journal ({exc})") from None
    *whole, last = text.split("\n")
    return [line + "\n" for line in whole] + ([last] if last else [])


def remove(path: Path) -> None:
    """Forget a run's journal (directory) or one worker's file once nothing it names is left."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
