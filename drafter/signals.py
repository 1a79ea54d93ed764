"""Signals: what an account's facts and words say about whether to be patient or to push.

Two sources, both offline:
- structured facts: unanswered outbound contacts (going dark), promises whose date passed without the
  money (broken promises), invoices paid in part, disputes opened long after the due date, customers
  who got in touch before we chased them;
- free text (communication summaries and notes), read with patterns that cover many phrasings:
  a specific payment date, layoffs / closures / key people leaving, paying "the vendors who work with
  us" first, explaining what is going on.

Signal ids are stable (see `PATIENCE` and `ACCELERATION`); each signal carries its evidence in words
and where it came from ("communications[3]", "promises[0]", "notes[1]").
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from . import _regex
from .models import Account, Communication, Signal
from .money import format_money

__all__ = ["PATIENCE", "ACCELERATION", "SIGNAL_IDS", "GOING_DARK_CONTACTS", "TEXT_WINDOW_DAYS",
           "PromiseOutcome", "promise_outcomes", "unanswered_contacts", "late_disputes", "is_customer_voice",
           "text_signals", "text_cues", "detect", "detect_with_cues", "signal_data"]

PATIENCE = ("proactive_contact", "specific_payment_date", "partial_payment", "transparency")
ACCELERATION = ("going_dark", "broken_promise", "new_dispute_on_old_invoice", "operational_red_flags",
                "vendor_prioritization")
SIGNAL_IDS = PATIENCE + ACCELERATION
_PER_FACT = {"partial_payment", "broken_promise", "new_dispute_on_old_invoice"}
_RANK = {signal_id: rank for rank, signal_id in enumerate(SIGNAL_IDS)}
_PATIENCE_IDS = frozenset(PATIENCE)

GOING_DARK_CONTACTS = 3  # unanswered outbound contacts in a row since the customer last replied
PROMISE_GRACE_DAYS = 2  # a promise still pending this long after its date counts as broken
LATE_DISPUTE_DAYS = 30  # a dispute opened this long after the due date is "new on an old invoice"
TEXT_WINDOW_DAYS = 90  # communications older than this are history, not signals
PATIENCE_WINDOW_DAYS = 45  # a payment date or an explanation older than this no longer reassures
PROACTIVE_QUIET_DAYS = 7  # an inbound contact with no outbound one this many days before is unprompted
_PROMISE_GRACE = timedelta(days=PROMISE_GRACE_DAYS)
_TEXT_WINDOW = timedelta(days=TEXT_WINDOW_DAYS)
_PATIENCE_WINDOW = timedelta(days=PATIENCE_WINDOW_DAYS)
_PROACTIVE_QUIET = timedelta(days=PROACTIVE_QUIET_DAYS)
_ZERO = Decimal(0)

_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?"
_WHEN = (
    rf"(?:\b{_DAY}\b(?:'s)?|\bthe\s+\d{{1,2}}(?:st|nd|rd|th)\b|\b\d{{1,2}}(?:st|nd|rd|th)\b"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}\s+{_MONTH}\b(?!\s*ago)"
    r"|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:check|cheque|payment|pay)\s+run\b"
    r"|\btomorrow\b|\btonight\b|\bend of (?:the )?day\b)"
)
_PAY = (r"\b(?:pay(?:s|ing|ment|ments)?|wir(?:e|es|ed|ing)|checks?|cheques?|ach|transfers?|remit\w*"
        r"|funds?|releas(?:e|ed|ing)|send(?:ing)?|cut(?:ting)?|schedul(?:e|ed|ing)|process(?:ed|ing)?)\b")
_GAP = r"[^.!?\n;]{0,60}?"
_SENTENCE_BREAK = _regex.compile(r"[.!?;] |\n")
_NEGATION = _regex.compile(r"(?:\bnot\b|n't\b|\bno\b|\bnever\b|\bunable\b|\bcannot\b|\bwithout\b)[^.!?]{0,25}$")

# All patterns are written in lower case and matched against lower-cased text (see `_fold`).
# They are compiled on first use (see `_pattern`): compiling them all costs start-up time that a
# command reading one account does not need.
_TEXT_PATTERNS: dict[str, str] = {
    "specific_payment_date": rf"{_PAY}{_GAP}{_WHEN}|{_WHEN}{_GAP}{_PAY}",
    "operational_red_flags": (
        r"\b(?:laid\s+off|lay-?offs?|furlough\w*|downsiz\w*|restructur\w*|hiring\s+freeze"
        r"|bankrupt\w*|chapter\s+(?:7|11)\b|insolven\w*|receivership|went\s+into\s+administration"
        r"|(?:clos(?:ed|es|ing|ure\s+of)|shut(?:ting|s)?\s+down|shuttered)\s+(?:down\s+)?(?:the\s+|their\s+|its\s+"
        r"|our\s+|an?\s+|two\s+|three\s+|several\s+|some\s+)?(?:\w+\s+)?(?:offices?|plants?|branch(?:es)?"
        r"|locations?|sites?|warehouses?|stores?|facilit(?:y|ies)|yards?|divisions?|doors)"
        r"|(?:cfo|ceo|coo|controller|owner|founder|president|vp|director|manager|bookkeeper|accountant"
        r"|head\s+of\s+\w+|staff|people|employees|half\s+(?:the|their)\s+\w+|key\s+people)\s+(?:has\s+|have\s+"
        r"|had\s+|just\s+|recently\s+)*(?:left|resigned|quit|departed|walked\s+out|been\s+let\s+go"
        r"|(?:were|was)\s+let\s+go|is\s+leaving|are\s+leaving)"
        r"|(?:offices?|plants?|branch(?:es)?|locations?|sites?|warehouses?|stores?|facilit(?:y|ies)|yards?)"
        r"\s+(?:is\s+|are\s+|will\s+be\s+)?(?:closing|closed|shutting\s+down|shut\s+down|being\s+closed)"
        r"|permanently\s+closed|out\s+of\s+business|closed\s+(?:its|their)\s+doors"
        r"|no\s+longer\s+with\s+(?:the|their)\s+company"
        r"|(?:lost|losing)\s+(?:their|our|its|a)\s+(?:biggest|largest|main|key|anchor)\s+"
        r"(?:customer|client|contract|account))"
    ),
    "vendor_prioritization": (
        r"\b(?:vendors?|suppliers?|partners|subcontractors|subs)\s+(?:who|that)\s+(?:\w+\s+)?"
        r"(?:work(?:s|ing)?|partner\w*|play\s+ball|cooperat\w*|are\s+flexible|are\s+easier)\b"
        r"|\bprioriti[sz]\w*\s+(?:\w+\s+){0,2}(?:vendors|suppliers)"
        r"|\b(?:vendors|suppliers)\s+(?:\w+\s+){0,3}(?:first|ahead\s+of\s+(?:you|us)|before\s+(?:you|us))\b"
        r"|\bpay(?:ing)?\s+(?:\w+\s+){0,3}(?:vendors|suppliers)\s+first\b"
    ),
    "transparency": (
        r"\b(?:explain\w*|(?:was|were|been)\s+(?:upfront|open|honest)|walked\s+(?:me|us)\s+through"
        r"|(?:let|letting)\s+(?:me|us)\s+know\s+(?:that|about|why)|told\s+(?:me|us)\s+(?:that|about|why)"
        r"|shared\s+(?:that|details|the\s+reason)|gave\s+(?:me|us)\s+(?:a\s+|an\s+)?(?:heads.up|update))\b"
        r"|\b(?:because|due\s+to|since)\s+(?:of\s+)?(?:a\s+|an\s+|the\s+|their\s+|our\s+)?(?:\w+\s+){0,3}"
        r"(?:migration|system|erp|audit|approval|cash\s+flow|funding|customer|client|acquisition|merger"
        r"|leadership|staffing|backlog|close)\b"
    ),
    "proactive_contact": (
        r"\b(?:proactive\w*|unprompted|heads.up|before\s+we\s+(?:called|chased|reached\s+out|asked)"
        r"|reached\s+out\s+(?:first|ahead|early|before)|called\s+(?:us\s+)?(?:ahead|first|before))\b"
    ),
    "going_dark": (
        r"\b(?:(?:not|stopped|isn't|aren't|hasn't|haven't|won't)\s+(?:been\s+)?(?:returning|answering"
        r"|responding|replying)|went\s+(?:silent|quiet|dark)|gone\s+(?:silent|quiet|dark)|ghost\w*"
        r"|voicemail\s+(?:box\s+)?(?:is\s+)?full|(?:number|line)\s+(?:is\s+)?disconnected)"
    ),
}
_COMPLAINT = _regex.compile(r"disput|never (?:arrived|received|delivered)|not (?:received|delivered)|wrong|damaged"
                        r"|cracked|broken|incorrect|correct(?:ed|ion)|billed twice|double.billed|overcharg|credit note")

# Cheap substring checks run before each pattern: a text holding none of its words cannot match it.
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "specific_payment_date": ("pay", "wir", "check", "cheque", "ach", "transfer", "remit", "fund",
                              "releas", "send", "cut", "schedul", "process"),
    "operational_red_flags": ("laid", "lay", "furlough", "downsiz", "restructur", "freeze", "bankrupt",
                              "chapter", "insolven", "receiver", "administration", "clos", "business", "shut", "left",
                              "resign", "quit", "depart", "walked out", "let go", "leaving", "no longer",
                              "lost", "losing"),
    "vendor_prioritization": ("vendor", "supplier", "partners", "subcontractor", "subs"),
    "transparency": ("explain", "upfront", "open", "honest", "walked", "know", "told", "shared", "gave",
                     "because", "due to", "since"),
    "proactive_contact": ("proactive", "unprompted", "heads", "before we", "reached out", "called"),
    "going_dark": ("return", "answer", "respond", "reply", "silent", "quiet", "dark", "ghost", "voicemail",
                   "disconnect"),
    "temporary_issue": ("migration", "transition", "change", "upgrade", "switch", "conversion", "outage",
                        "new ", "end", "audit", "approval", "sign", "waiting", "seasonal", "one", "temporar",
                        "short", "sick", "leave", "vacation", "holiday", "cash", "slow"),
    "vague_promise": ("soon", "next", "shortly", "works", "working", "looking", "get", "as soon", "when",
                      "process", "queue", "will", "asap", "any day", "check", "waiting"),
}

# A payment date also needs a digit or one of these words: every alternative of `_WHEN` holds one.
# The check is exact only where the patterns run on the lower-cased text (see `_fold`).
_DATE_KEY = "payment_date_when"
_DATE_WORDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "run", "tomorrow", "tonight", "end of")
_DIGIT = _regex.compile(r"\d")

# The customer's own words only (a reminder we sent that names a date is not their commitment).
_CUSTOMER_VOICE_ONLY = {"specific_payment_date", "transparency", "vendor_prioritization"}

_CUE_PATTERNS: dict[str, str] = {
    # a passing, explainable problem: the "temporary issue" of the decision matrix
    "temporary_issue": (
        r"\b(?:(?:system|erp|software|accounting|ap|billing|bank)\s+(?:migration|transition|change"
        r"|upgrade|switch|conversion|outage)|new\s+(?:erp|system|accounting\s+system|bank|ap\s+\w+)"
        r"|(?:month|quarter|year)[- ]end|audit|approval|sign-?off|waiting\s+(?:on|for)\s+"
        r"(?:a\s+|an\s+|the\s+|their\s+|our\s+)?(?:\w+\s+)?(?:customer|client|funding|draw|payment|grant"
        r"|loan|insurance|owner)|seasonal|one-?off|temporar\w*|short-?term|out\s+sick|on\s+(?:leave"
        r"|vacation|holiday)|cash[- ]flow|tight\s+on\s+cash|slow\s+season)\b"
    ),
    # words that sound like a commitment without being one: the "excuses" of the decision matrix
    "vague_promise": (
        r"\b(?:soon|next\s+week|next\s+month|shortly|in\s+the\s+works|working\s+on\s+it|looking\s+into\s+it"
        r"|get\s+(?:back\s+)?to\s+(?:you|it)|as\s+soon\s+as\s+(?:we|they|possible)|when\s+(?:we|they)\s+can"
        r"|in\s+process|being\s+processed|in\s+the\s+queue|will\s+(?:see|try)|asap|any\s+day\s+now"
        r"|check(?:ing)?\s+(?:with|on)\s+(?:the|their|our|his|her|\w+)|waiting\s+on\s+(?:a\s+)?signature)\b"
    ),
}


@dataclass(frozen=True)
class PromiseOutcome:
    index: int
    outcome: str  # kept | broken | pending
    reason: str


def promise_outcomes(account: Account, as_of: date) -> list[PromiseOutcome]:
    """Each promise as kept, broken or pending. A promise left pending past its date plus a grace
    period counts as kept if the promised amount arrived after it was made, else broken."""
    outcomes = []
    for index, promise in enumerate(account.promises):
        amount = format_money(promise.amount, _promise_currency(account, promise.invoice))
        when = promise.promised_for.isoformat()
        if promise.kept is True:
            outcomes.append(PromiseOutcome(index, "kept", f"{amount} promised for {when}, paid"))
        elif promise.kept is False:
            outcomes.append(PromiseOutcome(index, "broken", f"{amount} promised for {when}, not paid"))
        elif as_of <= promise.promised_for + _PROMISE_GRACE:
            outcomes.append(PromiseOutcome(index, "pending", f"{amount} promised for {when}"))
        elif _paid_since(account, promise.made_on, as_of) >= promise.amount:
            outcomes.append(PromiseOutcome(index, "kept", f"{amount} promised for {when}, paid since"))
        else:
            outcomes.append(PromiseOutcome(index, "broken",
                                           f"{amount} promised for {when}; no payment of that size since"))
    return outcomes


def _promise_currency(account: Account, invoice_number: str | None) -> str:
    if invoice_number is not None:
        for invoice in account.invoices:
            if invoice.number == invoice_number:
                return invoice.currency
    return account.invoices[0].currency


def _paid_since(account: Account, start: date, end: date) -> Decimal:
    return sum((p.amount for p in account.payments if start <= p.date <= end), Decimal(0))


def unanswered_contacts(communications: list[Communication], as_of: date) -> list[int]:
    """Indexes of the outbound contacts, in date order, made since the customer last answered."""
    ordered = sorted([(c.date, i) for i, c in enumerate(communications) if c.date <= as_of])
    run: list[int] = []
    for _, index in ordered:
        comm = communications[index]
        if comm.direction == "inbound" or comm.responded:
            run = []
        elif comm.channel != "note":
            run.append(index)
    return run


def is_customer_voice(comm: Communication) -> bool:
    """Whether a communication records what the customer said (not just what we sent)."""
    if comm.direction == "inbound" or comm.responded:
        return True
    return comm.channel in ("call", "meeting") and comm.responded is not False


def _excerpt(text: str, start: int, end: int, limit: int = 140) -> str:
    """The sentence around text[start:end], trimmed to `limit` characters."""
    left = 0
    for mark in _SENTENCE_BREAK.finditer(text, 0, start):  # breaks never overlap: the last one counts
        left = mark.start() + 2
    mark = _SENTENCE_BREAK.search(text, end)
    right = mark.start() + 1 if mark else len(text)
    sentence = text[left:right].strip()
    if len(sentence) > limit:
        lo = max(0, start - left - limit // 3)
        sentence = ("…" if lo else "") + sentence[lo:lo + limit].strip() + "…"
    return sentence


@functools.lru_cache(maxsize=None)
def _pattern(key: str, ignore_case: bool = False) -> re.Pattern[str]:
    source = _TEXT_PATTERNS.get(key) or _CUE_PATTERNS[key]
    return _regex.compile(source, re.I) if ignore_case else _regex.compile(source)


@dataclass(slots=True)
class _Folded:
    """A text prepared for matching: what the patterns run on, and its lower-cased form for the
    trigger checks."""

    text: str
    folded: str
    ignore_case: bool
    lowered: str


def _fold(text: str) -> _Folded:
    """Lower-cased text, and whether patterns must ignore case instead. Matching lower-cased text
    with case-sensitive patterns is several times faster than re.IGNORECASE; when lower-casing
    changes the length (rare non-ASCII letters), the original text is matched case-insensitively
    instead, so spans always point into `text`."""
    folded = text.lower()
    if len(folded) == len(text):
        return _Folded(text, folded, False, folded)
    return _Folded(text, text, True, folded)


_WORDS_BY_KEY = {**_TRIGGERS, _DATE_KEY: _DATE_WORDS}


@functools.lru_cache(maxsize=None)
def _keys_by_word() -> dict[str, frozenset[str]]:
    """For each trigger word the keys it lets through: its own, and those of the shorter trigger
    words it starts with (a finder reports the longest word at a position; they occur there too)."""
    words = {word for triggers in _WORDS_BY_KEY.values() for word in triggers}
    return {word: frozenset(key for key, triggers in _WORDS_BY_KEY.items()
                            if any(word.startswith(t) for t in triggers)) for word in words}


@functools.lru_cache(maxsize=None)
def _trigger_finder() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """One pattern that finds, at every position of a text, the longest trigger word starting there,
    and the keys each word lets through."""
    keys_by_word = _keys_by_word()
    # a lookahead finds overlapping words ("sending" holds "send" and "end"); written as a trie,
    # the alternation checks each position in a few steps instead of one per word
    return _regex.compile(f"(?=({_trie_pattern(set(keys_by_word))}))"), keys_by_word


@functools.lru_cache(maxsize=None)
def _word_start_finder() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """`_trigger_finder` for the places where a word starts, in a text read with a space in front:
    after each character that is not an ASCII letter, digit or underscore. That is every place
    where a word starts and a few more (after an accented letter), and the pattern engine skips
    the letters between them without trying the words there."""
    keys_by_word = _keys_by_word()
    return _regex.compile(f"[^a-z0-9_](?=({_trie_pattern(set(keys_by_word))}))"), keys_by_word


def _trie_pattern(words: set[str]) -> str:
    """A pattern matching any of `words`, longest first where one starts another."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict[str, dict]) -> str:
        alternatives = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else f"(?:{'|'.join(alternatives)})"
        return f"(?:{body})?" if "" in node else body

    return branch(trie)


# The one-pass finders take ~10 ms to build: a command reading one account's few texts is done
# sooner with a substring test per word; a batch switches to the finder after this many texts.
_FINDER_AFTER_TEXTS = 64
_texts_read = 0


def _candidates(lowered: str) -> set[str]:
    """The pattern keys whose trigger words occur in `lowered` (and `_DATE_KEY` for a date word): a
    text holding none of a key's words cannot match its pattern."""
    global _texts_read
    if _texts_read < _FINDER_AFTER_TEXTS:
        _texts_read += 1
        return {key for key, words in _WORDS_BY_KEY.items() if any(map(lowered.__contains__, words))}
    finder, keys_by_word = _trigger_finder()
    return set().union(*map(keys_by_word.__getitem__, finder.findall(lowered)))


def _keys_to_try(text: _Folded) -> set[str]:
    """`_candidates`, with trigger words read only where a word starts when that loses no match.
    Every pattern meets its trigger words at the start of a word (after a space, a hyphen and the
    like), and a trigger of two words ("due to") has one space where the pattern allows any white
    space: in a text whose only white space is single spaces, and that the patterns read in lower
    case, a key whose words occur only inside other words ("end" in "sending") cannot match."""
    lowered = text.lowered
    if "  " in lowered or not lowered.isprintable():
        # a trigger of two words ("walked out") has one space where the text may break a line
        return _candidates(" ".join(lowered.split()))
    if text.ignore_case or _texts_read < _FINDER_AFTER_TEXTS:
        return _candidates(lowered)
    finder, keys_by_word = _word_start_finder()
    return set().union(*map(keys_by_word.__getitem__, finder.findall(" " + lowered)))


def text_signals(text: str, customer_voice: bool = True) -> list[tuple[str, str]]:
    """Signals in free text as (signal id, the sentence that shows it), at most one per id.

    `customer_voice` says the text records the customer's own words; when it is False, signals that
    only count as the customer's commitment or explanation (a payment date, a reason) are skipped."""
    folded = _fold(text)
    return _signals_in(folded, customer_voice, _keys_to_try(folded))


def _signals_in(text: _Folded, customer_voice: bool, candidates: set[str]) -> list[tuple[str, str]]:
    folded = text.folded
    found = []
    for signal_id in _TEXT_PATTERNS:
        if signal_id not in candidates:
            continue
        if not customer_voice and signal_id in _CUSTOMER_VOICE_ONLY:
            continue
        pattern = _pattern(signal_id, text.ignore_case)
        if signal_id == "specific_payment_date":
            match = _payment_date(pattern, text, candidates)
        else:
            match = pattern.search(folded)
        if match:
            found.append((signal_id, _excerpt(text.text, match.start(), match.end())))
    return found


def _payment_date(pattern: re.Pattern[str], text: _Folded,
                  candidates: set[str]) -> re.Match[str] | None:
    """The first mention of a payment date that is not negated ("can't pay on Friday")."""
    if not _may_name_a_date(text, candidates):
        return None
    folded = text.folded
    for match in pattern.finditer(folded):
        if not _NEGATION.search(folded[max(0, match.start() - 30):match.start()].lower()):
            return match
    return None


def _may_name_a_date(text: _Folded, candidates: set[str]) -> bool:
    return text.ignore_case or _DATE_KEY in candidates or _DIGIT.search(text.folded) is not None


def text_cues(text: str) -> set[str]:
    """Context cues in free text that are not signals: "temporary_issue", "vague_promise"."""
    folded = _fold(text)
    return _cues_in(folded, _keys_to_try(folded))


def _cues_in(text: _Folded, candidates: set[str]) -> set[str]:
    if candidates.isdisjoint(_CUE_PATTERNS):
        return set()
    return {cue for cue in _CUE_PATTERNS
            if cue in candidates and _pattern(cue, text.ignore_case).search(text.folded)}


def detect(account: Account, as_of: date, outcomes: list[PromiseOutcome] | None = None) -> list[Signal]:
    """Every signal in `account` as of `as_of`, patience signals first, each id at most once per
    source (a broken promise per promise, a partial payment per invoice, a text signal per note)."""
    return detect_with_cues(account, as_of, outcomes)[0]


def detect_with_cues(account: Account, as_of: date,
                     outcomes: list[PromiseOutcome] | None = None) -> tuple[list[Signal], set[str]]:
    """`detect`, and the context cues (see `text_cues`) of the customer's recent words and the notes,
    found in the same reading of each text."""
    signals, cues = signal_data(account, as_of, outcomes)
    return [Signal(**signal) for signal in signals], cues


def signal_data(account: Account, as_of: date, outcomes: list[PromiseOutcome] | None = None,
                unanswered: list[int] | None = None) -> tuple[list[dict[str, str]], set[str]]:
    """`detect_with_cues` with each signal as the fields of a `Signal` (for a caller that validates
    them as part of a larger model). `outcomes` and `unanswered` (see `promise_outcomes` and
    `unanswered_contacts`) are computed here unless given."""
    if outcomes is None:
        outcomes = promise_outcomes(account, as_of)
    if unanswered is None:
        unanswered = unanswered_contacts(account.communications, as_of)
    signals = _partial_payments(account)
    signals += _proactive_contacts(account, as_of)
    signals += _broken_promises(outcomes)
    signals += _going_dark(account, unanswered)
    signals += _late_disputes(account)
    text_found, cues = _text(account, as_of)
    signals += text_found
    return _dedupe(signals), cues


def _signal(signal_id: str, evidence: str, source: str) -> dict[str, str]:
    kind = "patience" if signal_id in PATIENCE else "acceleration"
    return {"id": signal_id, "kind": kind, "evidence": evidence, "source": source}


def _partial_payments(account: Account) -> list[dict[str, str]]:
    out = []
    for index, invoice in enumerate(account.invoices):
        balance = invoice.balance  # Invoice.open_balance, without a property call per invoice
        if balance is None:
            balance = invoice.amount
        if _ZERO < balance < invoice.amount:
            paid = format_money(invoice.amount - balance, invoice.currency)
            total = format_money(invoice.amount, invoice.currency)
            out.append(_signal("partial_payment",
                               f"{paid} of {total} paid on {invoice.number}, "
                               f"{format_money(balance, invoice.currency)} still open",
                               f"invoices[{index}]"))
    return out


def _proactive_contacts(account: Account, as_of: date) -> list[dict[str, str]]:
    """The latest inbound contact in the current episode with no outbound contact in the days before
    (only the latest is kept, see `_dedupe`)."""
    recent_since = as_of - _PATIENCE_WINDOW
    episode_start: date | None = None  # looked up with the first inbound contact that may count
    comms = account.communications
    outbound_dates: list[date] | None = None
    for index in reversed(range(len(comms))):
        comm = comms[index]
        if comm.direction != "inbound" or not recent_since <= comm.date <= as_of:
            continue
        if episode_start is None:
            episode_start = _episode_start(account, recent_since)
            if episode_start is None:
                return []  # nothing is open
        if comm.date < episode_start:
            continue
        if comm.summary and _COMPLAINT.search(comm.summary.lower()):
            continue  # raising a problem with the invoice is not goodwill about paying it
        if outbound_dates is None:
            outbound_dates = sorted([c.date for c in comms
                                     if c.direction == "outbound" and c.channel != "note"])
        # unprompted: the first outbound contact since the quiet days began came after this one
        first = bisect.bisect_left(outbound_dates, comm.date - _PROACTIVE_QUIET)
        if first == len(outbound_dates) or outbound_dates[first] > comm.date:
            what = comm.summary or f"{comm.channel} from the customer"
            return [_signal("proactive_contact",
                            f"{comm.date.isoformat()}: they got in touch before we chased ({_clip(what)})",
                            f"communications[{index}]")]
    return []


def _episode_start(account: Account, recent_since: date) -> date | None:
    """When the current episode began: the quiet days before the earliest open invoice fell due, or
    `recent_since` if that is later; None when nothing is open."""
    open_dues = [i.due for i in account.invoices if i.open_balance > _ZERO]
    return max(min(open_dues) - _PROACTIVE_QUIET, recent_since) if open_dues else None


def _broken_promises(outcomes: list[PromiseOutcome]) -> list[dict[str, str]]:
    return [_signal("broken_promise", o.reason, f"promises[{o.index}]") for o in outcomes if o.outcome == "broken"]


def _going_dark(account: Account, run: list[int]) -> list[dict[str, str]]:
    if len(run) < GOING_DARK_CONTACTS:
        return []
    comms = [account.communications[i] for i in run]
    channels = ", ".join(c.channel for c in comms)
    evidence = (f"{len(run)} outbound contacts since {comms[0].date.isoformat()} with no reply "
                f"({channels}; last {comms[-1].date.isoformat()})")
    sources = ", ".join(f"communications[{i}]" for i in run)
    return [_signal("going_dark", evidence, sources)]


def late_disputes(account: Account) -> list[tuple[int, int]]:
    """(dispute index, days after the due date it was opened) for disputes opened long after the
    invoice fell due: a problem found only once the money was chased may be a way to delay."""
    if not account.disputes:
        return []
    due_by_number = {i.number: i.due for i in account.invoices}
    out = []
    for index, dispute in enumerate(account.disputes):
        due = due_by_number.get(dispute.invoice)
        if due is not None and (dispute.opened - due).days >= LATE_DISPUTE_DAYS:
            out.append((index, (dispute.opened - due).days))
    return out


def _late_disputes(account: Account) -> list[dict[str, str]]:
    out = []
    for index, days_late in late_disputes(account):
        dispute = account.disputes[index]
        reason = f": {dispute.reason}" if dispute.reason else ""
        out.append(_signal("new_dispute_on_old_invoice",
                           f"{dispute.invoice} disputed on {dispute.opened}, {days_late} days after "
                           f"it fell due{reason}", f"disputes[{index}]"))
    return out


def _text(account: Account, as_of: date) -> tuple[list[dict[str, str]], set[str]]:
    """Signals in recent communications and in the notes; cues in the customer's recent words and
    in the notes. Of each text signal only the last one counts (see `_dedupe`), so the texts are
    read from the last (notes come after communications) and an id found is not looked for again."""
    out = []
    found: set[str] = set()
    cues: set[str] = set()
    notes = account.notes
    for index in reversed(range(len(notes))):
        text = _fold(notes[index])
        candidates = _keys_to_try(text)
        if not candidates:
            continue
        cues |= _cues_in(text, candidates)
        for signal_id, excerpt in _signals_in(text, True, candidates - found):
            found.add(signal_id)
            out.append(_signal(signal_id, f"note: \"{excerpt}\"", f"notes[{index}]"))
    since = as_of - _TEXT_WINDOW
    recent_since = as_of - _PATIENCE_WINDOW
    comms = account.communications
    for index in reversed(range(len(comms))):
        comm = comms[index]
        if not comm.summary or not since <= comm.date <= as_of:
            continue
        text = _fold(comm.summary)
        candidates = _keys_to_try(text)
        if not candidates:
            continue
        voice = is_customer_voice(comm)
        if voice:
            cues |= _cues_in(text, candidates)
        wanted = candidates - found
        if comm.date < recent_since:
            wanted -= _PATIENCE_IDS  # too old to reassure: not looked for
        if comm.direction == "outbound" and comm.responded is False:
            wanted.discard("going_dark")  # already counted from the structured `responded` flags
        for signal_id, excerpt in _signals_in(text, voice, wanted):
            found.add(signal_id)
            out.append(_signal(signal_id, f"{comm.date.isoformat()} {comm.channel}: \"{excerpt}\"",
                               f"communications[{index}]"))
    return out, cues


def _clip(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _dedupe(signals: list[dict[str, str]]) -> list[dict[str, str]]:
    """Signals about separate facts (each broken promise, partly paid invoice, late dispute) are all
    kept; of the others only the latest of each id, which is the one a collector needs. Patience
    signals come first."""
    latest: dict[str, dict[str, str]] = {}
    kept = []
    for signal in signals:
        if signal["id"] in _PER_FACT:
            kept.append(signal)
        else:
            latest[signal["id"]] = signal
    kept += latest.values()
    if len(kept) > 1:
        kept.sort(key=lambda s: _RANK[s["id"]])
    return kept
