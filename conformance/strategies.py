"""Hypothesis settings profiles and the strategies that generate what the rules talk about.

Object names, link targets, metadata sets and storage classes live here, in one place, so that every test
draws from the same well-argued distributions. Sources: docs/oss-facts.md §1.2, §1.7, §5.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.database import DirectoryBasedExampleDatabase

from .options import HYPOTHESIS_PROFILES
from .user_cache import user_cache

PROFILES = HYPOTHESIS_PROFILES
STORAGE_ENV = "HYPOTHESIS_STORAGE_DIRECTORY"  # where set, Hypothesis' own setting decides all its storage

# No deadline: a network round trip is not the code under test. Fewer examples in CI. Registered under names
# of our own: re-registering Hypothesis' "default" would change every other project's tests in the same
# environment the moment this module is imported. No print_blob: "@reproduce_failure" advice is for code one
# can edit, not for tests inside an installed package (failures print the example as plain values instead).
# No explain phase: it traces every line run while a failure shrinks (the client's, in the main thread), which
# made shrinking a stateful failure 3-5x slower, to report lines of test code when the cause is the server's.
_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    print_blob=False,
    phases=[phase for phase in Phase if phase is not Phase.explain],
)
if not os.environ.get(STORAGE_ENV):  # the example database where Hypothesis puts it by default; see below
    _COMMON["database"] = DirectoryBasedExampleDatabase(Path(".hypothesis", "examples"))
_BUDGET = {"ci": 12, "default": 50, "thorough": 400}
for _name, _examples in _BUDGET.items():
    settings.register_profile(f"oss-conformance-{_name}", max_examples=_examples, **_COMMON)

# The state machine's budget per profile: (examples, steps per example). Its steps are cheap (a request or
# three) and a symlink deviation shows only after a particular sequence of 2-4 writes, so it gets more examples
# than a single-rule test; examples stay short because Hypothesis shrinks long stateful examples poorly and slowly.
STATEFUL = {"ci": (50, 10), "default": (400, 20), "thorough": (2000, 25)}
# The budget is split into shards, each a pytest item of its own with its own seed, so pytest-xdist spreads the
# machine over workers (against a distant server, one item would run as slowly as one worker). The shards'
# examples add up to STATEFUL's; each shard still shrinks its own failure.
STATEFUL_SHARDS = {"ci": 8, "default": 16, "thorough": 32}
_loaded = "default"


def keep_caches_in_user_cache() -> None:
    """Hypothesis keeps caches under its home, `.hypothesis` in the working directory by default: the Unicode
    table its text strategies draw from (about 1.5 CPU-s to build) and the constants of the modules under test.
    A run from a fresh directory, as CI and `oss-conformance bench` make, rebuilt them in every process (eight
    workers: about 12 CPU-s). For the suite's runs they live in the user's cache; the example database stays in
    the working directory (_COMMON). Not for other projects' tests: called from the run plugin only."""
    if not os.environ.get(STORAGE_ENV):
        set_hypothesis_home_dir(user_cache("hypothesis"))


def load_profile(name: str) -> None:
    global _loaded
    settings.load_profile(f"oss-conformance-{name}")
    _loaded = name


def stateful_settings(name: str | None = None, examples: int | None = None) -> settings:
    """The state machine's budget (ci, default, thorough; by default the one loaded) over the current settings,
    whose phases and database stay as they are; `examples` is one shard's part of it."""
    budget, steps = STATEFUL[name or _loaded]
    return settings(settings.default, max_examples=examples or budget, stateful_step_count=steps)


def stateful_shards(name: str | None = None) -> list[int]:
    """Examples per shard of a budget: as even as possible, adding up to the budget."""
    examples, _ = STATEFUL[name or _loaded]
    count = min(STATEFUL_SHARDS[name or _loaded], examples)
    return [examples // count + (1 if i < examples % count else 0) for i in range(count)]


# ---------------------------------------------------------------- names

# Characters that break naive encoders, weighted in on purpose.
TRICKY = " +%/&?#=;:@!$'()*,~[]{}|^`\"<>\\\x0c\t中文é😀"
MAX_KEY_BYTES = 1023


def _name_text() -> st.SearchStrategy[str]:
    # every code point but a surrogate (Cs) is valid UTF-8: codec="utf-8" would give the same set, at 3 s a process
    plain = st.characters(exclude_characters="\r\n\x00", exclude_categories=("Cs",))
    return st.text(st.one_of(st.sampled_from(TRICKY), plain), min_size=1, max_size=24)


def key_suffixes() -> st.SearchStrategy[str]:
    """The part of an object name after the run namespace: valid UTF-8, never starting with / or \\."""
    return _name_text().filter(lambda s: not s.startswith(("/", "\\")))


def targets() -> st.SearchStrategy[str]:
    """Link targets: same naming rules as keys (docs/oss-facts.md §1.2)."""
    return key_suffixes()


# Printable ASCII that means the same raw or percent-decoded: no '%' (an escape) and no '+' (a space to
# form decoders). What the V2 SDKs, which send the target unencoded, can rely on (docs/oss-facts.md §1.7).
_RAW_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "%+")


def raw_ascii_targets() -> st.SearchStrategy[str]:
    """Targets a client may send without encoding: printable ASCII without % and +, inner spaces only
    (HTTP strips blanks around a header value)."""
    word = st.text(st.sampled_from(_RAW_SAFE), min_size=1, max_size=12)
    return st.lists(word, min_size=1, max_size=3).map(" ".join).filter(lambda s: not s.startswith(("/", "\\")))


def sent_targets() -> st.SearchStrategy[tuple[bool, str]]:
    """(encode, target suffix): targets sent percent-encoded, or raw where a client may send them raw. A rule
    about how the server answers must see both, or a server that echoes the header as it came passes."""
    return st.one_of(targets().map(lambda t: (True, t)), raw_ascii_targets().map(lambda t: (False, t)))


def padded_key(key: str, size: int, filler: str = "x") -> str:
    """`key` followed by `filler` until its UTF-8 form is at least `size` bytes (for name-length rules)."""
    missing = max(0, size - len(key.encode()))
    step = len(filler.encode())
    return key + filler * (-(-missing // step))


# ---------------------------------------------------------------- metadata

META_LIMIT = 8192  # bytes of x-oss-meta-* names plus values (docs/oss-facts.md §1.2; boundary ambiguous)
_META_NAME = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-"), min_size=1, max_size=16).filter(
    lambda s: s[0].isalnum()
)
_META_VALUE = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=0, max_size=64)


def meta_size(meta: dict[str, str], *, count_prefix: bool = True) -> int:
    """Bytes of names plus values; the documents do not say whether 'x-oss-meta-' counts, hence the switch."""
    prefix = "x-oss-meta-" if count_prefix else ""
    return sum(len(f"{prefix}{k}".encode()) + len(v.encode()) for k, v in meta.items())


def meta_headers(meta: dict[str, str]) -> dict[str, str]:
    """The request headers that carry `meta` (names as generated: lower case)."""
    return {f"x-oss-meta-{k}": v for k, v in meta.items()}


def meta_totalling(total: int, *, count_prefix: bool, entries: int = 5) -> dict[str, str]:
    """Metadata of exactly `total` bytes under one way of counting, spread over a few headers so that no
    single header line reaches a front end's line limit. Both countings are offered so a boundary test can
    pick the one that makes its claim hold whichever way the server counts."""
    names = [f"b{i}" for i in range(entries)]
    room = total - meta_size(dict.fromkeys(names, ""), count_prefix=count_prefix)
    sizes = [room // entries + (1 if i < room % entries else 0) for i in range(entries)]
    return {name: "v" * size for name, size in zip(names, sizes, strict=True)}


def meta_below_cap(limit: int = META_LIMIT * 3 // 4) -> st.SearchStrategy[dict[str, str]]:
    """User metadata clearly under the 8 KB cap (so the ambiguous boundary plays no part)."""
    return st.dictionaries(_META_NAME, _META_VALUE, min_size=1, max_size=12).filter(lambda m: meta_size(m) <= limit)


# HTTP token characters (RFC 9110) outside [A-Za-z0-9-]: legal in a header name, not in a meta name.
_TOKEN_EXTRA = "_.!#$&'*+^`|~"


def invalid_meta_names() -> st.SearchStrategy[str]:
    """Meta names (after 'x-oss-meta-') that hold at least one character OSS does not allow (docs/oss-facts.md §1.2)."""
    part = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-"), max_size=6)
    return st.tuples(part, st.text(st.sampled_from(_TOKEN_EXTRA), min_size=1, max_size=2), part).map("".join)


def meta_above_cap(minimum: int = META_LIMIT * 5 // 4) -> st.SearchStrategy[dict[str, str]]:
    """User metadata clearly over the cap: a few large values."""
    big_value = st.integers(min_value=1024, max_value=4096).map(lambda n: "v" * n)
    return st.dictionaries(_META_NAME, big_value, min_size=3, max_size=8).filter(lambda m: meta_size(m) >= minimum)


# ---------------------------------------------------------------- storage classes

LINK_STORAGE_CLASSES = ("Standard", "IA", "Archive")  # documented for PutSymlink (docs/oss-facts.md §1.2)
ALL_STORAGE_CLASSES = (*LINK_STORAGE_CLASSES, "ColdArchive", "DeepColdArchive")


def invalid_storage_classes() -> st.SearchStrategy[str]:
    """Values no OSS document lists: random words and case variants. Leading/trailing blanks are left out:
    HTTP strips them from header values, so " IA" is IA on the wire; an empty value is a rule of its own."""
    variants = st.sampled_from(ALL_STORAGE_CLASSES).flatmap(
        lambda c: st.sampled_from([c.lower(), c.upper(), c + "x", c[:-1], c.replace("a", "A")])
    )
    words = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=20)
    return st.one_of(variants, words).filter(lambda v: v not in ALL_STORAGE_CLASSES)


# ---------------------------------------------------------------- other request headers


def invalid_forbid_overwrite_values() -> st.SearchStrategy[str]:
    """x-oss-forbid-overwrite values other than true/false. Case variants (TRUE, False) are left out: whether
    OSS compares case-insensitively is not documented."""
    words = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=10)
    return st.one_of(st.sampled_from(["1", "0", "yes", "no", "on", "truee"]), words).filter(
        lambda v: v.lower() not in ("true", "false")
    )


# Object tags (docs/oss-facts.md §29.2): letters, digits, space and + - = . _ : /; keys 1..128, values 0..256
# characters, at most 10 tags. ASCII letters only: whether other letters count is disputed (§9.37). No
# leading or trailing space: nothing says the service keeps it, and a test must not rest on a guess.
TAG_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +-=._:/"


def _tag_text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(TAG_CHARACTERS, min_size=min_size, max_size=max_size).filter(lambda s: s == s.strip())


def tag_sets(min_tags: int = 0, max_tags: int = 10) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Valid tag sets as sorted (key, value) pairs with distinct keys."""
    pairs = st.dictionaries(_tag_text(1, 128), _tag_text(0, 256), min_size=min_tags, max_size=max_tags)
    return pairs.map(lambda tags: sorted(tags.items()))
