"""Tests for the content classifier (drafter.classify) against the labelled corpus."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from drafter.classify import ALWAYS_FORBIDDEN, CATEGORIES, Statement, _report_thresholds, classify

CORPUS_DIR = Path(__file__).parent / "corpus"
EXTERNAL_SETS = ("external-a.yaml", "external-b.yaml", "external-c.yaml", "external-d.yaml",
                 "external-e.yaml", "external-f.yaml", "external-g.yaml", "external-h.yaml",
                 "external-i.yaml", "external-j.yaml", "external-k.yaml", "external-l.yaml",
                 "external-m.yaml", "external-n.yaml", "external-o.yaml", "external-p.yaml", "external-q.yaml",
                 "external-r.yaml", "external-s.yaml", "external-t.yaml", "external-u.yaml", "external-v.yaml",
                 "external-w.yaml", "external-x.yaml", "external-y.yaml", "external-z.yaml")  # scored in aggregate only, never case by case
DEV_SETS = ("paraphrase.yaml",)  # unseen-wording development set: scored in aggregate, misses allowed
NOTES = {"negation", "quote", "reassurance", "lookalike", "veiled", "paraphrase", "plain"}


def _load_corpus() -> list[dict]:
    cases = []
    for path in sorted(CORPUS_DIR.glob("*.yaml")):
        if path.name in EXTERNAL_SETS + DEV_SETS:
            continue
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append({**case, "file": path.name})
    return cases


CORPUS = _load_corpus()
THREATS = [case for case in CORPUS if case["asserts"]]
SINGLE_SENTENCE_THREATS = [
    case for case in THREATS
    if "\n" not in case["text"] and '"' not in case["text"] and ". " not in case["text"]
    and not case["text"].lower().startswith(("subject:", "final notice"))
]


def _flat(text: str) -> str:
    """The classifier's view of text: lower case, straight quotes, dashes as commas, no markdown
    emphasis, single spaces."""
    table = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2014": ",", "\u2013": ",",
                           "*": " "})
    return " ".join(text.lower().translate(table).split())


# --------------------------------------------------------------------------- corpus

def test_corpus_is_well_formed() -> None:
    ids = [case["id"] for case in CORPUS]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len({case["text"] for case in CORPUS}) == len(CORPUS), "duplicate case texts"
    for case in CORPUS:
        assert set(case["asserts"]) <= set(CATEGORIES), case["id"]
        assert case.get("note", "plain") in NOTES, case["id"]


def test_corpus_covers_every_category_and_has_enough_traps() -> None:
    covered = {category for case in CORPUS for category in case["asserts"]}
    assert covered == set(CATEGORIES)
    traps = [case for case in CORPUS if not case["asserts"]]
    assert len(CORPUS) >= 450
    assert len(traps) >= len(THREATS)


@pytest.mark.parametrize("case", CORPUS, ids=[case["id"] for case in CORPUS])
def test_corpus_case(case: dict) -> None:
    found = {statement.category for statement in classify(case["text"])}
    assert found == set(case["asserts"]), [
        (s.category, s.excerpt, s.cue) for s in classify(case["text"])
    ]


# --------------------------------------------------------------------------- statements

@pytest.mark.parametrize("case", THREATS, ids=[case["id"] for case in THREATS])
def test_spans_excerpts_and_cues(case: dict) -> None:
    text = case["text"]
    for statement in classify(text):
        assert 0 <= statement.start < statement.end <= len(text)
        assert text[statement.start:statement.end] == statement.excerpt
        assert statement.excerpt == statement.excerpt.strip()
        excerpt = _flat(statement.excerpt)
        if statement.cue.startswith("model:"):  # the category model's own finding: its probability
            on_the_whole, _ = _report_thresholds(statement.category)
            assert on_the_whole <= float(statement.cue.removeprefix("model:")) <= 1.0
            continue
        for part in statement.cue.split("+"):
            kind, _, value = part.partition(":")
            assert kind and value
            assert _flat(value) in excerpt, (statement.cue, statement.excerpt)


def test_excerpt_is_the_clause_not_the_whole_draft() -> None:
    text = ("Hi Dana, thanks for the update on the audit. "
            "If payment is not received by December 5, we will suspend your service. "
            "Best regards, Priya")
    statements = classify(text)
    assert [s.category for s in statements] == ["deadline", "suspension"]
    assert statements[0].excerpt == "If payment is not received by December 5"
    assert statements[1].excerpt == "we will suspend your service"


def test_one_sentence_can_assert_several_categories() -> None:
    categories = [s.category for s in classify("Pay by Friday or we will sue.")]
    assert categories == ["deadline", "legal_action"]


def test_statements_are_ordered_by_start() -> None:
    for case in THREATS:
        starts = [s.start for s in classify(case["text"])]
        assert starts == sorted(starts), case["id"]


def test_statement_shape() -> None:
    statement = classify("We will refer the account to a collection agency.")[0]
    assert isinstance(statement, Statement)
    assert statement.category in CATEGORIES
    assert not hasattr(statement, "__dict__")
    with pytest.raises(dataclasses.FrozenInstanceError):
        statement.start = 0  # type: ignore[misc]
    assert isinstance(statement.suggestion, str) and statement.suggestion


def test_always_forbidden_is_part_of_the_categories() -> None:
    assert ALWAYS_FORBIDDEN <= set(CATEGORIES)
    assert len(CATEGORIES) == len(set(CATEGORIES)) == 13


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "Thanks!"])
def test_empty_and_trivial_text(text: str) -> None:
    assert classify(text) == []


def test_deterministic() -> None:
    text = CORPUS[0]["text"]
    assert classify(text) == classify(text)


def test_offsets_survive_characters_that_change_length_when_lowered() -> None:
    text = "İstanbul office: we will suspend your service on Friday."
    statements = classify(text)
    assert {s.category: s.excerpt for s in statements} == dict.fromkeys(("suspension", "deadline"),
                                                                        "we will suspend your service on Friday")
    assert all(text[s.start:s.end] == s.excerpt for s in statements)


def test_curly_quotes_and_line_breaks() -> None:
    text = "Alex \u2014 we\u2019ll be switching off\naccess to the API on the 12th."
    statements = classify(text)
    assert {s.category for s in statements} == {"suspension", "deadline"}
    assert all(text[s.start:s.end] == s.excerpt for s in statements)


# --------------------------------------------------------------------------- properties

@pytest.mark.parametrize("case", SINGLE_SENTENCE_THREATS, ids=[c["id"] for c in SINGLE_SENTENCE_THREATS])
def test_quoting_the_customer_removes_the_threat(case: dict) -> None:
    assert classify(f'You wrote: "{case["text"]}"') == []
    assert classify(f"> {case['text']}") == []
    if not any(joint in case["text"] for joint in (";", ", and", ", but", ", so")):
        assert classify(f"You mentioned that {case['text'][0].lower()}{case['text'][1:]}") == []


NEGATABLE = [
    ("We will suspend your account.", "We will not suspend your account."),
    ("We will refer the balance to a collection agency.", "We will never refer the balance to a collection agency."),
    ("We will take legal action.", "We are not going to take legal action."),
    ("We will report the account to Experian.", "We won't report the account to Experian."),
    ("We will charge a late fee of $50.", "We will not charge a late fee of $50."),
    ("We will pick up the excavator on Monday.", "We have no plans to pick up the excavator on Monday."),
    ("We will enforce the personal guarantee.", "There is no need to enforce the personal guarantee."),
    ("We will stop all shipments.", "We do not intend to stop any shipments."),
    ("We will cut off access for your users.", "We would never cut off access for your users."),
    ("We will file a lien on the project.", "We have no intention of filing a lien on the project."),
    ("We will tell your suppliers about the debt.", "We will never tell your suppliers about the debt."),
    ("We will call the police.", "We will not call the police."),
]


@pytest.mark.parametrize(("threat", "negated"), NEGATABLE)
def test_negation_removes_the_threat(threat: str, negated: str) -> None:
    assert classify(threat), threat
    assert classify(negated) == [], [(s.category, s.excerpt) for s in classify(negated)]


@pytest.mark.parametrize(("threat", "_negated"), NEGATABLE)
def test_conditional_negation_keeps_the_threat(threat: str, _negated: str) -> None:
    """A negated condition ("if we don't hear back") does not negate the main clause."""
    conditional = "If we do not hear back, " + threat[0].lower() + threat[1:]
    assert {s.category for s in classify(conditional)} == {s.category for s in classify(threat)}


@pytest.mark.parametrize(("threat", "_negated"), NEGATABLE)
def test_veiled_forms_keep_the_threat(threat: str, _negated: str) -> None:
    categories = {s.category for s in classify(threat)}
    for prefix in ("We may have no choice but to ", "We would hate to ", "We won't hesitate to "):
        veiled = prefix + threat.removeprefix("We will ")
        assert {s.category for s in classify(veiled)} == categories, veiled


@pytest.mark.parametrize("case", SINGLE_SENTENCE_THREATS[:40], ids=[c["id"] for c in SINGLE_SENTENCE_THREATS[:40]])
def test_context_does_not_change_the_finding(case: dict) -> None:
    """A threat keeps its categories when surrounded by friendly, neutral sentences."""
    text = f"Hi Sam,\n\nThanks for the update on the rollout. {case['text']} Best regards,\nPriya"
    assert {s.category for s in classify(text)} == set(case["asserts"])


def test_shipped_start_prefix_table_is_fresh() -> None:
    """The first call reads rule start prefixes and gates from drafter/_classify_starts.py instead of
    parsing every pattern; a stale table is still correct but slow. Regenerate it after editing a rule:
    python -c 'from drafter.classify import write_start_prefix_table; write_start_prefix_table()'"""
    from drafter import classify as module
    from drafter._classify_starts import GATE_PREFIXES, START_PREFIXES

    assert module.start_prefix_table() == START_PREFIXES
    assert module.gate_prefix_table() == GATE_PREFIXES


def test_gates_never_change_a_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gates only skip patterns that cannot match: the corpus classifies the same without them."""
    from drafter import classify as module

    with_gates = [classify(case["text"]) for case in CORPUS]
    module.classify("warm up")
    monkeypatch.setattr(module._INDEX, "needs", [0] * len(module._INDEX.needs))
    monkeypatch.setattr(module._INDEX, "cache", {})
    assert [classify(case["text"]) for case in CORPUS] == with_gates


# --------------------------------------------------------------------------- external sets

def _external_scores(name: str) -> tuple[float, float]:
    """(recall on asserted categories, share of traps with any finding); aggregate only, so no case text
    of the sealed set ever reaches a test report."""
    cases = yaml.safe_load((CORPUS_DIR / name).read_text(encoding="utf-8"))
    labels = hits = traps = flagged = 0
    for case in cases:
        found = {statement.category for statement in classify(case["text"])}
        wanted = set(case["asserts"])
        labels += len(wanted)
        hits += len(found & wanted)
        if not wanted:
            traps += 1
            flagged += bool(found)
    return hits / labels, flagged / traps


# external-a was tuned on after its first scoring (0.785 / 0.078); external-b is sealed and measured
# 0.726 / 0.065, then 0.764 / 0.065 after the paraphrase work, then 0.774 / 0.039 after tuning on
# external-c (a third independent set, first scored 0.655 / 0.050, tuned to 0.882 / 0.014) and external-d
# (whole messages, first scored 0.629 / 0.009, tuned to 0.871 / 0.0; external-b did not move). The
# goal was 0.9 / 0.05: external-b's thresholds are what was reached, minus a small margin, not that target.
# external-e (a fifth independent set, 220 cases) first scored 0.711 / 0.057; tuning on its families of
# wording took it to 0.947 / 0.0, and the sealed external-b to 0.802 / 0.039. external-f (200 drafts
# written the way language models write them) first scored 0.735 / 0.080; its families took it to
# 0.929 / 0.034 (external-b did not move). A fourth paraphrase batch (families: consequences told by their
# effect, third parties who act, "not yet" conditions, quotes the writer stands by, dated consequences) took
# external-b to 0.821 / 0.039. external-g (220 cases) first scored 0.642 / 0.200 (21 of 105 traps: history,
# threats reported from third parties, maintenance and trials, look-alikes); its families took it to
# 0.969 / 0.0 (external-b did not move). external-h (220 cases) first scored 0.608 / 0.248 (26 of 105 traps:
# someone else acting, remedies set aside in the next sentence, holds lifted, routine look-alikes); its families
# took it to 0.742 / 0.0 (external-b did not move).
# external-i (220 cases, written like assistant drafts) first scored 0.722 / 0.076 with the rules alone.
# Then the category model (drafter/category_model.py) was fitted to every set except the sealed external-b
# and external-i: a set it was fitted to now scores near 1.0 and only guards against regressions, while
# the two sealed sets measure wording neither the rules nor the model have seen. external-j, k and l
# were scored on arrival (rules alone 0.685 / 0.171, 0.548 / 0.135, 0.761 / 0.076; with the model
# 0.774 / 0.152, 0.664 / 0.183, 0.841 / 0.057) and then fitted. With all of them fitted and the model
# allowed to rule out findings in nine categories: external-b 0.821 / 0.039 -> 0.906 / 0.026,
# external-i 0.722 / 0.076 -> 0.870 / 0.038. external-m, sealed, scored 0.590 / 0.133 with the rules
# alone and 0.672 / 0.124 with the model on arrival; so did external-n, o, p and q (pooled: 0.628 / 0.127
# -> 0.727 / 0.115). Fitting n-q too was neutral on sets left out of the fit, so they stay sealed.
# external-r to x (1,540 cases: mail threads, negotiation, minimal pairs, software billing, construction,
# chat and SMS, the four categories no stage allows) scored 0.767 / 0.180 on arrival, then were fitted;
# external-b's false alarms went from 2 of 77 traps to 4 and external-p's from 0.105 to 0.124 as the
# seven sealed sets went from 0.791 / 0.102 to 0.810 / 0.099. external-y (drafts as a language model writes
# them) and z (sectors and regions not yet covered) scored 0.899 / 0.220 and 0.869 / 0.139 on arrival;
# fitted too, with words and pairs seen in three texts or more: the sealed sets 0.812 / 0.102.
EXTERNAL_THRESHOLDS = {"external-a.yaml": (0.99, 0.01), "external-b.yaml": (0.89, 0.06),
                       "external-c.yaml": (0.99, 0.01), "external-d.yaml": (0.98, 0.01),
                       "external-e.yaml": (0.99, 0.01), "external-f.yaml": (0.98, 0.01),
                       "external-g.yaml": (0.96, 0.01), "external-h.yaml": (0.85, 0.01),
                       "external-i.yaml": (0.86, 0.05), "external-j.yaml": (0.88, 0.10),
                       "external-k.yaml": (0.88, 0.05), "external-l.yaml": (0.91, 0.05),
                       "external-m.yaml": (0.65, 0.17), "external-n.yaml": (0.62, 0.12),
                       "external-o.yaml": (0.78, 0.22), "external-p.yaml": (0.73, 0.13),
                       "external-q.yaml": (0.69, 0.09), "external-r.yaml": (0.96, 0.04),
                       "external-s.yaml": (0.92, 0.15), "external-t.yaml": (0.93, 0.09),
                       "external-u.yaml": (0.94, 0.08), "external-v.yaml": (0.90, 0.11),
                       "external-w.yaml": (0.86, 0.07), "external-x.yaml": (0.93, 0.07),
                       "external-y.yaml": (0.92, 0.18), "external-z.yaml": (0.91, 0.09)}


def test_paraphrase_set_is_well_formed_and_scored() -> None:
    """The development set was written before its rules were widened (first batch 0.394 / 0.056, second
    0.286 / 0.0); it now guards the widening in aggregate, so a regression shows without naming cases."""
    cases = yaml.safe_load((CORPUS_DIR / "paraphrase.yaml").read_text(encoding="utf-8"))
    assert len({case["id"] for case in cases}) == len(cases)
    assert not {case["text"] for case in cases} & {case["text"] for case in CORPUS}
    for case in cases:
        assert set(case["asserts"]) <= set(CATEGORIES) and case.get("note", "plain") in NOTES, case["id"]
    recall, false_positive_rate = _external_scores("paraphrase.yaml")
    assert recall >= 0.98 and false_positive_rate <= 0.02


@pytest.mark.parametrize("name", sorted(EXTERNAL_THRESHOLDS))
def test_external_set_aggregate_scores(name: str) -> None:
    if not (CORPUS_DIR / name).exists():
        pytest.skip(f"{name} is not present")
    recall, false_positive_rate = _external_scores(name)
    min_recall, max_false_positive_rate = EXTERNAL_THRESHOLDS[name]
    assert round(recall, 3) >= min_recall
    assert round(false_positive_rate, 3) <= max_false_positive_rate
