"""Which registry rule a failing check of the state machine blames. The model names each prediction with a
check; the answer's differing aspect (status, a header, the body) picks the rule, so a vendor reads the rule the
server broke, never a catch-all. A rule id written here that the registry lacks fails at import.
"""

from __future__ import annotations

from .. import rules
from .model import WRITTEN_NAMES

FALLBACK_RULE = "stateful.model-agreement"

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
    ("read.object", "x-oss-tagging-count"): "object.tagging.count-header",
    ("list.entries", "listing.entry"): "list.v1.entry-fields",
    # multipart upload
    ("mpu.initiate", "*"): "mpu.init.result",
    ("mpu.part", "*"): "mpu.complete.assembles",
    ("mpu.part.small", "*"): "mpu.part.no-size-check",
    ("mpu.part.after-complete", "*"): "mpu.complete.upload-consumed",
    ("mpu.part.after-abort", "*"): "mpu.abort.removes",
    ("mpu.complete", "*"): "mpu.complete.assembles",
    ("mpu.complete.too-small", "*"): "mpu.complete.min-part-size",
    ("mpu.complete.small-last", "*"): "mpu.complete.last-part-small",
    ("mpu.complete.small-last", "xml"): "mpu.complete.assembles",
    ("list.entries", "listing.type.multipart"): "mpu.complete.object-type",  # Type Multipart [D] §26.2
    ("mpu.complete.gone", "*"): "mpu.complete.upload-consumed",
    ("mpu.abort", "*"): "mpu.abort.removes",
    ("mpu.abort.after-abort", "*"): "mpu.abort.removes",
    ("mpu.abort.after-complete", "*"): "mpu.complete.upload-consumed",
    ("mpu.abort.after-abort", "code"): "mpu.abort.no-such-upload",
    ("mpu.abort.after-complete", "code"): "mpu.abort.no-such-upload",
    # DeleteMultipleObjects
    ("batch.verbose", "*"): "object.batch-delete.verbose",
    ("batch.missing", "*"): "object.batch-delete.missing-keys",
    ("batch.missing", "xml-order"): "object.batch-delete.verbose",
    ("batch.quiet", "*"): "object.batch-delete.quiet",
    # tagging and ACL: a link's own
    ("tagging.put", "*"): "object.tagging.put-get",
    ("tagging.get", "*"): "object.tagging.put-get",
    ("tagging.get-empty", "*"): "object.tagging.get-empty",
    ("tagging.get.replaced", "*"): "object.tagging.replace-all",
    ("tagging.delete", "*"): "object.tagging.delete",
    ("tagging.put.link", "*"): "symlink.ops.tagging-on-link",
    ("tagging.get.link", "*"): "symlink.ops.tagging-on-link",
    ("tagging.get-empty.link", "*"): "symlink.ops.tagging-on-link",
    ("tagging.delete.link", "*"): "symlink.ops.tagging-on-link",
    ("tagging.delete.link", "status"): "object.tagging.delete",
    ("tagging.no-such-key", "*"): "object.tagging.no-such-key",
    ("acl.put", "*"): "object.acl.put-values",
    ("acl.get", "*"): "object.acl.put-values",
    ("acl.put.link", "*"): "symlink.ops.acl-on-link",
    ("acl.get.link", "*"): "symlink.ops.acl-on-link",
    ("acl.get.default", "*"): "object.acl.default-readback",
    ("acl.put.no-such-key", "*"): "object.acl.put-no-such-key",
    ("acl.get.no-such-key", "*"): "object.acl.get-no-such-key",
    ("acl.get", "acl-body"): "object.acl.get-body",
    ("acl.get.link", "acl-body"): "object.acl.get-body",
    ("acl.get.default", "acl-body"): "object.acl.get-body",
}
# The bytes of an object a multi-step write made are that write's to judge, on every read of them (through links
# too); the object type of a multipart object read directly is its own rule. Looked up before CHECK_RULES.
MADE_BY_RULES = {
    ("mpu.assembled", "body"): "mpu.complete.assembles",
    ("mpu.assembled", "content-length"): "mpu.complete.assembles",
    ("mpu.assembled", "x-oss-object-type"): "mpu.complete.object-type",
    ("mpu.replaced-part", "body"): "mpu.part.overwrite",
    ("mpu.replaced-part", "content-length"): "mpu.part.overwrite",
    ("mpu.replaced-part", "x-oss-object-type"): "mpu.complete.object-type",
    ("mpu.assembled.via-link", "body"): "mpu.complete.assembles",
    ("mpu.assembled.via-link", "content-length"): "mpu.complete.assembles",
    ("mpu.replaced-part.via-link", "body"): "mpu.part.overwrite",
    ("mpu.replaced-part.via-link", "content-length"): "mpu.part.overwrite",
}
# Whether a read through a link reaches the right object (its status, its bytes) when the target travelled
# percent-encoded is the decoding rule's to judge, as the suite's round-trip test does; the rest is the read's.
DECODING_RULE = "symlink.put.target-encoded"
DECODING_ASPECTS = frozenset({"status"})  # an undecoded name finds no object; a wrong Code or stale bytes are not it
# HEAD answers what GET answers, without the body: a header wrong on HEAD alone is HeadObject's rule (looked up
# before CHECK_RULES, aspect by aspect).
HEAD_CHECK_RULES = {
    ("read.object", "*"): "object.head.matches-get",
    ("read.object", "meta"): "object.put.meta-roundtrip",
}


# An error reply without a readable Code is a fault of the error format, whichever operation it answers.
ERROR_FORMAT_RULES = {"HEAD": "error.head-x-oss-err", "*": "error.body-xml"}


def rule_for(
    check: str, aspect: str, method: str = "GET", decodes_target: bool = False, made_by: str | None = None
) -> rules.Rule:
    """The registry rule of a check; the stateful fallback when the registry has no such rule (yet)."""
    if decodes_target and aspect in DECODING_ASPECTS:
        wanted = DECODING_RULE
    elif (made_by, aspect) in MADE_BY_RULES and method != "HEAD":  # HEAD alone differing is HeadObject's rule
        wanted = MADE_BY_RULES[made_by, aspect]
    elif aspect == "error-code":
        wanted = ERROR_FORMAT_RULES.get(method) or ERROR_FORMAT_RULES["*"]
    else:
        head = HEAD_CHECK_RULES if method == "HEAD" else {}
        tables = ((head, aspect), (CHECK_RULES, aspect), (head, "*"), (CHECK_RULES, "*"))
        wanted = next((table[check, a] for table, a in tables if (check, a) in table), FALLBACK_RULE)
    return rules.registry().get(wanted) or rules.get(FALLBACK_RULE)


def unknown_names() -> set[str]:
    """Rule ids the registry lacks and checks the model never writes, in these tables (empty: all known)."""
    tables = (CHECK_RULES, MADE_BY_RULES, HEAD_CHECK_RULES, ERROR_FORMAT_RULES)
    named = {rule for table in tables for rule in table.values()} | {DECODING_RULE, FALLBACK_RULE}
    checks = {check for table in (CHECK_RULES, HEAD_CHECK_RULES) for check, _ in table}
    checks |= {maker.removesuffix(".via-link") for maker, _ in MADE_BY_RULES}
    return (named - set(rules.registry())) | (checks - WRITTEN_NAMES)


if unknown_names():  # a typo would silently fall back to FALLBACK_RULE
    raise LookupError(f"stateful attribution names unknown rules or checks: {sorted(unknown_names())}")
