"""The cache of parsed policy packs and compiled offline templates: never stale, never required."""

from __future__ import annotations

import pytest

from drafter import cache, offline, policy
from drafter.analysis import analyze
from drafter.errors import PolicyError
from drafter.offline import compose_offline
from drafter.policy import load_policy

PACK = "name: house\nextends: default\noffers:\n  max_plan_months: 4\n"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(folder))
    policy._load_cached.cache_clear()
    offline.template_environment.cache_clear()
    yield folder
    policy._load_cached.cache_clear()
    offline.template_environment.cache_clear()


@pytest.fixture
def house_pack(tmp_path):
    """A pack that extends default (so it is two files to read) and changes one offer."""
    path = tmp_path / "house.yaml"
    path.write_text(PACK)
    return path


def load_fresh(path):
    policy._load_cached.cache_clear()
    return load_policy(path)


def forbid(monkeypatch, function: str, what: str) -> None:
    def fail(*args, **kwargs):
        raise AssertionError(f"{what} although the cache holds the pack")

    monkeypatch.setattr(policy, function, fail)


def no_yaml(monkeypatch):
    forbid(monkeypatch, "_parse_yaml", "YAML was parsed")


def test_a_cached_pack_loads_without_parsing_yaml_and_equals_the_parsed_one(cache_dir, monkeypatch, house_pack):
    path = house_pack
    parsed = load_fresh(path)
    assert len(list((cache_dir / "packs").glob("*.json"))) == 2  # the pack and the default it extends
    no_yaml(monkeypatch)
    assert load_fresh(path) == parsed and parsed.offers.max_plan_months == 4


def test_an_edited_pack_is_read_afresh(cache_dir, house_pack):
    path = house_pack
    assert load_fresh(path).offers.max_plan_months == 4
    path.write_text(PACK.replace("4", "5"))
    assert load_fresh(path).offers.max_plan_months == 5


def test_a_bad_pack_still_names_its_line_when_its_data_comes_from_the_cache(cache_dir, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nextends: default\noffers:\n  max_months: 3\n")
    for _ in range(2):
        with pytest.raises(PolicyError) as error:
            load_fresh(path)
        assert (error.value.field, error.value.line) == ("offers.max_months", 4)


def test_integer_and_string_stage_keys_merge(cache_dir, tmp_path):
    path = tmp_path / "house.yaml"
    path.write_text('name: house\nextends: default\nstages:\n  "2":\n    allow:\n      deadline: always\n')
    stage = load_fresh(path).stages["2"]
    assert stage.allow == {"deadline": "always"}
    assert stage.require == load_policy("default").stages["2"].require  # merged with default's `2:`


def test_data_json_cannot_hold_is_not_cached(cache_dir, tmp_path):
    cache.store_data("packs", "when: 2026-11-23", {"when": __import__("datetime").date(2026, 11, 23)})
    assert cache.cached_data("packs", "when: 2026-11-23") is None
    assert not (cache_dir / "packs").exists()


def test_off_writes_nothing(monkeypatch, house_pack):
    monkeypatch.setenv("DRAFTER_CACHE_DIR", "off")
    path = house_pack
    assert cache.cache_dir("packs") is None
    assert load_fresh(path).offers.max_plan_months == 4
    assert cache.template_bytecode_cache("x") is None


def test_an_unwritable_cache_only_costs_time(tmp_path, monkeypatch, account_factory, house_pack):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(blocker))
    path = house_pack
    assert load_fresh(path).offers.max_plan_months == 4
    offline.template_environment.cache_clear()
    account = account_factory(days_past_due=40)
    default = load_policy()
    assert "INV-1" in compose_offline(account, analyze(account, default), "reminder", "email", default).body


def test_compiled_templates_are_reused_and_give_the_same_draft(cache_dir, account_factory):
    account = account_factory(days_past_due=40)
    default = load_policy()
    first = compose_offline(account, analyze(account, default), "reminder", "email", default)
    entries = list((cache_dir / "templates").rglob("*.cache"))
    assert entries
    offline.template_environment.cache_clear()
    stamps = {entry: entry.stat().st_mtime_ns for entry in entries}
    again = compose_offline(account, analyze(account, default), "reminder", "email", default)
    assert again == first
    assert {entry: entry.stat().st_mtime_ns for entry in entries} == stamps  # read, not written again


def test_a_corrupt_template_entry_is_compiled_afresh(cache_dir, account_factory):
    account = account_factory(days_past_due=40)
    default = load_policy()
    first = compose_offline(account, analyze(account, default), "reminder", "email", default)
    for entry in (cache_dir / "templates").rglob("*.cache"):
        entry.write_bytes(entry.read_bytes()[:40])
    offline.template_environment.cache_clear()
    assert compose_offline(account, analyze(account, default), "reminder", "email", default) == first


def test_a_pack_read_from_the_cache_keeps_its_order(cache_dir):
    """Order is meaning in a pack (the stage table lists categories in the order drafts use them)."""
    import yaml

    from drafter.policy import pack_path

    written = list(yaml.safe_load(pack_path("default").read_text())["stages"][4]["allow"])
    assert written != sorted(written)  # otherwise this test could not tell
    for _ in range(2):  # parsed, then read from the cache
        assert list(load_fresh("default").stages["4"].allow) == written
    cache.store_data("packs", "b then a", {"b": 1, "a": 2})
    assert list(cache.cached_data("packs", "b then a")) == ["b", "a"]


def no_validation(monkeypatch):
    forbid(monkeypatch, "_validate", "the pack was validated")


def test_a_validated_pack_is_read_back_without_validating_it_again(cache_dir, tmp_path, monkeypatch, house_pack):
    path = house_pack
    first = load_fresh(path)
    assert len(list((cache_dir / "policies").glob("*.pickle"))) == 1
    copy = tmp_path / "copy.yaml"
    copy.write_text(PACK)
    no_validation(monkeypatch)
    again = load_fresh(copy)
    assert again.model_dump(exclude={"source"}) == first.model_dump(exclude={"source"})
    assert (first.source, again.source) == (str(path), str(copy))  # where this load found it


def test_a_pack_validated_by_other_code_is_validated_again(cache_dir, monkeypatch, house_pack):
    import pydantic

    path = house_pack
    load_fresh(path)
    monkeypatch.setattr(pydantic, "VERSION", "0.0.1")
    calls = []
    validate = policy._validate
    monkeypatch.setattr(policy, "_validate", lambda *args: calls.append(1) or validate(*args))
    assert load_fresh(path).offers.max_plan_months == 4 and calls == [1]


@pytest.mark.parametrize("damage", [lambda blob: blob[:30], lambda blob: b"not a pickle",
                                    lambda blob: __import__("pickle").dumps({"name": "not a Policy"})])
def test_a_damaged_policy_entry_is_validated_afresh(cache_dir, damage, house_pack):
    path = house_pack
    first = load_fresh(path)
    for entry in (cache_dir / "policies").glob("*.pickle"):
        entry.write_bytes(damage(entry.read_bytes()))
    assert load_fresh(path) == first


def test_an_edited_pack_is_validated_afresh(cache_dir, house_pack):
    path = house_pack
    load_fresh(path)
    path.write_text(PACK.replace("4", "40"))
    assert load_fresh(path).offers.max_plan_months == 40
    path.write_text(PACK.replace("4", "0"))
    with pytest.raises(PolicyError) as error:
        load_fresh(path)
    assert (error.value.field, error.value.line) == ("offers.max_plan_months", 4)


def test_a_loaded_packs_json_data_is_its_dump_whether_validated_or_read_back(cache_dir, house_pack):
    path = house_pack
    for _ in range(2):  # validated, then read back from the cache
        pack = load_fresh(path)
        assert policy.policy_json(pack) == pack.model_dump(mode="json", exclude={"source"})
    changed = pack.model_copy(update={"name": "other"})
    assert policy.policy_json(changed)["name"] == "other"


def test_an_entry_is_used_only_for_its_own_key_even_when_names_collide(cache_dir, monkeypatch):
    monkeypatch.setattr(cache.zlib, "crc32", lambda data: 7)
    monkeypatch.setattr(cache.zlib, "adler32", lambda data: 7)
    cache.store_data("packs", "abc", {"pack": "abc"})
    cache.store_object("policies", "abc", ["abc"])
    assert cache.cached_data("packs", "abc") == {"pack": "abc"}
    assert cache.cached_object("policies", "abc") == ["abc"]
    assert cache.cached_data("packs", "xyz") is None  # same file name (same length too), other key
    assert cache.cached_object("policies", "xyz") is None
