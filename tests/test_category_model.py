"""Tests for the category model (drafter.category_model) and how the classifier uses it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from drafter import category_model, classify as classify_module
from drafter.category_model import CategoryModel, features
from drafter.classify import CATEGORIES, classify, model_view
from drafter.train_category_model import fingerprint, fit, fit_estimators, training_cases

CORPUS_DIR = Path(__file__).parent / "corpus"


# --------------------------------------------------------------------------- features

def test_a_negation_marks_the_words_after_it_up_to_punctuation() -> None:
    assert features("We will not suspend your service. We will")[:9] == [
        "we", "will", "not", "NOT_suspend", "NOT_your", "NOT_service", "|", "we", "will"]


@pytest.mark.parametrize("text", ["we have no choice but to sue", "we won't hesitate to sue",
                                  "if this is not paid we sue"])
def test_a_phrase_that_only_looks_negative_or_a_new_subject_ends_the_negation(text: str) -> None:
    assert "sue" in features(text) and "NOT_sue" not in features(text)


def test_contractions_negate_and_pairs_follow_the_words() -> None:
    found = features("They won't refer it")
    assert found == ["they", "won't", "NOT_refer", "NOT_it", "they won't", "won't NOT_refer", "NOT_refer NOT_it"]


@pytest.mark.parametrize("separator", ["\u2014", "\u00a0", "\u00e9", "|", "_", "-", "\t"])
def test_any_other_character_parts_words_in_ascii_and_in_other_text_alike(separator: str) -> None:
    """ASCII text is split by one translation table, other text by a regular expression: same words."""
    text = f"We can't{separator}pay|today, not{separator}ever. O'Brien{separator}will; sue!"
    assert features(text) == features(text.replace(separator, " ")) == [
        "we", "can't", "NOT_pay", "NOT_today", "|", "not", "NOT_ever", "|", "o'brien", "will", "|", "sue", "|",
        "we can't", "can't NOT_pay", "NOT_pay NOT_today", "NOT_today |", "| not", "not NOT_ever", "NOT_ever |",
        "| o'brien", "o'brien will", "will |", "| sue", "sue |"]


# --------------------------------------------------------------------------- the arithmetic

def test_probabilities_follow_tf_idf_and_the_logistic_function() -> None:
    model = CategoryModel(("a", "b"), (-1.0, 0.5), {"sue": 2.0, "we": 1.0, "court": 3.0},
                          {"sue": ((0, 4.0),), "court": ((0, 1.0), (1, -2.0))})
    probabilities = model.probabilities("we sue sue, court")
    values = {"sue": (1 + math.log(2)) * 2.0, "we": 1.0, "court": 3.0}  # "|" and the pairs are not in the model
    length = math.sqrt(sum(value * value for value in values.values()))
    a = -1.0 + (values["sue"] * 4.0 + values["court"] * 1.0) / length
    b = 0.5 + values["court"] * -2.0 / length
    assert probabilities["a"] == pytest.approx(1 / (1 + math.exp(-a)), abs=1e-12)
    assert probabilities["b"] == pytest.approx(1 / (1 + math.exp(-b)), abs=1e-12)


def test_a_text_with_no_known_feature_scores_the_bias() -> None:
    model = CategoryModel(("a",), (0.0,), {"sue": 1.0}, {"sue": ((0, 3.0),)})
    assert model.probabilities("hello there") == {"a": 0.5}


def test_the_pure_python_model_reproduces_scikit_learn() -> None:
    """The shipped form of a model (its kept weights, to four decimals) scores a text as scikit-learn's
    TF-IDF vectoriser and the logistic function do with those weights."""
    cases = training_cases(CORPUS_DIR)[::6]
    vectoriser, _ = fit_estimators(cases)
    shipped = fit(cases)
    model = CategoryModel.from_json(shipped)
    vocabulary = vectoriser.vocabulary_
    weights = [[0.0] * len(vocabulary) for _ in CATEGORIES]
    for feature, (_idf, *pairs) in shipped["features"].items():
        for category, weight in zip(pairs[0::2], pairs[1::2]):
            weights[category][vocabulary[feature]] = weight
    texts = [model_view(text) for text, _ in training_cases(CORPUS_DIR)[1::40]]
    for text, row in zip(texts, vectoriser.transform(texts)):
        got = model.probabilities(text)
        for index, category in enumerate(CATEGORIES):
            total = shipped["bias"][index] + sum(value * weights[index][column]
                                                 for column, value in zip(row.indices, row.data))
            assert got[category] == pytest.approx(1 / (1 + math.exp(-total)), abs=2e-3), (category, text[:80])


def test_each_fit_is_solved_to_its_optimum() -> None:
    """A fit stopped early depends on where the solver stopped: leaving one case about something else out
    of it moved a category's probability on an unrelated sentence by 0.5. Solved to its optimum, a fit
    without one benign case reads every text almost as the fit with it does."""
    cases = training_cases(CORPUS_DIR)[::6]
    benign = next(index for index, (_, asserts) in enumerate(cases) if not asserts)
    texts = [model_view(text) for text, _ in training_cases(CORPUS_DIR)[1::40]]
    readings = []
    for subset in (cases, cases[:benign] + cases[benign + 1:]):
        vectoriser, regressions = fit_estimators(subset)
        matrix = vectoriser.transform(texts)
        readings.append([regression.predict_proba(matrix)[:, 1] for regression in regressions])
    for category, with_it, without_it in zip(CATEGORIES, *readings):
        assert max(abs(with_it - without_it)) < 0.05, category


def test_the_shipped_model_was_fitted_to_the_corpus_as_it_is() -> None:
    """Edit a corpus file and this fails until `python -m drafter.train_category_model` is run again."""
    shipped = json.loads(category_model.MODEL_FILE.read_text(encoding="utf-8"))
    cases = training_cases(CORPUS_DIR)
    assert shipped["trained_on"] == {"cases": len(cases), "sha256": fingerprint(cases)}
    assert shipped["categories"] == list(CATEGORIES)


def test_the_sealed_sets_are_never_fitted() -> None:
    sealed_texts = set()
    for name in category_model.SEALED_SETS:
        sealed_texts |= {case["text"] for case in yaml.safe_load((CORPUS_DIR / name).read_text(encoding="utf-8"))}
    assert sealed_texts and not sealed_texts & {text for text, _ in training_cases(CORPUS_DIR)}


# --------------------------------------------------------------------------- how classify uses it

class FixedModel(CategoryModel):
    """Gives the whole of `text` the probabilities `whole`, and each sentence what `sentence` says."""

    def __init__(self, text: str, whole: dict[str, float], sentence=lambda probed: {}) -> None:  # type: ignore[no-untyped-def]
        super().__init__(CATEGORIES, (0.0,) * len(CATEGORIES), {}, {})
        self.length, self.whole, self.sentence = len(text), whole, sentence

    def probabilities(self, text: str) -> dict[str, float]:
        found = self.whole if len(text) == self.length else self.sentence(text)
        return {category: found.get(category, 0.0) for category in CATEGORIES}


@pytest.fixture
def use_model(monkeypatch):
    def install(model: CategoryModel) -> None:
        monkeypatch.setattr(category_model, "model", lambda: model)
    return install


def test_a_gated_rule_finding_the_model_rules_out_is_dropped(use_model) -> None:
    text = "We will suspend your service on Friday."
    assert "suspension" in {s.category for s in classify(text)}
    use_model(FixedModel(text, {}))
    assert "suspension" not in {s.category for s in classify(text)}


def test_a_gated_rule_finding_is_kept_when_its_sentence_supports_it(use_model) -> None:
    text = "Hi Dana, thanks for the call. We will suspend your service on Friday. Best, Jo"
    use_model(FixedModel(text, {}, lambda sentence: {"suspension": 0.2} if "suspend" in sentence else {}))
    assert "suspension" in {s.category for s in classify(text)}


@pytest.mark.parametrize("text", ["We will take legal action.", "We will call the police.",
                                  "We know where you live, and we will come and find you.",
                                  "You are a pathetic excuse for a business."])
def test_other_rule_findings_are_never_ruled_out(use_model, text: str) -> None:
    found = {s.category for s in classify(text)}
    use_model(FixedModel(text, {}))
    assert {s.category for s in classify(text)} == found != set()


def test_the_model_reports_what_no_rule_found_on_its_likeliest_sentence(use_model) -> None:
    text = "Hi Dana,\n\nThanks for the update. The folks downstairs will be having a word with your bank.\n\nJo"
    assert classify(text) == []
    use_model(FixedModel(text, {"credit_reporting": 0.9},
                         lambda sentence: {"credit_reporting": 0.95 if "downstairs" in sentence else 0.61}))
    [statement] = classify(text)
    assert statement.category == "credit_reporting" and statement.cue == "model:0.90"
    assert statement.excerpt == "The folks downstairs will be having a word with your bank"
    assert text[statement.start:statement.end] == statement.excerpt


@pytest.mark.parametrize("category", sorted(classify_module.ALWAYS_FORBIDDEN))
def test_a_category_no_stage_allows_is_reported_on_less_evidence(use_model, category: str) -> None:
    text = "Maybe if you spent less time on the golf course, this would be paid. Regards, Dom"
    use_model(FixedModel(text, {category: 0.25}, lambda sentence: {category: 0.35}))
    assert [s.category for s in classify(text)] == [category]
    use_model(FixedModel(text, {"suspension": 0.25}, lambda sentence: {"suspension": 0.35}))
    assert classify(text) == []


def test_no_model_finding_without_a_likely_sentence(use_model) -> None:
    text = "Invoice 12 was due November 8. It is 15 days late."
    use_model(FixedModel(text, {"deadline": 0.9}, lambda sentence: {"deadline": 0.59}))
    assert classify(text) == []


def test_no_model_finding_where_a_rule_set_the_statement_aside(use_model) -> None:
    text = "We will not suspend your service."
    use_model(FixedModel(text, {"suspension": 0.9}, lambda sentence: {"suspension": 0.9}))
    assert classify(text) == []


def test_the_model_does_not_read_quotes_or_reported_speech() -> None:
    said = model_view('You wrote: "we will sue you". You mentioned that your lawyer will call us.')
    assert "sue" not in said and "lawyer" not in said


def test_classify_is_unchanged_when_the_model_agrees_with_the_rules(use_model) -> None:
    text = "If payment is not received by December 5, we will suspend your service."
    found = classify(text)
    use_model(FixedModel(text, {category: 0.25 for category in CATEGORIES}))
    assert classify(text) == found
    assert classify_module.SUGGESTIONS["suspension"] in {s.suggestion for s in found}


def test_the_guard_says_when_a_finding_is_the_models_reading_alone(use_model) -> None:
    from drafter.guard import check
    from drafter.load import load_account

    account = load_account(Path(__file__).parent / "data" / "guard-account.json")
    text = "Hi Dana,\n\nThe folks downstairs will be having a word with your bank. We will call the police.\n\nJo"
    use_model(FixedModel(text, {"credit_reporting": 0.9, "criminal_threat": 0.9},
                         lambda sentence: {"credit_reporting": 0.95 if "downstairs" in sentence else 0.0}))
    findings = {f.category: f.message for f in check(text, account, "default", tier=1).findings if f.category}
    assert findings["credit_reporting"].endswith("(Read from the wording by the category model; no rule names this phrase.)")
    assert "category model" not in findings["criminal_threat"]  # a rule found that one


# --------------------------------------------------------------------------- fitting: bad input

@pytest.mark.parametrize(("content", "expected"), [
    ('- {id: x1, text: "hi", asserts: [threat]}\n', "a.yaml: case 1 (x1): `asserts` must be a list of: urgency"),
    ("- {id: x1, asserts: []}\n", "a.yaml: case 1 (x1): needs a `text` string"),
    ("- [unclosed\n", "a.yaml:2: invalid YAML: expected ',' or ']'"),
    ("just: a mapping\n", "a.yaml: expected a list of cases"),
])
def test_a_bad_corpus_file_is_named_with_its_case(tmp_path, capsys, content: str, expected: str) -> None:
    from drafter.train_category_model import main

    (tmp_path / "a.yaml").write_text(content, encoding="utf-8")
    before = category_model.MODEL_FILE.read_bytes()
    assert main(["--corpus", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("Error: ") and expected in error and error.count("\n") == 1
    assert category_model.MODEL_FILE.read_bytes() == before


def test_an_empty_corpus_folder_is_an_error(tmp_path, capsys) -> None:
    from drafter.train_category_model import main

    assert main(["--corpus", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"Error: {tmp_path}: no labelled cases (*.yaml) here\n"
