"""Policy packs: the YAML files that say what a draft may say at each stage, and what it must say.

A pack is loaded into `Policy` (unknown keys are errors that name the file, line and valid choices).
`extends: <pack>` starts from another pack and overrides pieces of it: mappings merge key by key,
lists and scalars replace, and a key set to null removes what the parent set.
"""

import bisect
import functools
import json
from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .cache import cached_data, cached_object, store_data, store_object
from .errors import PolicyError
from .load import field_path, read_text, yaml_loader
from .models import CATEGORY_IDS, Account, empty_dict, empty_list
from .money import parse_amount
from .resources import data_dir

__all__ = ["CONDITIONS", "ELEMENTS", "REMEDY_CATEGORIES", "Policy", "RuleSettings", "Stage",
           "lint_policy", "load_policy", "pack_names", "pack_path", "policy_json"]

# When a permitted category is really permitted for a given account.
# `statutory`: a right the law gives every creditor (the pack's `jurisdiction.statutory`), whatever
# the contract says; it holds only in packs that define one.
CONDITIONS = ("always", "late_fee_in_terms", "guarantee_on_file", "rents_equipment", "lien_rights",
              "service_suspension", "statutory")
# Categories that name a consequence: a pack lists in `remedies` the ones the company really uses.
REMEDY_CATEGORIES = ("late_fees", "suspension", "collections_agency", "legal_action",
                     "credit_reporting", "personal_guarantee", "repossession")
# Elements a draft must contain at a stage (checked by the guard's required-elements rule).
ELEMENTS = ("invoice_number", "amount", "due_date", "payment_method", "deadline_date",
            "consequence_date", "way_back", "days_overdue", "debt_collector_disclosure", "opt_out",
            "dispute_reference", "plan_terms")
STAGE_KEYS = ("0", "1", "2", "3", "4", "dispute")


class _Pack(BaseModel):
    # validators are built on first use: a pack read from the cache is never validated again
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Tiers(_Pack):
    starts: list[int] = Field(default=[1, 31, 61, 91], min_length=4, max_length=4)
    write_off_days: int = 180

    @field_validator("starts")
    @classmethod
    def _increasing(cls, starts: list[int]) -> list[int]:
        if starts[0] < 1 or any(b <= a for a, b in zip(starts, starts[1:])):
            raise ValueError("must be 4 increasing day counts, the first at least 1, e.g. [1, 31, 61, 91]")
        return starts


class ValueBands(_Pack):
    high_revenue: Decimal = Decimal("250000")
    low_revenue: Decimal = Decimal("25000")
    strategic_is_high: bool = True

    @field_validator("high_revenue", "low_revenue", mode="before")
    @classmethod
    def _money(cls, value: Any) -> Decimal:
        return parse_amount(value)


class Stage(_Pack):
    allow: dict[str, Literal[CONDITIONS]] = Field(default_factory=empty_dict)  # type: ignore[valid-type]
    require: list[Literal[ELEMENTS]] = Field(default_factory=empty_list)  # type: ignore[valid-type]
    max_exclamations: int | None = None

    @field_validator("allow")
    @classmethod
    def _known_categories(cls, allow: dict[str, str]) -> dict[str, str]:
        for category in allow:
            if category not in CATEGORY_IDS:
                raise ValueError(f"unknown category {category!r}; valid: {', '.join(CATEGORY_IDS)}")
        return allow


class Offers(_Pack):
    max_plan_months: int = Field(default=6, ge=1)
    min_first_payment_pct: Decimal = Decimal("25")
    max_discount_pct: Decimal = Decimal("2")
    plan_from_tier: int = 2


class Tone(_Pack):
    no_shouting: bool = True
    max_capitals_run: int = 3  # words in a row in capitals
    max_exclamations: int = 1


class Message(_Pack):
    company_name: str = "Northwind Supply Co."
    billing_team: str = "Accounts Receivable Team"
    billing_email: str = "ar@northwind.example"
    finance_leader: str = "Morgan Blake"
    finance_leader_title: str = "Director of Finance"
    executive: str = "Avery Chen"
    executive_title: str = "Chief Financial Officer"
    phone: str = "+1 555 0100"
    signature: str | None = None


class RuleSettings(BaseModel):
    """How a pack sets one rule: `enabled`, `severity`, and options the rule itself defines.

    Shorthands: `rule-id: false` disables a rule, `rule-id: warn` (or `block`) sets its severity.
    """

    model_config = ConfigDict(extra="allow", defer_build=True)

    enabled: bool = True
    severity: Literal["block", "warn"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, bool):
            return {"enabled": value}
        if value in ("block", "warn"):
            return {"severity": value}
        return value

    @property
    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class CallLimits(_Pack):
    """When and how often a collector may call (e.g. Regulation F: 8am-9pm, 7 calls in 7 days)."""

    window_start: time = time(8, 0)
    window_end: time = time(21, 0)
    max_attempts: int | None = Field(default=None, ge=1)
    per_days: int = Field(default=7, ge=1)


class CompensationBand(_Pack):
    """A fixed sum owed per late invoice whose amount is at least `min_debt`."""

    min_debt: Decimal
    amount: Decimal

    @field_validator("min_debt", "amount", mode="before")
    @classmethod
    def _money(cls, value: Any) -> Decimal:
        return parse_amount(value)


class Statutory(_Pack):
    """Interest and compensation the law gives a creditor on late commercial payments."""

    law: str
    currency: str
    reference_rate: str  # what the margin is added to, in words
    margin_pct: Decimal
    compensation: list[CompensationBand] = Field(default_factory=empty_list)
    compensation_is_minimum: bool = False  # EU: at least this much; UK: exactly the band

    @field_validator("compensation")
    @classmethod
    def _ascending(cls, bands: list[CompensationBand]) -> list[CompensationBand]:
        if any(b.min_debt <= a.min_debt for a, b in zip(bands, bands[1:])):
            raise ValueError("bands must be listed by increasing min_debt")
        return bands

    def compensation_for(self, debt: Decimal) -> Decimal | None:
        """The fixed compensation for one late invoice of `debt`, or None if no band applies."""
        owed = None
        for band in self.compensation:
            if debt >= band.min_debt:
                owed = band.amount
        return owed


class Jurisdiction(_Pack):
    name: str
    calls: CallLimits | None = None
    disclosure: str | None = None  # must appear in every message where the stage requires it
    opt_out: str | None = None  # an email's line telling the reader how to stop emails
    statutory: Statutory | None = None


class Policy(_Pack):
    name: str
    description: str = ""
    extends: str | None = None
    tiers: Tiers = Field(default_factory=Tiers)
    value_bands: ValueBands = Field(default_factory=ValueBands)
    stages: dict[str, Stage] = Field(default_factory=empty_dict)
    always_forbidden: list[str] = Field(default_factory=lambda: ["abusive", "criminal_threat",
                                                                 "violence", "public_shaming"])
    remedies: list[str] = Field(default_factory=empty_list)
    offers: Offers = Field(default_factory=Offers)
    tone: Tone = Field(default_factory=Tone)
    message: Message = Field(default_factory=Message)
    jurisdiction: Jurisdiction | None = None
    rules: dict[str, RuleSettings] = Field(default_factory=empty_dict)  # rule id -> settings (see rules.py)
    extra: dict[str, Any] = Field(default_factory=empty_dict)  # free-form data for an organisation's own rules
    source: str | None = None  # the file it came from

    @field_validator("stages", mode="before")
    @classmethod
    def _stage_keys(cls, stages: Any) -> Any:
        if isinstance(stages, dict):
            stages = {str(k): v for k, v in stages.items()}
            for key in stages:
                if key not in STAGE_KEYS:
                    raise ValueError(f"unknown stage {key!r}; valid: {', '.join(STAGE_KEYS)}")
        return stages

    @field_validator("always_forbidden", "remedies")
    @classmethod
    def _categories(cls, ids: list[str]) -> list[str]:
        for category in ids:
            if category not in CATEGORY_IDS:
                raise ValueError(f"unknown category {category!r}; valid: {', '.join(CATEGORY_IDS)}")
        return ids

    @model_validator(mode="after")
    def _every_stage(self) -> "Policy":
        missing = [key for key in STAGE_KEYS if key not in self.stages]
        if missing:
            raise ValueError(f"stages must define {', '.join(missing)}")
        return self

    def tier_for(self, days_past_due: int) -> int:
        """The aging tier (0-4) for an invoice `days_past_due` days late (0 or less: not yet due)."""
        # the starts are increasing (validated), so the tier is the number of starts reached
        return bisect.bisect_right(self.tiers.starts, days_past_due)

    def tier_days(self, tier: int) -> str | None:
        """The days past due a tier covers ("31-60 days", "91+ days"); None for tier 0 (not yet due)."""
        starts = self.tiers.starts
        if tier == 0:
            return None
        if tier == len(starts):
            return f"{starts[-1]}+ days"
        return f"{starts[tier - 1]}-{starts[tier] - 1} days"

    def stage(self, tier: int, disputed: bool = False) -> Stage:
        return self.stages["dispute" if disputed else str(tier)]

    def allowed_categories(self, account: Account, tier: int, disputed: bool = False) -> list[str]:
        """The content categories a draft for `account` may assert at `tier`, conditions applied."""
        allowed = []
        for category, condition in self.stage(tier, disputed).allow.items():
            if category in self.always_forbidden:
                continue
            if _condition_holds(condition, account, self):
                allowed.append(category)
        return allowed


def _condition_holds(condition: str, account: Account, policy: Policy) -> bool:
    terms = account.terms
    if condition == "late_fee_in_terms":
        return bool(terms.late_fee)
    if condition == "guarantee_on_file":
        return terms.personal_guarantee
    if condition == "rents_equipment":
        return terms.rental_equipment
    if condition == "lien_rights":
        return terms.lien_rights
    if condition == "service_suspension":
        return terms.service_suspension is not False
    if condition == "statutory":
        return policy.jurisdiction is not None and policy.jurisdiction.statutory is not None
    return True


# ---- loading -----------------------------------------------------------------------------------

def pack_names() -> list[str]:
    """The packs that ship with drafter."""
    return sorted(p.stem for p in data_dir("policies").glob("*.yaml"))


def pack_path(name_or_path: str | Path) -> Path:
    """A shipped pack by name ("uk-b2b"), or a pack file by path."""
    text = str(name_or_path)
    if text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        return Path(text)
    path = data_dir("policies") / f"{text}.yaml"
    if not path.is_file():
        raise PolicyError(f"no policy pack named {text!r}; shipped packs: {', '.join(pack_names())}")
    return path


def load_policy(name_or_path: str | Path | None = None) -> Policy:
    """The policy pack named (or at the path) given; the `default` pack when None.

    Packs are loaded once per process and shared: treat the result as read-only (change a copy,
    `policy.model_copy(update=...)`, instead)."""
    return _load_cached(str(pack_path(name_or_path or "default")))


@functools.lru_cache(maxsize=32)
def _load_cached(path: str) -> Policy:
    data, files = _merged(Path(path), seen=())
    key = _validated_key(data)
    entry = cached_object("policies", key) if key else None
    if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], Policy):
        policy, json_data = entry
    else:
        policy = _validate(data, files, path)
        json_data = policy.model_dump(mode="json", exclude={"source"})
        if key:
            store_object("policies", key, (policy, json_data))
    policy.source = path
    _check_rule_settings(policy, files, path)
    if len(_JSON_DATA) >= 64:
        _JSON_DATA.clear()
    _JSON_DATA[id(policy)] = (policy, json_data)
    return policy


# packs loaded from files (by id; the pack itself is kept so an id is never reused) -> their JSON data
_JSON_DATA: dict[int, tuple[Policy, dict[str, Any]]] = {}


def policy_json(policy: Policy) -> dict[str, Any]:
    """`policy` as JSON data, `source` left out: what the audit log's input hash covers. For a pack
    loaded from a file this was worked out when the pack was first validated, so a command that
    reads the pack from the cache never builds its serializer."""
    known = _JSON_DATA.get(id(policy))
    if known is not None and known[0] is policy:
        return known[1]
    return policy.model_dump(mode="json", exclude={"source"})


def _validated_key(data: dict[str, Any]) -> str | None:
    """What a validated pack depends on: its merged data, and the code that validated it."""
    import pydantic

    from . import __version__

    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        return None  # e.g. a YAML date, which JSON cannot hold exactly
    code = Path(__file__).stat()
    return f"{__version__}\0{pydantic.VERSION}\0{code.st_mtime_ns}\0{code.st_size}\0{text}"


def _validate(data: dict[str, Any], files: list[str], path: str) -> Policy:
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = field_path(first["loc"])
        file, line = _locate(files, first["loc"], path)
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown key; valid keys here: {_valid_keys(first['loc'])}"
        elif first["type"] == "literal_error":
            message = message.replace("Input should be", "must be one of:")
        raise PolicyError(message, file=file, field=field, line=line) from None
    return policy


def _check_rule_settings(policy: Policy, files: list[str], path: str) -> None:
    """Every rule id a pack names exists, and its options are ones the rule understands."""
    if not policy.rules:
        return  # most packs configure no rules: no need to load the guard's rule registry
    from . import rules

    for rule_id, settings in policy.rules.items():
        loc = ("rules", rule_id)
        try:
            rule = rules.get_rule(rule_id)
        except rules.UnknownRule as exc:
            file, line = _locate(files, loc, path, key_line=True)
            raise PolicyError(str(exc), file=file, field=f"rules.{rule_id}", line=line) from None
        problem = rule.option_problem(settings.options)
        if problem:
            key, message = problem
            file, line = _locate(files, (*loc, key), path)
            raise PolicyError(message, file=file, field=f"rules.{rule_id}.{key}", line=line)


def lint_policy(name_or_path: str | Path) -> list[str]:
    """Warnings about a pack that loads but probably does not say what its author meant.

    A pack that does not load raises PolicyError (file, line, field, valid choices)."""
    policy = load_policy(name_or_path)
    warnings = []
    for key in STAGE_KEYS:
        stage = policy.stages[key]
        for category in stage.allow:
            if category in policy.always_forbidden:
                warnings.append(f"stages.{key}.allow.{category}: always forbidden, so never allowed")
            if stage.allow[category] == "statutory" and not (
                    policy.jurisdiction and policy.jurisdiction.statutory):
                warnings.append(f"stages.{key}.allow.{category}: condition 'statutory' never holds "
                                "without jurisdiction.statutory")
    for category in policy.remedies:
        if not any(category in policy.stages[str(t)].allow for t in range(5)):
            warnings.append(f"remedies.{category}: no stage allows it, so no draft can name it")
    if policy.stages["dispute"].allow:
        warnings.append("stages.dispute.allow: pressure while a dispute is open is never allowed by "
                        "the open-dispute rule")
    jurisdiction = policy.jurisdiction
    if jurisdiction:
        for key in STAGE_KEYS:
            require = policy.stages[key].require
            if "debt_collector_disclosure" in require and not jurisdiction.disclosure:
                warnings.append(f"stages.{key}.require: debt_collector_disclosure without "
                                "jurisdiction.disclosure text")
            if "opt_out" in require and not jurisdiction.opt_out:
                warnings.append(f"stages.{key}.require: opt_out without jurisdiction.opt_out text")
    return warnings


def _read_pack(path: Path) -> dict[str, Any]:
    """A pack file's data. Parsed YAML is cached by content, so most runs never import yaml."""
    text = read_text(path)
    data = cached_data("packs", text)
    if data is None:
        data = _string_keys(_parse_yaml(text, path))
        store_data("packs", text, data)
    if not isinstance(data, dict):
        raise PolicyError("a policy pack must be a mapping at the top level", file=str(path))
    return data


def _string_keys(data: Any) -> Any:
    """Mapping keys as strings: `3:` and `"3":` name the same stage, in a pack and in the one it extends."""
    if isinstance(data, dict):
        return {str(key): _string_keys(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_string_keys(item) for item in data]
    return data


def _parse_yaml(text: str, path: Path, *, nodes: bool = False) -> Any:
    """The data in `text`, or (nodes=True) its YAML node tree, which knows each value's line."""
    import yaml

    try:
        if nodes:
            return yaml.compose(text, Loader=yaml_loader())
        return yaml.load(text, Loader=yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PolicyError(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                          line=mark.line + 1 if mark else None) from None


def _merged(path: Path, seen: tuple[str, ...]) -> tuple[dict[str, Any], list[str]]:
    """The pack at `path` merged over what it extends, and the files it was read from (own first)."""
    data = _read_pack(path)
    parent_name = data.get("extends")
    files = [str(path)]
    if not parent_name:
        return data, files
    here = seen + (str(path.resolve()),)
    parent_path = _parent_path(str(parent_name), path)
    if str(parent_path.resolve()) in here:
        chain = " -> ".join(Path(p).stem for p in here + (str(parent_path.resolve()),))
        raise PolicyError(f"packs extend each other in a loop: {chain}", file=str(path), field="extends")
    parent, parent_files = _merged(parent_path, here)
    return _deep_merge(parent, data), files + parent_files


def _parent_path(parent: str, child: Path) -> Path:
    """A pack named in `extends`: a file beside the child when written as a path, else a shipped pack."""
    if parent.endswith((".yaml", ".yml")) or "/" in parent:
        return child.parent / parent
    return pack_path(parent)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if value is None and key in base:
            del merged[key]
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _locate(files: list[str], loc: tuple[Any, ...], fallback: str,
            key_line: bool = False) -> tuple[str, int | None]:
    """The file and 1-based line where the value at `loc` (or its key) was written, overriding file first."""
    for file in files:
        line = _line_in(_parse_yaml(read_text(file), Path(file), nodes=True), loc, key_line)
        if line is not None:
            return file, line
    return fallback, None


def _line_in(node: Any, loc: tuple[Any, ...], key_line: bool = False) -> int | None:
    import yaml

    for index, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            pair = next(((key, value) for key, value in node.value if str(key.value) == str(part)), None)
            if pair is None:
                return None
            node = pair[0] if key_line and index == len(loc) - 1 else pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
    return node.start_mark.line + 1 if node is not None else None


def _valid_keys(loc: tuple[Any, ...]) -> str:
    model: Any = Policy
    for part in loc[:-1]:
        field = getattr(model, "model_fields", {}).get(str(part))
        if field is None:
            break
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return ", ".join(getattr(model, "model_fields", {}))
