"""The stateful model on its own: it is a specification, so each fact it encodes gets a direct check here."""

from __future__ import annotations

import pytest

from conformance.stateful.model import ANY_4XX, Model, md5_etag


def _model_with(*links: tuple[str, str], objects: tuple[str, ...] = ()) -> Model:
    model = Model()
    for key in objects:
        model.put_object(key, b"data-" + key.encode(), "text/plain", {"colour": "red"})
    for key, target in links:
        model.put_symlink(key, target, "image/png", {"shape": "round"}, None, False)
    return model


@pytest.mark.parametrize(
    ("links", "objects", "key", "status", "code"),
    [
        ((), (), "missing", 404, "NoSuchKey"),
        ((("l", "t"),), (), "l", 404, "SymlinkTargetNotExist"),
        ((("l", "l"),), (), "l", 400, "InvalidTargetType"),
        ((("l", "m"), ("m", "t")), ("t",), "l", 400, "InvalidTargetType"),
    ],
)
def test_link_resolution_errors(links, objects, key, status, code):
    prediction = _model_with(*links, objects=objects).read(key, "GET")
    assert (prediction.status, prediction.code) == ((status,), code)


def test_read_through_link_takes_bytes_and_etag_from_target_and_the_rest_from_the_link():
    model = _model_with(("l", "t"), objects=("t",))
    p = model.read("l", "GET")
    assert p.body == b"data-t" and p.meta == {"shape": "round"}
    assert p.headers == {"x-oss-object-type": "Symlink", "content-type": "image/png", "content-length": "6"}
    assert model.pinned[("t", "etag")] == md5_etag(b"data-t")
    assert [pin.subject for pin in p.pins if pin.name == "etag"] == ["t"]
    assert p.newest_of == ("l", "t")


def test_get_symlink_and_object_meta_report_the_link_itself():
    model = _model_with(("l", "t"), objects=("t",))
    assert model.get_symlink("l").headers["x-oss-symlink-target"] == "t"
    assert {pin.subject for pin in model.get_object_meta("l").pins} == {"l"}
    assert model.get_symlink("t").status == ANY_4XX and model.get_symlink("t").code == "NotSymlink"


def test_forbid_overwrite_refuses_existing_keys_and_changes_nothing():
    model = _model_with(objects=("k",))
    refused = model.put_symlink("k", "t", "text/plain", {}, None, True)
    assert (refused.status, refused.code) == ((409,), "FileAlreadyExists")
    assert model.objects["k"].kind == "Normal"
    assert model.put_symlink("new", "t", "text/plain", {}, None, True).status == (200,)


def test_copy_of_a_link_copies_the_link_even_when_its_target_is_missing():
    model = _model_with(("l", "absent"))
    assert model.copy_object("c", "l").status == (200,)
    assert (model.objects["c"].kind, model.objects["c"].target) == ("Symlink", "absent")
    assert model.copy_object("c", "nothing").code == "NoSuchKey"


def test_append_only_to_appendable_or_missing_keys():
    model = _model_with(("l", "t"), objects=("n",))
    assert model.append_object("l", b"x", "text/plain").code == "ObjectNotAppendable"
    assert model.append_object("n", b"x", "text/plain").code == "ObjectNotAppendable"
    model.append_object("a", b"ab", "text/plain")
    model.append_object("a", b"c", "text/plain")
    assert model.objects["a"].data == b"abc" and model.append_position("a") == 3


def test_delete_of_a_link_leaves_the_target_and_a_missing_key_is_204_too():
    model = _model_with(("l", "t"), objects=("t",))
    assert model.delete_object("l").status == (204,)
    assert "t" in model.objects
    again = model.delete_object("l")
    assert (again.check, again.status) == ("delete.missing", (204,))


def test_a_read_that_misses_an_encoded_target_is_the_decoding_rules_failure():
    """Only whether the read reaches the target depends on decoding; the read's other facts keep their rules."""
    from conformance.stateful.attribution import rule_for

    model = _model_with(("l", "t"), ("m", "t 1+"), ("self 1", "self 1"), objects=("t", "t 1+"))
    assert [model.read(k, "GET").decodes_target for k in ("t", "l", "m", "self 1")] == [False, False, True, True]
    assert rule_for("read.through-link", "status", decodes_target=True).id == "symlink.put.target-encoded"
    assert rule_for("read.target-is-link", "status", decodes_target=True).id == "symlink.put.target-encoded"
    assert rule_for("read.through-link", "body", decodes_target=True).id == "symlink.read.target-bytes"
    assert rule_for("read.through-link", "etag", decodes_target=True).id == "symlink.read.target-headers"
    assert rule_for("read.through-link", "status").id == "symlink.read.target-bytes"


def test_pins_hold_until_the_object_is_written_again():
    model = _model_with(("l", "t"))
    p = model.get_symlink("l")
    first = {
        "etag": '"A"',
        "last-modified": "Wed, 25 Nov 2026 09:00:00 GMT",
        "content-type": "image/png",
        "x-oss-symlink-target": "t",
        "x-oss-meta-shape": "round",
    }
    assert model.verify(p, 200, None, first, b"") == []  # pins the link's ETag and Last-Modified
    without = {k: v for k, v in first.items() if k != "etag"}
    assert model.verify(p, 200, None, without, b"") == [("etag", "header etag is missing")]
    changed = {**first, "etag": '"B"'}
    assert [aspect for aspect, _ in model.verify(p, 200, None, changed, b"")] == ["etag"]
    model.put_symlink("l", "t", "image/png", {"shape": "round"}, None, False)
    assert ("l", "etag") not in model.pinned


def test_last_modified_through_a_link_is_the_later_of_link_and_target():
    model = _model_with(("l", "t"), objects=("t",))
    model.pinned[("t", "last-modified")] = "Wed, 25 Nov 2026 09:00:00 GMT"
    model.pinned[("l", "last-modified")] = "Wed, 25 Nov 2026 09:00:05 GMT"
    p = model.read("l", "HEAD")
    headers = {
        "x-oss-object-type": "Symlink",
        "content-type": "image/png",
        "content-length": "6",
        "etag": md5_etag(b"data-t"),
        "x-oss-meta-shape": "round",
        "x-oss-storage-class": "Standard",
    }
    assert model.verify(p, 200, None, {**headers, "last-modified": "Wed, 25 Nov 2026 09:00:05 GMT"}, b"") == []
    problems = model.verify(p, 200, None, {**headers, "last-modified": "Wed, 25 Nov 2026 09:00:00 GMT"}, b"")
    assert [aspect for aspect, _ in problems] == ["last-modified"]


def test_a_wrong_status_and_a_missing_code_are_told_apart():
    model = Model()
    p = model.read("missing", "HEAD")
    assert [a for a, _ in model.verify(p, 404, None, {}, b"")] == ["error-code"]
    assert [a for a, _ in model.verify(p, 200, None, {}, b"")] == ["status"]


def test_check_rules_name_real_checks_and_registered_rules():
    """A typo on either side of attribution.CHECK_RULES would silently fall back to stateful.model-agreement; the
    module refuses to import then, and here is the check it runs, with one typo of each kind."""
    from conformance.stateful import attribution

    assert attribution.unknown_names() == set()
    attribution.CHECK_RULES[("read.objekt", "*")] = "object.get.bodee"
    try:
        assert attribution.unknown_names() == {"read.objekt", "object.get.bodee"}
    finally:
        del attribution.CHECK_RULES[("read.objekt", "*")]


def test_a_header_wrong_on_head_alone_is_head_objects_rule():
    from conformance.stateful.attribution import rule_for

    assert rule_for("read.object", "content-length", "HEAD").id == "object.head.matches-get"
    assert rule_for("read.object", "content-length", "GET").id == "object.get.body"
    assert rule_for("read.object", "etag", "HEAD").id == "etag.quoted-upper-hex"  # the aspect's own rule first
    assert rule_for("read.object", "meta", "HEAD").id == "object.put.meta-roundtrip"


def test_multipart_joins_parts_by_number_and_its_etag_is_not_predicted():
    from conformance.stateful.model import PART_MINIMUM

    model = Model()
    model.initiate_multipart("k", "image/png")
    model.upload_part("k", 2, b"tail")
    model.upload_part("k", 1, b"x" * PART_MINIMUM)
    assert model.complete_parts("k") == [1, 2]
    done = model.complete_multipart("k")
    assert done.check == "mpu.complete" and done.texts["Key"] == ("k",)
    assert (model.objects["k"].kind, model.objects["k"].data) == ("Multipart", b"x" * PART_MINIMUM + b"tail")
    assert ("k", "etag") not in model.pinned  # opaque (docs/oss-facts.md §9.13): pinned by the first read
    p = model.read("k", "GET")
    assert p.headers["x-oss-object-type"] == "Multipart" and p.made_by == "mpu.assembled"
    assert model.upload_part("k", 1, b"late").status == (404,)  # the id is gone after Complete
    assert (model.abort_multipart("k").status, model.abort_multipart("k").code) == ((404,), "NoSuchUpload")


def test_multipart_small_part_before_the_last_is_refused_and_the_upload_stays_open():
    model = Model()
    model.initiate_multipart("k", "text/plain")
    model.upload_part("k", 1, b"small")
    model.upload_part("k", 2, b"last")
    assert model.complete_multipart("k").status == (400,) and "k" not in model.objects
    assert model.abort_multipart("k").status == (204,)
    assert model.upload_part("k", 1, b"x").check == "mpu.part.after-abort"


def test_reads_through_a_link_to_a_multipart_object_blame_the_upload_for_its_bytes():
    from conformance.stateful.attribution import rule_for

    model = Model()
    model.initiate_multipart("t", "text/plain")
    model.upload_part("t", 1, b"a")
    model.upload_part("t", 1, b"b")  # replaced: the later bytes count
    model.complete_multipart("t")
    model.put_symlink("l", "t", "text/plain", {}, None, False)
    p = model.read("l", "GET")
    assert p.body == b"b" and p.made_by == "mpu.replaced-part.via-link"
    assert rule_for(p.check, "body", made_by=p.made_by).id == "mpu.part.overwrite"
    assert rule_for(p.check, "x-oss-object-type", made_by=p.made_by).id == "symlink.read.object-type"


def test_delete_multiple_reports_every_key_in_request_order_and_deletes_a_link_only():
    model = _model_with(("l", "t"), objects=("t",))
    p = model.delete_multiple(["missing", "l"], quiet=False)
    assert (p.check, p.texts) == ("batch.missing", {"Key": ("missing", "l")})
    assert "t" in model.objects and "l" not in model.objects
    assert model.delete_multiple(["t"], quiet=True).texts == {"Key": ()}
    body = b"<DeleteResult><Deleted><Key>l</Key></Deleted><Deleted><Key>missing</Key></Deleted></DeleteResult>"
    assert [a for a, _ in model.verify(p, 200, None, {}, body)] == ["xml-order"]  # sorted, not request order


def test_tags_and_acl_of_a_link_are_its_own():
    model = _model_with(("l", "t"), objects=("t",))
    assert model.put_tagging("l", (("b", ""), ("a", "1"))).check == "tagging.put.link"
    assert model.get_tagging("l").tags == (("a", "1"), ("b", ""))
    assert model.get_tagging("t").tags == () and model.get_tagging("t").check == "tagging.get-empty"
    assert model.put_acl("l", "public-read").check == "acl.put.link"
    assert (model.get_acl("l").grant, model.get_acl("t").grant) == ("public-read", "default")
    assert model.get_acl("t").check == "acl.get.default"
    assert (model.put_acl("missing", "private").status, model.get_tagging("missing").code) == ((404,), "NoSuchKey")


def test_tags_are_replaced_not_merged_and_acl_replies_are_read_from_the_policy():
    model = _model_with(objects=("k",))
    model.put_tagging("k", (("a", "1"),))
    model.put_tagging("k", (("b", "2"),))
    p = model.get_tagging("k")
    tags = b"<Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag>"
    merged = b"<Tagging><TagSet>" + tags + b"</TagSet></Tagging>"
    assert p.check == "tagging.get.replaced" and [a for a, _ in model.verify(p, 200, None, {}, merged)] == ["tags"]
    assert model.read("k", "HEAD").headers["x-oss-tagging-count"] == "1"
    flat = b"<AccessControlPolicy><Owner><ID>1</ID></Owner><Grant>default</Grant></AccessControlPolicy>"
    good = flat.replace(b"<Grant>default</Grant>", b"<AccessControlList><Grant>default</Grant></AccessControlList>")
    acl = model.get_acl("k")
    assert [a for a, _ in model.verify(acl, 200, None, {}, flat)] == ["acl-body"]
    assert model.verify(acl, 200, None, {}, good) == []
