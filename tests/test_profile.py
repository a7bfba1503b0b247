"""Profiles: the shipped ones load; a bad one gives one line naming file, field and fix."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from conformance import profile as prof

PROFILES = sorted((Path(__file__).parent.parent / "profiles").glob("*.toml"))


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.name)
def test_shipped_profiles_load(path):
    loaded = prof.load(path)
    assert loaded.name == path.stem


@pytest.mark.parametrize(
    ("toml", "field", "fix"),
    [
        ('addresing = "path"', "addresing", "did you mean 'addressing'"),
        ('addressing = "vhost"', "addressing", "path, virtual-host"),
        ('signature_version = "v2"', "signature_version", "v1, v4"),
        ('endpoint = "not a url"', "endpoint", "https://HOST[:PORT]"),
        ('endpoint = "https://10.1.2.3"\naddressing = "virtual-host"', "addressing", "DNS name"),
        ('ca_bundle = "/no/such/ca.pem"', "ca_bundle", "PEM file"),
        ("resolve = 3", "resolve", "must be a table"),
        ("bucket = 3", "bucket", "give a str"),
        ('bucket = ""', "bucket", "name the bucket"),
        ("[timeouts]\nconnect = -1", "timeouts.connect", "seconds"),
        ("[timeouts]\nconect = 1", "timeouts.conect", "did you mean 'connect'"),
        ("[capabilities]\nversioning = 1", "capabilities", "true/false"),
        ("[capabilities]\nsymlinks = true", "capabilities", "use one of"),
        ('quirks = "x"', "quirks", "list of names"),
        ('endpoint = "http://127.0.0.1:1"\nquirks = ["a"]', "quirks", "embedded server only"),
        ('hypothesis_profile = "huge"', "hypothesis_profile", "ci, default, thorough"),
    ],
)
def test_bad_profile_names_field_and_fix(toml, field, fix):
    with pytest.raises(prof.ProfileError) as info:
        prof.from_mapping(tomllib.loads(toml), "vendor.toml")
    message = str(info.value)
    assert message.startswith(f"vendor.toml: field '{field}'")
    assert fix in message
    assert "\n" not in message


def test_unreadable_and_invalid_toml(tmp_path):
    with pytest.raises(prof.ProfileError, match="cannot read"):
        prof.load(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("name = ")
    with pytest.raises(prof.ProfileError, match="not valid TOML"):
        prof.load(broken)


def test_overrides_win_and_are_validated():
    base = prof.load(PROFILES[0])
    changed = base.with_overrides(endpoint="https://oss.example:9", bucket="b", signature_version="v1", region=None)
    assert (changed.endpoint, changed.bucket, changed.signature_version) == ("https://oss.example:9", "b", "v1")
    assert changed.region == base.region
    with pytest.raises(prof.ProfileError, match="addressing"):
        base.with_overrides(addressing="sideways")


def test_restore_wait_is_the_embedded_servers_own_unless_set():
    remote = prof.from_mapping({"endpoint": "https://oss.example"}, "p")
    assert (prof.Profile().restore_wait, remote.restore_wait) == (prof.EMBEDDED_RESTORE_WAIT, prof.REMOTE_RESTORE_WAIT)
    for endpoint in ("", "https://oss.example"):
        set_wait = prof.from_mapping({"endpoint": endpoint, "limits": {"restore_wait": 300}}, "p")
        assert set_wait.restore_wait == 300


def test_profile_is_immutable():
    with pytest.raises(AttributeError):
        prof.Profile().bucket = "x"  # type: ignore[misc]


def test_credentials_come_from_named_environment_variables():
    profile = prof.from_mapping({"credentials": {"access_key_id": "MY_ID", "access_key_secret": "MY_SECRET"}}, "p")
    creds = profile.read_credentials({"MY_ID": "id", "MY_SECRET": "s3cr3t-value"})
    assert (creds.access_key_id, creds.access_key_secret) == ("id", "s3cr3t-value")
    assert "s3cr3t-value" not in repr(creds)
    with pytest.raises(prof.ProfileError, match="MY_SECRET"):
        profile.read_credentials({"MY_ID": "id"})


def test_capabilities_and_buckets():
    profile = prof.from_mapping({"bucket": "b", "capabilities": {"versioning": False}}, "p")
    assert not profile.supports("versioning") and profile.supports("worm")
    assert profile.bucket_for("versioned") == "b-versioned"
    assert profile.bucket_for("plain") == "b"
