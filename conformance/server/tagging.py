"""Tag checks shared by PutObjectTagging and the x-oss-tagging header (docs/oss-facts.md §29.2).

Letters and digits are what `str.isalnum` says: oss2's tests stored CJK tags although an EC page lists only
a-z A-Z (§9.37) [choice]. A bad key is 400 InvalidTaggingKey [D]; a bad value or count is 400 InvalidArgument
(undocumented Code) [choice]. A header pair that repeats a key or holds two '=' is 400 InvalidArgument [D].
"""

from __future__ import annotations

from urllib.parse import quote, unquote_plus

from conformance.server.errors import ErrorReply, invalid_argument

MAX_TAGS = 10
MAX_TAG_KEY, MAX_TAG_VALUE = 128, 256
TAG_PUNCTUATION = frozenset(" +-=._:/")
HEADER = "x-oss-tagging"
HEADER_MESSAGE = (
    "The header 'x-oss-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name "
    "duplicates."
)
Tags = tuple[tuple[str, str], ...]


def allowed_text(text: str) -> bool:
    return all(c.isalnum() or c in TAG_PUNCTUATION for c in text)


def check_limits(pairs: list[tuple[str, str]]) -> None:
    """At most 10 tags with unique keys, keys 1..128 characters, values up to 256."""
    if len(pairs) > MAX_TAGS:
        raise invalid_argument("Object tags cannot be greater than 10.", name="Tagging", value=str(len(pairs)))
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise invalid_argument("Duplicate tag keys are not allowed.", name="Tagging")
    for key, value in pairs:
        if not 0 < len(key) <= MAX_TAG_KEY or len(value) > MAX_TAG_VALUE:
            raise invalid_argument("The tag key or value is too long.", name="Tagging", value=key)


def check_characters(pairs: list[tuple[str, str]]) -> None:
    for key, value in pairs:
        if not allowed_text(key):
            raise ErrorReply("InvalidTaggingKey", "The tagging key you provided is invalid.", ec="0010-00000217")
        if not allowed_text(value):
            raise invalid_argument("The tag value is invalid.", ec="0010-00000217", name="Tagging", value=value)


def parse_header(raw: str) -> list[tuple[str, str]]:
    """`k1=v1&k2=v2`, URL query encoded; `k` alone is an empty value; `a=b=c` and repeated keys are refused."""
    pairs: list[tuple[str, str]] = []
    for piece in raw.split("&"):
        if not piece:
            continue
        if piece.count("=") > 1:
            raise invalid_argument(HEADER_MESSAGE, ec="0010-00000219", name=HEADER, value=raw)
        name, _, value = piece.partition("=")
        pairs.append((unquote_plus(name), unquote_plus(value)))
    if len({name for name, _ in pairs}) != len(pairs):
        raise invalid_argument(HEADER_MESSAGE, name=HEADER, value=raw)
    return pairs


def clone_header(raw: str, lenient: bool, undecoded: bool, bare_dropped: bool) -> str:
    """The header as clones with these quirks read it, re-encoded so that `parse_header` yields their tags:
    split at the first '=' with the last repeat winning, escapes kept as sent, pairs without '=' dropped."""
    tags: dict[str, str] = {}
    for piece in raw.split("&"):
        if not piece or (bare_dropped and "=" not in piece):
            continue
        if not lenient and piece.count("=") > 1:
            return raw  # let the strict parser refuse it
        name, _, value = piece.partition("=")
        if not lenient and name in tags:
            return raw
        tags[name] = value if undecoded else unquote_plus(value)
    return "&".join(f"{quote(unquote_plus(k), safe='')}={quote(v, safe='')}" for k, v in tags.items())
