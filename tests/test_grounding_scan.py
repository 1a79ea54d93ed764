"""The fact scan on texts full of awkward writings, and the keyword search by shared beginnings."""

from __future__ import annotations

import random
import re
from bisect import bisect_right
from datetime import date
from pathlib import Path

import pytest

from drafter import grounding
from drafter.grounding import Facts, extract
from drafter.load import load_account
from drafter.policy import load_policy

ACCOUNT = load_account(Path(__file__).parent / "data" / "guard-account.json")
AS_OF = date(2026, 11, 23)
FACTS = Facts.of(ACCOUNT, load_policy(), AS_OF)

FACT_WORDINGS = [
    # amounts
    "$8,500.00", "USD 8,500", "8.500,00 €", "8.5k", "$8.5K", "8,500 dollars", "US$8,500", "CA$ 12", "A$5",
    "NZ$5.5", "¥500", "£1,200.5", "EUR8500", "8 500 euros", "1.5 million", "$2m", "10 thousand dollars",
    "$ 26,000.00", "26000.00", "€ 9.315,45", "9,315.45", "4,657.72", "1,500 bucks", "12,50 EUR", "usd 500",
    "5 pounds sterling", "GBP 40", "2.5M", "$1.2 million", "1,234,567.89", "8\u00a0500 €", "$0.99", "5%",
    # dates
    "October 1, 2026", "Oct 1st", "1 October 2026", "2026-10-01", "10/01/2026", "01.10.2026",
    "the 1st of October", "Thursday, October 1, 2026", "Monday, the 5th of May", "may 5", "Mar 3",
    "31/02/2026", "2026-13-01", "Nov. 30", "5/12/26", "Friday, Dec 4", "30th November", "Feb 29",
    "(October 5)", "\"Oct 5\"", "'(Sept 9", "x(Oct 5", "-Oct 5", "OCTOBER 5", "Octopus 5", "Oct 5x",
    "Oct 5, 20261", "Dec.  7", "İoct 5", "xİ Oct 5", "Sunday, Oct 4th", "June 3rd, 2026",
    # days overdue
    "53 days past due", "more than 50 days late", "overdue by 53 days", "nearly 60 days overdue",
    "over 30-days overdue", "53 calendar days in arrears", "late by about 20 days", "close to 90 days overdue",
    "at least 20 days outstanding", "roughly  45 day late", "almoſt 24 days overdue", "within 14 days",
    # invoice numbers, links, emails, and numbers that are none of these
    "INV-1042", "invoice #1099", "Invoice no. 1099", "#1234", "INV1042X", "https://pay.example/2026-10-01",
    "ar@northwind.example", "5@x.example", "+1 555 0100", "9pm", "the 3 invoices", "1.", "2)", "\u0663\u0664",
    "12\u0663", "3.5", ".5", "1,5", "8.500",
]
GLUE = ["the", "balance", "of", "is", "due", "on", "by", "Monday", "day", "k", "m", "Oct", "October", "may",
        "st", "over", "more than", "nearly", "overdue", "days", "$", "€", ",", ".", "/", "-", "(", "'", "USD",
        "US", "A", "CA", "#", "@", "\n", "thousand", "late", "past", "5", "12", "2026", "07", "İ", "ſ"]
SEPARATORS = [" ", " ", " ", "", ", ", ". ", "\n", "; ", "  ", " (", ") ", "\t", "\u00a0"]


def generated_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 30)):
            roll = rng.random()
            if roll < 0.55:
                parts.append(rng.choice(FACT_WORDINGS))
            elif roll < 0.9:
                parts.append(rng.choice(GLUE))
            else:
                parts.append("".join(rng.choice("0123456789,./-: $€k\nabcMOy'") for _ in range(rng.randint(1, 6))))
            parts.append(rng.choice(SEPARATORS))
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("seed", range(8))
def test_generated_texts_full_of_awkward_writings_are_read_without_error(seed):
    facts = 0
    for text in generated_texts(seed, 400):
        found = extract(text, AS_OF, FACTS.invoice_pattern)
        facts += len(found.amounts) + len(found.dates)
    assert facts > 1000  # the texts are full of facts, not just words


# An amount after its currency sign or code, read the plain way: from the sign.
AFTER_SIGN = re.compile(rf"(?P<cur>{grounding._SYMBOL}|{grounding._CODES})\s?(?P<num>{grounding._NUM})"
                        rf"{grounding._SCALE}")


@pytest.mark.parametrize("seed", range(4))
def test_an_amount_after_a_sign_is_read_as_it_reads_from_the_sign(seed):
    signed = 0
    for text in generated_texts(seed, 400):
        for amount in extract(text, AS_OF, FACTS.invoice_pattern).amounts:
            if text[amount.start].isdigit():
                continue  # the currency follows the number, or there is none
            plain = AFTER_SIGN.match(text, amount.start)
            assert plain and plain.end() == amount.end, (text, amount)
            number = grounding.parse_number(plain["num"]) * (1000 if plain["scale"] in ("k", "K", "thousand") else
                                                             1_000_000 if plain["scale"] else 1)
            assert number == amount.value, (text, amount)
            signed += 1
    assert signed > 300


@pytest.mark.parametrize("qualifier", ["more than", "over", "nearly", "almost", "about", "around", "roughly",
                                       "at least", "close to"])
@pytest.mark.parametrize("spacing", [" ", "\t", "\n ", "\u00a0"])
def test_a_qualifier_before_days_overdue_is_read_in_any_case_and_spacing(qualifier, spacing):
    for written in (qualifier, qualifier.upper(), qualifier.title()):
        for text, excerpt in ((f"It is now {written}{spacing}53 days past due.", f"{written}{spacing}53 days past due"),
                              (f"It is overdue by {written}{spacing}53 days.", f"overdue by {written}{spacing}53 days")):
            [mention] = extract(text, AS_OF, FACTS.invoice_pattern).of_kind("days_overdue")
            assert (mention.value, mention.qualifier, text[mention.start:mention.end]) == ("53", qualifier, excerpt)


def test_a_month_in_brackets_is_still_a_date():
    [mention] = extract("It was due (October 1, 2026).", AS_OF, FACTS.invoice_pattern).dates
    assert mention.candidates == (date(2026, 10, 1),)


def test_keywords_found_by_their_shared_beginning_find_what_one_expression_finds(monkeypatch):
    from drafter.rules import _PLAN_CUE

    plan_cue = grounding.keyword_pattern(_PLAN_CUE.keywords, _PLAN_CUE._pattern._args[0], _PLAN_CUE._pattern._args[1])
    monkeypatch.setattr(grounding.keyword_pattern, "FEW", 0)  # every keyword in one expression
    one_expression = grounding.keyword_pattern(_PLAN_CUE.keywords, _PLAN_CUE._pattern._args[0])
    assert plan_cue._starts is None and one_expression._starts is not None
    rng = random.Random(5)
    words = ["in 3", "in  3", "in three", "over 6", "over six months", "into", "within 2", "payment plan",
             "split the", "half now", "monthly payments", "instalments", "spread it", "in\n3", "in 3 payments",
             "over 12 monthly payments", "payments of $5 per month", "in 1 ", "over e"]
    found = 0
    for _ in range(300):
        text = " ".join(rng.choice(words + GLUE) for _ in range(rng.randint(1, 25))).lower()
        end = rng.randint(0, len(text))
        expected = [m.span() for m in one_expression.finditer(text, 0, end)]
        assert [m.span() for m in plan_cue.finditer(text, 0, end)] == expected
        fast, slow = plan_cue.search(text, 0, end), one_expression.search(text, 0, end)
        assert (fast and fast.span()) == (slow and slow.span())
        found += len(expected)
    assert found > 100


def test_phrases_are_found_where_the_keyword_search_finds_them():
    from drafter.rules import _PAYMENT_METHOD, _WAY_BACK

    for phrases in (_PAYMENT_METHOD, _WAY_BACK):
        plain = grounding.keyword_pattern(tuple(phrases.phrases), r"\b(?:" + "|".join(
            f"{keyword}(?:{rest})" for keyword, rest in phrases.phrases.items()) + ")", phrases.flags)
        rng = random.Random(11)
        words = list(phrases.phrases) + ["avoid", "me", "us", "to", "plan", "up", "a", "transfer", "online", "ment",
                                         "link", "tance", "here", "payment", "the", "balance", "forward", "resolve",
                                         "x", "ſ", "İ", "reach", "oach", "cheque", "made", "uſ", "avoİd"]
        found = 0
        for _ in range(3000):
            text = "".join(rng.choice(words) + rng.choice([" ", "", "\n", "  ", ", ", "-"])
                           for _ in range(rng.randint(1, 8)))
            expected = plain.search(text) is not None
            assert phrases.found_in(text) is expected, text
            found += expected
        assert 300 < found < 2700


def test_any_word_in_tells_what_any_in_tells():
    from drafter import rules

    rng = random.Random(13)
    families = [rules.PLAN_WORDS, rules.CHARGE_WORDS, rules.WAIVER_WORDS, rules.TOTAL_WORDS, ("a", "ab", "b", "")[:3]]
    pieces = [w for family in families for w in family] + ["writ", "wro", "forg", "com", "add", " ", "x", "e off"]
    found = 0
    for _ in range(4000):
        text = "".join(rng.choice(pieces)[:rng.randint(1, 12)] for _ in range(rng.randint(0, 6)))
        for words in families:
            expected = any(word in text for word in words)
            assert grounding.any_word_in(text, words) is expected, (text, words)
            found += expected
    assert found > 2000


def test_an_accounts_own_invoice_numbers_are_found_as_whole_tokens_wherever_they_stand():
    numbers = ["G-7", "G-70", "g-7-", "H-100", "INV-1042", "inv-1042-2", "A/1", "KM 6188", "x_9", "Ab-1"]
    pattern = grounding.InvoicePattern(numbers)
    one_by_one = grounding.InvoicePattern(numbers)  # each own number looked for by its own pass
    one_by_one._own, one_by_one._own_tokens, one_by_one._token_runs = sorted(
        {n.lower() for n in numbers}, key=len, reverse=True), set(), []
    rng = random.Random(19)
    pieces = numbers + ["-", "--", " ", "/", "_", "x", "7", "0", "é", "İ", ".", "INV", "inv-", "g-7", "h-100"]
    own = 0
    for _ in range(4000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        spans = pattern.spans(text)
        assert spans == one_by_one.spans(text), text
        own += sum(text[a:b].lower() in ("g-7", "g-70", "h-100", "inv-1042-2", "ab-1") for a, b in spans)
    assert own > 400


def test_a_sentence_start_found_near_a_position_is_the_one_all_the_sentences_give():
    rng = random.Random(23)
    pieces = ["Pay now", ". ", "! ", "? ", ".", "\n", "\n\n", " \n \n", "\n- item", "\n2. item", "\n  * x", "  ", "A",
              "b", "1", "(", "\"", "'", "\t", "$8,500.00", "e.g. this", "x.\n\n\nY"]
    checked = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
        spans = grounding.sentences(text)
        starts = [a for a, _ in spans]
        for position, character in enumerate(text):
            if not character.isalpha():
                continue
            floor = rng.randint(0, position)
            index = bisect_right(starts, position) - 1
            expected = max(starts[index], floor) if index >= 0 else floor
            assert grounding.sentence_start(text, position, floor) == expected, (text, position, floor)
            checked += 1
    assert checked > 20000


def test_the_commonest_facts_tried_first_are_read_as_the_kinds_in_their_plain_order_read_them(monkeypatch):
    rng = random.Random(37)
    tricky = ["$1,000 days", "Oct 12,345", "USD 12,500", "Dec 1,2026", "$ 1,234", "5th of May", "Oct 1, 2026",
              "$10/01/2026", "$2026-10-01", "May 3,", "€ 9,315.45", "US$1,2", "Sept 31, 2026", "$1,5 days", "Nov. 30,"]
    texts = generated_texts(40, 300) + ["".join(rng.choice(tricky + GLUE) + rng.choice(SEPARATORS)
                                                for _ in range(rng.randint(1, 20))) for _ in range(1500)]
    first = [extract(text, AS_OF, FACTS.invoice_pattern) for text in texts]
    assert sum(len(found.amounts) + len(found.dates) for found in first) > 5000
    plain = [kind for kind in grounding._FACT_KINDS if kind[0] not in ("month_day_comma", "signed_thousands")]
    monkeypatch.setattr(grounding, "_FACT_KINDS", plain)
    monkeypatch.setattr(grounding, "_KIND_INDEX", {name: index for index, (name, _) in enumerate(plain)})
    monkeypatch.setattr(grounding, "_FACTS_FROM", {})
    assert [extract(text, AS_OF, FACTS.invoice_pattern) for text in texts] == first


def test_the_sentence_found_around_a_position_is_the_one_all_the_sentences_give():
    rng = random.Random(41)
    pieces = ["Pay now", ". ", "! ", "? ", ".", "\n", "\n\n", " \n \n", "\n- item", "\n2. item", "\n  * x", "  ", "A",
              "b", "1", "(", "#", "\t", "$8,500.00", "e.g. this", "x.\n\n\nY", "disputed", " " * 300, "w" * 200]
    checked = 0
    for _ in range(1500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        spans = grounding.sentences(text)
        for position, character in enumerate(text):
            if character.isspace() or character in ".!?" or rng.random() < 0.7:
                continue
            [expected] = [(a, b) for a, b in spans if a <= position < b]
            assert grounding.sentence_span(text, position) == expected, (text, position)
            checked += 1
    assert checked > 20000


def test_the_lower_cased_text_given_to_extract_changes_nothing():
    for text in generated_texts(43, 300) + ["Invoice İNV-1042 for $8,500.00", "INV-1042 and inv-1077 and ß"]:
        lower = grounding.lower_case(text)
        assert len(lower) == len(text)
        assert extract(text, AS_OF, FACTS.invoice_pattern, lower) == extract(text, AS_OF, FACTS.invoice_pattern)


def test_greetings_and_closings_are_found_as_without_the_first_letter_tests():
    guarded = grounding._GREETING_OR_CLOSING._args
    plain = re.compile(re.sub(r"\(\?=\[[a-z]+\]\)", "", guarded[0]), guarded[1])
    closing = grounding._CLOSING._args
    plain_closing = re.compile(re.sub(r"\(\?=\[[a-z]+\]\)", "", closing[0]), closing[1])
    assert plain.pattern != guarded[0] and plain_closing.pattern != closing[0]
    rng = random.Random(47)
    lines = ["Hi Dana,", "HELLO Sam Ortiz:", "Dear Mr. Ortiz", "Good  morning Team", "hey Jo —", "Best regards,",
             "BEST WISHES", "Kind regards", "Kınd regards", "Thanks!", "thank you", "Many thanks.", "Cheers",
             "Yours ſincerely", "Sincerely yours", "All the best", "With thanks", "Warm regards", "Respectfully",
             "- item", "Jordan Reyes", "", "  \tRegards", "Payment options", "\"Hi Dana", "Best", "Regards and more"]
    found = 0
    for _ in range(3000):
        text = "\n" + "\n".join(rng.choice(lines) for _ in range(rng.randint(1, 8)))
        expected = [(m.span(), m.start("closing") < 0 and m.span("name")) for m in plain.finditer(text)]
        assert [(m.span(), m.start("closing") < 0 and m.span("name")) for m in
                grounding._GREETING_OR_CLOSING.finditer(text)] == expected, text
        assert [m.span() for m in grounding._CLOSING.finditer(text)] == [m.span() for m in plain_closing.finditer(text)]
        found += len(expected)
    assert found > 3000


def test_the_amounts_between_two_places_are_those_that_start_there():
    for text in generated_texts(53, 200):
        found = extract(text, AS_OF, FACTS.invoice_pattern)
        for start, end in ((0, len(text)), (5, 40), (len(text) // 2, len(text)), (10, 10), (30, 20)):
            assert found.amounts_between(start, end) == [a for a in found.amounts if start <= a.start < end]
