"""The state machine: random sequences of object and link operations against the server under test.

Every step sends one request (to two servers in differential mode) and compares the answer with the model's
prediction. Keys are a few fixed names under a fresh prefix of the run namespace per example, so links point
at existing keys, missing keys, themselves and other links as the dice fall; each example deletes its keys.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from hypothesis import seed as hypothesis_seed
from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyFailure
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test

from .. import rules
from ..checks import fail
from ..client import NoUsableAnswer, OssClient, Reply, Transcript
from ..client.xml import child_text, xml_elements
from ..strategies import stateful_settings
from . import differential, steps
from .model import Model, Prediction

# Three keys: enough for a link to an existing key, a missing key, itself and another link. Two names carry
# characters that encoders get wrong (space, '+', non-ASCII), which object names allow [S] oss2 test_chinese.
KEY_NAMES = ("k0", "k 1+", "k2é")
CONTENT_TYPES = ("text/plain", "application/octet-stream", "image/png")
META_SETS = ({}, {"colour": "red"}, {"shape": "round", "size": "2"})
# Archive is left out: whether reading through an Archive-class *link* needs a restore is undocumented.
LINK_CLASSES = (None, "Standard", "IA")
FALLBACK_RULE = "stateful.model-agreement"
DIFFERENTIAL_RULE = "stateful.differential-agreement"

# (model check, aspect of the answer) -> registry rule; "*" is any aspect. Unlisted: FALLBACK_RULE.
CHECK_RULES = {
    ("symlink.put.no-target-check", "*"): "symlink.put.no-target-check",
    ("symlink.put.overwrite", "*"): "symlink.put.overwrite",
    ("symlink.put.forbid-overwrite", "*"): "symlink.put.forbid-overwrite-existing",
    ("symlink.put.forbid-overwrite-new-key", "*"): "symlink.put.forbid-overwrite-new-key",
    ("symlink.ops.put-object-replaces", "*"): "symlink.ops.put-object-replaces",
    ("append.link-rejected", "*"): "symlink.ops.append-rejected",
    ("copy.link-copies-link", "*"): "symlink.ops.copy-copies-link",
    ("delete.link-only", "*"): "symlink.ops.delete-link-only",
    ("read.no-such-key", "*"): "error.no-such-key",
    ("read.target-missing", "*"): "symlink.read.target-missing",
    ("read.target-is-link", "*"): "symlink.read.target-is-link",
    ("read.through-link", "*"): "symlink.read.target-bytes",
    ("read.through-link", "etag"): "symlink.read.target-headers",
    ("read.through-link", "content-length"): "symlink.read.target-headers",
    ("read.through-link", "last-modified"): "symlink.read.last-modified-max",
    ("read.through-link", "x-oss-object-type"): "symlink.read.object-type",
    ("read.through-link", "meta"): "symlink.read.link-meta",
    ("read.through-link", "content-type"): "symlink.read.link-content-type",
    ("read.through-link", "x-oss-storage-class"): "symlink.put.storage-class",
    ("symlink.get.target", "*"): "symlink.get.target",
    ("symlink.get.target", "etag"): "symlink.get.response-headers",
    ("symlink.get.target", "last-modified"): "symlink.get.response-headers",
    ("symlink.get.target", "content-type"): "symlink.get.content-type",
    ("symlink.get.target", "meta"): "symlink.get.user-meta",
    ("symlink.get.no-such-key", "*"): "symlink.get.no-such-key",
    ("symlink.get.not-a-link", "*"): "symlink.get.not-symlink",
    ("meta.link-itself", "*"): "symlink.read.object-meta-is-link",
    ("list.entries", "*"): "symlink.ops.list-entry",
    ("list.entries", "listing.type"): "symlink.ops.list-type",
    ("list.entries", "replaced-link"): "symlink.ops.put-object-replaces",
    ("object.put", "*"): "object.put.response",
    ("read.object", "*"): "object.get.body",
    ("read.object", "etag"): "etag.quoted-upper-hex",
    ("object.put", "etag"): "etag.quoted-upper-hex",
    ("append.extends", "*"): "object.append.create",
    ("meta.no-such-key", "*"): "error.no-such-key",
    ("copy.missing-source", "*"): "object.copy.no-such-key",
    ("copy.object", "*"): "object.copy.data",
    ("append.not-appendable", "*"): "object.append.not-appendable",
    ("append.empty", "*"): "object.append.empty-body",
    ("delete.object", "*"): "object.delete.response",
    ("delete.missing", "*"): "object.delete.missing-key",
    ("meta.object", "*"): "object.meta.response",
}
# Whether a read through a link reaches the right object (its status, its bytes) when the target travelled
# percent-encoded is the decoding rule's to judge, as the suite's round-trip test does; the rest is the read's.
DECODING_RULE = "symlink.put.target-encoded"
DECODING_ASPECTS = frozenset({"status", "body"})
# HEAD answers what GET answers, without the body: a header wrong on HEAD alone is HeadObject's rule (looked up
# before CHECK_RULES, aspect by aspect).
HEAD_CHECK_RULES = {
    ("read.object", "*"): "object.head.matches-get",
    ("read.object", "meta"): "object.put.meta-roundtrip",
}


# An error reply without a readable Code is a fault of the error format, whichever operation it answers.
ERROR_FORMAT_RULES = {"HEAD": "error.head-x-oss-err", "*": "error.body-xml"}


def rule_for(check: str, aspect: str, method: str = "GET", decodes_target: bool = False) -> rules.Rule:
    """The registry rule of a check; the stateful fallback when the registry has no such rule (yet)."""
    if decodes_target and aspect in DECODING_ASPECTS:
        wanted = DECODING_RULE
    elif aspect == "error-code":
        wanted = ERROR_FORMAT_RULES.get(method) or ERROR_FORMAT_RULES["*"]
    else:
        head = HEAD_CHECK_RULES if method == "HEAD" else {}
        tables = ((head, aspect), (CHECK_RULES, aspect), (head, "*"), (CHECK_RULES, "*"))
        wanted = next((table[check, a] for table, a in tables if (check, a) in table), FALLBACK_RULE)
    return rules.registry().get(wanted) or rules.get(FALLBACK_RULE)


@dataclass
class Side:
    """One server under test and the client that talks to it."""

    name: str
    client: OssClient
    transcript: Transcript


@dataclass
class MachineContext:
    """What the machine needs from a run: the server(s), fresh key prefixes, the profile's capabilities."""

    sides: list[Side]
    fresh_prefix: Callable[[], str]
    supports: Callable[[str], bool] = lambda capability: True
    canons: list[differential.Canon] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)  # operation -> what the server answered (501)

    def available(self, operation: str) -> bool:
        """Neither declared absent by the profile nor answered 501 NotImplemented earlier in this run."""
        capability = CAPABILITY_OF.get(operation)
        return operation not in self.absent and (capability is None or self.supports(capability))

    def absent_report(self) -> list[str]:
        """One line per operation the machine dropped: what a vendor reads instead of a failure."""
        return [f"stateful: {name} is not implemented ({what}); dropped from the machine's repertoire for this run, "
                "the other operations were tested" for name, what in sorted(self.absent.items())]  # fmt: skip


class NotImplementedOperation(UserWarning):
    """An operation the server does not implement: the machine tests what remains, and says so once."""


# Operations a profile capability can declare absent (conformance/profile.py CAPABILITIES).
CAPABILITY_OF = {"append_object": "append", "copy_object": "copy", "list_objects": "list"}


def _not_implemented(reply: Reply) -> str | None:
    """'HEAD ?objectMeta answered 501 NotImplemented' for a 501 / NotImplemented answer (no key: the line is the
    same in every example, so it is reported once), else None."""
    if reply.status != 501 and reply.code != "NotImplemented":
        return None
    query = reply.exchange.url.partition("?")[2]
    return f"{reply.exchange.method}{' ?' + query if query else ''} answered {reply.status} {reply.code or ''}".strip()


# ---------------------------------------------------------------- operations: (send, predict), as data


def _meta_headers(index: int) -> dict[str, str]:
    return {f"x-oss-meta-{k}": v for k, v in META_SETS[index].items()}


def _put_symlink_headers(a: Mapping[str, Any]) -> dict[str, str]:
    headers = {"Content-Type": a["content_type"], **_meta_headers(a["meta"])}
    if a["storage_class"]:
        headers["x-oss-storage-class"] = a["storage_class"]
    if a["forbid_overwrite"]:
        headers["x-oss-forbid-overwrite"] = "true"
    return headers


@dataclass(frozen=True)
class Operation:
    send: Callable[[OssClient, list[str], Mapping[str, Any], Model], Reply]
    predict: Callable[[Model, list[str], Mapping[str, Any]], Prediction]
    writes: str | None = None  # the argument naming the key this operation may create (cleanup deletes it)
    xml: bool = False  # the answer's body is an XML document (compared element by element)


OPERATIONS: dict[str, Operation] = {
    "put_object": Operation(
        lambda c, k, a, m: c.put_object(
            k[a["key"]], a["data"].encode(), {"Content-Type": a["content_type"], **_meta_headers(a["meta"])}
        ),
        lambda m, k, a: m.put_object(k[a["key"]], a["data"].encode(), a["content_type"], META_SETS[a["meta"]]),
        writes="key",
    ),
    "put_symlink": Operation(
        lambda c, k, a, m: c.put_symlink(k[a["key"]], k[a["to"]], _put_symlink_headers(a)),
        lambda m, k, a: m.put_symlink(
            k[a["key"]], k[a["to"]], a["content_type"], META_SETS[a["meta"]], a["storage_class"], a["forbid_overwrite"]
        ),
        writes="key",
    ),
    "append_object": Operation(
        lambda c, k, a, m: c.append_object(
            k[a["key"]], m.append_position(k[a["key"]]), a["data"].encode(), {"Content-Type": a["content_type"]}
        ),
        lambda m, k, a: m.append_object(k[a["key"]], a["data"].encode(), a["content_type"]),
        writes="key",
    ),
    "copy_object": Operation(
        lambda c, k, a, m: c.copy_object(k[a["dest"]], k[a["source"]]),
        lambda m, k, a: m.copy_object(k[a["dest"]], k[a["source"]]),
        writes="dest",
    ),
    "delete_object": Operation(
        lambda c, k, a, m: c.delete_object(k[a["key"]]),
        lambda m, k, a: m.delete_object(k[a["key"]]),
    ),
    "get_object": Operation(lambda c, k, a, m: c.get_object(k[a["key"]]), lambda m, k, a: m.read(k[a["key"]], "GET")),
    "head_object": Operation(
        lambda c, k, a, m: c.head_object(k[a["key"]]), lambda m, k, a: m.read(k[a["key"]], "HEAD")
    ),
    "get_symlink": Operation(lambda c, k, a, m: c.get_symlink(k[a["key"]]), lambda m, k, a: m.get_symlink(k[a["key"]])),
    "get_object_meta": Operation(
        lambda c, k, a, m: c.get_object_meta(k[a["key"]]), lambda m, k, a: m.get_object_meta(k[a["key"]])
    ),
    "list_objects": Operation(
        lambda c, k, a, m: c.list_objects(prefix=k[0].rsplit("/", 1)[0] + "/", **{"max-keys": "100"}),
        lambda m, k, a: m.list_objects(),
        xml=True,
    ),
}


def _observed_headers(reply: Reply) -> dict[str, str]:
    headers = {name.lower(): value for name, value in reply.headers.items()}
    if "x-oss-symlink-target" in headers:  # sent percent-encoded (docs/oss-facts.md §1.7, §2)
        headers["x-oss-symlink-target"] = unquote(headers["x-oss-symlink-target"])
    return headers


def _listing(reply: Reply) -> dict[str, tuple[str, str]]:
    """ListObjects entries as key -> (Type, Size); a body that is not XML lists nothing (the keys the model
    expects are then missing, which fails the listing's rule with the step log)."""
    if reply.status != 200:
        return {}
    return {
        child_text(e, "Key") or "": (child_text(e, "Type") or "", child_text(e, "Size") or "")
        for e in xml_elements(reply.body, "Contents")
    }


# ---------------------------------------------------------------- the machine

keys_ = st.integers(0, len(KEY_NAMES) - 1)  # an index into the example's keys: JSON-friendly, shrinks to k0
data_ = st.text(max_size=6)
types_ = st.sampled_from(CONTENT_TYPES)
metas_ = st.integers(0, len(META_SETS) - 1)


class ObjectsAndLinks(RuleBasedStateMachine):
    def __init__(self, context: MachineContext) -> None:
        super().__init__()
        self.context = context
        prefix = context.fresh_prefix()
        self.keys = [f"{prefix}/{name}" for name in KEY_NAMES]
        self.model = Model()
        self.log: list[steps.Step] = []
        self.canons = [differential.Canon() for _ in context.sides]
        for side in context.sides:
            side.transcript.clear()

    # ------------------------------------------------------------ one step

    def step(self, name: str, args: dict[str, Any]) -> None:
        __tracebackhide__ = True
        if not self.context.available(name):
            return  # dropped: no request, no step (a precondition instead would change what Hypothesis draws)
        op = OPERATIONS[name]
        sides = self.context.sides
        marks = [len(side.transcript.exchanges) for side in sides]
        replies = [op.send(side.client, self.keys, args, self.model) for side in sides]
        step = steps.Step(len(self.log) + 1, name, args)
        step.exchanges = [(s.name, s.transcript.exchanges[m:]) for s, m in zip(sides, marks, strict=True)]
        self.log.append(step)
        missing = _not_implemented(replies[0])
        if missing:  # the model never predicts 501: the operation is absent, not wrong
            self.context.absent[name] = missing
            return
        if len(replies) == 2:
            canon = [c.reply(r, op.xml) for c, r in zip(self.canons, replies, strict=True)]
            difference = differential.first_difference(*canon, names=(sides[0].name, sides[1].name))
            if difference:
                self._fail(rules.get(DIFFERENTIAL_RULE), replies[0], f"the two servers differ: {difference}")
        prediction = op.predict(self.model, self.keys, args)
        reply = replies[0]
        problems = self.model.verify(
            prediction,
            reply.status,
            reply.code,
            _observed_headers(reply),
            reply.body,
            _listing(reply) if op.xml else None,
        )
        if problems:
            found = rule_for(prediction.check, problems[0][0], reply.exchange.method, prediction.decodes_target)
            self._fail(found, reply, "; ".join(m for _, m in problems))

    def _fail(self, found: rules.Rule, reply: Reply, problem: str) -> None:
        __tracebackhide__ = True
        last = self.log[-1]
        fail(
            found,
            reply,
            f"step {last.number}, {last.call()}: {problem}\n"
            f"Rule: {found.title}\n\n"
            f"Steps of this example ({len(self.log)}):\n{steps.render(self.log)}\n\n"
            f"{steps.replay_hint(self.log)}",
        )

    def _read_back(self, index: int) -> None:
        """After a write, read the key written and every link to it: a state change is seen at once, so a
        deviation needs no lucky later read to show (each read is a step of its own in the log)."""
        written = self.keys[index]
        links = [i for i, key in enumerate(self.keys) if i != index and self._links_to(key, written)]
        for i in [index, *links]:
            self.step("get_object", {"key": i})

    def _links_to(self, key: str, target: str) -> bool:
        obj = self.model.objects.get(key)
        return obj is not None and obj.target == target

    def teardown(self) -> None:
        """Every example deletes its keys (plain DeleteObject: it does not depend on what is tested)."""
        for side in self.context.sides:
            for key in sorted({self.keys[s.args[w]] for s in self.log if (w := OPERATIONS[s.name].writes)}):
                with contextlib.suppress(NoUsableAnswer):
                    side.client.delete_object(key)

    # ------------------------------------------------------------ rules: thin, the table above does the work

    @rule(key=keys_, data=data_, content_type=types_, meta=metas_)
    def put_object(self, **args: Any) -> None:
        self.step("put_object", args)
        self._read_back(args["key"])

    @rule(
        key=keys_,
        to=keys_,
        content_type=types_,
        meta=metas_,
        storage_class=st.sampled_from(LINK_CLASSES),
        forbid_overwrite=st.booleans(),
    )
    def put_symlink(self, **args: Any) -> None:
        self.step("put_symlink", args)
        self._read_back(args["key"])

    @precondition(lambda self: self.context.supports("append"))
    @rule(key=keys_, data=data_, content_type=types_)
    def append_object(self, **args: Any) -> None:
        self.step("append_object", args)
        self._read_back(args["key"])

    @precondition(lambda self: self.context.supports("copy"))
    @rule(dest=keys_, source=keys_)
    def copy_object(self, **args: Any) -> None:
        source = self.model.objects.get(self.keys[args["source"]])
        if args["dest"] != args["source"] and (source is None or source.kind != "Appendable"):
            self.step("copy_object", args)  # copying an appendable object or onto itself: facts are silent
            self._read_back(args["dest"])

    @rule(key=keys_)
    def delete_object(self, **args: Any) -> None:
        self.step("delete_object", args)
        self._read_back(args["key"])

    @rule(key=keys_)
    def get_object(self, **args: Any) -> None:
        self.step("get_object", args)

    @rule(key=keys_)
    def head_object(self, **args: Any) -> None:
        self.step("head_object", args)

    @rule(key=keys_)
    def get_symlink(self, **args: Any) -> None:
        self.step("get_symlink", args)

    @rule(key=keys_)
    def get_object_meta(self, **args: Any) -> None:
        self.step("get_object_meta", args)

    @precondition(lambda self: self.context.supports("list"))
    @rule()
    def list_objects(self) -> None:
        self.step("list_objects", {})


@dataclass(frozen=True)
class Shard:
    """One pytest item's part of the machine's budget (strategies.stateful_shards), from its own seed."""

    index: int
    count: int
    examples: int
    seed: int

    @property
    def label(self) -> str:
        return f"shard{self.index + 1}of{self.count}"

    def settings(self) -> Settings:
        return stateful_settings(examples=self.examples)


def run(context: MachineContext, settings: Settings | None = None, seed: int | None = None) -> None:
    """Hypothesis drives the machine (from `seed` if given); a failure is shrunk and re-raised with its steps."""
    try:
        if seed is None:  # this line's text is the derandomized seed (Hypothesis digests the factory's source)
            run_state_machine_as_test(lambda: ObjectsAndLinks(context), settings=settings or stateful_settings())
        else:
            factory = hypothesis_seed(seed)(lambda: ObjectsAndLinks(context))
            run_state_machine_as_test(factory, settings=settings or stateful_settings())
    except FlakyFailure as flaky:
        # The server deviated once and not on replay (a one-second clock tick, say): still a deviation.
        seen = flaky.subgroup(AssertionError)
        if seen is None:
            raise
        first = _leaves(seen)[0]
        raise type(first)(f"{first}\n\n{FLAKY_NOTE}") from None


FLAKY_NOTE = "Seen once; Hypothesis's replay of these steps did not reproduce it, so it depends on timing."


def _leaves(group: BaseExceptionGroup) -> list[BaseException]:
    return [leaf for e in group.exceptions for leaf in (_leaves(e) if isinstance(e, BaseExceptionGroup) else [e])]


def replay(context: MachineContext, recorded: list[tuple[str, dict[str, Any]]]) -> int:
    """Run recorded steps in order, without Hypothesis; returns the number of steps run."""
    machine = ObjectsAndLinks(context)
    try:
        for name, args in recorded:
            if name not in OPERATIONS:
                raise ValueError(f"--replay: unknown operation {name!r}; known: {', '.join(OPERATIONS)}")
            machine.step(name, args)
    finally:
        machine.teardown()
    return len(recorded)
