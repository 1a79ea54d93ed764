"""Policy packs: the YAML files that say what a draft may say at each stage, and what it must say.

A pack is loaded into `Policy` (unknown keys are errors that name the file, line and valid choices).
`extends: <pack>` starts from another pack and overrides pieces of it: mappings merge key by key,
lists and scalars replace.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import PolicyError
from .load import field_path, read_text, yaml_loader
from .models import CATEGORY_IDS, Account
from .money import parse_amount
from .resources import data_dir

__all__ = ["CONDITIONS", "ELEMENTS", "Policy", "Stage", "load_policy", "pack_names", "pack_path"]

# When a permitted category is really permitted for a given account.
CONDITIONS = ("always", "late_fee_in_terms", "guarantee_on_file", "rents_equipment", "lien_rights",
              "service_suspension")
# Elements a draft must contain at a stage (checked by the guard's required-elements rule).
ELEMENTS = ("invoice_number", "amount", "due_date", "payment_method", "deadline_date",
            "consequence_date", "way_back", "days_overdue", "debt_collector_disclosure", "opt_out",
            "dispute_reference", "plan_terms")
STAGE_KEYS = ("0", "1", "2", "3", "4", "dispute")


class _Pack(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    allow: dict[str, Literal[CONDITIONS]] = Field(default_factory=dict)  # type: ignore[valid-type]
    require: list[Literal[ELEMENTS]] = Field(default_factory=list)  # type: ignore[valid-type]
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


class Policy(_Pack):
    name: str
    description: str = ""
    extends: str | None = None
    tiers: Tiers = Field(default_factory=Tiers)
    value_bands: ValueBands = Field(default_factory=ValueBands)
    stages: dict[str, Stage] = Field(default_factory=dict)
    always_forbidden: list[str] = Field(default_factory=lambda: ["abusive", "criminal_threat",
                                                                 "violence", "public_shaming"])
    remedies: list[str] = Field(default_factory=list)
    offers: Offers = Field(default_factory=Offers)
    tone: Tone = Field(default_factory=Tone)
    message: Message = Field(default_factory=Message)
    rules: dict[str, Any] = Field(default_factory=dict)  # rule id -> settings; grown by the guard
    extra: dict[str, Any] = Field(default_factory=dict)  # jurisdiction figures etc., read by rules
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
    def _every_stage(self) -> Policy:
        missing = [key for key in STAGE_KEYS if key not in self.stages]
        if missing:
            raise ValueError(f"stages must define {', '.join(missing)}")
        return self

    def tier_for(self, days_past_due: int) -> int:
        """The aging tier (0-4) for an invoice `days_past_due` days late (0 or less: not yet due)."""
        return sum(1 for start in self.tiers.starts if days_past_due >= start)

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
    """The policy pack named (or at the path) given; the `default` pack when None."""
    return _load_cached(str(pack_path(name_or_path or "default")))


@functools.lru_cache(maxsize=32)
def _load_cached(path: str) -> Policy:
    data, nodes = _merged(Path(path), seen=())
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = field_path(first["loc"])
        file, line = _locate(nodes, first["loc"], path)
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown key; valid keys here: {_valid_keys(first['loc'])}"
        elif first["type"] == "literal_error":
            message = message.replace("Input should be", "must be one of:")
        raise PolicyError(message, file=file, field=field, line=line) from None
    policy.source = path
    return policy


def _read_yaml(path: Path) -> tuple[dict[str, Any], Any]:
    import yaml

    text = read_text(path)
    try:
        node = yaml.compose(text, Loader=yaml_loader())
        data = yaml.load(text, Loader=yaml_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PolicyError(f"invalid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                          line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise PolicyError("a policy pack must be a mapping at the top level", file=str(path))
    return data, node


def _merged(path: Path, seen: tuple[str, ...]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The pack at `path` merged over what it extends, and the YAML nodes of each file (own first)."""
    data, node = _read_yaml(path)
    parent_name = data.get("extends")
    nodes = [(str(path), node)]
    if not parent_name:
        return data, nodes
    if parent_name in seen:
        raise PolicyError(f"packs extend each other in a loop: {' -> '.join(seen + (parent_name,))}",
                          file=str(path), field="extends")
    parent_path = _parent_path(str(parent_name), path)
    parent, parent_nodes = _merged(parent_path, seen + (data.get("name", path.stem),))
    return _deep_merge(parent, data), nodes + parent_nodes


def _parent_path(parent: str, child: Path) -> Path:
    """A pack named in `extends`: a file beside the child when written as a path, else a shipped pack."""
    if parent.endswith((".yaml", ".yml")) or "/" in parent:
        return child.parent / parent
    return pack_path(parent)


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _locate(nodes: list[tuple[str, Any]], loc: tuple[Any, ...], fallback: str) -> tuple[str, int | None]:
    """The file and 1-based line where the value at `loc` was written (the overriding file first)."""
    for file, node in nodes:
        line = _line_in(node, loc)
        if line is not None:
            return file, line
    return fallback, None


def _line_in(node: Any, loc: tuple[Any, ...]) -> int | None:
    import yaml

    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if str(key.value) == str(part)), None)
            if node is None:
                return None
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
