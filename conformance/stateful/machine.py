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
from .attribution import rule_for
from .model import PART_MINIMUM, Model, Prediction

# Three keys: enough for a link to an existing key, a missing key, itself and another link. Two names carry
# characters that encoders get wrong (space, '+', non-ASCII), which object names allow [S] oss2 test_chinese.
KEY_NAMES = ("k0", "k 1+", "k2é")
CONTENT_TYPES = ("text/plain", "application/octet-stream", "image/png")
META_SETS = ({}, {"colour": "red"}, {"shape": "round", "size": "2"})
# Archive is left out: whether reading through an Archive-class *link* needs a restore is undocumented.
LINK_CLASSES = (None, "Standard", "IA")
# Tag sets within every documented limit: letters, digits, space, an empty value [D] §29.2.
TAG_SETS = ((("colour", "red"),), (("a", "1"), ("b", "")), (("size", "2 m"),))
ACLS = ("private", "public-read", "public-read-write", "default")
PART_PLANS = ("one", "two", "two-small")  # multipart_upload: one small part; 2 small then 1 full; both small
DIFFERENTIAL_RULE = "stateful.differential-agreement"


@dataclass
class Side:
    """One server under test and the client that talks to it."""

    name: str
    client: OssClient
    transcript: Transcript
    # key -> [(upload id, part number -> ETag)] of the machine's multipart uploads on this server, latest last
    uploads: dict[str, list[tuple[str, dict[int, str]]]] = field(default_factory=dict)


# Called as an example starts; what it returns is called with the example's steps once it has ended.
ExampleWatch = Callable[[], Callable[[list[tuple[str, dict[str, Any]]]], None]]


@dataclass
class MachineContext:
    """What the machine needs from a run: the server(s), fresh key prefixes, the profile's capabilities."""

    sides: list[Side]
    fresh_prefix: Callable[[], str]
    supports: Callable[[str], bool] = lambda capability: True
    canons: list[differential.Canon] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)  # operation -> what the server answered (501)
    watch: ExampleWatch | None = None  # told of each example, while conformance.reach records

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
CAPABILITY_OF = {
    "append_object": "append",
    "copy_object": "copy",
    "list_objects": "list",
    **dict.fromkeys(("initiate_multipart", "upload_part", "complete_multipart", "abort_multipart"), "multipart"),
    **dict.fromkeys(("put_tagging", "get_tagging", "delete_tagging"), "tagging"),
    **dict.fromkeys(("put_acl", "get_acl"), "acl"),
}


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
    send: Callable[[Side, list[str], Mapping[str, Any], Model], Reply]
    predict: Callable[[Model, list[str], Mapping[str, Any]], Prediction]
    writes: str | None = None  # the argument naming the key this operation may create (cleanup deletes it)
    xml: bool = False  # the answer's body is an XML document (compared element by element)


OPERATIONS: dict[str, Operation] = {
    "put_object": Operation(
        lambda s, k, a, m: s.client.put_object(
            k[a["key"]], a["data"].encode(), {"Content-Type": a["content_type"], **_meta_headers(a["meta"])}
        ),
        lambda m, k, a: m.put_object(k[a["key"]], a["data"].encode(), a["content_type"], META_SETS[a["meta"]]),
        writes="key",
    ),
    "put_symlink": Operation(
        lambda s, k, a, m: s.client.put_symlink(k[a["key"]], k[a["to"]], _put_symlink_headers(a)),
        lambda m, k, a: m.put_symlink(
            k[a["key"]], k[a["to"]], a["content_type"], META_SETS[a["meta"]], a["storage_class"], a["forbid_overwrite"]
        ),
        writes="key",
    ),
    "append_object": Operation(
        lambda s, k, a, m: s.client.append_object(
            k[a["key"]], m.append_position(k[a["key"]]), a["data"].encode(), {"Content-Type": a["content_type"]}
        ),
        lambda m, k, a: m.append_object(k[a["key"]], a["data"].encode(), a["content_type"]),
        writes="key",
    ),
    "copy_object": Operation(
        lambda s, k, a, m: s.client.copy_object(k[a["dest"]], k[a["source"]]),
        lambda m, k, a: m.copy_object(k[a["dest"]], k[a["source"]]),
        writes="dest",
    ),
    "delete_object": Operation(
        lambda s, k, a, m: s.client.delete_object(k[a["key"]]),
        lambda m, k, a: m.delete_object(k[a["key"]]),
    ),
    "get_object": Operation(
        lambda s, k, a, m: s.client.get_object(k[a["key"]]), lambda m, k, a: m.read(k[a["key"]], "GET")
    ),
    "head_object": Operation(
        lambda s, k, a, m: s.client.head_object(k[a["key"]]), lambda m, k, a: m.read(k[a["key"]], "HEAD")
    ),
    "get_symlink": Operation(
        lambda s, k, a, m: s.client.get_symlink(k[a["key"]]), lambda m, k, a: m.get_symlink(k[a["key"]])
    ),
    "get_object_meta": Operation(
        lambda s, k, a, m: s.client.get_object_meta(k[a["key"]]), lambda m, k, a: m.get_object_meta(k[a["key"]])
    ),
    "list_objects": Operation(
        lambda s, k, a, m: s.client.list_objects(prefix=k[0].rsplit("/", 1)[0] + "/", **{"max-keys": "100"}),
        lambda m, k, a: m.list_objects(),
        xml=True,
    ),
}


def _part_data(a: Mapping[str, Any]) -> bytes:
    """A part's bytes: the drawn text, padded to the documented minimum when the step asks for a full part."""
    data = a["data"].encode()
    return data.ljust(PART_MINIMUM, b".") if a["full"] else data


def _initiate(s: Side, k: list[str], a: Mapping[str, Any], m: Model) -> Reply:
    key = k[a["key"]]
    reply = s.client.initiate_multipart(key, {"Content-Type": a["content_type"]})
    ids = xml_elements(reply.body, "UploadId") if reply.status == 200 else []
    s.uploads.setdefault(key, []).append((ids[0].text or "" if ids else "", {}))
    return reply


def _upload_part(s: Side, k: list[str], a: Mapping[str, Any], m: Model) -> Reply:
    key = k[a["key"]]
    upload_id, etags = s.uploads[key][-1]
    reply = s.client.upload_part(key, upload_id, a["number"], _part_data(a))
    if reply.status == 200:
        etags[a["number"]] = reply.headers.get("ETag", "")
    return reply


def _complete(s: Side, k: list[str], a: Mapping[str, Any], m: Model) -> Reply:
    key = k[a["key"]]
    upload_id, etags = s.uploads[key][-1]
    return s.client.complete_multipart(key, upload_id, [(n, etags.get(n, '""')) for n in m.complete_parts(key)])


def _tagging_body(tags: Any) -> bytes:
    entries = "".join(f"<Tag><Key>{key}</Key><Value>{value}</Value></Tag>" for key, value in tags)
    return f"<Tagging><TagSet>{entries}</TagSet></Tagging>".encode()


TAGGING, ACL = [("tagging", None)], [("acl", None)]
OPERATIONS.update(
    {
        "initiate_multipart": Operation(
            _initiate, lambda m, k, a: m.initiate_multipart(k[a["key"]], a["content_type"]), xml=True
        ),
        "upload_part": Operation(_upload_part, lambda m, k, a: m.upload_part(k[a["key"]], a["number"], _part_data(a))),
        "complete_multipart": Operation(
            _complete, lambda m, k, a: m.complete_multipart(k[a["key"]]), writes="key", xml=True
        ),
        "abort_multipart": Operation(
            lambda s, k, a, m: s.client.abort_multipart(k[a["key"]], s.uploads[k[a["key"]]][-1][0]),
            lambda m, k, a: m.abort_multipart(k[a["key"]]),
        ),
        "delete_multiple": Operation(
            lambda s, k, a, m: s.client.delete_multiple([k[i] for i in a["keys"]], quiet=a["quiet"]),
            lambda m, k, a: m.delete_multiple([k[i] for i in a["keys"]], a["quiet"]),
            xml=True,
        ),
        "put_tagging": Operation(
            lambda s, k, a, m: s.client.request(
                "PUT",
                k[a["key"]],
                query=TAGGING,
                data=_tagging_body(TAG_SETS[a["tags"]]),
                headers={"Content-Type": "application/xml"},
            ),
            lambda m, k, a: m.put_tagging(k[a["key"]], TAG_SETS[a["tags"]]),
        ),
        "get_tagging": Operation(
            lambda s, k, a, m: s.client.request("GET", k[a["key"]], query=TAGGING),
            lambda m, k, a: m.get_tagging(k[a["key"]]),
            xml=True,
        ),
        "delete_tagging": Operation(
            lambda s, k, a, m: s.client.request("DELETE", k[a["key"]], query=TAGGING),
            lambda m, k, a: m.delete_tagging(k[a["key"]]),
        ),
        "put_acl": Operation(
            lambda s, k, a, m: s.client.request("PUT", k[a["key"]], query=ACL, headers={"x-oss-object-acl": a["acl"]}),
            lambda m, k, a: m.put_acl(k[a["key"]], a["acl"]),
        ),
        "get_acl": Operation(
            lambda s, k, a, m: s.client.request("GET", k[a["key"]], query=ACL),
            lambda m, k, a: m.get_acl(k[a["key"]]),
            xml=True,
        ),
    }
)


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
        self.upload_key: int | None = None  # the key of the latest upload the machine started
        for side in context.sides:
            side.transcript.clear()
            side.uploads.clear()
        self.ended = context.watch() if context.watch else None

    # ------------------------------------------------------------ one step

    def step(self, name: str, args: dict[str, Any]) -> None:
        __tracebackhide__ = True
        if not self.context.available(name):
            return  # dropped: no request, no step (a precondition instead would change what Hypothesis draws)
        op = OPERATIONS[name]
        sides = self.context.sides
        marks = [len(side.transcript.exchanges) for side in sides]
        replies = [op.send(side, self.keys, args, self.model) for side in sides]
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
            _listing(reply) if name == "list_objects" else None,
        )
        if problems:
            # an undecoded target name finds nothing: only a 404 where the model expects the target is decoding's
            undecoded = prediction.decodes_target and reply.status == 404 and 404 not in prediction.status
            found = rule_for(prediction.check, problems[0][0], reply.exchange.method, undecoded, prediction.made_by)
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
        """Every example aborts its uploads and deletes its keys (plain requests: they do not depend on what is
        tested; an upload already completed or aborted answers 404, which is fine)."""
        try:
            for side in self.context.sides:
                self._clean_up(side)
        finally:
            if self.ended:
                self.ended([(s.name, s.args) for s in self.log])

    def _clean_up(self, side: Side) -> None:
        for key, started in side.uploads.items():
            for upload_id, _ in started:
                with contextlib.suppress(NoUsableAnswer):
                    side.client.abort_multipart(key, upload_id)
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
        if args["dest"] != args["source"] and (source is None or source.kind not in ("Appendable", "Multipart")):
            self.step("copy_object", args)  # copying an appendable or multipart object, or onto itself: silent facts
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

    # ------------------------------------------------------------ multipart upload

    @precondition(lambda self: self.context.supports("multipart"))
    @rule(key=keys_, content_type=types_, data=data_, parts=st.sampled_from(PART_PLANS))
    def multipart_upload(self, key: int, content_type: str, data: str, parts: str) -> None:
        """A whole upload into a key. With two parts, part 2 (small, the last) goes first and part 1 second, so
        joining in arrival order shows; part 1 has the documented minimum size, or less ("two-small": refused)."""
        self.step("initiate_multipart", {"key": key, "content_type": content_type})
        self.upload_key = key
        if parts != "one":
            self.step("upload_part", {"key": key, "number": 2, "data": data, "full": False})
        self.step("upload_part", {"key": key, "number": 1, "data": data, "full": parts == "two"})
        self.step("complete_multipart", {"key": key})
        self._read_back(key)

    @precondition(lambda self: self.context.supports("multipart"))
    @rule(key=keys_, content_type=types_)
    def initiate_multipart(self, **args: Any) -> None:
        self.step("initiate_multipart", args)
        self.upload_key = args["key"]

    @precondition(lambda self: self.upload_key is not None)
    @rule(number=st.integers(1, 2), data=data_, full=st.sampled_from((False, False, True)))
    def upload_part(self, **args: Any) -> None:
        self.step("upload_part", {"key": self.upload_key, **args})

    @precondition(lambda self: self.upload_key is not None)
    @rule()
    def complete_multipart(self) -> None:
        key = self.upload_key
        if self.model.complete_parts(self.keys[key]):  # an empty part list: the answer is undocumented
            self.step("complete_multipart", {"key": key})
            self._read_back(key)

    @precondition(lambda self: self.upload_key is not None)
    @rule()
    def abort_multipart(self) -> None:
        self.step("abort_multipart", {"key": self.upload_key})
        self._read_back(self.upload_key)

    # ------------------------------------------------------------ DeleteMultipleObjects, tagging, ACL

    @rule(keys=st.lists(keys_, min_size=1, max_size=len(KEY_NAMES), unique=True), quiet=st.booleans())
    def delete_multiple(self, **args: Any) -> None:
        targets = {self._target_index(i) for i in args["keys"]} - {None, *args["keys"]}
        self.step("delete_multiple", args)
        for index in [*args["keys"], *sorted(targets)]:  # the links went, their targets stay
            self._read_back(index)

    @precondition(lambda self: self.context.supports("tagging"))
    @rule(key=keys_, tags=st.integers(0, len(TAG_SETS) - 1))
    def put_tagging(self, **args: Any) -> None:
        self.step("put_tagging", args)
        self._read_own(args["key"], "get_tagging")

    @precondition(lambda self: self.context.supports("tagging"))
    @rule(key=keys_)
    def get_tagging(self, **args: Any) -> None:
        self.step("get_tagging", args)

    @precondition(lambda self: self.context.supports("tagging"))
    @rule(key=keys_)
    def delete_tagging(self, **args: Any) -> None:
        self.step("delete_tagging", args)
        self._read_own(args["key"], "get_tagging")

    @precondition(lambda self: self.context.supports("acl"))
    @rule(key=keys_, acl=st.sampled_from(ACLS))
    def put_acl(self, **args: Any) -> None:
        self.step("put_acl", args)
        self._read_own(args["key"], "get_acl")

    @precondition(lambda self: self.context.supports("acl"))
    @rule(key=keys_)
    def get_acl(self, **args: Any) -> None:
        self.step("get_acl", args)

    def _target_index(self, index: int) -> int | None:
        obj = self.model.objects.get(self.keys[index])
        target = obj.target if obj is not None else None
        return self.keys.index(target) if target in self.keys else None

    def _read_own(self, index: int, read: str) -> None:
        """After a change to a key's own tags or ACL, read them back, and the target's too when the key is a link
        (they must not have moved to the target)."""
        target = self._target_index(index)
        for i in [index] if target is None or target == index else [index, target]:
            self.step(read, {"key": i})


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
    """Run one example's recorded steps in order, without Hypothesis; returns the number of steps run."""
    machine = ObjectsAndLinks(context)
    try:
        for name, args in recorded:
            if name not in OPERATIONS:
                raise ValueError(f"--replay: unknown operation {name!r}; known: {', '.join(OPERATIONS)}")
            machine.step(name, args)
    finally:
        machine.teardown()
    return len(recorded)
