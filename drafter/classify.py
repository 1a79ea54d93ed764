"""Content classifier: which of the 13 content categories a draft *asserts*.

The classifier reads a draft the way a reviewer would.  It finds candidate
statements with lexicon-driven patterns (an actor doing an action to an object,
or a mention of a remedy such as a late fee or a lien), then keeps only those the
draft actually asserts: it drops statements that are negated, reassuring,
quoted, reported from the customer, offered as a courtesy, or that merely look
alike ("the final invoice", "a credit to your account").

Pure standard library; each pattern is compiled the first time a draft needs it.
"""

from __future__ import annotations

import re
import threading
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from . import _regex, category_model

__all__ = ["CATEGORIES", "ALWAYS_FORBIDDEN", "Statement", "classify"]

CATEGORIES: tuple[str, ...] = (
    "urgency", "deadline", "late_fees", "suspension", "collections_agency",
    "legal_action", "credit_reporting", "personal_guarantee", "repossession", "abusive",
    "criminal_threat", "violence", "public_shaming",
)
ALWAYS_FORBIDDEN = frozenset({"abusive", "criminal_threat", "violence", "public_shaming"})


@dataclass(frozen=True, slots=True)
class Statement:
    category: str
    start: int
    end: int
    excerpt: str
    cue: str
    suggestion: str | None


SUGGESTIONS: dict[str, str] = {
    "urgency": "We'd appreciate your help getting this settled soon.",
    "deadline": "Could you let me know the date we can expect payment?",
    "late_fees": "I'd like to get this resolved before the account terms come into play.",
    "suspension": "I'd like to keep everything running smoothly for your team, so let's find a way to settle the balance.",
    "collections_agency": "I'd much rather resolve this directly with you; can we agree on a plan this week?",
    "legal_action": "I'd like to resolve this between our two teams; can we set up a call?",
    "credit_reporting": "Let's work out a plan together so this stays between us.",
    "personal_guarantee": "Let's find a plan that works for the business so we can close this out.",
    "repossession": "Let's agree on a plan so the equipment can stay on your job.",
    "abusive": "I understand things get busy; could you help me understand what's holding up payment?",
    "criminal_threat": None,
    "violence": None,
    "public_shaming": "This stays between our two companies; let's find a way to settle it.",
}


# --------------------------------------------------------------------------
# Pattern helpers
# --------------------------------------------------------------------------

class _Alternatives(str):
    """A lexicon as one regex alternation that remembers its parts (see `_rule_each`)."""

    parts: tuple[str, ...] = ()


def _alt(*words: str) -> str:
    alternation = _Alternatives("(?:" + "|".join(words) + ")")
    alternation.parts = words
    return alternation


# A word inside a gap; a gap never runs across a subordinate clause ("hold while I pull up the account").
_GAP_WORD = r"(?!(?:while|whenever|when|if|because|since|until|unless|although|though|whereas|but)\b)[\w'&-]+(?:[.,]\d+)*"


def _gap(max_words: int) -> str:
    """Up to `max_words` intervening words, never crossing sentence punctuation; an aside in brackets
    ("invoice NRG-22017 (natural gas supply, August)") counts as one word."""
    return rf"(?:[^\w.!?;(]+(?:{_GAP_WORD}|\([^()]{{1,60}}\))){{0,{max_words}}}?[^\w.!?;]+"


_DOUBLING = frozenset({"refer", "transfer", "stop", "ship", "drop", "admit", "commit", "submit", "remit", "plan", "bar"})


def _verb(base: str, double: bool = False) -> str:
    """Regex for the regular inflections of an English verb."""
    if double or base in _DOUBLING:
        return rf"{base}(?:s|{base[-1]}ed|{base[-1]}ing)?"
    if base.endswith("e"):
        return rf"{base[:-1]}(?:e|es|ed|ing)"
    if base.endswith("y") and base[-2] not in "aeiou":
        return rf"{base[:-1]}(?:y|ies|ied|ying)"
    return rf"{base}(?:s|ed|ing)?"


def _verbs(*bases: str) -> str:
    return _alt(*(_verb(base) for base in bases))


BE = r"(?:be|been|being|is|are|was|were|get|gets|got|go|goes|'s|'re)"
PAY_WORDS = (
    r"(?:pay|pays|paid|paying|payment|payments|remit|remits|remitted|remittance|settle|settled|settlement|"
    r"clear|cleared|resolve|resolved|funds|wire|transfer|balance|amount|cheque|check|ach|"
    r"respond|response|reply|hear|contact|call|confirm|confirmation|arrange|sign|signed|submit|send|"
    r"bring|brought|receive|received|outstanding|overdue|arrears|satisf(?:y|ies|ied))"
)
NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|twenty|thirty|forty[- ]?eight|seventy[- ]?two|a|an|a couple of|a few)"
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri)"
MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
DATE = _alt(
    rf"{ORDINAL} of (?:this|next|the) month", rf"(?:this |next |the coming |coming )?{WEEKDAY}\b(?:,? (?:the )?{ORDINAL}(?: of {MONTH})?|,? {MONTH}\.? {ORDINAL})?",
    rf"{MONTH}\.? {ORDINAL}\b(?:,? \d{{4}})?",
    rf"{ORDINAL} (?:of )?{MONTH}\b(?: \d{{4}})?",
    rf"the {ORDINAL}\b(?: of (?:{MONTH}|this month|next month|the month))?",
    r"\d{4}-\d{2}-\d{2}", r"\d{1,2}/\d{1,2}(?:/\d{2,4})?",
    r"today(?!'s)", r"tonight(?!'s)", r"tomorrow(?!'s)", r"tmrw|tmr",
    r"(?:the )?end of (?:the |this |next )?(?:day|week|month|business day|working day|quarter|year)", r"(?:the )?(?:month|week|quarter|year)[- ]end", r"the (?:week|month) is out",
    r"(?:the )?(?:close|end) of (?:business|play)(?: (?:today|tomorrow|on \w+|this \w+|next \w+))?",
    r"eod|cob|eow|eom|noon|midday|midnight", r"\d{1,2}(?::\d{2})? ?(?:am|pm|a\.m\.|p\.m\.)",
)
WINDOW = rf"(?:within(?: the next)?|(?<=the\s)next) {NUMBER} (?:\(\d+\) )?(?:business |working |calendar |banking )?(?:days?|hours?|hrs?|weeks?)|within the hour"
FIRM_TIME = _alt(
    rf"(?:by|before|(?<=no\s)later than|(?<=not\s)later than|prior to) (?:the )?(?:{DATE})",
    WINDOW, r"within (?:the next |a )?fortnight",
)


class _LazyPattern:
    """A module-level pattern compiled on first use, which then replaces itself in the module's
    globals: a command only pays for the patterns its text needs, and later calls pay nothing."""

    __slots__ = ("source", "name", "compiled")

    def __init__(self, source: str) -> None:
        self.source = source
        self.name = ""
        self.compiled: re.Pattern[str] | None = None

    def pattern(self) -> re.Pattern[str]:
        if self.compiled is None:
            self.compiled = _regex.compile(_flexible_spaces(self.source))
            if self.name:
                globals()[self.name] = self.compiled
        return self.compiled

    def match(self, *args):  # type: ignore[no-untyped-def]
        return self.pattern().match(*args)

    def search(self, *args):  # type: ignore[no-untyped-def]
        return self.pattern().search(*args)

    def finditer(self, *args):  # type: ignore[no-untyped-def]
        return self.pattern().finditer(*args)

    def findall(self, *args):  # type: ignore[no-untyped-def]
        return self.pattern().findall(*args)

    def split(self, *args):  # type: ignore[no-untyped-def]
        return self.pattern().split(*args)


def _c(pattern: str) -> re.Pattern[str]:
    return _LazyPattern(pattern)  # type: ignore[return-value]  # compiled on first use


# --------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------

class _Rule:
    """One candidate-statement pattern.

    kind "act": an agent does something (the customer as the agent does not count);
    "noun": a mention of a remedy (also checked for a negation after it and for cancellation);
    "inverted": the negation is part of the threat ("we can no longer ship");
    "plain": a fixed expression;
    "dated": a fixed expression kept only beside a statement of another category in its sentence.
    """

    __slots__ = ("category", "source", "kind", "requires", "compiled", "required")

    def __init__(self, category: str, source: str, kind: str, requires: tuple[str, ...]) -> None:
        self.category = category
        self.source = source
        self.kind = kind
        self.requires = requires
        self.compiled: re.Pattern[str] | None = None
        self.required: re.Pattern[str] | None = None

    def required_words(self) -> re.Pattern[str]:
        """One search for any of the `requires` words: cheaper than a slow pattern failing."""
        if self.required is None:
            self.required = _regex.compile(_any_of(self.requires))
        return self.required

    def pattern(self) -> re.Pattern[str]:
        """Compiled on first use: most drafts never need most rules."""
        if self.compiled is None:
            self.compiled = _regex.compile(_flexible_spaces(self.source))
        return self.compiled


def _any_of(words: tuple[str, ...]) -> str:
    """A regex matching where any of `words` starts, as a tree of shared prefixes: at each position
    only the branch for its next character is tried, where a flat alternation tries every word.
    A word that extends another is left out (wherever it starts, the shorter one does)."""
    tree: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in sorted(words, key=len):
        node = tree
        for char in word:
            if node.get("") is not None:
                break  # a shorter word already ends here
            node = node.setdefault(char, {})
        else:
            node.clear()
            node[""] = {}
    return _tree_regex(tree)


def _tree_regex(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    if "" in node:
        return ""
    branches = [re.escape(char) + _tree_regex(child) for char, child in sorted(node.items())]
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


RULES: list[_Rule] = []


def _rule(category: str, pattern: str, kind: str = "act", requires: tuple[str, ...] = ()) -> None:
    """Register a rule. `requires`: substrings of which one must follow the start of a match in its
    sentence; a cheap test that spares slow patterns (long gaps) where they cannot match."""
    RULES.append(_Rule(category, pattern, kind, requires))


def _rule_each(category: str, group: str, lexicon: str, kind: str, tail: str = "") -> None:
    """One rule per lexicon entry: each small pattern is compiled only when a draft contains a word
    it can start with, where one big alternation would be compiled for any of them."""
    for part in lexicon.parts:  # type: ignore[attr-defined]
        _rule(category, rf"(?P<{group}>{part}){tail}", kind)


# ---- suspension ----------------------------------------------------------
SUSPEND_ACT = _alt(
    _verb("suspend"), _verb("pause"), _verb("disable"), _verb("deactivate"), _verb("disconnect"),
    r"cut(?:s|ting)? off", r"shut(?:s|ting)? (?:off|down)", _verb("turn") + r" off", _verb("switch") + r" off",
    _verb("lock") + r"(?: out)?", r"pull(?:s|ed|ing)?(?= (?:your |the |all |any )?(?:\w+(?:'s)? )?(?:access|log-?ins?|services?|account|api|licen[cs]es?|seats|subscriptions?|credit|support|supply|terms|phones?|internet|hosting|website|portal|platform)\b)", _verb("block"), r"freez(?:e|es|ing)|froze|frozen", _verb("restrict"),
    _verb("revoke"), _verb("terminate"), r"cancel(?:s|led|ed|ling|ing)?", _verb("halt"),
    r"stop(?:s|ped|ping)?(?! by| in\b| over)", _verb("discontinue"), _verb("interrupt"),
    r"withh(?:old|olds|eld|olding)", r"h(?:old|olds|eld|olding)(?! off| an account| accounts)", _verb("downgrade"),
    r"clos(?:e|es|ed|ing)",
    _verb("deny"), _verb("sever"), r"pull(?:s|ed|ing)? the plug on", r"h(?:old|olds|olding|eld) back", r"put(?:s|ting)? a stop (?:on|to)", r"turn(?:s|ed|ing)? away", _verb("deprovision"), _verb("offboard"), r"withdr(?:aw|aws|awing|ew|awn)",
)
_SUSPEND_HINTS = (
    "suspend", "paus", "disabl", "deactiv", "disconnect", "cut", "shut", "turn", "switch", "lock", "block", "froz",
    "restrict", "revok", "terminat", "cancel", "halt", "stop", "discontinu", "interrupt", "withh", "held", "downgrad",
    "clos", "taken", "denied", "hold", "withdrawn", "pulled", "removed", "deprovision", "offboard", "read-only",
    "ceas", "dark", "offline", "down", "lapse", "expir", "end", "unavail", "inaccess", "longer", "silent", "quiet", "dead",
    "cold", "sit", "stay", "remain", "kept", "parked", "sever", "only", "barred", "unanswered", "ignored",
)
SUSPEND_OBJ = _alt(
    r"services?(?! (?:team|desk|invoice|ticket|tickets|request|requests|agreement|rep|representative|department|charge|fee|ticket|call|provider|date|period|dates))",
    r"account(?! (?:team|manager|managers|executive|rep|representative|number|owner|statement|details|name|holder|payable|receivable|summary|history|page|settings|balance|contact))",
    r"access", r"log-?ins?", r"credentials", r"users?(?: accounts)?", r"seats", r"licen[cs]es?", r"subscriptions?",
    r"platform", r"portal", r"software", r"app", r"api(?: keys?)?", r"integrations?", r"workspaces?", r"dashboards?",
    r"shipments?", r"shipping", r"consignments?", r"cargo", r"(?:product |marketplace )?listings", r"processing(?! (?:fees?|charges?|times?))", r"(?:next |your )container", r"loads", r"trucks", r"work orders?", r"purchase orders?", r"deliver(?:y|ies)", r"orders?", r"suppl(?:y|ies)",
    r"(?:line of credit|credit line|credit terms|credit limit|credit facility|trade credit|credit privileges|open credit|credit account|terms)",
    r"support(?! (?:team|ticket|tickets|desk|portal|case|cases|request|requests|staff|line|agents?|articles?|cent(?:er|re)))", r"maintenance", r"work on (?:the|your) (?:project|site|job)", r"(?:crews?|work) on site", r"hosting", r"website",
    r"phone lines?", r"phones(?! (?:call|calls|number|numbers))", r"sim(?: cards?)?|sims", r"mobiles?|handsets?", r"connectivity", r"internet", r"fulfil+ment", r"environment", r"instance", r"tenant",
    r"supplying", r"servicing", r"delivering", r"(?:dispatch|despatch)(?:es)?(?! (?:team|note|notes|date|dates|details|confirmation|address|centre|center|area|times?))", r"placements?", r"(?:temp|temporary|agency|contract) (?:workers|staff|labou?r)", r"(?:card |payment |pos )?terminals", r"(?:fuel|fleet|trade|store|purchase|charge|account) cards?", r"backups?", r"(?:backup|sync|scheduled|print|build) jobs", r"(?:site )?works(?= on (?:site|the site|your site))", r"(?<=the\s)works\b", r"work on (?:the|your) (?:\w+ ){0,2}?(?:project|site|job|extension|build|contract|development|scheme|refit|fit-?out)", r"(?:site |building |security |access )?(?:passes|badges|key ?cards|fobs|permits)", r"connections?(?! (?:fee|charge|details))", r"control (?:panels?|units?|systems?)", r"telematics", r"remote (?:access|monitoring|control)", r"devices?", r"generators?", r"machines?",
)
_rule("suspension", rf"(?P<act>{SUSPEND_ACT})(?! (?:billing|charging|invoicing|the (?:billing|charges|invoices?)|(?:all |any |the |our )?(?:reminders|chasers|dunning|follow-?ups|collection (?:calls|emails|activity)))\b){_gap(4)}(?:all |any |your |the |our )*(?P<obj>{SUSPEND_OBJ})\b(?! (?:is|are) (?:fully )?(?:active|restored))")
_rule("suspension", rf"\b(?P<obj>{SUSPEND_OBJ})\b{_gap(7)}(?P<act>(?:{BE} |will |'ll |may |might |could |would |have |has |had )(?:\w+ )?(?:cut|withdrawn|pulled|removed|deprovisioned|offboarded|(?:switched|set|changed|moved|made|limited|restricted|downgraded) (?:to )?(?:read-only|read only|view-only|view only)|read-only|view-only|barred|suspended|paused|disabled|deactivated|disconnected|cut off|severed|shut off|shut down|turned off|switched off|locked(?: out)?|blocked|frozen|restricted|revoked|terminated|cancell?ed|halted|stopped|discontinued|interrupted|withheld|held|downgraded|closed|taken offline|taken down|denied|put on hold|placed on hold)\b|(?:on (?:pause|ice)|on (?:a )?(?:credit |shipping |order |account )?hold(?! for (?:pick-?up|collection|you\b)))|(?:will |'ll |would |may |might |could |shall |are going to |is going to )?(?:\w+ )?(?:stop(?:s)? (?:working|functioning|shipping|going out|being processed|being shipped)|stop\b(?! by)|cease(?:s)? to (?:work|function)|go(?:es)? (?:dark|offline|down|silent|quiet|dead|cold)|(?:switch|switches|go|goes|turn|turns) (?:to )?(?:read-only|read only|view-only|view only)|(?:sit|sits|stay|stays|remain|remains|be (?:kept|parked|held)) (?:in|at) our (?:bonded )?(?:warehouse|depot|yard|dispatch area|facility|premises)|lapse|expire|ends?\b(?! of)|be (?:unavailable|inaccessible|interrupted|offline)|become (?:unavailable|inaccessible)|no longer (?:work|function|be (?:available|accessible|active))))", requires=_SUSPEND_HINTS)
_rule("suspension", rf"\b(?:put|puts|putting|place|places|placed|placing|keep|keeping)\b{_gap(3)}(?P<obj>{SUSPEND_OBJ}){_gap(3)}?\s*(?P<act>on (?:a )?(?:credit |shipping |order |account |administrative )?hold|on (?:ice|pause|stop))")
_rule("suspension", rf"(?P<act>tak(?:e|es|en|ing)|took)\b{_gap(3)}(?P<obj>{SUSPEND_OBJ}) (?:offline|off ?line|down)\b")
_rule("suspension", rf"(?P<act>tak(?:e|es|en|ing)|took|cut(?:s|ting)?|kick(?:s|ed|ing)?|drop(?:s|ped|ping)?|remov(?:e|es|ed|ing)|disconnect\w*)\b{_gap(3)}off (?:the |our )?(?P<obj>network|grid|platform|system|servers?|portal)\b")
_rule("suspension", rf"(?P<act>pull(?:s|ed|ing)?|remov(?:e|es|ed|ing)|tak(?:e|es|en|ing)|took|drop(?:s|ped|ping)?|strik(?:e|es|ing)|struck|cross(?:es|ed|ing)?)\b{_gap(3)}(?:from|off) (?:the |our |this week's |next week's )?(?P<obj>(?:delivery|shipping|dispatch|despatch|production|installation|service|maintenance|supply) (?:schedules?|lists?|runs?|rotas?|queues?|plans?|calendars?|routes?))\b")
_rule("suspension", rf"(?P<act>(?:put|puts|putting|place|places|placed|placing|impos\w*) an? (?:block|stop|freeze|bar|ban|embargo)) (?:on|against) (?:your |all |any |the )*(?:further |new |future |pending )?(?P<obj>orders?|shipments?|deliver(?:y|ies)|account|supply|supplies|credit|access|dispatch(?:es)?)\b")
_rule("suspension", rf"(?P<obj>(?:support )?(?:tickets|requests|queries|calls|emails|cases))\b{_gap(5)}(?P<act>(?:go|goes|will go|'ll go) unanswered|(?:will|'ll) (?:be )?(?:ignored|deprioriti[sz]ed|left unanswered))")
_rule("suspension", rf"(?P<act>remov(?:e|es|ing)|strip(?:s|ping)?|revok(?:e|es|ing))\b(?: \w+)?? your (?:team's |company's |staff's |\w+ )?(?P<obj>seats|users?|licen[cs]es?|log-?ins?|access|credentials|passes|badges|permissions)\b")
_rule("suspension", r"(?P<act>no (?:more|further) (?:\w+ ){0,2}?(?:deliveries|orders|shipments|stock|goods|loads|trucks)) (?:go|goes|get|gets|leave|leaves|ship|ships)\b", "plain")
_rule("suspension", r"(?P<obj>(?:all |your |any )?orders) (?:are|will be|now|must be|go) (?:now )?(?:on )?(?P<act>cash on delivery|c\.?o\.?d\.?|cash in advance|prepaid|pro-?forma(?: only)?)\b")
_rule("suspension", r"(?P<obj>credit (?:limit|line|terms)) (?:is|has been|will be|'s) (?:now )?(?:reduced |cut |set |dropped )?(?:to )?(?P<act>(?:\$|£|€)?0(?:\.00)?|zero|nil|withdrawn)\b")
_rule("suspension", r"(?P<act>no (?:more|further)|nothing (?:more|further|else)?) (?:\w+ ){0,2}?(?:will|is going to|'ll|can|shall) (?:be )?(?P<obj>leave|leaving|ship|shipped|go out|dispatched|despatched|released|sent out|delivered|supplied)\b", "plain")
_rule("suspension", r"(?P<act>(?:logged|locked|kicked|shut|frozen|barred|blocked) out) of (?:the |your |our )?(?P<obj>system|platform|portal|account|app|software|dashboard|tools?|workspace)\b")
_rule("suspension", rf"\b(?P<obj>{SUSPEND_OBJ}){_gap(5)}(?P<act>(?:won't|will not|can't|cannot|can no longer|will no longer|no longer|will not be able to) (?:be )?(?:accepted|processed|shipped|fulfill?ed|released|delivered|honou?red|scheduled|dispatched|supplied|extended|renewed|available))", "plain")
_rule("suspension", rf"\b(?P<act>lose|losing|lost|loss of|(?<=no\s)longer (?:have|has))\b(?: (?:all|your|the|any))* (?P<obj>access|log-?ins?|service|the ability to (?:log in|order|place orders|use))")
_rule("suspension", rf"(?P<act>(?:unable|(?<=not\s)able) to) (?P<obj>log ?in|sign in|access|place (?:new )?orders|order|use the (?:platform|portal|software|app))")
_rule("suspension", rf"\b(?P<act>(?:suspension|interruption|disconnection|deactivation|termination|cancell?ation|shutoff|shut-off|cut-?off|loss|withdrawal|revocation|restriction|closure|freezing|blocking|lockout)) (?:of|to|in|on) (?:your |the |all |any )*(?P<obj>{SUSPEND_OBJ})", "noun")
_rule("suspension", r"\b(?P<act>(?:service|account|access|platform|subscription) (?:suspension|interruption|disconnection|deactivation|termination|shutoff|lockout|lock-out)|(?:credit|shipping|account|order|administrative) hold|stop[- ]ship(?:ment)?|shipping freeze|order freeze)\b", "noun")
_rule("suspension", rf"(?P<obj>(?:ship|deliver|release|process|accept|fulfil+|extend|provide|support|supply|honou?r|service|dispatch|schedule|start|continue|load|pack|send|despatch|fill|book|roster|cover)\w*(?: (?:any|your|new|further|additional|future|more|open|pending|the|three|two|four|five))* (?:next |upcoming |following )?(?:(?:batch|round|load|lot|consignment|run) of )?(?:anything(?: further| more| else)?|(?:\w+ ){0,3}?on (?:credit|account|open terms|terms)|(?:\w+ )?(?:orders?|shipments?|deliver(?:y|ies)|credit|work|service|services|goods|materials|products|equipment|terms|jobs?|projects?|stock|parts|supplies|inventory|product|items|temps|workers|staff|crews?|drivers|labou?r|engineers|technicians|operatives|shifts|nurses|carers|bookings|containers|cargo|consignments|specimens|samples|tests|listings|runs|batches)))", "inverted")
_rule("suspension", rf"(?P<act>cash in advance|cash on delivery|c\.?o\.?d\.?|prepayment|pre-payment|(?<=payment\sin\s)advance|(?<=payment\s)upfront|(?<=payment\sup\s)front|prepaid|pre-?pay)\b{_gap(6)}(?P<obj>(?:future|new|further|additional|any|all|upcoming) (?:orders|shipments|deliveries|work|purchases))")
_rule("suspension", rf"(?P<obj>(?:future|new|further|additional|upcoming) (?:orders|shipments|deliveries|work|purchases)){_gap(4)}(?:will |would )?(?:require|need|be on|be shipped on|ship on|be subject to|be (?:accepted|taken|processed|released|supplied|fulfilled|dispatched|despatched) on)\w* (?P<act>cash in advance|cash on delivery|c\.?o\.?d\.?|prepayment|pre-payment|payment in advance|payment up ?front|advance payment|to be (?:paid|prepaid) (?:on a pro-?forma(?: basis)?|up ?front|in advance)|(?:a )?(?:pro-?forma|prepaid|cash(?:-| )in(?:-| )advance) basis)")
# Held back until paid, told in the passive or by who stays away: "the containers will not be released for onward
# delivery until all charges have been paid", "the crew won't be back on site until this is resolved".
_rule("suspension", r"(?P<obj>(?:containers|goods|orders?|shipments?|deliveries|consignments?|cargo|stock|parts|materials|equipment|products|items|pallets|vehicles|(?:licen[cs]e )?keys|licen[cs]es|crews?|engineers|staff|drivers|technicians|workers|operatives|team))(?: [\w-]+){0,4}? (?:(?:will|shall|can|would) not|won't|wouldn't|can't|cannot|shan't) (?:be )?(?P<act>released|shipped|delivered|dispatched|despatched|accepted|processed|fulfilled|supplied|scheduled|booked|sent|loaded|renewed|back|attend\w*|return\w*|come|go out)\b(?=[^.!?]{0,80}\b(?:until|unless|till)\b[^.!?]{0,60}\b(?:paid|cleared|settled|received|resolved|sorted|brought up to date))", "plain")
_rule("suspension", r"(?P<act>down tools)\b", "plain")
_rule("suspension", r"(?P<act>(?:to )?avoid (?:any )?(?:interruption|disruption|suspension|break|pause|loss)s? (?:to|in|of) (?:your |the )?(?:[\w']+ ){0,3}?(?:access|service|services|deliveries|delivery|supply|account|subscription|workspace|orders|shipments|platform|licen[cs]es|seats|cover|passes|badges|log-?ins|portal|dashboards?))\b", "plain")
_rule("suspension", r"(?P<act>to keep (?:your |the )?(?:\w+ ){0,4}?(?:deliveries|orders|service|access|supply|shipments|account|shifts) (?:on schedule|running|flowing|going|active|open|on track|coming))\b", "plain")
_rule("suspension", r"(?P<act>(?:you're|you are|you'll be|you will be|(?:your |the )?account (?:is|will be|goes|'ll be|will go)|orders? (?:are|will be)) (?:\w+ )?on (?:a )?stop)\b", "plain", requires=("stop",))
_rule("suspension", r"\b(?P<act>(?:won't|will not|can't|cannot|shan't) be (?:rostering|supplying|sending|placing|providing|booking|scheduling|shipping|delivering|dispatching|despatching|releasing|accepting|processing|taking)) (?:any )?(?:more|further|new|any)\b[^.!?]{0,60}?\b(?:until|till|unless)\b", "plain", requires=("until", "till", "unless"))
_rule("suspension", r"(?P<act>pull\w*|withdraw\w*|remov\w*|tak(?:e|es|ing)) (?:all )?(?:of )?(?:our |the )?(?:\w+ )?(?P<obj>staff|workers|crews?|temps|nurses|people|team|labou?r|labourers|operatives|carers|guards|security|cleaners|drivers|engineers|pickers|packers|fitters|installers|technicians|contractors|operators|riggers|electricians|plumbers) (?:from|off|out of) (?:your|the)\b", requires=("from", "off", "out of"))
_rule("suspension", r"(?P<act>(?:whether|if) (?:they|we|i) should (?:carry on|keep|continue|still be) \w+ing) (?:your )?(?:orders|goods|stock|deliveries|shipments)\b", "plain", requires=("should",))
_rule("suspension", r"(?P<act>(?:hate|shame|pity)\b[^.!?]{0,60}\b(?:log ?in|sign in|log on)\b[^.!?]{0,30}\bfind (?:nothing|it (?:gone|empty|locked)|no access))", "plain", requires=("find",))
_rule("suspension", r"(?P<act>(?:hate|shame|pity|wouldn't want|would not want)\b[^.!?]{0,80}?\b(?:can't|cannot|couldn't|unable to|no longer able to) (?:log ?in|sign in|access|order|place orders|get (?:deliveries|stock|parts)))", "plain")
_rule("suspension", r"(?P<act>cash[- ](?:before|ahead of|prior to|with)[- ](?:dispatch|despatch|delivery|shipping|shipment|order)|(?:payment|prepayment) (?:before|prior to|ahead of) (?:dispatch|despatch|shipping|shipment))\b", "plain")
# The consequence told by what the reader finds: "turn up one morning and find nothing loaded",
# "a platform is of little use once nobody can log in".
_rule("suspension", rf"(?P<act>(?:turn|turns|come|comes|arrive|arrives|show|shows|log|logs|try|tries)\b{_gap(10)}(?:find|finds|discover|discovers)\b[^.!?]{{0,30}}?\b(?:nothing (?:loaded|there|waiting|on the (?:truck|shelf|dock))|(?:can't|cannot|can no longer|unable to|won't let (?:them|you|him|her|anyone)|no longer able to) (?:log ?in|sign ?in|access|order|get in)|(?:it|everything|the (?:\w+ )?(?:system|account|portal|platform|software|app|workspace|dashboard)) (?:locked|gone|switched off|shut|offline|dark|empty)|no (?:access|stock|goods|deliveries)))", "plain")
_rule("suspension", r"(?P<act>(?:(?<=little\s)|(?<=no\s)|(?<=much\s))use|stops? being (?:useful|usable|much use))\b[^.!?]{0,60}?\b(?:once|when|if) (?:nobody|no one|none of (?:you|your \w+|them))\b[^.!?]{0,30}?\b(?:can|could|is able to|are able to) (?:log ?in|sign ?in|access|use)\b", "plain")
_rule("suspension", r"(?P<act>(?<=no\s)(?:payment|pay|money|cash),? no (?:more )?(?:deliveries|delivery|supply|service|orders|goods|stock|access|shipments))\b", "plain")
_rule("suspension", rf"(?P<act>(?:shame|pity) if|hate for)\b{_gap(3)}(?P<obj>{SUSPEND_OBJ})\b{_gap(3)}(?:stopped|failed|didn't|did not|were (?:delayed|held|paused)|went (?:missing|astray)|suddenly|found (?:itself|themselves)|ended up|slipped)\b")
_rule("suspension", rf"(?P<act>move|moving|moved|switch|switching|convert|converting|change|changing)\b{_gap(3)}(?P<obj>(?:cash in advance|cash on delivery|c\.?o\.?d\.?|prepay(?:ment)?|pre-pay(?:ment)?|payment in advance|pro-?forma)(?: terms| basis| only| invoicing)?)")

# ---- collections_agency --------------------------------------------------
AGENCY = _alt(
    r"(?:third[- ]party |outside |external |independent |professional )?(?:debt[- ])?(?:collection|collections)(?: agenc(?:y|ies)| firms?| compan(?:y|ies)| partners?| providers?| bureaus?| services? (?:firm|company|provider))",
    r"(?:third[- ]party |outside |external )?debt[- ]?(?:recovery|collection)(?: agenc(?:y|ies)| firms?| compan(?:y|ies)| partners?| specialists?| services?| team)?",
    r"(?:third[- ]party |outside |external |independent |professional )?(?<!disaster\s)(?<!data\s)(?<!backup\s)recovery (?:agenc(?:y|ies)|agents?|firms?|compan(?:y|ies)|partners?|specialists?|services|solutions)",
    r"(?:collection|collections|debt) agents?", r"debt (?:solutions|management|recovery) (?:firm|company|agency|specialists?)",
    r"(?:third[- ]party |outside |external |professional |debt )collectors?", r"(?<=a\s)collector\b", r"(?<=the\s)collectors?\b(?! at| of)",
    r"(?:third[- ]party|outside|external) (?:agenc(?:y|ies)|firms?|partners?|part(?:y|ies)|collections?|recovery)",
    r"debt (?:buyers?|purchasers?)", r"(?:friends|partners|colleagues|people|team) at \w+ (?:recovery|collections?|credit management)\b",
    r"(?:credit insurer'?s?|insurer'?s?|insurance company'?s?) (?:recovery|collections?) (?:team|department|agents?|unit)",
    r"(?:stranger|strangers|someone|somebody|people) from an? (?:collection |debt |recovery )?agency\b(?=[^.!?]{0,30}\b(?:ring|call|phon|chas|knock|turn|visit|show)\w*)",
    r"(?:firms?|compan(?:y|ies)|agenc(?:y|ies)|outfits?|partners?|specialists?|people) (?:(?:that|which|who) (?:speciali[sz]es?|focus(?:es)? on|deals? with|handles?|concentrates? on|chases?|pursues?|recovers?|collects?)|whose (?:\w+ ){0,2}?(?:business|job|trade|line of work|speciality|specialty) is) (?:in )?(?:getting (?:money|debts?|payments?|what(?:'s| is) owed) back|recover\w*|collect\w*|chasing|unpaid|overdue|debts?)",
    r"(?:(?<=to\sa\s)|(?<=with\sa\s))third[- ]part(?:y|ies)\b(?! (?:vendor|payment|processor|software|app|integration|logistics|warehouse|carrier|provider|platform|tool))",
)
_rule_each("collections_agency", "obj", AGENCY, "noun", r"\b")
_rule("collections_agency", r"(?:(?<=to\s)|(?<=into\s)|(?<=with\s)|(?<=in\s)|(?<=for\s)|(?<=to\sthe\s))(?P<act>collections?)\b(?! (?:of|team|teams|department|dept|process|activity|activities|calls?|emails?|notices?|polic(?:y|ies)|schedule|manager|specialists?|queue|letters?|system|software|tools?|reports?|workflow|cadence|efforts?|strategy|best|page|portal|practices?|costs?|fees?|on|at|against|agents?|staff|rep|from|point|by|slot|window|date|time|address|yard|yards|depot|bay|area|van|vans|trucks?|route|run|days?))")
_rule("collections_agency", rf"(?P<act>{_verbs('hand', 'refer', 'pass', 'assign', 'transfer', 'send', 'forward')}|sent|turn(?:s|ed|ing)? over)\b{_gap(4)}to (?:\w+ ){{1,2}}(?P<obj>collections|recovery)\b(?! (?:team|teams|department|dept|process|queue|desk|manager))")
_rule("collections_agency", r"(?P<obj>(?:debt|account|balance|receivable|invoice)s?) (?:has|have|had|will|is|was|were|'s) (?:been |be |being )?(?P<act>sold|purchased|bought)\b")
# Described by how they are paid: "someone who only gets paid when you do", "a commission on what they recover".
_rule("collections_agency", r"(?P<act>(?:only )?gets? paid (?:only )?(?:when|if|once) you (?:do|pay)|(?:commission|(?<=a\s)(?:percentage|cut|share)) (?:on|of) (?:what|whatever|anything|everything|the money) (?:they|he|she) (?:recover|collect|get back|bring in))\b", "plain")
_rule("collections_agency", r"(?P<act>(?:won't|will not|wouldn't|doesn't|does not) (?:work for us|be (?:from us|on our payroll|one of (?:ours|us))|come from us))\b(?=[^.!?]{0,60}\b(?:someone|somebody|they|it'll|it will|an? (?:firm|agency|company|collector)|people))", "plain")
_rule("collections_agency", rf"(?P<act>sell|sells|sold|selling|assign|assigning|assigned)\b{_gap(2)}(?P<obj>(?:the |this |your )?(?:debt|account|balance|receivable|invoice)s?)\b(?! (?:manager|team))")

# ---- legal_action --------------------------------------------------------
LEGAL_NOUN = _alt(
    r"lawyers?", r"(?<!district\s)(?<!power\sof\s)attorneys?(?! general)", r"counsel(?:s)?\b(?! you)", r"solicitors?", r"law firms?", r"legal (?:team|department|dept|counsel|representatives?|advisors?|advisers?|partners?)",
    r"collections? (?:attorneys?|lawyers?|counsel|law firm)", r"legal\b(?= (?:will|would|may|might|is going|are going|involved|get involved))",
)
_LEGAL_NOUN_WORDS = ("lawyer", "attorney", "counsel", "solicitor", "law firm", "legal")
LEGAL_STRONG = _alt(
    r"law ?suits?", r"litigat(?:e|ion|ing)", r"legal (?:action|actions|proceedings?|steps|measures|remed(?:y|ies)|options|recourse|route|process|claims?|case|avenues|channels|means)",
    r"court (?:action|proceedings?|claims?|order|judge?ments?|case|filing)", r"small[- ]claims", r"(?:county|district|magistrate|magistrates|civil|circuit|superior|local|high|supreme|sheriff|federal|commercial) court", r"statement of claim", r"adjudication (?:application|claim|proceedings)", r"(?:ask|asks|asking|apply|applying|petition\w*) (?:to )?(?:a|the) (?:judge|court|magistrate)",
    r"(?:obtain|enter|secure|seek|get)(?: a)? (?:court )?judge?ment", r"(?:court |default |money )?judge?ments? against", r"(?:court|default) judge?ments?",
    r"(?:(?<=to\s)|(?<=into\s)|(?<=in\s)|(?<=before\s)|(?<=to\sa\s)|(?<=in\sa\s))court\b(?! reporter| reporting)", r"(?:(?<=before\sa\s)|(?<=before\sthe\s)|(?<=to\sa\s)|(?<=to\sthe\s))judge", r"(?:file|files|filed|filing|issue|issues|issued|issuing|lodge|lodges|lodged|lodging) (?:a |our |the |an |formal )?(?:suit|claim|lawsuit|complaint)(?! (?:with|for) (?:your|the) (?:insurer|insurance|carrier))", r"charging orders?", r"(?:file|files|filed|filing|lodge|lodges|lodged|lodging|initiate|initiating) (?:a )?criminal (?:complaint|case|proceedings)", r"adjudication application", r"attachment of earnings", r"third[- ]party debt orders?",
    r"(?:mechanic'?s'?|materialman'?s|construction|builder'?s|statutory) liens?", r"liens?\b(?! waivers?| releases?| release forms?)",
    r"notice of intent to lien", r"bond claims?", r"claim (?:against|on) (?:the|your) (?:payment )?bond", r"stop notices?",
    r"statutory demand", r"winding[- ]up (?:petition|order|proceedings)", r"letter before (?:action|claim)", r"demand letter",
    r"garnish(?:ment|ee|ing)?", r"writ of", r"enforcement (?:action|proceedings|agents?|officers?)", r"bailiffs?", r"ccjs?", r"county court judge?ments?", r"(?:court|legal) papers", r"summons(?:es)?\b", r"served with (?:a |the )?(?:claim|writ|papers|notice)", r"legal (?:letter|notice|demand)s?",
    r"(?:initiate|commence|start|begin|file for|pursue) arbitration", r"arbitration proceedings",
    r"(?:formal|recovery) proceedings", r"particulars of claim", r"claim form", r"(?:(?<=let\sa\s)|(?<=let\sthe\s)|(?<=front\sof\sa\s)|(?<=front\sof\sthe\s))(?:judge|court|magistrate)", r"(?:draft(?:ed|ing)?|prepar(?:ed|ing)) (?:the |a |our )?(?:complaint(?! (?:to|with|for) the (?:police|authorities|fraud squad))|claim form|lawsuit|suit|petition|court filing)", r"ready to file\b",
)
_rule_each("legal_action", "act", LEGAL_STRONG, "noun", r"\b")
_rule("legal_action", r"\b(?P<act>(?:sue|sues|sued|suing))\b(?=\s+(?:you|your|the|them|for|to|in|over|on)\b)")
_rule("legal_action", r"(?:(?<=will\s)|(?<=to\s)|(?<=ll\s)|(?<=may\s)|(?<=might\s)|(?<=could\s)|(?<=would\s)|(?<=not\s))(?P<act>sue)\b")
_rule("legal_action", rf"(?P<act>(?:pursue|pursuing|apply|applying|exercise|exercising|enforce|enforcing|reserve|reserves|reserving|use|using|seek|seeking)\b(?: (?:all|any|every|our|its|of our|the))*(?: available| other)? (?:legal |contractual |statutory )?(?:remed(?:y|ies)|rights and remedies|rights|options available))")
_rule("legal_action", rf"(?P<act>{_verbs('involve', 'refer', 'forward', 'escalate', 'transfer', 'assign', 'engage', 'retain', 'instruct', 'consult', 'route', 'brief')}|hand(?:s|ed|ing)?(?: over| off)?|pass(?:es|ed|ing)?(?: on| along)?|sen(?:d|ds|t|ding)|turn(?:s|ed|ing)? over|giv(?:e|es|en|ing)|gave|bring(?:s|ing)? in|brought in|get(?:ting)?|call(?:s|ed|ing)? in|put (?:it|this|the (?:matter|account|file)) (?:in|into) the hands of|speak(?:ing)? (?:with|to)|talk(?:ing)? (?:with|to)|cop(?:y|ies|ied|ying)(?: in)?|cc'?(?:ing|ed)?|loop(?:s|ed|ing)? in|go(?:es|ing)? (?:straight |directly |right )?(?:to|over to)|went to|end(?:s|ed)? up (?:with|on|in)|land(?:s|ed|ing)? (?:with|on|in)|mov(?:e|es|ing) to){_gap(6)}(?:the hands of )?(?:our |an |a |the |outside |external |in-house |corporate |company )*(?P<obj>{LEGAL_NOUN})", requires=_LEGAL_NOUN_WORDS)
_rule("legal_action", rf"(?P<obj>{LEGAL_NOUN}){_gap(2)}(?:(?:get|gets|getting|got|be|become|becomes|being|are|is) )?(?P<act>involved)\b")
_rule("legal_action", rf"(?P<obj>{LEGAL_NOUN}){_gap(3)}?\s*(?:will|'ll|would|may|might|could|shall|is going to|are going to|can|be|been)\b{_gap(2)}?\s*(?P<act>(?:asked|instructed|told|briefed|engaged|retained) to|enforce|recover|chase|contact|reach out|be in touch|be in contact|be contacting|get in touch|take (?:it|this|things|the matter|over)|handle|pursue|proceed|file|follow up|issue|send|start|begin|initiate|step in|take the next steps|deal with|review (?:your|this|the) (?:account|balance|file|matter|case|debt|options))")
_rule("legal_action", rf"(?P<obj>{LEGAL_NOUN}) (?P<act>(?:send|sends|sending|file|files|filing|issue|issues|issuing|serve|serves|serving|draft|drafts|drafting|prepare|prepares|preparing) (?:you |your company )?(?:a |the |formal )*(?:demand|letter|notice|claim|complaint|papers|summons|writ))")
_rule("legal_action", rf"(?P<act>(?:letter|notice|demand|call|correspondence|contact|email|message|communication)s?)\b{_gap(5)}from (?:our |an |the |a )*(?P<obj>{LEGAL_NOUN})", requires=_LEGAL_NOUN_WORDS)
_rule("legal_action", rf"(?P<obj>{LEGAL_NOUN}){_gap(3)}(?P<act>(?:had|having|have|has|take|taken|taking|took) a (?:\w+ )?look at|looked at|looking at|reviewed|reviewing|gone through|going through) (?:the|your|this) (?:file|account|matter|debt|arrears|case)\b")
_rule("legal_action", rf"(?P<act>review(?:ed)?|assessment|assessed) (?:by|from) (?:our |an |the |a )*(?P<obj>{LEGAL_NOUN})", requires=_LEGAL_NOUN_WORDS)
_rule("legal_action", rf"(?P<obj>{LEGAL_NOUN}){_gap(10)}(?P<act>(?:before|or|otherwise) (?:they|he|she) (?:take|takes|step in|get involved|pick (?:it|this) up)\b)", requires=_LEGAL_NOUN_WORDS)
_rule("legal_action", rf"(?P<act>keep|keeping|hold|holding)\b{_gap(2)}(?P<obj>{LEGAL_NOUN}) (?:from|off|away|back)\b", requires=_LEGAL_NOUN_WORDS)
_rule("legal_action", rf"(?P<act>hear(?:ing)?) from (?:our |an |the |a )*(?P<obj>{LEGAL_NOUN})")
_rule("legal_action", rf"(?P<act>next steps?|final step|last step|only (?:option|step)){_gap(6)}(?P<obj>{LEGAL_NOUN}|court|legal)")
_rule("legal_action", r"(?P<act>(?:legal|attorney'?s?'?|lawyer'?s?'?|court) (?:fees|costs)|costs of (?:legal action|litigation|court))", "noun")

# ---- credit_reporting ----------------------------------------------------
BUREAU = _alt(
    r"(?:business |commercial |consumer )?credit (?:bureaus?|reporting (?:agenc(?:y|ies)|bureaus?|compan(?:y|ies))|reference agenc(?:y|ies)|rating agenc(?:y|ies)|agenc(?:y|ies))",
    r"dun (?:&|and) bradstreet", r"cibil", r"crif", r"illion", r"d ?& ?b\b(?! number)", r"experian", r"equifax", r"trans ?union", r"creditsafe", r"creditor ?watch", r"credit ?watch", r"nacm",
    r"paydex", r"(?<=the\s)bureaus?\b(?! of)", r"agenc(?:y|ies) (?:that|which|who) (?:score|scores|rate|rates|track|tracks|monitor|monitors|assess|assesses)", r"(?:industry |trade )credit (?:groups?|associations?|bureaus?|exchanges?)", r"agencies (?:that|which) (?:banks|lenders|suppliers|creditors)", r"(?:lenders|banks|suppliers|creditors|underwriters) (?:seeing|to see|see|find|finding) (?:this|it) on your (?:credit |business )?(?:file|record|report)", r"trade (?:bureaus?|exchanges?)", r"credit (?:group|exchange)s?",
)
CREDIT_RECORD = r"(?:business file|(?:business |company(?:'s)? |commercial |corporate )?credit (?:rating|ratings|score|scores|report|reports|file|history|record|standing|profile|worthiness)|creditworthiness|trade ?lines?|(?<=payment\s)(?:record|profile))"
CREDIT_HARM = r"(?:go(?:es|ing)? (?:on|onto|into)|(?:added|placed|put|noted|recorded|listed) (?:on|to|in)|report|reports|reported|reporting|affect|affects|affected|affecting|impact|impacts|impacted|impacting|harm|harms|damag(?:e|es|ed|ing)|hurt|hurts|lower|lowers|lowered|reduc(?:e|es|ed)|hit|reflect|reflects|reflected|show up|appear|appears|mark|marks|ding|tarnish|jeopardi[sz]e|(?<=at\s)risk|negative(?:ly)?|adverse(?:ly)?|derogatory|downgrad(?:e|es|ed)|suffer|suffers|worsen|drop)"
_rule_each("credit_reporting", "obj", BUREAU, "noun", r"\b(?! (?:integration|api|lookup|look-up|check|search|pull|data feed|login|account number))")
_rule("credit_reporting", rf"(?P<act>{CREDIT_HARM}){_gap(6)}(?P<obj>{CREDIT_RECORD})")
_rule("credit_reporting", rf"(?P<obj>{CREDIT_RECORD}){_gap(4)}(?P<act>{CREDIT_HARM})")
_rule("credit_reporting", rf"(?P<obj>{CREDIT_RECORD}|(?:business|company|trade) (?:report|file)s?)\b{_gap(6)}(?P<act>(?:will|'ll|is going to|are going to|would) (?:\w+ )?(?:see|find|read|show|learn)) (?:exactly |precisely |clearly )?(?:how (?:this|the|your)|this (?:debt|arrears|invoice|balance|account)|the (?:debt|arrears|unpaid|late|overdue)|about (?:this|the debt|the arrears))")
_rule("credit_reporting", r"(?P<obj>(?:trade|credit|bank) references?)\b[^.!?]{0,60}?\b(?P<act>(?:will|'ll|would|are going to|is going to) (?:\w+ )?(?:hear|be told|learn|find out))\b", "plain")
_rule("credit_reporting", rf"(?P<act>(?:read|reading|see|seeing|find|finding|learn|learning) about (?:this|it|the debt|the arrears)) on your (?P<obj>{CREDIT_RECORD}|(?:business|company|trade) (?:report|file))")
_rule("credit_reporting", r"(?P<act>(?:report|reported|reporting|list|listed|flag|flagged|record|recorded|mark|marked)\w*)\b.{0,40}?\bas (?P<obj>delinquent|seriously delinquent|in default|a bad debt|non-?paying)", "plain")
_rule("credit_reporting", r"(?P<act>default) (?P<obj>markers?|notices? (?:filed|registered|on your file)|entr(?:y|ies) on your (?:credit |business )?file)", "noun")
_rule("credit_reporting", r"(?P<act>negative|derogatory|adverse) (?P<obj>(?:credit |trade |payment )?(?:reports?|marks?|entr(?:y|ies)|trade ?lines?|remarks?|listings?))", "noun")

# ---- personal_guarantee --------------------------------------------------
_rule("personal_guarantee", r"(?P<obj>(?:director|owner|principal|proprietor)(?:'s|s')? guarant(?:ee|y)|guarant(?:ee|y) (?:from|signed by|given by) (?:your|the) (?:directors?|owners?|principals?|proprietors?))\b", "noun")
_rule("personal_guarantee", r"(?P<obj>personal(?:ly)? guarant(?:ee|eed|y|ies|ees|or|ors)(?! (?:(?:the|that|a|an|your|our|its) )?(?:\w+ )?(?:delivery|slot|dates?|times?|quality|service|installation|turnaround|price|stock|availability|workmanship|results?|arrival|dispatch|shipment|order|launch|deadline)\b)|guarantors?(?! (?:field|section|box|line|details|form))|personal (?:liability|assets|savings|property|wealth|estate))\b", "noun")
_rule("personal_guarantee", rf"(?P<act>{_verbs('invoke', 'enforce', 'exercise', 'activate', 'trigger')}|call(?:s|ed|ing)? (?:on|upon)|rel(?:y|ies|ying) on|draw(?:s|ing)? on){_gap(3)}(?P<obj>guarant(?:ee|y))")
_rule("personal_guarantee", rf"(?P<obj>guarant(?:ee|y))\b{_gap(3)}(?P<act>(?:has|had|with|bears|carries) your (?:own )?(?:name|signature)|(?:signed|made out|written|taken out) in your (?:own )?name)")
_rule("personal_guarantee", r"(?P<act>your (?:own )?(?:name|signature)) (?:is|was|'s|sits|appears) (?:on|under) (?:that|the|this|your) (?P<obj>guarant(?:ee|y))\b")
_rule("personal_guarantee", rf"(?P<act>signed) (?:the|that|this|your|a) (?:personal )?(?P<obj>guarant(?:ee|y))\b{_gap(4)}(?:yourself|personally|in your own name)\b")
_rule("personal_guarantee", rf"(?P<obj>your (?:own|personal|private) (?:assets|house|home|savings|property|money|wealth|bank accounts?))\b{_gap(4)}(?P<act>(?:look|looking) to|come after|coming after|go after|going after|pursue|pursuing|chase|chasing)\b")
_rule("personal_guarantee", rf"(?P<act>come after|coming after|came after|go after|going after|pursue|pursuing|seek|seeking|recover\w*|collect\w*|look to|looking to)\b{_gap(4)}(?P<obj>your (?:own|personal|private) (?:assets|house|home|savings|property|money|wealth|bank accounts?))")
_rule("personal_guarantee", rf"(?P<obj>guarant(?:ee|y))\b(?: (?:that|which))? (?:you|your \w+|the owners?|the principals?) (?:personally )?(?P<act>signed|provided|gave|executed|put in place)\b(?!\W+(?:isn't|is not|won't|will not|doesn't|does not)\b)")
_rule("personal_guarantee", rf"(?P<act>hold|holding|held|look|looking|pursue|pursuing|seek|seeking|recover|recovering|collect|collecting|come after|coming after|proceed|proceeding|enforce|enforcing|turn|turning|go after|going after)\b{_gap(4)}(?P<obj>(?:you|your \w+|the owners?|the principals?|the directors?|him|her|them) (?:personally|individually))", requires=("personally", "individually"))
_rule("personal_guarantee", rf"(?P<act>cover\w*|pay\w*|settl\w*|meet|make good|fund\w*)\b{_gap(4)}(?P<obj>out of (?:his|her|their|your) (?:own )?pockets?)", requires=("pocket",))
_rule("personal_guarantee", r"(?P<act>(?:he|she|you|they|mr\.? \w+|mrs\.? \w+|ms\.? \w+|your (?:director|owner|md|ceo|principal|founder)s?) (?:personally )?signed) (?:the|a|that|this|his|her|your) (?:personal )?(?P<obj>guarant(?:ee|y))\b", requires=("guarant",))
# The guarantee in other words: "put his own name behind this account", "stand behind the company's debts".
_rule("personal_guarantee", r"(?P<act>put|puts|putting|placed|backed|backing|secur\w*|underwr\w*|guarantee\w*) (?:\w+ ){0,3}?(?:with |behind (?:this|the|your) (?:account|debt|credit|facility) with )?(?P<obj>(?:his|her|your|their) own (?:name|money|assets|signature|funds|home|house))(?: behind| on the line| against)?\b(?! forward)")
_rule("personal_guarantee", r"(?P<act>stand|stands|stood|standing) behind (?:the |your |his |her |their |its )?(?:company's |business's |firm's |own )?(?P<obj>debts|liabilities|borrowings?|obligations|credit account)\b")
_rule("personal_guarantee", r"(?P<obj>your (?:own |personal |private |family )(?:assets|house|home|savings|property|wealth|bank accounts?))\b(?=\W+(?:\w+\W+){0,2}?(?:is|are|isn't|aren't|is not|are not)\W+(?:\w+\W+)?(?:on the table|part of (?:this|the)|in (?:play|scope|the frame|the picture)|at (?:risk|stake)|exposed|next))", "noun")
_rule("personal_guarantee", r"(?<!i'm\s)(?<!\bi\sam\s)(?<!we're\s)(?<!we\sare\s)(?<!i'll\sbe\s)(?P<act>(?:personally|individually|jointly and severally) (?:liable|responsible|accountable|on the hook))")
# Signed in one's own name: "you signed the credit application in your own name", "it was your signature on that application".
_rule("personal_guarantee", r"(?<!\bi\s)(?<!we\s)(?P<act>signed)(?: for)? (?:\w+ ){0,4}?(?P<obj>personally|in (?:his|her|their|your) own names?)\b")
_rule("personal_guarantee", r"(?P<act>your (?:own )?(?:signature|name))\b[^.!?]{0,40}?\bon (?:that|the|this|your) (?P<obj>credit application|application|account application|guarantee|credit agreement)\b", "plain")
_rule("personal_guarantee", r"(?P<act>(?:looking|look|turn|turning|come|coming) to you) (?:personally )?(?P<obj>for (?:the )?(?:[£$€]|balance|debt|money|payment|amount|full))")

# ---- repossession --------------------------------------------------------
REPO_OBJ = _alt(
    r"equipment", r"machines?", r"machinery", r"excavators?", r"(?:mini-?)?diggers?", r"loaders?", r"forklifts?", r"(?:boom |scissor |aerial )?lifts?",
    r"cranes?", r"generators?", r"trailers?", r"trucks?", r"vehicles?", r"units?", r"rentals?", r"rented (?:items|gear|units|equipment)",
    r"goods", r"merchandise", r"inventory", r"materials", r"products", r"(?<=our\s)property", r"company property", r"scaffold(?:ing)?", r"containers?",
    r"compressors?", r"skid ?steers?", r"(?:bull)?dozers?", r"backhoes?", r"tools", r"fleet", r"copiers?", r"printers?",
    r"devices", r"hardware", r"laptops?", r"kit", r"gear", r"assets", r"pumps?", r"heaters?", r"modules?", r"pallets?",
    r"telehandlers?", r"mixers?", r"rollers?", r"compactors?", r"welders?", r"(?:light )?towers?", r"chillers?", r"dumpers?", r"graders?",
    r"plant", r"attachments?", r"racking", r"shelving", r"kiosks?", r"(?:card |payment )?terminals", r"fixtures", r"fittings", r"(?:hired|rented|leased|rental|hire) (?:items|stuff|things|property)",
    r"(?:anything|everything|whatever) (?:of ours|belonging to us|we (?:supplied|own|hired out|rented out))", r"vans?", r"tractors?", r"cabins?", r"site (?:cabins?|offices?)", r"portable (?:toilets?|buildings?)",
)
REPO_ACT = _alt(
    _verb("repossess"), r"repo\b", _verb("uplift"), r"(?:re)?tak(?:e|es|ing|en) possession of", r"recover possession of", _verb("reclaim"), _verb("recover"), _verb("retrieve"), r"(?:take|takes|taking|took|taken) back",
    r"(?:pick|picks|picked|picking) up", _verb("collect"), _verb("remove"), r"(?:pull|pulls|pulled|pulling)(?: back)?", r"(?:get|gets|getting|got) back", _verb("retake"), r"haul(?:s|ed|ing)? (?:away|off)",
    _verb("tow"), _verb("seize"), _verb("recall"), r"(?:come|coming|came) (?:and )?(?:get|collect|grab)", _verb("demobilize"), r"off-?hire",
    r"claw(?:s|ed|ing)? back", r"load(?:s|ed|ing)? up", r"withdr(?:aw|aws|awing|ew|awn)", r"cart(?:s|ed|ing)? (?:away|off)", r"(?:strip|strips|stripped|stripping) out",
)
MISTAKE = _c(r"\b(?:(?:releas|lift|remov|clear)(?:ed|ing|es|e)? (?:the |that |this |your )?(?:\w+ )?(?:hold|block|freeze|suspension|stop)|(?:hold|block|freeze|suspension|stop|restriction)s? (?:on (?:your|the) (?:\w+ ){0,2})?(?:has|have|had|was|were|is|are|'s) (?:now |just |since |already )?(?:been )?(?:lifted|removed|released|cleared|reversed|cancell?ed)|by mistake|by accident|accidentally|in error|mistakenly|inadvertently|customs|at the border|in transit|(?:scheduled|planned|routine) (?:maintenance|downtime|upgrade)|maintenance window|weather|(?:because of|due to|during|for) (?:\w+ )?(?:maintenance|an? outage|an? upgrade|an? update|the migration)|while (?:we|the team|our (?:team|engineers)) (?:migrate|upgrade|move|switch)|(?:old|legacy|previous|former|outgoing|expiring) (?:\w+ )?(?:portal|platform|system|app|software|website|dashboard|api|server|badge|card|licen[cs]e|key)s?|(?:old|legacy|previous|former|outgoing|expiring) (?:\w+ )?pass(?:es)?|(?:at|per|on) your (?:request|instruction)|as (?:you )?(?:requested|asked|instructed))\b")
SERVICE_ROUTINE = _c(r"\b(?:(?:scheduled|planned|routine) (?:maintenance|downtime|upgrades?|works?)|maintenance window|free trial|\d+-day trial|trial (?:period|ends|expires|account|workspace)|failed (?:password|login|sign-?in) attempts?|(?:blocked |failed |suspicious )?login attempts|threat detection|(?:hold|held|holding) (?:\w+ ){0,2}?for (?:pick-?up|collection)|(?:christmas|holiday|festive|seasonal|summer|easter|new year|year-end) (?:shutdown|closure|break|period|pause)|over the (?:holidays|break|shutdown))\b")
_SERVICE_ROUTINE_HINTS = ("mainten", "downtime", "upgrade", "works", "trial", "attempt", "threat", "for pick", "for collection",
                          "shutdown", "closure", "break", "period", "holiday")
ROUTINE_PICKUP = _c(
    r"(?:end of (?:the |your |this )?(?:rental|lease|term|contract|project|hire|job)|(?:hire|rental|lease)(?: period| term)? (?:ends|ended|finishes|expires|runs out|is over)|unless you(?:'d| would)? (?:like|want|wish) to (?:extend|keep)|faulty|defective|damaged|replacements?\b|free of charge|as (?:scheduled|planned|arranged|agreed|requested)|"
    r"(?:per|at) your request|as (?:you )?(?:requested|asked|agreed)|demo\b|trial|loan(?:er|ed)?\b|off-?rent|once you(?:'re| are) (?:done|finished)|(?:once|when|after) (?:the |your )?(?:job|project|work|hire|rental|pour|build|contract)(?: is| has| has been)? (?:done|finished|complete|completed|over|ended)|when you(?:'re| are) (?:done|finished)|scheduled pick-?up|"
    r"(?:routine |scheduled |annual )?(?:maintenance|servicing|inspection|repairs?|calibration|swap|upgrade)\b|returns? (?:process|label|policy|form|request)|(?:your|the) return\b|(?<!be\s)returned|"
    r"to return|donat|empty|drop(?:s|ping)? off|next delivery|when (?:they|we) deliver|(?:off-?hire|hire end|rental end|return|collection) date (?:that )?you (?:booked|requested|gave|chose|arranged|agreed|set))"
)
_rule("repossession", rf"(?P<act>{REPO_ACT})\b{_gap(4)}(?:all |any |the |our |your |this |these |that |those |rented |rental )*(?:\w+ )?(?P<obj>{REPO_OBJ})\b")
_rule("repossession", rf"(?P<obj>{REPO_OBJ})\b{_gap(4)}(?:{BE} |will |'ll )(?:\w+ )?(?P<act>repossessed|reclaimed|recovered|retrieved|taken (?:back|away)|picked up|collected|removed|pulled(?: back)?|hauled (?:away|off)|carted (?:away|off)|clawed back|lifted (?:from|off)|loaded (?:up|onto)|towed|seized|recalled|demobili[sz]ed)\b")
_rule("repossession", rf"(?P<act>repossession|repo (?:crew|team|truck|agent)|recovery (?:crew|team)|retrieval|pick-?up|removal|recovery|seizure|collection) of (?:the |our |your |all |any )*(?:\w+ )?(?P<obj>{REPO_OBJ})\b", "noun")
_rule("repossession", rf"\b(?P<obj>{REPO_OBJ}) (?P<act>repossession|retrieval|recovery|pick-?up|removal|seizure)\b", "noun")
_rule("repossession", rf"(?P<act>tak(?:e|es|en|ing)|took|get|gets|getting|got|want|wants|need|needs|bring|bringing)\b{_gap(3)}(?P<obj>{REPO_OBJ}) (?:back|away|home)\b")
_rule("repossession", r"\b(?P<act>repossess\w*|repo crew|retention of title|title\b(?: to (?:the |our |all |any )?\w+)? (?:remains|stays|remain|stay) with us)\b", "noun")
_rule("repossession", rf"\b(?P<obj>{REPO_OBJ})\b[^.!?;]{{0,120}}?\b(?P<act>{_verbs('repossess', 'reclaim', 'retrieve', 'collect', 'remove', 'recall')}|(?:take|taking|took) back|(?:pick|picking|picked) up|(?:pull|pulling|pulled)|fetch(?:ing)?|(?:bring|bringing|brought|take|taking|took|carry|carrying|cart|carting|haul|hauling)(?= \w+ (?:home|back|away))|(?:come|coming|came|go|going) (?:and|to) (?:get|collect|fetch|grab|take)) (?:them|it|those|these|everything)\b")
_rule("repossession", r"(?P<act>(?:bring|bringing|brought|take|taking|took|cart|carting|haul|hauling)\w* (?:it|them|everything|the lot) (?:all )?back to (?:the|our) (?:yard|depot|warehouse|compound))\b", "plain")
_rule("repossession", rf"(?P<obj>{REPO_OBJ})\b(?: \w+){{0,2}}? (?:not )?made available for (?P<act>collection|pick-?up|uplift|recovery)\b", "plain")
_rule("repossession", r"(?P<act>load(?:s|ed|ing)? (?:them|it|everything|the \w+) back (?:on|onto|into) (?:the |our )?(?:truck|lorry|trailer|low-?loader|ute|van))\b", "plain")
_rule("repossession", rf"\b(?P<obj>{REPO_OBJ})\b[^.!?]{{0,40}}\b(?P<act>(?:spare|second|duplicate) (?:set of )?keys?)\b", requires=("key",))
_rule("repossession", rf"(?P<act>sen(?:d|ds|ding|t) (?:a |our |the |out )*(?:trucks?|crews?|drivers?|team|someone|people|recovery \w+)) (?:out )?(?:for|to (?:get|collect|grab|pick up|retrieve|recover)) (?:the |your |our |all )*(?P<obj>{REPO_OBJ})")

# The goods move back to us: "the kit comes back to us", "the printers go back on our truck", "revert to us".
RETURN_TO_US = r"(?:come|comes|coming|go|goes|going|revert|reverts|reverting|return|returns|returning|pass|passes) (?:straight |right )?back (?:to (?:us|our|the depot|the yard)|on(?:to)? our|in our)|(?:revert|reverts|reverting|return|returns|returning|(?<=be\s)returned) (?:to us|to our (?:depot|yard|stock|fleet|warehouse))"
_rule("repossession", rf"\b(?P<obj>{REPO_OBJ})\b{_gap(6)}(?:(?:will|'ll|would|shall|must|then|simply|just) )?(?:be )?(?P<act>{RETURN_TO_US})")
_rule("repossession", rf"\b(?P<obj>{REPO_OBJ})\b{_gap(4)}(?:is|are|remain|remains|stay|stays) (?:still )?(?P<act>(?:our|the company's) (?:own )?property)\b")
_rule("repossession", rf"\b(?P<obj>{REPO_OBJ})\b{_gap(4)}(?:will |'ll |shall |are going to |is going to )(?:be |come |go )?(?P<act>off (?:your|the) (?:site|job|premises|yard|project|hands))\b")
_rule("repossession", r"(?P<obj>lorr(?:y|ies)|trucks?|vans?|crews?|drivers?|team|low-?loaders?)\b(?: \w+){0,2}? (?:at|outside|to) your (?:\w+ )?(?:gate|door|site|yard|premises|depot|office|job) to (?P<act>(?:pick|collect|take|load|grab|clear) (?:up )?(?:everything|it all|the lot|all of it|all our|all the)(?: up| back| away)?)")
_rule("repossession", rf"(?P<act>(?:possession|ownership|title|custody)) (?:of|to|over) (?:the |our |your |all |any |these |those )*(?:\w+ )?(?P<obj>{REPO_OBJ})\b{_gap(4)}(?:will |would |shall |then )?(?:revert|reverts|return|returns|pass back|passes back|go back|goes back|come back|comes back|never passed|has not passed|hasn't passed|remains with us|stays with us|remain with us|stay with us)", "plain")

# ---- late_fees -----------------------------------------------------------
LATE_FEE = _alt(
    r"late[- ](?:payment[- ])?(?:fees?|charges?|penalt(?:y|ies)|interest|surcharges?)", r"finance charges?", r"(?:statutory|default|penalty|late payment|overdue|daily|monthly|compound) interest",
    r"interest (?:charges?|keeps? (?:running|ticking|climbing|mounting|adding up)|at (?:a rate|the rate|\d)|of \d|will|would|may|on (?:the |your |all |any |this )?(?:overdue|outstanding|unpaid|late|past[- ]due|balance|amount|remaining|invoice)|accru\w*|at \d|is (?:being |now )?(?:charged|added|applied|accruing))",
    r"(?:accru\w*|charg(?:e|es|ed|ing)|add(?:s|ed|ing)?|appl(?:y|ies|ied|ying)|levy\w*|assess\w*|impos\w*|incur\w*|begin\w* to accrue) (?:\w+ ){0,3}?interest",
    r"(?<!holiday\s)(?<!weekend\s)(?<!overtime\s)penalt(?:y|ies)(?! box| kick| shot| shoot-?out| spot| area| corner| rates?)", r"(?:administrative|administration|admin|collection|collections|recovery|reinstatement|reconnection|reactivation|dunning|enforcement) (?:fees?|costs?|charges?)",
    r"costs (?:will be |being )?added", r"costs? of (?:collection|collecting|recovery|recovering|enforcement)",
    r"fixed[- ](?:sum )?compensation", r"compensation (?:of [£$€]?\d+|for late payment|under the)", r"late payment compensation", r"interest (?:starts?|begins?|kicks in|will start|will begin)", r"interest (?:is |will be )?(?:now )?(?:running|ticking)",
    r"(?:charged|billed|added) (?:for )?(?:every|each|per) (?:day|week|month)", r"(?:daily|weekly|monthly) (?:charges?|fees?|penalt(?:y|ies))", r"(?:contractual|statutory) (?:interest|compensation|costs)",
    r"\bapr\b", r"per annum", r"(?:additional|extra|further) (?:fees|charges|costs)(?: (?:may|will|could|would))(?: \w+)? (?:apply|be (?:added|charged|applied|assessed|incurred))",
    r"(?:late|overdue|arrears|delinquency|default|non-?payment|dunning|chasing) (?:surcharges?|premiums?|loadings?)", r"(?:delinquency|default|arrears|non-?payment|overdue) (?:fees?|charges?|penalt(?:y|ies))",
    r"surcharges? (?:\w+ ){0,2}?(?:on|to|for) (?:\w+ ){0,3}?(?:overdue|late (?:payments?|invoices?|balances?|accounts?|settlement)|unpaid|outstanding|past[- ]due|arrears|(?:invoices?|balances?|payments?|accounts?) (?:\w+ )?(?:after|beyond|past))",
    r"(?:charges?|interest|compensation|costs|fees?|sums?) (?:under|per|pursuant to|in line with) (?:the )?(?:late payment|1998|commercial debts|prompt payment)",
    r"(?:carry|carries|attract|attracts|incur|incurs|bear|bears|accrue|accrues)(?: an?)?(?: (?:extra|additional|further))? \d+(?:\.\d+)? ?(?:%|percent)",
    r"(?:add|adds|added|adding) (?:a |an )?(?:further|extra|additional) (?:[£$€]\d[\d,.]*|\d[\d,.]* ?(?:pounds|dollars|euros|percent|%))",
    r"(?:fees?|charges?|costs?)(?: of (?:[£$€]?\d[\d,.]*)(?: pounds| dollars| euros)?)? for (?:recovering|collecting|chasing|pursuing|recovery of|collection of) (?:this|the|your|overdue|late|unpaid)",
    r"costs? (?:(?:we|of|in) )?(?:\w+ )?(?:chasing|recovering|collecting|pursuing|enforcing)(?: \w+){0,5}? (?:passed on|recharged|charged back|added on|on-?charged) to (?:you|your)",
    r"(?:pass|passes|passed|passing) (?:on )?(?:the |any |all |our )?(?:recovery|collection|chasing|legal|enforcement) costs? (?:on )?(?:to|onto) you",
    r"(?:premium|mark-?up|uplift|loading) (?:on|to) (?:the |your |any |all )?(?:overdue|outstanding|unpaid|late|past[- ]due)",
    r"(?:start|starts|begin|begins|will) (?:accru\w*|to accrue)\b",
    r"(?:further|extra|additional|another) \d+(?:\.\d+)? ?(?:%|percent) (?:\w+ ){0,3}?(?:levied|charged|added|applied|imposed|payable)\b",
    r"(?:every|each|per|a|for each|for every) (?:day|week|month) (?:it|that|the (?:invoice|balance|account|amount|debt)) (?:stays?|remains?|goes|is|sits?) (?:unpaid|outstanding|overdue|unsettled)",
    r"(?:go|goes|going|went) up by [£$€]?\d[\d,.]*(?: pounds| dollars| euros|%| percent)? (?:every|each|per|a) (?:day|week|month)",
    r"(?<!holiday\s)(?<!weekend\s)(?<!overtime\s)penalty (?:percentage|rate|amount|sum|uplift)s?", r"costs? (?:\w+ ){0,4}?(?:in |of )?(?:recovering|collecting|chasing|pursuing|enforcing)(?: \w+){0,4}? (?:may |will |shall )?(?:be )?added to (?:the|your) (?:balance|debt|amount|account)", r"(?:more (?:expensive|costly)|cost you more)\b[^.!?]{0,40}\bthe longer\b", r"the longer\b[^.!?]{0,40}\b(?:more (?:expensive|costly)|cost you more)\b", r"(?<=every\s)(?:day|week|month)\b[^.!?]{0,60}?\b(?:extra|additional) (?:charges?|fees?|costs?)", r"(?:meter|clock) (?:on|for) (?:the )?interest", r"(?<=every\s)(?:day|week|month)\b[^.!?]{0,80}?\b(?:bigger|larger|grows|goes up|increases|rises|climbs)\b",
    r"(?:add|adds|added|adding|charge|charges|charged|charging) (?:a |an )?(?:monthly|weekly|daily|annual|yearly) (?:percentage|percent|rate|surcharge|charge|fee)", r"(?:financing|funding|carrying) (?:costs?|charges?|fees?)",
    r"(?:charges?|fees?|costs?|interest) (?:for|on|covering) (?:the )?(?:overdue|late|arrears) (?:period|days|time|months?|weeks?)", r"(?:balance|amount|sum|debt|total|owe|invoice) (?:\w+ ){0,2}?(?:grow|grows|increase|increases|rise|rises|climb|climbs) by \d+(?:\.\d+)? ?(?:%|percent)",
)
FEE_CANCEL = _c(r"\b(?:(?:switch|turn)(?:ed|es|s|ing)? off (?:the |that |this |all |any |those )?(?:[\w£$€.,-]+ ){0,3}?(?:fees?|charges?|interest|penalt(?:y|ies)|surcharges?)\b|tak(?:e|es|en|ing) (?:the |that |this |all |any |those )?(?:[\w-]+ ){0,2}?(?:fees?|charges?|interest|penalt(?:y|ies)|surcharges?) off\b|waiv\w*|froze|frozen|freez\w*|remov\w*|revers\w*|refund\w*|credit(?:ed)? back|forgiv\w*|dropped|cancel\w*|absorb\w*|eliminat\w*|tak(?:e|en|ing) off|wip(?:e|ed) off|writ(?:e|ten) off|rescind\w*|discharg\w*|lift(?:ed|ing)|lifts? (?:the |this |that |your |our |any )?(?:\w+ )?(?:holds?|blocks?|freezes?|suspensions?|stops?|fees?|charges?|liens?|restrictions?|interest|penalt(?:y|ies))|releas\w*|withdr[ae]w\w*|clear(?:ed)? the (?:hold|lien))\b")
NEGATED_CANCEL = _c(r"(?:\bnot|\bnever|n't)\W+(?:be\W+|been\W+)?$")
_rule_each("late_fees", "obj", LATE_FEE, "noun")
_rule("late_fees", r"(?P<obj>\d+(?:\.\d+)? ?%(?: \w+){0,3}? (?:per|a|each|every) (?:month|annum|year)|\d+(?:\.\d+)? ?% (?:monthly|annual|annually|per month|apr))",
      "noun", requires=("%",))
_rule("late_fees", r"(?P<obj>(?:interest|charges?|surcharge)(?: (?:@|at|of))? ?\d+(?:\.\d+)? ?% ?p\.? ?a\.?)(?!\w)", "noun", requires=("%",))

# ---- deadline ------------------------------------------------------------
DEADLINE_ACTION = rf"(?P<act>{PAY_WORDS}\w*|money|eft|(?<=\d\s)reach(?:es)? us|(?<=\s)from you|sort (?:it|this|that|the (?:account|balance|invoice))(?: out)?|must|need|needs|needed|require|requires|required|get back to us|get in touch|bring (?:the|your) account current|let us know|reach out)"
_rule("deadline", rf"{DEADLINE_ACTION}\b{_gap(8)}(?P<time>{FIRM_TIME})\b", "plain",
      requires=("by", "before", "later", "prior", "within", "next"))
_rule("deadline", rf"(?P<time>{FIRM_TIME})\b{_gap(8)}{DEADLINE_ACTION}\b", "plain")
_rule("deadline", rf"(?P<act>(?:(?<=you\s)|(?<=you'll\s)|(?<=will\s))have|(?:(?<=you've\s)|(?<=have\s))got|giv(?:e|es|ing) you|(?<=can\s)(?:wait|hold off)) (?P<time>until (?:the )?(?:{DATE})|{NUMBER} (?:more |additional |further )?(?:business |working |calendar )?(?:days?|hours?))", "plain")
_rule("deadline", rf"(?P<act>(?:remains?|is still|are still|still(?: be)?) (?:unpaid|outstanding|open|overdue)|(?:has|have)(?: not|n't) (?:yet )?been (?:paid|received|cleared|settled)) (?P<time>(?:after|on|by|beyond|past|as of|at close of business on|at) {DATE}|(?:after|beyond|within) {NUMBER} (?:more |further )?(?:business |working |calendar )?days?)\b", "plain")
_rule("deadline", rf"(?P<time>{DATE})\b[^.!?]{{0,80}}?\b(?P<act>(?:settled|paid|cleared|clears|clearing|settling|paying|received|resolved|sorted|in) (?:before|by) then)\b", "plain", requires=("then",))
_rule("deadline", rf"(?P<time>{DATE})\b{_gap(3)}(?P<act>(?:the )?(?:date|day) by which\b[^.!?]{{0,40}}?\b(?:paid|settled|cleared|received|resolved))\b", "plain")  # "treat December 7 as the date by which this is settled"
_rule("deadline", r"(?P<act>(?:need|needs|want) (?:that |the |this |your )?(?:payment|money|funds|remittance|balance)(?: (?:in|into) (?:our|the) (?:account|bank))?) (?P<time>today|tonight|tomorrow|this week)\b", "plain")
_rule("deadline", r"(?P<act>(?:need|needs|want) (?:this|that|it|the (?:balance|invoice|amount|money)) (?:paid|settled|cleared|sorted|in)(?: up)?) (?P<time>today|tonight|tomorrow|this week|now)\b", "plain")
_rule("deadline", r"(?P<act>(?:needs?|has) (?:dealing with|to be dealt with|sorting(?: out)?|to be sorted(?: out)?)) (?P<time>today|tonight|tomorrow|this week)\b", "plain")
# "please pay the CHF 2,300.00 today", "I need the R 84,300 for INV-ZA-118 paid today", "pls transfer the QAR 18,000 today"
_rule("deadline", rf"(?<!can\s)(?<!could\s)(?<!may\s)(?P<act>pay|(?:clear|settle|transfer|remit|wire)(?= (?:the|it|this|that|your|us|[£$€\d]))|arrange (?:the |a )?payment){_gap(6)}(?P<time>today|tonight|this (?:week|afternoon|morning|evening))\b", "plain")
_rule("deadline", r"(?P<act>(?:need|needs|want|get) (?:[\w$£€.,-]+ ){1,6}?(?:paid|settled|cleared|resolved|sorted|in)(?: up| out)?) (?P<time>today|tonight|this (?:week|afternoon|morning|evening))\b", "plain")
# A consequence dated and tied to non-payment ("your licences lapse on 30 June if the renewal is still unpaid"):
# a deadline only beside the consequence itself (kind "dated": kept when the sentence asserts another category).
_UNPAID_CONDITION = (
    r"if (?:\S+ ){0,10}?(?:(?:still|remains?|stays?|is|are) (?:unpaid|outstanding|open|overdue|owing|unsettled)|(?:(?:is|are|has|have|was|were|does|do|did)n't|not|never) (?:yet )?(?:been )?(?:paid|received|cleared|settled|brought up to date|satisfied)|"
    r"nothing(?:'s| is| has| has been)? (?:paid|received|come in|comes in|in)|(?:there's |there is )?no (?:payment|funds|money|remittance)|"
    r"(?:we|i) (?:(?:have|has|do|did|ca)n't|have not|do not|cannot|can not) (?:yet )?(?:heard from you|hear from you|been paid|received|got|get|seen|see) ?)"
)
_rule("deadline", rf"(?P<act>{_UNPAID_CONDITION})\b", "dated")  # the date comes just before it: see _dated_before
# "...from Monday unless it's settled", "...on the 1st until the invoice is cleared": the same, said the other way
_UNLESS_PAID = r"(?:unless|until) (?:\S+ ){0,8}?(?:is |are |has been |have been |gets |get )?(?:paid|settled|cleared|received|sorted(?: out)?|brought (?:up to date|current)|lands?|arrives?|comes? in|is in|are in|reach(?:es)? (?:us|our (?:account|bank)))"
_rule("deadline", rf"(?P<act>{_UNLESS_PAID})\b", "dated")
# A consequence given a date of its own ("as of tomorrow the account is on stop", "we will pause your keys
# at midnight on the 15th"): the date to pay by, when it dates a consequence asserted in the same sentence.
_rule("deadline", rf"(?P<time>(?:on|from|as of|as from|starting|effective|beginning|commencing|at) (?:the )?(?:{DATE})|(?<![\w'])(?:tonight|tomorrow|tmrw)(?!')|in {NUMBER} (?:business |working )?(?:days?|hours?|hrs?))\b", "dated")
# ...but a sentence about the past ("your access was paused on the 3rd") dates nothing still to come
LOOKS_BACK = _c(r"\b(?:was|were|has been|have been|had|since|ago|last)\b")
DATE_BEFORE = _c(rf"\b(?:(?:on|from|at|after|as of) (?:the )?(?:{DATE})|today|tonight|tomorrow|tmrw|(?:this |next )?{WEEKDAY}|{NUMBER} (?:business |working |calendar )?days? (?:after|from) (?:the date of )?this (?:notice|letter|email))\b[^.!?;,'\"]{{0,20}}$")
_rule("deadline", rf"(?P<act>{_UNPAID_CONDITION})\b[^.!?;]{{0,80}}?\b(?P<time>(?:on|from|at|after|as of|as from) (?:the )?(?:{DATE})|{NUMBER} (?:business |working |calendar )?days? from (?:today|now|the date of this (?:letter|email|notice)))\b", "dated")
_rule("deadline", r"(?P<act>if (?:\S+ ){0,6}?(?:(?:is|are|has|have|was|were|does|do|did)n't|not|never) (?:been )?(?:paid|settled|cleared|received|sorted)(?: up)?) (?P<time>this week|today|tonight|tomorrow|this month|by (?:the )?end of (?:the |this )?(?:week|month|day))\b", "dated")
_rule("deadline", rf"(?P<act>if (?:[\w']+ ){{0,6}}?(?:(?:is|are|has|have|was|were|does|do|did|ca)n't|not|never|no) (?:[\w'$,.]+ ){{0,4}}?(?:paid|received|settled|cleared|sorted|in (?:the|our) (?:bank|account)|in(?= (?:by|before)\b)|(?:the |any |a |your )?(?:payment|balance|funds|money|remittance)|heard? (?:from you|back)|agree(?:d)? (?:\w+ ){{0,2}}?(?:plan|date|arrangement|something|terms))) (?:[\w']+ ){{0,2}}?(?P<time>(?:by|before) (?:the )?(?:{DATE})|{WINDOW}|today|tonight|tomorrow|tmrw|this (?:week|month))\b", "plain",
      requires=("by", "before", "within", "next", "today", "tonight", "tomorrow", "tmrw", "this"))
_rule("deadline", rf"(?P<act>pay by|settle by|(?:payment )?deadline)[:*\s]{{1,6}}(?P<time>{DATE})\b", "plain")  # "**Pay by:** December 18"
_rule("deadline", rf"(?P<act>[£$€] ?\d[\d,.]*k?) (?P<time>(?:by|before) (?:the )?(?:{DATE}))\b", "plain")  # "£6,300 by Friday."
_rule("deadline", rf"(?P<act>(?:(?<=final\s)|(?<=firm\s)|(?<=hard\s)|(?<=payment\s)|(?<=absolute\s)|(?<=last\s))deadline|deadline (?:for|to) (?:pay|payment|settle|remit|respond|resolve)|deadline of|deadline is)", "plain")
_rule("deadline", rf"(?P<act>(?:requires?|needs?) (?:your )?action|action (?:is )?required|(?:must|need to|needs to|has to|have to|should) be (?:paid|settled|received|cleared|resolved|remitted|in our account|brought current)|(?:must|need to|has to|have to) (?:pay|settle|remit|resolve|clear)\w*) (?:\w+ ){{0,3}}?(?P<time>today|tonight|tomorrow|now|this week)", "plain")
DEADLINE_OUR_PROMISE = _c(r"\b(?:we|i|our (?:team|office|staff|billing team)|they)(?:'ll| will| can(?!'t| ?not)| shall| would| are going to|'re going to| aim to| plan to| expect to| intend to| typically| usually| normally| generally)(?! (?:need|require|expect|ask|have to|must|be (?:expecting|requiring|needing|asking)))\b")
EARLY_PAYMENT_TERMS = _c(r"\b(?:discount|rebate)\b(?: \w+){0,4}? (?:if|when|for (?:early |prompt )?(?:payment|paying|settlement|settling))\b|\b\d+/\d+,? net \d+")
QUESTION_PAST = _c(r"\b(?:did|was|were|has been|have been|had|yesterday|ago|last (?:week|month|night|monday|tuesday|wednesday|thursday|friday))\b")
QUESTION_PAYMENT = _c(r"\b(?:pay|paid|paying|payments?(?! (?:date|dates|day|schedule|details|plans?|run|terms|method|reference))|remit\w*|settle\w*|settlement|funds|wire|transfer|cheque|ach|balance|amount|clear(?:ed)? (?:the|this|your|it))\b")
DEADLINE_FACT = _c(r"\b(?:is|was|are|were|falls?|fell|bec(?:ame|omes)|be|come|comes|came|being) (?:\w+ )?due (?:on|by|in|within)\b|\bdue date\b|\b(?:we|you|they|i) (?:have |had |has )?(?:received|paid|sent|made|remitted|settled|cleared|processed)\b|\b(?:was|were|has been|have been|had been) (?:\w+ )?(?:paid|received|sent|settled|processed|remitted)\b"
    r"|\bpayments? (?:made|sent|submitted|processed|initiated) (?:by|via|through|with|using) (?:card|credit card|debit card|ach|check|cheque|wire|bank|the portal)\b")

# ---- urgency -------------------------------------------------------------
URGENCY = _alt(
    r"urgen(?:t|tly|cy)(?! (?:support|help|assistance|queries|query|questions?|issues?|enquir\w+|care|repairs?|callouts?|call-outs?|orders?|deliver(?:y|ies)|shipments?|jobs?|cases?)\b)", r"immediate (?:payment|attention|action|response|settlement|remittance|steps|resolution)", r"immediately(?! (?:after|following|upon|on receipt|once))",
    r"(?<=at\s)once", r"right away", r"right now", r"(?<=not\s)next week", r"this (?:minute|instant)", r"act (?:now|fast|quickly|today)", r"without (?:any )?(?:further |more )?delay", r"time[- ](?:sensitive|critical)",
    r"(?:last|final) (?:chance|opportunity|notice|warning|reminder|demand|request|attempt)(?! to (?:make|order|book|register|sign|grab|claim|save|enjoy|join|submit|change|review|approve|add|buy|see|visit)\b)(?! (?:went out|was sent|we sent|dated|(?:is|was) (?:dated|sent) on))", r"(?<=no\s)(?:further|more) (?:extensions|delays|excuses|chances|time)",
    r"(?:(?<=cannot\s)|(?<=can't\s)|(?<=won't\s)|(?<=not\s)|(?<=longer\s))(?:wait|hold off|extend (?:this|the deadline|any more time))(?: any)?(?: longer| further)?",
    r"time is (?:\w+ )?running out", r"(?<![a-z]\s)(?<![a-z],\s)pay (?:up )?now\b(?! (?:button|link|via|online|using|by card|at|through|on))", r"(?:need|want) (?:you to )?(?:get onto|deal with|sort|action|pay|settle|handle|look at) (?:this|it)(?: one)? (?:today|now|right away|asap)", r"(?:need|want) (?:this|that|it) (?:paid|settled|cleared|sorted)(?: up)? (?:today|now|right now|tonight)", r"(?:call|ring|pay|contact|reply|respond|get back to)\w* (?:me |us )?asap", r"running out of time", r"before it(?:'s| is) too late", r"(?:top|highest|number one) priority",
    r"(?:requires?|needs?|deserves?) your (?:immediate |urgent |prompt |full )?attention(?! when)", r"(?:requires?|needs?) (?:your )?action (?:today|now|immediately)", r"action (?:is )?required", r"straight ?away", r"forthwith",
    r"as (?:a |an )?(?:top |high |urgent )?priority(?: item| matter)?(?! (?:deliver(?:y|ies)|shipments?|orders?|dispatch|bookings?|jobs?|repairs?)\b)", r"(?<=a\s)(?:top |high |urgent )?priority (?:matter|item|issue)", r"the moment you (?:get|receive|read|see|hear) this", r"(?:needs?|has) (?:dealing with|to be dealt with|sorting(?: out)?|to be sorted(?: out)?) (?:today|now|immediately|this week)",
    r"(?:straight |right )?to the top of (?:(?:your|the) (?:list|pile|queue|in-?tray|inbox|desk)|yours)", r"(?:need|needs|want) (?:that |the |this |your )?(?:payment|money|funds|remittance|balance) (?:today|tonight|right now|now)", r"drop (?:whatever|everything)(?: else)?", r"prioriti[sz]e (?:this|payment|the payment)", r"as a matter of (?:urgency|priority)", r"(?:critical|pressing) (?:matter|issue|that)",
    r"must be (?:paid|settled|resolved|received|addressed|cleared|handled) (?:today|now|immediately)", r"(?:needs?|has) to (?:happen|be resolved|be paid|be settled) (?:today|now|this week)",
    r"final (?:demand|notice)", r"demand (?:full |immediate )?payment", r"(?<=\sor\s)else(?=\W*$)", r"pay (?:up )?now,? or\b",
)
_rule_each("urgency", "act", URGENCY, "plain", r"\b")
IN_READERS_FAVOUR = _c(r"\b(?:increas|rais|extend|approv|upgrad|restor|lift|reinstat|improv|releas|unlock|reactivat)\w*")
AT_READERS_REQUEST = _c(r"\b(?:as (?:you )?(?:requested|asked|instructed)|at your (?:request|instruction))\b")
READERS_OPTION = _c(r"\bif you(?: (?:need|want|would like|wish|prefer|decide)|'d like)\b")
EMAIL_FOOTER = _c(r"\b(?:notify the sender|received this (?:e-?mail|message|communication) in error|delete (?:this|the) (?:e-?mail|message)|intended (?:only )?for the (?:named )?(?:addressee|recipient))")
NO_PRESSURE = _c(r"\b(?:no pressure|no rush|no hurry|no action (?:is )?(?:needed|required)|nothing (?:you need|for you) to do|whenever (?:suits|works|it suits)|at your (?:earliest )?convenience)\b")
URGENCY_OUR_ACTION = _c(r"\b(?:we|i)(?:'ve| have)? (?:immediately|right away|straight away) \w+ed\b|\b(?:we|i|it|access|service|your (?:access|service|account|orders?)|this|orders?|the (?:hold|account|payment))(?:'ll| will| can| would| shall| is| are|'s) (?:\w+ ){0,3}?(?:be )?(?:restor\w*|reinstat\w*|releas\w*|appl\w*|credit\w*|updat\w*|process\w*|confirm\w*|unlock\w*|lift\w*|remov\w*|reactivat\w*|resum\w*|ship\w*|send|sent|email|reply|respond|call|fix\w*|correct\w*|issu\w*|refund\w*|post\w*|reflect\w*|notif\w*|let you know|look into|escalat\w* (?:internally|your ticket))\b")

# ---- abusive -------------------------------------------------------------
INSULT = _alt(
    r"incompeten(?:t|ce|cy)", r"useless", r"pathetic", r"idiot\w*", r"stupid\w*", r"moron\w*", r"clowns?", r"lazy", r"laziness", r"deadbeats?",
    r"disgrace\w*", r"shameful", r"shameless", r"embarrassing", r"(?<=an\s)embarrassment", r"ridiculous", r"absurd", r"(?<=a\s)joke", r"(?:absolute|complete|total|utter|sick|bad|running) joke", r"like (?:grown-?ups|adults)", r"(?:haven't|hasn't|don't|doesn't|lack|lacks) (?:got )?the (?:brains?|sense|wits?|intelligence|competence|nous) to",
    r"(?:in|using) small words", r"read it slowly", r"takes the (?:biscuit|cake)", r"a (?:child|toddler|five-year-old|monkey|chimp) could", r"shambolic", r"too (?:complicated|difficult|hard) for you",
    r"what part of\b[^.!?]{0,40}\b(?:don't you|do you not|is too|are you)", r"cut out for (?:running|run|this|business|the job)", r"laughable", r"amateur\w*",
    r"clueless", r"thiev\w*", r"rude", r"(?:(?<=so\s)|(?<=completely\s)|(?<=utterly\s)|(?<=totally\s))disorgani[sz]ed", r"(?:that's|that is) asking (?:a lot|too much)", r"get the intern to", r"(?:stop )?pretending (?:you're|you are|to be) a (?:serious|real|proper|professional)", r"(?:same )?black hole", r"(?:didn't|did not|doesn't|does not|hasn't|has not|haven't|have not) (?:\w+ )?sink in", r"(?:go|speak|write|type|explain (?:it|this)) (?:\w+ ){0,2}?slowly", r"(?:is it|it's|it is|is) (?:really |honestly |seriously |clearly |obviously |simply )?beyond (?:you|your)", r"(?:someone|somebody|anyone) (?:who|that) (?:actually )?knows what (?:they're|they are) doing", r"disorgani[sz]ation\b[^.!?]{0,40}\b(?:astonishing|staggering|unbelievable|appalling|shocking|remarkable)", r"even a (?:child|toddler|five-year-old|schoolchild|kid) (?:could|can|would|understands|knows|gets)", r"invest in a (?:calendar|calculator|diary|clock|watch)", r"how many times (?:do )?(?:i|we) (?:have|need) to (?:explain|tell|say|repeat|ask)", r"liars?", r"lying", r"dishonest\w*", r"crooks?", r"cheats?", r"freeload\w*", r"sloppy", r"negligent", r"irresponsible",
    r"unprofessional", r"inept\w*", r"hopeless", r"worthless", r"garbage", r"trash", r"dumb", r"fools?", r"foolish", r"childish", r"sad excuse",
    r"excuses", r"grow up", r"get your act together", r"shame on you", r"obtuse", r"dimwit\w*", r"halfwits?", r"nitwits?", r"imbeciles?", r"numpt(?:y|ies)", r"muppets?",
    r"(?:is that|is it|that's) (?:too much|asking too much) to ask", r"(?<=actually\s)capable of", r"(?<=even\s)capable of", r"come naturally", r"comes naturally",
    r"should be (?:embarrassed|ashamed)", r"more (?:professionally|competently|efficiently) than (?:you|your)", r"lemonade stand", r"kindergarten",
    r"do your (?:job|jobs)", r"(?<=not\s)rocket science", r"how hard (?:can|is) it", r"really that hard", r"(?:(?<=can't\s)|(?<=cannot\s)|(?<=couldn't\s))even\b",
    r"what(?: is|'s) wrong with (?:you|your)", r"two[- ]bit", r"fly[- ]by[- ]night", r"circus", r"(?<=a\s)mess\b", r"bunch of", r"who runs that place",
    r"clearly (?:can't|cannot|don't know how to) (?:manage|run|read|count|pay)", r"(?<=no\s)idea how to (?:run|manage|pay)", r"(?<=can't\s)(?:seem to )?manage (?:a|your|to pay)",
    r"company (?:of )?your size (?:can't|cannot|couldn't|still)", r"deadbeat", r"leech\w*", r"parasit\w*", r"con (?:artists?|men)", r"losers?", r"shambles", r"farce", r"clown show", r"dumpster fire", r"train ?wreck", r"(?:(?<=couldn't\s)|(?<=can't\s)|(?<=not\s)|(?<=cannot\s))organi[sz]e (?:a|an)\b",
)
AIMED_AT_US = _c(r"\b(?:our|my) (?:[\w-]+ ){0,3}?(?:has been|have been|is|was|are|were|'s)(?: (?:a|an|so|totally|completely|utterly|absolutely|pretty|really|just))*\s*$")  # "our invoicing system has been a shambles"
SECOND_PERSON = _c(r"\b(?:(?:a|any) (?:business|company|firm|outfit) (?:that|which) (?:can't|cannot|doesn't|won't|calls itself|lectures)|(?:a|any) (?:client|customer|company|business) (?:so|as)|you|your|you're|yours|yourselves|you've|y'all|u|such (?:a|an)|bunch|(?:this|that|you) lot|outfit|(?:who|what) (?:we're|we are) dealing with|some people)\b")
TALKING_DOWN = _c(r"\b(?:sink in|slowly|even a|how many times|small words)\b")  # aimed at the reader without naming them
APOLOGY = _c(r"\b(?:sorry|apolog\w*|our (?:mistake|error|fault)|my (?:mistake|error|fault)|on our (?:side|end)|we were|i was|i'm embarrassed|we're embarrassed)\b")
_rule_each("abusive", "act", INSULT, "plain", r"\b")

# ---- criminal_threat -----------------------------------------------------
POLICE = r"(?:the )?(?:police|cops|law enforcement|authorities|action fraud|economic crime unit|serious fraud office|fbi|sheriff'?s? (?:office|department)|(?:district|county|state) attorney'?s?(?: office| hot check division)?|hot check division|public prosecutor|crown prosecution service|fraud squad|detectives?|gardaí|gardai|garda|saps)"
_rule("criminal_threat", rf"(?P<act>{_verbs('call', 'contact', 'notify', 'involve', 'report', 'refer', 'alert', 'file', 'tell', 'bring', 'escalate', 'ask')}|spok(?:e|en) (?:to|with)|speak(?:ing)? (?:to|with)|talk(?:ed|ing)? (?:to|with)|in touch with|in contact with|sen(?:d|ds|t|ding)|get(?:ting)?|hand(?:ed|ing)? (?:over|this)|pass(?:es|ed|ing)?(?: on)?){_gap(12)}(?P<obj>{POLICE})\b", requires=("police", "cops", "enforcement", "authorities", "fbi", "sheriff", "attorney", "prosecut", "squad", "fraud", "crime", "detective", "garda", "saps", "hot check"))
# The authorities as the ones who would act: "the fraud squad would take a different view of these orders".
_rule("criminal_threat", rf"(?P<obj>police|authorities|fraud squad|economic crime unit|action fraud|serious fraud office|trading standards|prosecutors?)\b{_gap(4)}(?P<act>(?:take|takes|taking|took) (?:an?|the) (?:\w+ ){{0,3}}?(?:interest|view|look)|(?:see|view|treat) (?:it|this|that|these|those|them|things) (?:\w+ )?differently|make of)")
_rule("criminal_threat", rf"(?P<obj>police|authorities|fraud squad)\b{_gap(4)}(?P<act>involved)\b")
_rule("criminal_threat", r"(?P<act>hear(?:ing)? from) (?P<obj>the (?:police|authorities|fraud squad|guards|gardaí|garda))\b")
_rule("criminal_threat", r"(?P<act>(?:matter|case|job|one|issue) for) (?P<obj>the (?:police|authorities|fraud squad|prosecutors?|gardaí|gardai|garda)|saps|the saps)\b", "plain")
_rule("criminal_threat", r"(?P<act>(?:lay|lays|laying|laid) (?:a )?(?:criminal )?charges?|(?:go|going|went|take|taking) (?:this |it )?(?:down )?to the (?:police )?station|by deception|(?:report|reporting|reported) (?:it|them|this) (?:to the police )?as stolen)\b", "plain")
_rule("criminal_threat", r"(?:(?<=to\sthe\s)|(?<=with\sthe\s))(?P<obj>police|fraud squad|authorities|prosecutors?)\b")
_rule("criminal_threat", rf"(?P<obj>police|law enforcement|authorities|fbi){_gap(2)}(?P<act>will|would|may|might|could|can|involved|report|complaint|investigation|case|visit|knock|come)\b")
_rule("criminal_threat", r"(?P<act>(?<!fall\s)(?<!cardiac\s)arrest(?:ed|s|ing)?(?![- ](?:processing|harness\w*|system|block|devices?|rooms?|points?))|jail|prison|behind bars|handcuff\w*|prosecut\w*|criminal (?:charges?|complaint|case|proceedings|prosecution|action|investigation|referral|matter|offen[cs]e|liability)|press(?:ing)? charges|(?:fraud|theft|embezzlement) (?:charges?|complaint|case|investigation|report)|charged with (?:fraud|theft)|theft of services|(?<=a\s)crime|criminal offen[cs]e|criminally)\b(?! (?:of|in) (?:the )?(?:our|your)? ?(?:bank|card))", "noun")
_rule("criminal_threat", rf"(?P<act>report\w*|treat\w*|refer\w*|consider\w*|classif\w*|pursu\w*|flag\w*|log\w*){_gap(4)}(?P<obj>as (?:fraud|theft|a crime|criminal|obtaining|a fraud)|for (?:fraud|theft|prosecution))")
_rule("criminal_threat", r"(?P<pred>fraud|fraudulent|theft|stealing|crime|criminal)\b(?! (?:prevention|team|department|alert|alerts|check|checks|protection|detection|background|squad))", "plain")

CRIME_PREDICATE = _c(r"\b(?:is|are|was|amounts to|constitutes?|considered|looks like|may be|would be|counts as|nothing short of|tantamount to)\s+(?:\w+\s+){0,2}?$")

# ---- violence ------------------------------------------------------------
VIOLENCE = _alt(
    r"watch (?:yourself|yourselves|your back|your step|over your shoulder)", r"(?:(?<=we\s)|(?<=\bi\s)|(?<=they\s)|(?<=lads\s)|(?<=boys\s))know where (?:you|your)\b(?! (?:are|stand|'re) (?:in|with|on|at) (?:the|your|this)\b)", r"(?:don't|do not|wouldn't|would not) want to find out what happens", r"turn(?:s|ing|ed)? up (?:there |at your \w+ )?unannounced", r"know where (?:you|your (?:family|kids|children|wife|husband)) (?:live|lives|work|works|are|sleep|go)\b", r"(?<=will\s)find you\b", r"(?:(?<=have\s)|(?<=have\sour\s))ways\b(?! to pay| of pay)", r"(?:look|looking) over your shoulder",
    r"regret (?:it|this|that|ignoring|not paying|the day)\b", r"(?<=be\s)sorry\b(?! to| for| about| if| that)", r"(?:(?<=you'd\s)|(?<=had\s))better (?:watch|be careful|pay up|pay or|pay if|not)",
    r"(?:something|things) (?:bad |unfortunate |nasty |terrible )?(?:could|might|may|will|would) happen", r"(?:shame|pity) if (?:something|anything) (?:were to |should |was to )?happen\w*",
    r"accidents (?:happen|can happen)(?! (?:on|at|in) (?:\w+ ){0,2}?(?:sites?|work|workplaces?|industry|trade)\b| all the time)", r"(?:(?<=have\s)|(?<=has\s)|(?<=had\s)|(?<=an\s)(?<!there\swas\san\s)(?<!there's\sbeen\san\s)|(?<=some\s)|(?<=few\s))accidents?\b",
    r"(?<=your\s)(?:family's |kids' |children's |staff's |employees' |own |personal )(?:safety|wellbeing|well-being)", r"(?:get|gets|getting|got) hurt", r"(?:physically )?hurt (?:you\b|your (?:family|kids|children|staff|employees|people|workers|guys|wife|husband)|someone|somebody|anyone)", r"(?<!avoid\s)(?<!avoid\sany\s)(?<!prevent\s)(?<!prevent\sany\s)harm (?:to )?(?:you|your|yours)\b",
    r"break (?:your|some|a few|his|her) (?:\w+ )?(?:legs?|knees?|windows?|bones?|arms?|jaw|neck|nose|face|teeth|fingers?|ribs?|skull|head)", r"burn (?:down|your)", r"(?:little|unannounced|unfriendly|(?<=a\s)personal) visit",
    r"(?:show|shows|showing|showed|turn|turns|turning|turned) up at your (?:office|home|house|door|doorstep|place|site|family)", r"send (?:some|a few) (?:guys|people|men|boys|friends) (?:over|round|around|to)",
    r"make (?:your|the) (?:life|lives) (?:of \w+ )?(?:very |really |extremely |so )?(?:difficult|hell|miserable|a misery|hard|unpleasant)", r"(?:safe|nice|lovely) (?:office|business|family|company|home) you(?:'ve| have) got",
    r"physical(?:ly)? (?:harm|force|confront)", r"shame if (?:your|you) (?:\w+ )?(?:got|had an|were|was) (?:hurt|damaged|accident|broken|harmed)", r"(?:hope|wouldn't want) (?:you|your \w+) (?:to )?(?:get|gets|getting) hurt",
    r"(?<=your\s)(?:family|kids|children|employees|staff) (?:would|could|might) (?:\w+ )?(?:hurt|harmed|suffer|regret)", r"threaten(?:ing)? (?:you|your)", r"(?:things|this|it) (?:could|might|may|will|would|can) (?:get|turn) (?:ugly|nasty|messy|physical|rough)",
    r"teach (?:you|your \w+) a lesson", r"give (?:you|him|her|them) a (?:good )?(?:hiding|thrashing|beating|kicking|slap)", r"(?:hope|pray) nothing (?:bad |unfortunate |nasty )?happens", r"(?:guarantee|vouch for) (?:your|the) (?:safety|wellbeing|well-being)",
    r"(?:we're|we are|i'm|i am) watching (?:you|your)", r"keep(?:ing)? an eye on (?:you|your (?:family|house|home|kids|children))", r"sort (?:you|your \w+) out",
    r"(?:we|i) know (?:some |a few )?people who", r"nasty surprise", r"(?:visit|call on|drop in on) (?:you|your (?:home|house|family|kids)) (?:personally|in person|at home)",
    r"your (?:car|van|truck|windows?|house|home|office|premises) (?:might|could|would|may) (?:\w+ )?(?:get|be) (?:damaged|broken|scratched|smashed|burn\w*|vandali[sz]ed)", r"have a (?:quiet |little |friendly )?word with you\b", r"(?:pop|come|drop|swing|go) (?:round|around|over|by)\b(?=[^.!?]{0,40}\b(?:have a (?:quiet |little )?word|sort (?:it|this|you) out))",
    r"(?:not as|less) patient (?:as|than) (?:i am|me|we are|us)", r"(?:deal|deals|dealt|dealing) with (?:\w+ ){0,3}?the old[- ]fashioned way", r"(?:come|coming|go|going|be) (?:round|around|over) (?:to )?(?:your|his|her|their) (?:house|home|place|flat)",
    r"(?:won't|will not|isn't|is not) (?:be )?for a (?:friendly )?(?:chat|cup of tea|coffee)", r"come to your (?:house|home|door|doorstep|flat)", r"(?:discuss|sort|settle) (?:it|this) on your doorstep", r"(?:won't|will not) enjoy (?:that|this|the) conversation",
    r"(?:lads|boys|guys|men)\b[^.!?]{0,40}\b(?:offered|want|wants|keen|happy|itching) to (?:drive|come|pop|go|head) (?:over|round|around|down)", r"(?:teeth|windows?|glass) (?:\w+ ){0,2}?(?:up )?off the (?:\w+ ){0,2}?(?:pavement|floor|ground|street)",
    r"(?:find|found) (?:yourself|yourselves|himself|herself) (?:\w+ ){0,2}?(?:a )?(?:hospital|ambulance|a&e|stitches)", r"(?:you've|you have) got (?:kids|children|little ones)\b", r"(?:be|come|coming|pop|popping) (?:round|over|by) with (?:a (?:couple|few) of |some )?(?:mates|lads|friends|the boys|the lads)",
    r"(?:shouldn't|should not|don't want to|do not want to|wouldn't want to|would not want to) (?:be )?(?:mak(?:e|ing)|start(?:ing)?) enemies", r"(?<=\bour\s)(?:heavies|muscle)\b", r"(?<=\bour\s)(?:lads|boys)\b(?![^.!?]{0,60}\bto (?:measure|deliver|install|fit|help|unload|fix|repair|survey|drop|service|check|quote|finish|start|meet))",
    r"pay (?:you|your (?:\w+ )?(?:office|home|house|family|site|yard|warehouse|depot|shop|premises|place)) a (?:little |late-night |night-time |personal |surprise )?visit",
    r"(?:unexpected|unwelcome|uninvited|late-night|night-time|surprise|unannounced) (?:visits?|visitors?|callers?|guests?)",
    r"(?:(?<=we\s)|(?<=i\s))(?:have|know|can send|could send) (?:some )?(?:people|friends|guys|lads|associates) who (?:can|could|will|would|might) (?:visit|call on|drop in|pop round|come round|come by|find)",
    r"(?:safety|wellbeing|well-being|health) of your (?:staff|family|kids|children|employees|people|workers|crew|team|loved ones)",
    r"(?:(?<=who\s)|(?<=that\s)|(?<=to\s))cross(?:es|ed|ing)? (?:us|me)\b", r"(?:run|spot|streak) of bad luck",
    r"(?:which|what) school your (?:kids|children|son|daughter|little ones)", r"where your (?:kids|children|family|wife|husband|son|daughter) (?:live|lives|go|goes|sleep|sleeps|play|plays|study|studies)",
    r"know where (?:you|they|your \w+) (?:park|parks|drink|drinks|eat|eats|shop|shops|drive|drives)\b",
    r"(?:settle|do|sort|handle|deal with|resolve) (?:this|it|things|matters|the matter) the hard way",
    r"(?:fires?|break-?ins?|burglar(?:y|ies)|vandalism) (?:can |do |tend to |often )?(?:start|starts|happen|break out|occur)s?\b(?: \w+){0,3}? (?:in|to|at) (?:\w+ ){0,2}?(?:buildings|premises|places|businesses|sites|yards|offices|shops) like yours",
    r"for your (?:\w+ ){0,2}?(?:windows?|vans?|trucks?|cars?|premises|property|office|shop|warehouse|yard|equipment|site|home|house) to (?:end up |get |be )(?:smashed|broken|damaged|burn\w*|vandali[sz]ed|wrecked|torched|trashed)",
    r"(?:see|find out|wait and see) what happens to (?:that|those|your|this)\b",
    r"(?:end|ends|ended|wind|winds|wound) up (?:in (?:the )?(?:hospital|a wheelchair|an ambulance|a&e|casualty)|hurt|injured)",
    r"(?:hate|shame|pity|unfortunate|sad|terrible|awful|wouldn't want|would not want) (?:\w+ ){0,3}?(?:anything|something) (?:\w+ ){0,2}?(?:to )?happen\w* to",
    r"(?:won't|will not|wouldn't|would not) (?:like|enjoy) what (?:happens|comes) (?:next|then)", r"(?:things|life|business) (?:\w+ ){0,4}?(?:go|goes|going|gone) (?:badly )?wrong for (?:people|those|companies|firms|anyone|you)",
    r"(?:guys|lads|boys|men|people|friends|associates) (?:\w+ ){0,2}?(?:be )?waiting (?:for you )?(?:outside|by|near) your (?:\w+ )?(?:home|house|door|office|depot|yard|premises|site|car|van)\b(?![^.!?]{0,40}\bto (?:unload|deliver|drop|help|install|fit|meet|collect|pick|load))",
    r"(?:it's|it is|it can be) a dangerous (?:road|world|place|area|town|time|business) (?:at night|out there|for people)",
    r"(?:be wise|do well|want|need|ought) to (?:think|remember|consider) (?:of |about )?your (?:family|families|kids|children|wife|husband|loved ones|safety|health)",
    r"(?:make sure|ensure) you understand (?:[\w']+,? ){0,5}?(?:face to face|in person|personally)",
)
_rule_each("violence", "act", VIOLENCE, "plain")

# ---- public_shaming ------------------------------------------------------
_THIRD_PARTY_WORDS = (
    "supplier", "vendor", "customer", "client", "partner", "investor", "lender", "bank", "creditor", "competitor",
    "employee", "staff", "subcontractor", "distributor", "landlord", "contractor", "gc", "owner", "insurer",
    "franchisor", "shareholder", "member", "communit", "neighbo", "peer", "compan", "business", "firm", "industry",
    "trade", "everyone", "everybody", "public", "press", "news", "media", "local", "chamber", "bbb", "social",
    "linkedin", "twitter", "facebook", "instagram", "reddit", "glassdoor", "google", "yelp", "trustpilot", "online",
    "network", "mailing", "newsletter", "wholesal", "retail", "merchant", "trader", "dealer", "manufactur", "builder",
    "sector", "market", "association", "tenant", "resident", "occupant", "exhibitor", "agenc", "studio", "developer",
    "procurement", "purchasing", "compliance", "audit", "finance", "clutch", "freelancer", "tradespeople", "trades", "designer",
    "caterer", "printer",
)
THIRD_PARTY = _alt(
    r"(?:(?<=your\s)|(?<=other\s)|(?<=mutual\s)|(?<=shared\s))(?:(?:main|key|biggest|largest|major|top|other|own|fellow) )?(?:tenants|residents|occupants|exhibitors|suppliers|supplier|vendors|vendor|customers|clients|partners|investors|lenders|bank|banks|bankers|creditors|competitors|employees|staff|subcontractors|distributors|landlord|general contractor|gc|project owner|insurers?|franchisor|shareholders|members|community|neighbou?rs|peers|companies|businesses|firms|contractors|wholesalers|retailers|merchants|traders|dealers|manufacturers|builders)",
    r"(?<=every\s)(?:supplier|vendor|customer|client|wholesaler|retailer|merchant|distributor|builder|contractor|subcontractor|lender|bank|business|company|firm|trader|dealer|manufacturer|member|agency|studio|developer)",
    r"(?<=your\s)(?:main|key|biggest|largest|major|top) (?:customer|client|contractor|distributor|wholesaler|retailer|builder|developer|buyer)",
    r"(?:(?<=all\s)|(?<=all\sthe\s)|(?<=all\sour\s)|(?<=all\sof\sthe\s))(?:suppliers|vendors|customers|clients|distributors|wholesalers|retailers|merchants|traders|dealers|manufacturers|builders|contractors|members|exporters|importers|buyers)",
    r"(?<=their\s)(?:procurement|purchasing|compliance|audit|finance) (?:team|department|people|office)", r"(?<=on\s)(?:google|clutch)\b",
    r"(?<=other\s)(?:developers|agencies|freelancers|tradespeople|trades|studios|designers|caterers|printers)",
    r"(?<=the\s)(?:main|general|principal|head|lead) contractor", r"(?:trade|industry|business|professional) (?:bod(?:y|ies)|federation)",
    r"(?:industry|trade) (?:peers|contacts|press|associations?|groups?|forums?|networks?|lists?|newsletters?|publications?)",
    r"everyone|everybody|(?<=the\s)(?:public|industry|trade|press|news)\b|media|local (?:paper|press|news)", r"chamber of commerce", r"better business bureau|bbb",
    r"social media", r"linkedin", r"twitter", r"facebook", r"instagram", r"reddit", r"glassdoor", r"google reviews?", r"yelp", r"trustpilot", r"online",
    r"(?<=our\s)(?:network|partners|industry contacts|mailing list|newsletter)|(?<=our\sother\s)(?:customers|clients)|(?:(?<=whole\s)|(?<=entire\s)|(?<=rest\sof\sthe\s))(?:network|sector|industry|trade|market|town|region|community)",
    r"(?<=our\s)(?:partner|trade|supplier|industry|member|members'|credit|business) (?:network|community|forum|circle)s?",
)
TELL = _alt(
    _verb("tell"), r"told", _verb("inform"), _verb("notify"), r"let(?:ting)?", _verb("warn"), _verb("alert"), _verb("contact"), r"reach(?:es|ed|ing)? out to",
    _verb("share"), _verb("publish"), r"tip(?:s|ped|ping)? off", r"giv(?:e|es|ing)|gave", _verb("post"), _verb("broadcast"), _verb("announce"), _verb("circulate"), _verb("email"), _verb("advise"),
    _verb("mention"), _verb("expose"), _verb("name"), _verb("list"), r"spread(?:s|ing)?", _verb("make") + r"|made", r"go(?:ing)? public", _verb("call"), _verb("write"), r"wrote|written",
)
_rule("public_shaming", rf"(?P<act>{TELL})\b{_gap(8)}(?P<obj>{THIRD_PARTY})\b", requires=_THIRD_PARTY_WORDS)
_rule("public_shaming", rf"(?P<obj>{THIRD_PARTY}){_gap(4)}(?:will|would|may|might|could|should|deserves? to|needs? to|are going to|ought to|ha(?:ve|s) a right to)(?! (?:\w+ )?(?:be )?(?:pleased|glad|happy|delighted|excited|thrilled)\b)(?: \w+){{0,3}}? (?P<act>hear(?:ing)?|know|learn|find out|be told|be informed|be warned|see|read|interested|find (?:it|this|that) (?:\w+ )?(?:interesting|useful|telling|illuminating|enlightening|eye-opening|revealing))\b")
_rule("public_shaming", rf"(?P<obj>{THIRD_PARTY}) (?:\w+ )?(?P<past>heard|knew|learned|learnt|found out|were told|got wind)\b")
# Third parties who would not like what they heard, or who ask us and get the truth.
_rule("public_shaming", rf"(?P<obj>{THIRD_PARTY}){_gap(3)}(?P<act>(?:wouldn't|would not|won't|will not) (?:\w+ ){{0,2}}?(?:impressed|pleased|happy|thrilled|amused|keen|want|like|enjoy)\w* (?:to )?(?:hear|hearing|learn|learning|find out|know|read|reading|see|seeing|discover))\b", "plain")
_rule("public_shaming", r"(?P<act>(?:none|neither|nobody|(?<=not\s)one|(?<=no\s)one) of (?:them|those|your \w+|the \w+)) (?:would|will|'d)(?: \w+){0,2}? (?:want|like|enjoy|be (?:happy|pleased|impressed|thrilled))\w* (?:to )?(?:hear|hearing|learn|learning|find out|know|read|reading)\b", "plain")
_rule("public_shaming", rf"(?P<obj>{THIRD_PARTY})\b[^.!?;]{{0,40}}?\b(?:ask|asks|asked|ring|rings|call|calls|phone|phones|check with|come to|contact) us\b[^.!?;]{{0,60}}?\b(?P<act>(?:we|i) (?:\w+ )?(?:tell|answer|say|give|share|reply)\w*\b[^.!?;]{{0,30}}?\b(?:honest\w*|truth\w*|straight|frankly)|answer\w* (?:them )?(?:honestly|truthfully))\b", requires=("honest", "truth", "straight", "frank"))
_rule("public_shaming", rf"(?P<act>wonder\w* (?:whether|if)) (?:your |their |the )?(?P<obj>{THIRD_PARTY}) (?:\w+ )?(?:know|knows|are aware|is aware|realise|realize|have heard)\b")
_rule("public_shaming", r"(?P<act>(?:compare|comparing|compared) notes (?:on|about) who pays|(?:your|the company's) name (?:to )?come up in (?:those |these |such )?conversations|(?:mention\w*|rais\w*|shar\w*|talk\w* about) our experience\b[^.!?]{0,60}\b(?:group|association|network|forum|chamber|meeting|meets|industry|trade)|(?:people|everyone|firms|companies|suppliers|businesses) in (?:this|the|our) (?:industry|trade|sector|town|area) (?:like|want|need|deserve|ought) to know who pays)\b", "plain")
_rule("public_shaming", rf"(?P<obj>{THIRD_PARTY})\b{_gap(3)}(?:will|would|might|'ll) (?P<act>react|respond|feel|think|say)\b[^.!?]{{0,20}}?\b(?:when|if|once) (?:they|he|she) (?:hear|learn|find out|see|read|know)\b")
_rule("public_shaming", r"(?P<act>word (?:gets|will get|could get|might get|would get|has a way of getting|travels) (?:around|round|out|fast|quickly)|(?<=on\sour\s)website|for (?:everyone|everybody|all|the (?:whole|entire) (?:trade|industry|sector|town|world)|the (?:world|public|trade|industry))(?: \w+){0,4}? to see|(?:trade|industry|sector|town|people)\b[^.!?]{0,30}\blong memor(?:y|ies)|(?:shame|pity)\b[^.!?]{0,40}\bpeople\b[^.!?]{0,50}\b(?:start(?:ed)? (?:talking|asking)|talk(?:ing)? about|gossip\w*)|people (?:talk|gossip) (?:at|in|around|across) (?:the )?(?:\w+ )?(?:trade|industry|shows?|conferences?|events?|expos?|fairs?|market|sector|club|chamber|circles))\b", "plain")
_rule("public_shaming", rf"(?P<act>make sure|ensure)\b{_gap(4)}(?P<obj>{THIRD_PARTY}){_gap(6)}(?:know|hear|find out|are aware|learn)\b")
_rule("public_shaming", rf"(?P<act>hate|wouldn't want|would not want|don't want|do not want|shame|pity)\b{_gap(3)}(?:for )?(?P<obj>{THIRD_PARTY}) to (?:find out|hear|learn|know|discover|see|read)\b")
# Word getting round, told by what would happen to the reader's name: "I'd hate for people to start hearing that ...",
# "I'd hate for your name to come up", "for the matter to come to the attention of your other suppliers"
_rule("public_shaming", r"(?P<act>(?:hate|wouldn't want|would not want|don't want|do not want|shame|pity) for (?:people|others|folks|everyone|the (?:trade|industry|market))(?: (?:at|in|across|around|on)(?: [\w-]+){1,3}?)? to (?:start |begin )?(?:hear|hearing|talk|talking|say|saying|find out|finding out))\b", "plain")
_rule("public_shaming", r"(?P<act>(?:hate|wouldn't want|would not want|don't want|do not want|shame|pity) for your (?:name|company(?:'s name)?|business(?:'s name)?|firm(?:'s name)?) to (?:come up|be mentioned|get (?:around|about|mentioned)|do the rounds))\b", "plain")
_rule("public_shaming", rf"(?P<act>(?:come|comes|came|brought|bring|bringing) to the attention of) (?:your |the |our |other |all )*(?P<obj>{THIRD_PARTY})\b")
_rule("public_shaming", r"(?P<act>name and shame|wall of shame|hall of shame|blacklist\w*|black list|(?:bad|slow|late|non-?)[- ]?pay(?:er|ing|ers)? (?:list|register|database)|deadbeat (?:list|register)|delinquent (?:payers?|customers?|accounts?) (?:list|register|database)|do[- ]not[- ](?:serve|sell|supply) list|publicly (?:name|list|post|share|disclose|identify)|(?:make|made|making) (?:this|it|the debt|your debt|the matter) public|public (?:notice|post|list|record|register) of|(?:one|1|single|two|2)[- ]star (?:rating|review)s?|(?:as|listed as|flagged as|named as) an? (?:bad|slow|late|non-?|problem)[- ]?payer|list of (?:slow|bad|late|non-?|problem|delinquent)[- ]?pay(?:ers?|ing (?:customers|accounts|companies))|(?:slow|bad|late)[- ]payers'? (?:list|register)|shame (?:you|your company) publicly)", "plain")
_rule("public_shaming", r"(?P<act>(?:raise|raising|mention|mentioning|bring(?:ing)? up|discuss\w*|flag\w*) (?:your|the) (?:payment record|account|debt|non-payment|unpaid \w+)\b[^.!?]{0,30}\b(?:at|with|in) (?:the |our )?(?:next )?(?:\w+ ){0,3}?(?:meeting|association|forum|group|dinner|conference|network|chamber))", "plain")
_rule("public_shaming", r"(?P<act>(?:published|posted|listed|named|shared) on (?:the |our )?[\"“]?(?:delinquent|overdue|bad|slow|late|non-?pay)\w*|shared on our (?:company )?(?:linkedin|facebook|twitter|instagram|website))", "plain")
_rule("public_shaming", r"(?P<obj>(?<=our\s)public)\b[^.!?;]{0,60}?\b(?P<act>page|list|register|wall|board|website|notice|listing)\b", "plain")
_rule("public_shaming", rf"(?P<act>(?:leave|post|write|publish)\w*) (?:a |an |some )?(?:\w+ )?(?P<obj>reviews?|posts?|comments?|warnings?)\b{_gap(3)}(?:you|your)\b")
_rule("public_shaming", r"(?P<act>(?:go|goes|going) out|appear\w*|featur\w*|(?<=be\s)(?:printed|published|included|mentioned|listed)) (?:in|on) (?:our |the |a |their )?(?:next |monthly |weekly |quarterly |upcoming |annual )?(?P<obj>(?:industry |trade |members'? |association )?(?:newsletter|bulletin|magazine|journal|press|publication|circular)s?)\b")
CONDITIONAL_BEFORE = _c(r"\b(?:if|when|once|before)\s+(?:\w+\s+){0,2}$")
READER_REQUEST = _c(r"\W*(?:please(?! (?:be (?:advised|aware|informed)|note))|kindly|feel free|thanks? (?:you )?for|many thanks for|you(?:'re)? (?:can|may|might|could|are welcome)|if you|do let|let (?!us\b|me\b))")
SHAMING_BENIGN = _c(r"\b(?:with your (?:permission|consent|approval|blessing|go-ahead)|success|story|case study|testimonial|launch|congrat\w*|welcome|webinar|event|promotion|referral program|new portal|schedule change|holiday|hours|price list|thank|good news|milestone|award|feature|post(?:ed|ing)? (?:the|your) payment|posted to|bank details|new address|contact details|remittance details)\b")

# --------------------------------------------------------------------------
# Context: negation, reporting, offers, actors
# --------------------------------------------------------------------------

INVERTED_CUE = _c(
    r"(?:no longer|not (?:be )?(?:able|in a position) to|unable to|cannot|can't|can not|won't be able to|"
    r"(?:can't|cannot|won't|not) continue to|no further|(?:won't|will not) be|(?:told|instructed|asked) not to)\W+(?:\w+\W+){0,4}?$"
)
NEGATION = _c(
    r"\b\w*n't\b|\b(?:not|never|no|nothing|none|neither|nor|nobody|without|cannot|nowhere)\b"
)
NEGATION_EXEMPT_AFTER = _c(
    r"\s*(?:later than|rocket science|even\b|(?:make|force|push) (?:us|me)\b|idea how to|(?:seem to )?manage (?:a|your|to pay)|organi[sz]e (?:a|an)\b|"
    r"(?:\w+ )?cut out for|wait any (?:longer|further)|hold off any (?:longer|further)|extend (?:this|the deadline|any more time)|choice|option|alternative|other (?:option|choice|alternative|recourse|way)|recourse|hesitat\w*|longer|only|further delay|more delay|"
    r"delay|more excuses|but\b(?! (?:we|i|our|you|they)\b)|further extensions?|more extensions?|yet|been (?:paid|received|settled)|"
    r"(?:\w+ ){0,2}?(?:wants?|wish(?:es)?|likes?|hopes?|intend to wait)|forget|sure (?:whether|if)|(?:worked with|dealt with|met|seen) (?:a |an )?(?:\w+ )?so\b|(?:\w+ )?(?:need|have) to [^.!?]{0,40}?\b(?:as long as|so long as|provided|providing)|(?:\w+ )?know how many times|rule(?:d)? out|exclude|(?:\w+ ){1,3}?(?:such (?:a|an)|anything like)|(?:\w+ ){0,2}?(?:seen|met|known|encountered) (?:a |an )?(?:more|worse|less))\b"
)
VERBAL_CONDITION = _c(r"(?:(?<=n't)|(?<=not)|(?<=ver)|(?<=nothing))\s*(?!(?:report|share|disclos|pass|send|sell|refer|tell|list|flag)\w*)(?:\w+ ){0,2}?(?:pay|paid|paying|payment|payments|receive|received|receiving|hear|heard|respond|responded|response|reply|replied|settle|settled|resolve|resolved|clear|cleared|arrive|arrived|remit|remitted|remittance|funds|brought current|make (?:a |the )?payment|honou?r\w*|keep (?:your|the|this) (?:promise|commitment)|kept|made|act|action is taken|able to reach you|reach you|get a response|work out|agree|come to an agreement|cooperate|engage|comes? in|comes? through|lands?|sorted|sorted out|dealt with|squared(?: up)?|settled up|reach(?:es|ed)? us|get (?:something|anything|the money|payment|a payment|funds)|satisf\w*|replac\w*|have the money)\b")
NO_PAYMENT = _c(r"(?<=no|ut)\s*(?:(?:intention|intent|plan|plans|means|way|attempt|sign|effort|ability|money|funds) (?:of|to) )?(?:\w+ )?(?:payment|paying|pay|response|reply|word|funds|remittance|contact|agreement)\b")
NEGATION_EXEMPT_BEFORE = _c(r"(?:rather|prefer|hope|hoping|hoped|trust|hate|hating|would like|'d like|want|wish)\W+(?:\w+\W+){0,3}?$")
STRONG_NEGATION = _c(
    r"\b(?:no (?:need|reason|plans?|intention|intent|desire)(?! (?:of|to) pay)|(?:do|does|did)n't (?:\w+ )?(?:think|expect|anticipate|foresee|believe|see (?:a |any )?(?:need|reason))|"
    r"(?:do|does|did) not (?:\w+ )?(?:think|expect|anticipate|foresee|believe|see (?:a |any )?(?:need|reason))|never (?:going|planning|intending))\b"
)
BARRIER = _c(
    r"[;:]|,\s*(?=(?:and |but |so |then |or )?(?:we|i|our|they|it|this|that|these|those|there|your|you|the|failing|otherwise|in which case|at which point|after that|beyond that|if|unless|once|when|should|please|kindly)\b)|"
    r"\b(?:but|however|although|though|otherwise|or else|whereas|yet|instead|if|unless|once|when|until|because|since|so that)\b|"
    r"\b(?:we|i|they|it|our \w+|you|this)(?:'ll| will| would|'d| may| might| must| shall| can| could| are going to| is going to|'re going to| have to| has to| need to| intend to| plan to)\b"
)
POST_NEGATION = _c(r"^(?:\W+[\w']+){0,4}?\W+(?:not|never|no longer)\b(?!\W+yet\b)(?!\W+(?:\w+\W+){0,2}?(?:waived|removed|reversed|forgiven|refunded|dropped|cancell?ed|negotiable|optional|lifted))|^(?:\W+[\w]+){0,3}?n't\b(?!\W+yet\b)(?!\W+(?:\w+\W+){0,2}?(?:waived|removed|reversed|forgiven|refunded|dropped|cancell?ed|lifted))|^\W+(?:is|are|was|were|will be|has been|have been) (?:now )?(?:waived|removed|reversed|forgiven|refunded|lifted|cancell?ed|withdrawn|released)\b")
CUSTOMER_ACTOR = _c(r"(?:\byou(?:'ve| have) had to|\byou(?:'d|'ll|'re)?(?: (?:can|could|may|might|would|will|want|wish|need|decide|choose|prefer|like|are|ever|also|always|still|just|welcome|free))*(?: to)?|feel free to|at any time,?|you are welcome to|you're welcome to|ask us to|asked us to|requested that we|request to)\W+$")
OFFER = _c(r"\b(?:happy to|glad to|pleased to|willing to|able to offer|can offer|could offer|option (?:to|of)|would you like|if you'd like|if you would like|if it helps|if that helps|at your request|on request|if you prefer|we can also|we could|offer to|offering to|is there anything|do you want us to|shall we)\b")
# Statements attributed to the customer or someone else: "you mentioned", "as you said", "your lawyer said".
REPORTED_VERB = _c(
    r"(?:mentioned|said|say|says|told (?:us|me|you|(?:our )?\w+ that)|threaten(?:ed|s|ing)?|noted|indicated|explained|wrote|write|asked(?: (?:about|whether|if))?|raised|flagged|"
    r"brought up|shared|confirmed|agreed|promised|committed|suggested|stated|claimed|claim|reported|asking|wondering)\b"
)
REPORTED_SUBJECT = _c(r"\b(?:as )?(?:you|he|she|they|your \w+(?: \w+)?)(?: also| already| just| were| are|'re| have|'ve| had)?\s+$")
REPORTED_OTHER = _c(
    r"(?:according to|per) (?:you\b|your\b(?! (?:\w+ )?(?:terms|contract|agreement|conditions|t&cs)\b))|sorry to (?:hear|learn|read)\b|(?:worried|concerned|concern|concerns|anxious|(?<!i'm\s)(?<!\bi\sam\s)(?<!we're\s)(?<!we\sare\s)afraid|fears?|worries) (?:about|that|regarding|over)\b|"
    r"as discussed with your\b|(?<=for\s)(?:letting (?:us|me) know|telling (?:us|me)|filling (?:us|me) in)\b|(?<=for\sthe\s)heads[- ]up\b|"
    r"(?<=your\s)(?:query|enquiry|inquiry|complaint) (?:about|regarding|over)\b"
)
_REPORTED_VERB_SOURCE = REPORTED_VERB.source  # type: ignore[attr-defined]
_REPORTED_OTHER_SOURCE = REPORTED_OTHER.source  # type: ignore[attr-defined]
QUOTED_LINE = _c(r"(?m)^[ \t]*>.*$")
CUSTOMER_LINE = _c(r"(?m)^[ \t]*(?:customer|client|debtor)[ \t]*:.*$")
THREAD_TAIL = _c(r"(?ims)^[ \t]*(?:-{2,}\s*original message\s*-{2,}|on [^\n]{3,120}wrote:|from: [^\n]+\n\s*sent: ).*\Z")
# Web addresses, one pattern per opening: a pattern that starts with a literal word is scanned for fastest.
WEB_URL = _c(r"https?://\S+")
WWW_URL = _c(r"www\.\S+")
DOUBLE_QUOTED = _c(r'"[^"\n]{1,400}"')
SINGLE_QUOTED = _c(r"'(?=[a-z])(?:[^'\n]|'(?=[a-z])){1,300}?[a-z0-9.!?,]'(?![a-z])")
CURLY_SINGLE = _c("\u2018[^\u2018\u2019\n]{1,300}?(?:\u2019[a-z][^\u2018\u2019\n]{0,300}?)*\u2019(?![a-z])")

# A run of stops before a space, a quote, a bracket or the end, found from its first full stop, exclamation
# or question mark: a pattern opening with one literal character is scanned for fastest.
FULL_STOP_RUN = _c(r"\.[.!?]*(?=[ \n\"')\]]|\Z)")
EXCLAMATION_RUN = _c(r"![.!?]*(?=[ \n\"')\]]|\Z)")
QUESTION_RUN = _c(r"\?[.!?]*(?=[ \n\"')\]]|\Z)")
# A line break before a line that opens a new block (a blank line, a bullet, a greeting).
BEFORE_NEW_BLOCK = _c(r"\n(?=[ \t]*(?:\n|[-*\u2022\u25aa\u25e6#>]|\d+[.)]\s|subject:|re:|dear |hi |hello ))")
CLAUSE_BREAK = _c(r"[,;:()]|\s-\s|\b(?:but|however|otherwise|or else|whereas)\b|\b(?:and|or|so|then)\b(?=\s+(?:we|i|our|your|you|the|this|it|they|failing)\b)")
CONTINUATION = _c(r"[ \t]*[a-z]")

_UNIFIED = {  # character -> the one it is read as
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": ",", "\u2014": ",", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": " ", "\t": " ", "\r": " ",
    "*": " ",  # markdown emphasis: "by **Friday 6 December**"
}


def _normalize(text: str) -> str:
    """Lower-case and unify quotes/dashes/spaces without changing any offset."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    for char, replacement in _UNIFY:  # str.replace per character present: far faster than str.translate
        if char in lowered:
            lowered = lowered.replace(char, replacement)
    return lowered


_UNIFY = tuple(_UNIFIED.items())  # no replacement is itself replaced, so the order does not matter


def _mask_quotes(norm: str, text: str) -> str:
    """Blank out what the draft quotes rather than says: quoted lines and replies, quotations, URLs."""
    spans: list[tuple[int, int]] = []
    if ">" in norm:
        spans.extend(match.span() for match in QUOTED_LINE.finditer(norm))
    if "customer:" in norm or "client:" in norm or "debtor:" in norm:  # a call transcript: the customer's own lines
        spans.extend(match.span() for match in CUSTOMER_LINE.finditer(norm))
    if "wrote:" in norm or "original message" in norm or "sent: " in norm:
        spans.extend(match.span() for match in THREAD_TAIL.finditer(norm))
    if "http" in norm:
        spans.extend(match.span() for match in WEB_URL.finditer(norm))
    if "www." in norm:  # inside a web address already found, or on its own
        spans.extend(match.span() for match in WWW_URL.finditer(norm))
    if "@" in norm:
        spans.extend(_email_addresses(norm))
    quotations = []
    if '"' in norm:
        quotations.extend(match.span() for match in DOUBLE_QUOTED.finditer(norm))
    if "\u2018" in text:
        quotations.extend(match.span() for match in CURLY_SINGLE.finditer(text))
    quotations.extend(_single_quoted(norm))
    spans.extend(span for span in quotations if not (norm.startswith(_STOOD_BY_OPENINGS, span[1], span[1] + 12)
                                                     and STOOD_BY.match(norm, span[1])))
    return _blank(norm, spans)


# A quotation the writer stands by is said again: "as I said, 'your deliveries stop', and that still stands".
_STOOD_BY_OPENINGS = (", and ", ". that", ". this", ", that", ", which", " and ", " which", ". frankly", ". honestly", ", frankly",
                      ", honestly", ". i meant", ". we meant", ", i meant", ", we meant", ". it ")
STOOD_BY = _c(r"[\s,.'\"]*(?:and |which )?(?:(?:that|this|it|which) (?:still )?(?:stands|holds|has not changed|hasn't changed|is still (?:the case|true|our position))|(?:i|we) meant (?:it|every word|that)|(?:frankly |honestly )?that suits us)\b")





def _email_addresses(norm: str) -> list[tuple[int, int]]:
    spans = []
    at = norm.find("@")
    while at != -1:
        start, end = at, at + 1
        while start > 0 and (norm[start - 1].isalnum() or norm[start - 1] in "._+-"):
            start -= 1
        while end < len(norm) and (norm[end].isalnum() or norm[end] in ".-"):
            end += 1
        spans.append((start, end))
        at = norm.find("@", end)
    return spans


def _single_quoted(norm: str) -> list[tuple[int, int]]:
    """'...' used as quotation marks (an apostrophe not preceded by a letter opens one)."""
    spans = []
    position = norm.find("'")
    while position != -1:
        if position == 0 or not (norm[position - 1].isalnum() or norm[position - 1] == "'"):
            match = SINGLE_QUOTED.match(norm, position)
            if match:
                spans.append(match.span())
                position = match.end()
        position = norm.find("'", position + 1)
    return spans


def _reported_end(text: str, start: int) -> int:
    stop = _c_reported_stop.search(text, start)
    return stop.start() if stop else len(text)


TELLER = _c(r"[^.!?;:,\n]*$")
OUR_SIDE = _c(r"\b(?:we|i|our|my|us)\b")
GROUNDS_BEFORE = _c(r"\b(?:since|because|given that|now that|seeing as)\s+$")
_c_reported_stop = _c(r"[.!?](?=\s|$)|[;\n]|,\s*(?:but|so|and|however)\b|\b(?<!choice\s)(?<!option\s)(?<!alternative\s)(?:but|however)\b")


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts: list[str] = []
    cursor = 0
    for start, end in sorted(spans):
        if end <= cursor:
            continue
        start = max(start, cursor)
        parts.append(text[cursor:start])
        parts.append(" " * (end - start))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def _sentences(norm: str, original: str) -> list[tuple[int, int]]:
    """Sentence spans: after a run of stops, and at the line breaks `_line_breaks` picks."""
    breaks = [run.end() for run in FULL_STOP_RUN.finditer(norm)]
    if "!" in norm:
        breaks += [run.end() for run in EXCLAMATION_RUN.finditer(norm)]
    if "?" in norm:
        breaks += [run.end() for run in QUESTION_RUN.finditer(norm)]
    if "\n" in norm:
        breaks += _line_breaks(norm, original)
    return _spans_between(norm, sorted(set(breaks)))  # a run holding two kinds of stop is found twice


def _line_breaks(norm: str, original: str) -> list[int]:
    """A line break ends a sentence before a new block, or after a short line (headers, greetings,
    signatures) unless the next line carries on in lower case; longer lines are wrapped prose."""
    new_blocks = {newline.start() for newline in BEFORE_NEW_BLOCK.finditer(norm)}
    breaks = []
    newline = -1
    for line in norm.split("\n")[:-1]:
        newline += len(line) + 1
        if newline in new_blocks or (len(line) < 50 and not CONTINUATION.match(original, newline + 1)):
            breaks.append(newline + 1)
    return breaks


def _spans_between(norm: str, breaks: list[int]) -> list[tuple[int, int]]:
    """The stretches between sorted, distinct breaks that hold more than white space."""
    return [(start, end) for start, end in zip([0, *breaks], [*breaks, len(norm)])
            if start < end and not norm[start:end].isspace()]


# "Nothing about this will be shared": "this will" opens no new clause when a negative subject owns it.
_NEGATIVE_SUBJECT = _c(r"\b(?:nothing|none|nobody|no one|neither|no part)(?: of| about| in| from| regarding)?\s*$")


def _scope_start(norm: str, sentence_start: int, match_start: int) -> int:
    window_start = max(sentence_start, match_start - 160)
    last = window_start
    for barrier in BARRIER.finditer(norm, window_start, match_start):
        if not _NEGATIVE_SUBJECT.search(norm, max(window_start, barrier.start() - 24), barrier.start()):
            last = barrier.end()
    return last


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    """Cheap substring pre-check before running a regular expression."""
    for word in words:
        if word in text:
            return True
    return False


_NEGATION_HINTS = ("no", "n't", "never", "neither", "without")


def _is_negated(norm: str, sentence_start: int, start: int, end: int, rule: _Rule) -> bool:
    scope_end = start if rule.kind in ("inverted", "plain", "dated") else end
    window_start = max(sentence_start, start - 160)
    if not _mentions(norm[window_start:scope_end], _NEGATION_HINTS):
        return False
    before = norm[window_start:start]
    strong = STRONG_NEGATION.search(before)
    if strong and not _c_but.search(before, strong.end()):
        return True
    scope = _scope_start(norm, sentence_start, start)
    for cue in NEGATION.finditer(norm, scope, scope_end):
        if NEGATION_EXEMPT_AFTER.match(norm, cue.end(), min(len(norm), cue.end() + 60)):
            continue
        if NO_PAYMENT.match(norm, cue.end(), min(len(norm), cue.end() + 40)):
            continue
        if VERBAL_CONDITION.match(norm, cue.end(), min(len(norm), cue.end() + 60)):
            continue
        if NEGATION_EXEMPT_BEFORE.search(norm, max(scope, cue.start() - 40), cue.start()):
            continue
        if _for_now(norm, scope, cue.end(), end) and not DECIDED_BEFORE.search(norm, max(scope, cue.start() - 20), cue.start()):
            continue
        if CONDITION_OPENS.search(norm, max(0, scope - 8), scope) and "," in norm[cue.end():start]:
            continue  # "if it's not in by friday, interest starts": the comma closes the condition and its negation
        return True
    return False


CONDITION_OPENS = _c(r"\b(?:if|unless|should|once|when)\s*$")


DECIDED_BEFORE = _c(r"\b(?:agreed|decided|chose|chosen|resolved|opted)\s+$")
# "Not yet", "for now", "at this stage": the negation holds for the moment only, which is the threat.
FOR_NOW = _c(r"\b(?:yet|for now|for the (?:moment|time being)|at the moment|at (?:this|the moment|present)|as (?:things|it) stands?|at this (?:stage|point))\b")


# "We have not charged interest so far, but we will if...": not so far, but next
NOT_SO_FAR_BUT = _c(r"\bso far,? but (?:we|i)(?: will|'ll| shall| may| might| would| could)(?: (?:if|unless|should|once|when|the moment)\b|\s*[.!;,])")


def _for_now(norm: str, scope: int, cue_end: int, end: int) -> bool:
    if FOR_NOW.search(norm, scope, cue_end) or NOT_SO_FAR_BUT.search(norm, cue_end, cue_end + 80):
        return True
    tail = _c_clause_end.search(norm, cue_end, cue_end + 80)
    return bool(FOR_NOW.search(norm, max(end, cue_end), tail.start() if tail else min(len(norm), cue_end + 80)))


_c_clause_end = _c(r"[.!?;,]|\b(?:but|and|so)\b")


_c_but = _c(r"\b(?:but|however|otherwise)\b|[;]")


def _post_negated(norm: str, end: int, sentence_end: int) -> bool:
    tail_end = min(sentence_end, end + 60)
    tail = norm[end:tail_end]
    if not _mentions(tail, ("not", "n't", "never", "no longer", "waived", "removed", "reversed", "forgiven",
                            "refunded", "lifted", "cancel", "withdrawn", "released")):
        return False
    clause_end = CLAUSE_BREAK.search(tail)
    if clause_end:
        tail = tail[: clause_end.start()]
    condition = _c_condition.search(tail)  # "recovery proceedings if not cleared within 15 days": a condition
    if condition:
        tail = tail[: condition.start()]
    return bool(POST_NEGATION.search(tail)) and not FOR_NOW.search(tail)


_c_condition = _c(r"\b(?:if|unless|until|when|once|should)\b")


SET_ASIDE = _c(r",? which (?:shouldn't|should not|should never) have (?:happened|been)|(?:,|\bbut\b|\bhowever\b)[^.!?]{0,40}?\b(?:we|i)(?:'ve| have| had)? (?:\w+ ){0,2}?(?:never|not|decided not to|chosen not to|won't|will not|don't|do not) (?:\w+ ){0,2}?(?:appl(?:y|ied)|charg\w*|us(?:e|ed)|add\w*|enforc\w*|invok\w*|levy|levied|pursu\w*) (?:it|them|this|that)\b")


# Set aside later in the sentence, or in the next ones when the remedy is cited from the terms: "clause 7
# allows us to charge interest. ... we will not be applying it", "none of the above has ever applied to you".
SET_ASIDE_LATER = _c(
    r"\b(?:we|i)\b[^.!?,;]{0,30}?(?:\bnever|\bnot|n't|\bno (?:intention|plans?))\b[^.!?]{0,40}?\b(?:appl\w*|charg\w*|us(?:e|ed|ing)|add\w*|enforc\w*|invok\w*|levy\w*|levied|pursu\w*|call(?:ing)? (?:on|upon)|done (?:it|so|that)|do(?:ing)? (?:so|that|it)|start\w*|ask\w*|collect\w*|seek\w*|exercis\w*|rely\w*|rel(?:y|ied) on)\b|"
    r"\b(?:we|i)(?:'ve| have)? (?:now |already |since )?(?:waived|reversed|refunded|removed|cancell?ed|credited|written off|wiped) (?:it|them|this|that|the|any)\b|"
    r"\b(?:it|this|that|they|which|none of (?:the above|this|these|it))(?:'s| is| was| has| have| were| are)?(?: been| ever)* (?:not something we|never (?:been )?(?:applied|charged|used|enforced)|(?:applied|applies|apply) to you|(?:now |since |already )?(?:refunded|waived|reversed|removed|cancell?ed|lifted|credited|written off)|added (?:\w+ ){0,3}?in error)\b"
)
TERMS_CITED = _c(r"\b(?:terms|clause|contract|agreement|policy|t&cs|conditions)\b")
NOT_FOR_GOOD = _c(r"\b(?:yet|so far|until now|to date|up to now|this time|for now|at the moment|unless|if|until|but will)\b")
_SET_ASIDE_HINTS = ("never", "not", "n't", "no ", "waived", "revers", "refund", "removed", "cancel", "lifted", "credited",
                    "written off", "wiped", "in error", "applie", "apply to you")


def _set_aside(norm: str, sentence: tuple[int, int], end: int) -> bool:
    tail = norm[end:sentence[1]]
    if _mentions(tail, ("never", "not", "n't")) and SET_ASIDE.search(tail):
        return True
    if TERMS_CITED.search(norm, max(0, sentence[0] - 300), sentence[1]):
        tail = norm[end:sentence[1] + 300]
    if not _mentions(tail, _SET_ASIDE_HINTS):
        return False
    found = SET_ASIDE_LATER.search(tail)
    if found is None:
        return False
    stop = _c_sentence_stop.search(tail, found.end())
    return not NOT_FOR_GOOD.search(tail, found.start(), stop.start() if stop else len(tail))


_c_sentence_stop = _c(r"[.!?](?:\s|$)")

# Someone else does it to the reader: "your bank has frozen the company account", "your supplier stopping
# deliveries", "the notice you got was from your bank".  Only the writer's side makes a threat.
_OTHERS = r"(?:bank|lender|supplier|landlord|provider|insurer|lessor|creditor|vendor|finance (?:company|house)|funder|employee|customer|client|council|subcontractor|contractor|tenant|factor)s?"
OTHER_ACTOR = _c(
    r"(?<!\bto\s)(?<!\btell\s)(?<!\bcontact\s)(?<!\bnotify\s)(?<!\binform\s)(?<!\bwith\s)(?<!\bfrom\s)(?<!\bby\s)"
    rf"\b(?:your|their|his|her|the customer's|the client's|a former|an ex-?) (?:own |former )?(?:[\w-]+ ){{0,2}}?{_OTHERS}(?:'s)?"
    r"(?: (?!(?:and|or|then|to|we|i|our|us|if|but|so)\b)[\w']+){0,3} $"
)
OTHER_SOURCE = _c(rf"[^.;!?]{{0,40}}?\b(?:was|is|came|comes|were|are) (?:sent )?(?:from|by) (?:your|their|his|her) (?:[\w-]+ ){{0,2}}?{_OTHERS}\b")
_ACTED_BY_OTHERS = frozenset({"suspension", "legal_action", "repossession", "personal_guarantee", "late_fees", "collections_agency"})
_OTHER_HINTS = ("your ", "their ", "his ", "her ", "the customer's", "the client's", "former", " ex")


def _someone_else_acts(norm: str, sentence: tuple[int, int], start: int, end: int) -> bool:
    window_start = max(sentence[0], start - 70)
    if _mentions(norm[window_start:start], _OTHER_HINTS) and OTHER_ACTOR.search(norm, window_start, start):
        return True
    return _mentions(norm[end:end + 60], ("from", " by ")) and bool(OTHER_SOURCE.match(norm, end, sentence[1]))


def _customer_is_actor(norm: str, sentence_start: int, start: int) -> bool:
    window_start = max(sentence_start, start - 40)
    if not _mentions(norm[window_start:start], ("you", "free", "any time", "ask", "request")):
        return False
    return bool(CUSTOMER_ACTOR.search(norm, window_start, start))


_OFFER_HINTS = ("happy", "glad", "pleased", "willing", "offer", "option", "like", "helps", "request", "prefer",
                "we can", "we could", "anything", "want us", "shall we")


def _is_offer(norm: str, sentence_start: int, start: int, category: str) -> bool:
    window_start = max(sentence_start, start - 60)
    if not _mentions(norm[window_start:start], _OFFER_HINTS):
        return False
    offer = OFFER.search(norm, window_start, start)
    if offer and category in ALWAYS_FORBIDDEN and offer.group(0) in _BARE_MODALS:
        return False  # "we could mention this to your bank" is no favour to the reader
    if offer and OFFER_BY_AUTHORITY.search(norm, max(window_start, offer.start() - 50), offer.start()):
        return False  # "the county recorder would be happy to put a lien on it": no favour either
    return bool(offer)


_BARE_MODALS = frozenset({"we could", "we can also"})
OFFER_BY_AUTHORITY = _c(r"\b(?:court|courts|judge|magistrates?|recorder|registry|sheriff|bailiffs?|police|authorities|bureaus?|agency|agencies|lawyers?|solicitors?|attorneys?|collectors?|squad)(?:'s)?\b[^,.;!?]{0,25}$")


def _cancelled(norm: str, clause_start: int, clause_end: int) -> bool:
    """"We waived the fee", "the hold was lifted": the remedy is withdrawn, unless that itself is negated."""
    for cancel in FEE_CANCEL.finditer(norm, clause_start, clause_end):
        if not NEGATED_CANCEL.search(norm, max(clause_start, cancel.start() - 16), cancel.start()):
            return True
    return False


def _category_allows(category: str, norm: str, sentence: tuple[int, int], clause: tuple[int, int], match: re.Match[str],
                     rule_kind: str) -> bool:
    s_start, s_end = sentence
    if category == "deadline":
        return _deadline_allows(norm, s_start, s_end, match, rule_kind == "dated")
    if category == "urgency":
        if URGENT_TONE.match(norm, match.end()):
            return False  # "the urgent tone of yesterday's email"
        adverbial = match.group(0) in ("immediately", "right away", "once")
        if adverbial and URGENCY_OUR_ACTION.search(norm, clause[0], clause[1]):
            return False
        if norm.endswith("effective ", 0, match.start()) and IN_READERS_FAVOUR.search(norm, s_start, s_end):
            return False  # "your credit limit is raised, effective immediately"
        return not (NO_PRESSURE.search(norm, s_start, s_end) or EMAIL_FOOTER.search(norm, s_start, s_end))
    if category == "suspension":
        return not (MISTAKE.search(norm, clause[0], clause[1]) or AT_READERS_REQUEST.search(norm, s_start, s_end)
                    or _mentions(norm[s_start:s_end], _SERVICE_ROUTINE_HINTS) and SERVICE_ROUTINE.search(norm, s_start, s_end))
    if category == "repossession":
        return not ROUTINE_PICKUP.search(norm, s_start, s_end)
    if category == "credit_reporting" and (CREDIT_CHECK.search(norm, s_start, s_end) or OUR_OWN_SCORE.search(norm, s_start, s_end)):
        return bool(REPORTING_VERB.search(norm, s_start, s_end))  # "we ran a routine credit check with D&B"
    if category == "criminal_threat" and "police" in norm[s_start:s_end] and POLICE_CHECK.search(norm, s_start, s_end):
        return False  # "all our drivers pass a police check"
    if category == "criminal_threat" and SOMEONE_ELSES_CRIME.search(norm, s_start, s_end):
        return False  # "we've reported the phishing emails impersonating us to the police"
    if category == "criminal_threat" and match.groupdict().get("pred"):
        return bool(CRIME_PREDICATE.search(norm, max(s_start, match.start() - 45), match.start()))
    if category == "abusive":
        if APOLOGY.search(norm, s_start, s_end) or AIMED_AT_US.search(norm, max(s_start, match.start() - 60), match.start()):
            return False
        return bool(SECOND_PERSON.search(norm, s_start, s_end) or TALKING_DOWN.search(match.group(0)))
    if category == "public_shaming":
        if match.groupdict().get("past") and not CONDITIONAL_BEFORE.search(norm, max(s_start, match.start() - 30), match.start()):
            return False
        return not (SHAMING_BENIGN.search(norm, s_start, s_end) or READER_REQUEST.match(norm, clause[0], clause[1]))
    return True


URGENT_TONE = _c(r"-\w|\s+(?:fix|patch|hotfix|update|release|repair|care|call-?out|tone|wording|language|subject line|flag|label|marker)\b")
SOMEONE_ELSES_CRIME = _c(r"\b(?:phishing|impersonat\w*|spoof\w*|scam(?:s|mers?)?|identity (?:fraud|theft)|break-?ins?|burglar\w*|pretending to be|posing as|collision|witness statement|(?:next to|opposite|near|by) the police station|in our name|fake (?:invoices?|e-?mails?|messages?|websites?)|(?:a|one|two|three) (?:man|woman|men|women|person|people|driver|drivers) (?:was|were|has been|have been|got) arrested)\b")
CREDIT_CHECK = _c(r"\bcredit (?:checks?|search(?:es)?|vetting)\b")
OUR_OWN_SCORE = _c(r"\bour (?:current |latest |own )?(?:[\w&-]+ ){0,2}?(?:score|rating)\b")  # "our current Creditsafe score is 87"
REPORTING_VERB = _c(r"\b(?:report\w*|notif\w*|flag\w*|regist\w*|fil(?:e|ed|ing) (?:a|an|the)|list(?:ed|ing)?)\b")
POLICE_CHECK = _c(r"\bpolice (?:checks?|clearances?|vetting|certificates?|record checks?|background checks?)\b")
REPLY_ACTS = frozenset({"let us know", "respond", "reply", "confirm", "contact", "get back to us", "get in touch", "reach out", "call", "hear"})


def _deadline_allows(norm: str, s_start: int, s_end: int, match: re.Match[str], dated: bool) -> bool:
    # "could you pay by Friday?" asks for payment by a firm date as surely as "please pay by Friday";
    # a question asking only for a reply or a call by then does not
    if norm[s_start:s_end].rstrip(" \n\"')*").endswith("?") and (
            not QUESTION_PAYMENT.search(norm, match.start(), match.end())
            or QUESTION_PAST.search(norm, s_start, s_end)):
        return False
    if EARLY_PAYMENT_TERMS.search(norm, s_start, s_end):
        return False
    if READERS_OPTION.search(norm, s_start, match.start("time") if match.re.groupindex.get("time") else match.start()):
        return False
    if (match.groupdict().get("act") or "") in REPLY_ACTS and READERS_OPTION.search(norm, match.end(), s_end):
        return False  # "let us know by the 20th if you'd like a viewing": a reply to an offer  # "if you need to extend the hire, let me know before Thursday"
    span_start, span_end = match.span()
    if DEADLINE_FACT.search(norm, max(s_start, span_start - 30), span_end):
        return False
    # a condition ("..., if we haven't been paid by the 20th") is the reader's to meet, whoever speaks before it
    promise_from = span_start if norm.startswith("if ", span_start) else max(s_start, span_start - 60)
    if not dated and DEADLINE_OUR_PROMISE.search(norm, promise_from, span_end):
        return False
    return True


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

ClauseBreaks = dict[tuple[int, int], list[tuple[int, int]]]  # sentence -> (break start, where the clause after it opens)


def _clause_bounds(norm: str, sentence: tuple[int, int], start: int, end: int,
                   clause_breaks: ClauseBreaks) -> tuple[int, int]:
    """The clause around [start, end): from the last break before it to the first break after it.
    A punctuation break is left out of the clause; a conjunction ("but", "or we") opens it.
    `clause_breaks` keeps each sentence's breaks for the other statements of the same draft."""
    breaks = clause_breaks.get(sentence)
    if breaks is None:
        breaks = clause_breaks[sentence] = [
            (brk.start(), brk.end() if brk.group(0).strip() in ",;:()-" else brk.start())
            for brk in CLAUSE_BREAK.finditer(norm, *sentence)
        ]
    clause_start, clause_end = sentence
    for brk_start, opens_at in breaks:
        if brk_start >= end:
            clause_end = brk_start
            break
        if opens_at <= start and brk_start < start:
            clause_start = opens_at
    return clause_start, clause_end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    strip_chars = " \t\n\"'*_#>-\u2022,;:()[]\u201c\u201d\u2018\u2019"
    while start < end and text[start] in strip_chars:
        start += 1
    while end > start and (text[end - 1] in strip_chars or text[end - 1] in ".!?"):
        end -= 1
    return start, end


def _cue(match: re.Match[str]) -> str:
    parts = [f"{name}:{' '.join(value.split())[:48]}" for name, value in match.groupdict().items() if value]
    return "+".join(parts) if parts else f"phrase:{' '.join(match.group(0).split())[:48]}"


def _accept(norm: str, rule: _Rule, match: re.Match[str], sentence: tuple[int, int], clause: tuple[int, int]) -> bool:
    start, end = match.span()
    if rule.kind == "dated" and "time" not in match.re.groupindex and not DATE_BEFORE.search(norm, max(sentence[0], start - 60), start):
        return False  # "your licences lapse on 30 June | if the renewal is still unpaid"
    if rule.kind == "inverted":  # "we can no longer | ship new orders": the negation is the threat
        cue = INVERTED_CUE.search(norm, max(sentence[0], start - 60), start)
        if cue is None:
            return False
        start = cue.start()
    if _is_negated(norm, sentence[0], start, end, rule):
        return False
    if rule.kind == "noun" and (_post_negated(norm, end, sentence[1]) or _cancelled(norm, clause[0], clause[1])
                                or _set_aside(norm, sentence, end)):
        return False
    if rule.kind in ("act", "noun") and rule.category in _ACTED_BY_OTHERS and _someone_else_acts(norm, sentence, start, end):
        return False
    if rule.kind == "act" and _customer_is_actor(norm, sentence[0], start):
        return False
    if rule.kind not in ("plain", "dated") and _is_offer(norm, sentence[0], start, rule.category):
        return False
    return _category_allows(rule.category, norm, sentence, clause, match, rule.kind) and not _is_history(norm, sentence)


# A finished event told as history ("back in 2022 we did put the account on hold"), with nothing ahead.
HISTORY = _c(rf"\b(?:(?:in|back in|during) (?:early |late |mid-?)?(?:19|20)\d\d\b(?!-)|years ago|(?:a )?(?:few|couple of|two|three|several) (?:years|months) (?:ago|back)|before my time|long (?:behind us|gone|ago|since)"
             rf"|last (?:year|quarter|spring|summer|autumn|fall|winter)|earlier this year|back in (?:the )?(?:{MONTH}|spring|summer|autumn|fall|winter)\b|(?:all|well|firmly) (?:in the past|behind us))")
AHEAD = _c(r"\b(?:will|'ll|going to|gonna|shall|would|'d|may|might|must|again|next|if|unless|until|once|still|could|can|has been|have been|remains?)\b")


def _is_history(norm: str, sentence: tuple[int, int]) -> bool:
    if not _mentions(norm[sentence[0]:sentence[1]], _HISTORY_HINTS):
        return False
    return bool(HISTORY.search(norm, *sentence)) and not AHEAD.search(norm, *sentence)


_HISTORY_HINTS = ("in 19", "in 20", "mid-20", "ago", "back", "before my time", "long ", "last ", "earlier", "past", "behind")




# --------------------------------------------------------------------------
# Start anchors: a pattern is tried only where a word begins with one of the
# (up to three-letter) prefixes its matches can start with, instead of being
# scanned across the whole sentence.  The prefixes are derived from the
# pattern itself, so adding a cue never needs a separate anchor list.
# --------------------------------------------------------------------------

_PREFIX_LEN = 6
_DIGITS_AS_ZERO = str.maketrans("123456789", "000000000")
_CLOSED = "\0"  # the word ends here (a non-word character follows): an exact word
_OPEN = "\1"  # anything may follow: a word prefix


class _Anchored:
    """Pattern numbers indexed by the word prefixes their matches can start with, and the gates
    (words needed further on) of each pattern as bits of one integer."""

    __slots__ = ("sources", "by_prefix", "scan", "cache", "gates_by_prefix", "needs")

    def __init__(self, sources: list[str]) -> None:
        self.sources = sources
        self.scan: list[int] = []  # patterns whose start cannot be pinned to a word: scanned
        self.cache: dict[str, tuple[int, int | None, bool, dict[int, tuple[int, ...]]]] = {}
        index: dict[str, list[int]] = {}
        gate_bits: dict[tuple[str, ...], int] = {}
        self.gates_by_prefix: dict[str, int] = {}
        self.needs: list[int] = []
        for number, source in enumerate(sources):
            starts, gates = _cached_prefixes(source)
            if starts is None:
                self.scan.append(number)
            else:
                for start in starts:  # exact words end with _CLOSED, prefixes do not
                    index.setdefault(start, []).append(number)
            self.needs.append(self._register_gates(gates, gate_bits))
        self.by_prefix = {key: tuple(numbers) for key, numbers in index.items()}

    def _register_gates(self, gates: tuple[tuple[str, ...], ...], gate_bits: dict[tuple[str, ...], int]) -> int:
        need = 0
        for gate in gates:
            bit = gate_bits.setdefault(gate, 1 << len(gate_bits))
            need |= bit
            for prefix in gate:
                self.gates_by_prefix[prefix] = self.gates_by_prefix.get(prefix, 0) | bit
        return need

    def for_word(self, word: str) -> tuple[int, int | None, bool, dict[int, tuple[int, ...]]]:
        """(gates `word` satisfies, gates the patterns starting at `word` need or None when no pattern
        starts there, whether one of those patterns needs no gate, and the patterns starting at `word`
        whose gates are open, by the gates open: filled in by `_candidates` as they come up)."""
        found = self.cache.get(word)
        if found is None:
            satisfied = 0
            for prefix in _word_keys(word):
                satisfied |= self.gates_by_prefix.get(prefix, 0)
            needs, ungated = None, False
            for number in self.starting_at(word):
                needs = (needs or 0) | self.needs[number]
                ungated = ungated or not self.needs[number]
            found = (satisfied, needs, ungated, {})
            if len(self.cache) > 50_000:
                self.cache.clear()
            self.cache[word] = found
        return found

    def starting_at(self, word: str) -> tuple[int, ...]:
        """The patterns that can start at `word`, in order."""
        hits: set[int] = set()
        for prefix in _word_keys(word):
            hits.update(self.by_prefix.get(prefix, ()))
        return tuple(sorted(hits))


def _word_keys(word: str) -> list[str]:
    """The index keys of a word: the whole word (closed) and each prefix up to _PREFIX_LEN letters."""
    key = word.translate(_DIGITS_AS_ZERO)
    return [key + _CLOSED, *(key[:length] for length in range(1, min(len(key), _PREFIX_LEN) + 1))]


def _source_key(source: str) -> int:
    return zlib.crc32(source.encode("utf-8"))


def _cached_prefixes(source: str) -> tuple[frozenset[str] | None, tuple[tuple[str, ...], ...]]:
    """Start prefixes and gates from the table shipped with the package, worked out afresh if the rule changed."""
    try:
        from drafter._classify_starts import GATE_PREFIXES, START_PREFIXES
    except ImportError:
        START_PREFIXES, GATE_PREFIXES = {}, {}
    key = _source_key(source)
    cached = START_PREFIXES.get(key, False)
    if cached is False or key not in GATE_PREFIXES:
        flexible = _flexible_spaces(source)
        return _start_prefixes(flexible), _gate_prefixes(flexible)
    return (None if cached is None else frozenset(cached)), GATE_PREFIXES[key]


def start_prefix_table() -> dict[int, tuple[str, ...] | None]:
    """The start prefixes of every indexed pattern, keyed by a checksum of its source
    (written to drafter/_classify_starts.py by `write_start_prefix_table`)."""
    table: dict[int, tuple[str, ...] | None] = {}
    for source in _indexed_sources():
        starts = _start_prefixes(_flexible_spaces(source))
        table[_source_key(source)] = None if starts is None else tuple(sorted(starts))
    return table


def gate_prefix_table() -> dict[int, tuple[tuple[str, ...], ...]]:
    """The gates of every indexed pattern, keyed like `start_prefix_table`."""
    return {_source_key(source): _gate_prefixes(_flexible_spaces(source)) for source in _indexed_sources()}


def write_start_prefix_table() -> str:
    """Regenerate the shipped start-prefix and gate tables after editing a rule (a test checks they are fresh)."""
    from pathlib import Path  # only needed by this maintenance helper; costly to import

    path = Path(__file__).with_name("_classify_starts.py")
    lines = ['"""Generated by drafter.classify.write_start_prefix_table(): start prefixes and gates per rule source."""',
             "", "START_PREFIXES = {"]
    lines += [f"    {key}: {value!r}," for key, value in sorted(start_prefix_table().items())]
    lines += ["}", "", "GATE_PREFIXES = {"]
    lines += [f"    {key}: {value!r}," for key, value in sorted(gate_prefix_table().items())]
    path.write_text("\n".join([*lines, "}", ""]), encoding="utf-8")
    return str(path)


def _start_prefixes(source: str) -> frozenset[str] | None:
    """The word prefixes a match of `source` can start with, or None when any position is possible."""
    from re import _constants as sre_constants, _parser as sre_parser  # parse-tree analysis, once per pattern

    try:
        prefixes = _sequence_prefixes(sre_parser.parse(source), sre_constants)
    except (re.error, RecursionError, ValueError, TypeError):
        return None
    if prefixes is None:
        return None
    starts = {prefix.replace(_OPEN, "") if _CLOSED not in prefix else prefix for prefix in prefixes}
    return None if starts & {"", _CLOSED} else frozenset(starts)


def _done(prefix: str) -> bool:
    return prefix.endswith((_CLOSED, _OPEN)) or len(prefix) >= _PREFIX_LEN


def _join(prefix: str, more: str) -> str:
    joined = prefix + more
    for marker in (_CLOSED, _OPEN):
        if marker in joined:
            joined = joined[: joined.index(marker) + 1]
    word = joined.rstrip(_CLOSED + _OPEN)
    return joined if len(word) < _PREFIX_LEN else word[:_PREFIX_LEN]


def _concat(left: set[str], right: set[str]) -> set[str]:
    return {p for p in left if _done(p)} | {_join(p, q) for p in left if not _done(p) for q in right}


def _sequence_prefixes(items, c) -> set[str] | None:  # type: ignore[no-untyped-def]
    current = {""}
    for op, value in items:
        if all(_done(prefix) for prefix in current):
            break
        piece = _item_prefixes(op, value, c)
        if piece is None:  # anything may follow: the prefixes built so far end here
            if "" in current:
                return None
            return {prefix if _done(prefix) else prefix + _OPEN for prefix in current}
        current = _concat(current, piece)
        if len(current) > 5000:
            return None
    return current


def _item_prefixes(op, value, c) -> set[str] | None:  # type: ignore[no-untyped-def]
    if op is c.LITERAL:
        char = chr(value).translate(_DIGITS_AS_ZERO)
        return {char if char.isalnum() else _CLOSED}
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return {""}
    if op is c.IN:
        chars = _charset(value, c)
        return None if chars is None else {ch if ch.isalnum() else _CLOSED for ch in chars}  # noqa: C401
    if op is c.SUBPATTERN:
        return _sequence_prefixes(value[-1], c)
    if op is c.ATOMIC_GROUP:
        return _sequence_prefixes(value, c)
    if op is c.BRANCH:
        union: set[str] = set()
        for alternative in value[1]:
            prefixes = _sequence_prefixes(alternative, c)
            if prefixes is None:
                return None
            union |= prefixes
        return union
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _high, item = value
        inner = _sequence_prefixes(item, c)
        if inner is None:
            return None
        repeated = set(inner)
        for _ in range(_PREFIX_LEN):
            repeated |= _concat(repeated, inner)
        return repeated | {""} if low == 0 else repeated
    return None


def _charset(items, c) -> set[str] | None:  # type: ignore[no-untyped-def]
    chars: set[str] = set()
    for op, value in items:
        if op is c.LITERAL:
            chars.add(chr(value).translate(_DIGITS_AS_ZERO))
        elif op is c.RANGE and value[1] - value[0] <= 40:
            chars.update(chr(code).translate(_DIGITS_AS_ZERO) for code in range(value[0], value[1] + 1))
        elif op is c.CATEGORY and value is c.CATEGORY_DIGIT:
            chars.add("0")
        elif op is c.CATEGORY and value is c.CATEGORY_SPACE:
            chars.update(" \n")
        else:
            return None
    return chars


# --------------------------------------------------------------------------
# Gates: words a match needs beyond its first one.  A pattern is tried at a
# word only when the sentence from that word on contains, for each gate, a
# word starting with one of the gate's prefixes ("suspend ... service": a word
# starting with "servic", "access", "licen" ...).  Worked out from the parse
# tree like the start prefixes and shipped in the same table.
# --------------------------------------------------------------------------

_NONWORD, _BOUNDARY, _UNKNOWN = "nonword", "boundary", "unknown"


def _gate_prefixes(source: str) -> tuple[tuple[str, ...], ...]:
    """Prefix sets of the words every match of `source` contains, each set sorted."""
    from re import _constants as sre_constants, _parser as sre_parser

    try:
        gates: list[frozenset[str]] = []
        _walk_sequence(sre_parser.parse(source), _UNKNOWN, gates, sre_constants)
    except (re.error, RecursionError, ValueError, TypeError):
        return ()
    return tuple(sorted({tuple(sorted(gate)) for gate in gates}))


def _walk_sequence(items, state: str, gates: list[frozenset[str]], c) -> str:  # type: ignore[no-untyped-def]
    """Collect gates from the mandatory items of a sequence; return what the sequence's last character is."""
    for index, (op, value) in enumerate(items):
        if state in (_NONWORD, _BOUNDARY) and op is not c.SUBPATTERN:
            gate = _word_start_prefixes(items[index:], c)
            if gate:
                gates.append(gate)
        if op is c.SUBPATTERN:
            state = _walk_sequence(value[-1], state, gates, c)
            continue
        if op is c.BRANCH:
            _add_branch_gate(value[1], state, gates, c)
        state = _end_state(op, value, state, c)
    return state


def _add_branch_gate(alternatives, state: str, gates: list[frozenset[str]], c) -> None:  # type: ignore[no-untyped-def]
    """When every alternative needs some word, one of those words is needed: the union of each one's last gate."""
    union: set[str] = set()
    for alternative in alternatives:
        found: list[frozenset[str]] = []
        _walk_sequence(alternative, state, found, c)
        if not found:
            return
        union |= found[-1]
    gates.append(frozenset(union))


def _word_start_prefixes(items, c) -> frozenset[str] | None:  # type: ignore[no-untyped-def]
    prefixes = _sequence_prefixes(items, c)
    if not prefixes:
        return None
    starts = {prefix.replace(_OPEN, "") if _CLOSED not in prefix else prefix for prefix in prefixes}
    return None if starts & {"", _CLOSED} else frozenset(starts)


def _end_state(op, value, state: str, c) -> str:  # type: ignore[no-untyped-def]
    """Whether the character just before the next item is certainly not a letter or digit."""
    if op is c.LITERAL:
        return _UNKNOWN if chr(value).isalnum() or chr(value) == "_" else _NONWORD
    if op is c.IN:
        return _NONWORD if _excludes_word_chars(value, c) else _UNKNOWN
    if op is c.AT:
        return _BOUNDARY if value is c.AT_BOUNDARY else state
    if op is c.ASSERT_NOT or (op is c.ASSERT and value[0] > 0):
        return state
    if op is c.ASSERT:  # a look-behind: what it ends with precedes the next item
        return _walk_sequence(value[1], _UNKNOWN, [], c)
    if op is c.BRANCH:
        ends = {_walk_sequence(alternative, state, [], c) for alternative in value[1]}
        return ends.pop() if len(ends) == 1 else _UNKNOWN
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _high, item = value
        end = _walk_sequence(item, _UNKNOWN, [], c)
        return end if low > 0 or end == state else _UNKNOWN
    return _UNKNOWN


def _excludes_word_chars(items, c) -> bool:  # type: ignore[no-untyped-def]
    if items and items[0][0] is c.NEGATE:
        return any(op is c.CATEGORY and value is c.CATEGORY_WORD for op, value in items[1:])
    chars = _charset(items, c)
    return chars is not None and not any(char.isalnum() or char == "_" for char in chars)


def _statement(text: str, norm: str, rule: _Rule, match: re.Match[str], sentence: tuple[int, int],
               accepted: set[tuple[str, int, int]], clause_breaks: ClauseBreaks) -> Statement | None:
    clause = _clause_bounds(norm, sentence, match.start(), match.end(), clause_breaks)
    if (rule.category, *clause) in accepted and clause[0] <= match.start() and match.end() <= clause[1]:
        return None  # this clause already asserts the category
    if not _accept(norm, rule, match, sentence, clause):
        return None
    accepted.add((rule.category, *clause))
    start, end = _trim(text, min(clause[0], match.start()), max(clause[1], match.end()))
    return Statement(rule.category, start, end, text[start:end], _cue(match), SUGGESTIONS[rule.category])


Candidate = tuple[int, tuple[int, ...], tuple[int, int]]  # (position, pattern numbers, sentence)


def _candidates(norm: str, sentences: list[tuple[int, int]]) -> list[Candidate]:
    """Every word that can start a match of some pattern whose gates the rest of its sentence satisfies
    (a gate is a word a match needs after its start, so only the words from the start on count)."""
    index = _INDEX
    known = index.cache.get
    # The words with a space either side; each word starts at its own offset in `norm` (the padding
    # makes up for the leading space).
    spaced = " " + norm.encode("ascii", "replace").translate(_SEPARATOR_BYTES).decode("ascii") + " "
    found: list[Candidate] = []
    for sentence in sentences:
        # Read backwards, so the gates satisfied by the words from each one to the end are at hand.
        satisfied = 0
        kept = []
        for word in reversed(spaced[sentence[0] + 1:sentence[1] + 1].split()):
            bits, needs, ungated, by_gates = known(word) or index.for_word(word)
            satisfied |= bits
            if needs is not None and (ungated or satisfied & needs):
                open_gates = satisfied & needs
                numbers = by_gates.get(open_gates)
                if numbers is None:
                    numbers = by_gates[open_gates] = _open_gates(word, open_gates)
                if numbers:
                    kept.append((word, numbers))
        cursor = sentence[0]
        for word, numbers in reversed(kept):
            # The first occurrence after the previous kept word: an earlier occurrence of the same
            # word sees at least the gates this one sees, so it was kept too.
            position = spaced.find(f" {word} ", cursor)
            cursor = position + len(word) + 1
            found.append((position, numbers, sentence))
    if index.scan:  # patterns whose first word cannot be predicted
        _scan(norm, sentences, found)
    return found


def _open_gates(word: str, satisfied: int) -> tuple[int, ...]:
    """The patterns starting at `word` whose gates are all satisfied (`satisfied` is already limited to their gates)."""
    needs = _INDEX.needs
    return tuple(number for number in _INDEX.starting_at(word) if needs[number] & satisfied == needs[number])


def _scan(norm: str, sentences: list[tuple[int, int]], found: list[Candidate]) -> None:
    starts = [start for start, _ in sentences]
    for number in _INDEX.scan:
        for match in _indexed_pattern(number).finditer(norm):
            sentence = sentences[max(0, bisect_right(starts, match.start()) - 1)]
            found.append((match.start(), (number,), sentence))
    found.sort()


# Keeps ASCII letters and digits and turns every other byte into a space (text is encoded with
# errors="replace", so each non-ASCII character is one "?" byte and offsets stay put).
_SEPARATOR_BYTES = bytes(code if chr(code) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for code in range(256))


def _reported_spans(text: str, norm: str, candidates: list[Candidate]) -> list[tuple[int, int]]:
    """Stretches that report what the customer or someone else said ("you mentioned ...")."""
    spans = []
    for position, numbers, _sentence in candidates:
        for number in numbers:
            if number >= _REPORTED_VERB_NUMBER:
                spans.extend(_reported_span(text, norm, position, number))
    return spans


def _someone_else_tells(text: str, teller: re.Match[str]) -> bool:
    """The customer's side ("the customer's MD", "they") or a firm named by its name ("Acme Parts have"),
    not our side ("our solicitors", "the boss")."""
    words = teller.group(0)
    if OUR_SIDE.search(words):
        return False
    if CUSTOMER_TELLER.search(words):
        return True
    first = text[teller.start():teller.end()].split()
    return bool(first) and first[0][:1].isupper() and first[0].lower() not in _COMMON_OPENERS


CUSTOMER_TELLER = _c(r"\b(?:the (?:customer|client|debtor)(?:'s)?|their|they|he|she)\b")
_COMMON_OPENERS = frozenset({"the", "a", "an", "this", "that", "my", "our", "we", "i", "management", "head", "finance", "legal"})


def _reported_span(text: str, norm: str, position: int, number: int) -> list[tuple[int, int]]:
    if number == _REPORTED_VERB_NUMBER:  # "... you mentioned", "as your CFO said"
        match = REPORTED_VERB.match(norm, position)
        subject = match and REPORTED_SUBJECT.search(norm, max(0, position - 40), position)
        if match and not subject and match.group(0).startswith(("told us", "told me")):
            # "Acme have told us they're considering court", "the customer's MD told me ...": whoever
            # tells us something is not us, unless the teller is ours ("our solicitors have told us")
            subject = TELLER.search(norm, max(0, position - 50), position)
            if subject and not _someone_else_tells(text, subject):
                subject = None
        if not (subject and match):
            return []
        if GROUNDS_BEFORE.search(norm, max(0, subject.start() - 12), subject.start()):
            # "since you promised in writing to ..., it's your own account we'll look to": the report
            # is the ground for the main clause, which is ours
            comma = norm.find(",", match.end(), _reported_end(norm, match.end()))
            if comma != -1:
                return [(subject.start(), comma)]
        return [(subject.start(), _reported_end(norm, match.end()))]
    match = REPORTED_OTHER.match(norm, position)  # "according to you", "worried about"
    return [(match.start(), _reported_end(norm, match.end()))] if match else []


_compiled = False
_compile_lock = threading.Lock()


def _flexible_spaces(source: str) -> str:
    """Let every literal space in a pattern match any run of whitespace (wrapped lines, double spaces)."""
    out: list[str] = []
    in_class = escaped = False
    for char in source:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == " ":
            out.append(r"(?:\s+)")
            continue
        out.append(char)
    return "".join(out)


def _indexed_sources() -> list[str]:
    """Every rule, then the two reported-speech patterns, in index order."""
    return [*(rule.source for rule in RULES), _REPORTED_VERB_SOURCE, _REPORTED_OTHER_SOURCE]


def _indexed_pattern(number: int) -> re.Pattern[str]:
    if number < len(RULES):
        return RULES[number].pattern()
    pattern = REPORTED_VERB if number == _REPORTED_VERB_NUMBER else REPORTED_OTHER
    return pattern.pattern() if isinstance(pattern, _LazyPattern) else pattern


def _build_index() -> None:
    """Index every pattern by its start prefixes, once, on the first call (patterns compile later, when needed)."""
    global _compiled, _INDEX, _REPORTED_VERB_NUMBER, _REPORTED_OTHER_NUMBER
    with _compile_lock:
        if _compiled:
            return
        _REPORTED_VERB_NUMBER, _REPORTED_OTHER_NUMBER = len(RULES), len(RULES) + 1
        _INDEX = _Anchored(_indexed_sources())
        _compiled = True


_INDEX: _Anchored
_REPORTED_VERB_NUMBER = _REPORTED_OTHER_NUMBER = -1


def asserted_text(text: str) -> str:
    """`text` lower-cased, with what it quotes rather than says blanked out; every offset unchanged."""
    return _mask_quotes(_normalize(text), text)


def model_view(text: str) -> str:
    """What the category model reads of `text`: `asserted_text`, with what it reports others saying blanked too."""
    if not _compiled:
        _build_index()
    norm = asserted_text(text)
    candidates = _candidates(norm, _sentences(norm, text))
    return _blank(norm, _reported_spans(text, norm, candidates)) if candidates else norm


def classify(text: str) -> list[Statement]:
    """Every statement in `text` that ASSERTS one of the 13 content categories, ordered by start."""
    if not _compiled:
        _build_index()
    if not text or not text.strip():
        return []
    norm = asserted_text(text)
    sentences = _sentences(norm, text)
    candidates = _candidates(norm, sentences)
    declined: set[tuple[str, tuple[int, int]]] = set()
    found: list[Statement] = []
    dated: list[tuple[Statement, tuple[int, int]]] = []
    undated: list[_Dated] = []
    said = norm
    match = None
    if candidates:
        reported = _reported_spans(text, norm, candidates)
        match = partial(_match_statement, text, norm, reported=reported, accepted=set(), clause_breaks={},
                        declined=declined)
        found, dated, undated = _find_statements(norm, candidates, match)
        said = _blank(norm, reported)
    statements = _second_reading(text, said, sentences, found, declined, dated)
    if undated and match is not None:
        statements += _dated_by_the_model(undated, statements, match)
    order = _CATEGORY_ORDER
    return sorted(statements, key=lambda s: (s.start, order[s.category], s.end))


# a dated rule, where it matched, its sentence, and where the statement it dates may start (`_dating_reach`)
_Dated = tuple["_Rule", int, tuple[int, int], tuple[int, int]]


def _find_statements(norm: str, candidates: list[Candidate], match: Callable[[_Rule, int, tuple[int, int]], Statement | None]
                     ) -> tuple[list[Statement], list[tuple[Statement, tuple[int, int]]], list[_Dated]]:
    """The statements the rules find asserted; those of them the dated rules found, each with the reach
    of the statement it dates; and the dated rules that had no other statement to date."""
    found: dict[tuple[str, int, int], Statement] = {}
    dated: list[_Dated] = []
    for position, numbers, sentence in candidates:
        for number in numbers:
            if number >= _REPORTED_VERB_NUMBER:
                break  # pattern numbers are sorted; the reported-speech patterns come last
            rule = RULES[number]
            if rule.kind == "dated":  # read only if it could date another statement: see below
                reach = _dating_reach(norm, rule, sentence)
                if reach is not None:
                    dated.append((rule, position, sentence, reach))
                continue
            statement = match(rule, position, sentence)
            if statement is not None:
                found.setdefault((statement.category, statement.start, statement.end), statement)
    undated, dated_found = [], []
    for rule, position, sentence, reach in dated:
        if not _dates_one_of(rule.category, reach, found.values()):
            undated.append((rule, position, sentence, reach))
        elif (statement := match(rule, position, sentence)) is not None:
            statement = found.setdefault((statement.category, statement.start, statement.end), statement)
            dated_found.append((statement, reach))
    return list(found.values()), dated_found, undated


def _dated_by_the_model(undated: list[_Dated], statements: list[Statement],
                        match: Callable[[_Rule, int, tuple[int, int]], Statement | None]) -> list[Statement]:
    """The dated rules' deadlines for consequences only the category model read ("your keys are not
    renewed on the 31st unless..."), unless a rule found that deadline already."""
    by_the_model = [statement for statement in statements if statement.cue.startswith("model:")]
    if not by_the_model:
        return []
    known = {(statement.category, statement.start, statement.end) for statement in statements}
    dated: dict[tuple[str, int, int], Statement] = {}
    for rule, position, sentence, reach in undated:
        if _dates_one_of(rule.category, reach, by_the_model) and (statement := match(rule, position, sentence)):
            key = (statement.category, statement.start, statement.end)
            if key not in known:
                dated.setdefault(key, statement)
    return list(dated.values())


def _match_statement(text: str, norm: str, rule: _Rule, position: int, sentence: tuple[int, int],
                     reported: list[tuple[int, int]], accepted: set[tuple[str, int, int]],
                     clause_breaks: ClauseBreaks, declined: set[tuple[str, tuple[int, int]]]) -> Statement | None:
    """The statement `rule` finds asserted at `position`, if any; a match set aside goes in `declined`."""
    if rule.requires and not (rule.required or rule.required_words()).search(norm, position, sentence[1]):
        return None
    match = (rule.compiled or rule.pattern()).match(norm, position, sentence[1])
    if match is None or not match.group(0).strip():
        return None
    if reported and any(start < match.end() and match.start() < end for start, end in reported):
        declined.add((rule.category, sentence))
        return None
    statement = _statement(text, norm, rule, match, sentence, accepted, clause_breaks)
    if statement is None:
        declined.add((rule.category, sentence))
    return statement


def _dating_reach(norm: str, rule: _Rule, sentence: tuple[int, int]) -> tuple[int, int] | None:
    """Where the statement a dated rule dates may start: in its sentence or just after it ("...if it is
    still unpaid on the 1st. Then the account goes to our agency"), or, for a bare date ("as of
    tomorrow"), in its own sentence, which does not look back (None when it does)."""
    start, end = sentence
    if "(?P<act>" in rule.source:
        return start, end + 300
    return None if LOOKS_BACK.search(norm, start, end) else sentence


def _dates_one_of(category: str, reach: tuple[int, int], statements: Iterable[Statement]) -> bool:
    return any(other.category != category and reach[0] <= other.start < reach[1] for other in statements)


def _second_reading(text: str, said: str, sentences: list[tuple[int, int]], found: list[Statement],
                    declined: set[tuple[str, tuple[int, int]]],
                    dated: Iterable[tuple[Statement, tuple[int, int]]] = ()) -> list[Statement]:
    """The rules' findings the category model does not rule out, and what the model alone is sure of.

    The model reads what the draft says itself (`said`: quotes and reported speech blanked out), as a
    whole and sentence by sentence. A rule finding in a gated category is dropped when neither reading
    gives it a fair chance. The model reports a category on its own when the whole draft and one
    sentence both make it likely, unless a rule matched that category in that sentence and set it
    aside (negated, reassuring, reported, history): the rules know why that statement is not asserted.
    A deadline the dated rules found (`dated`: "access is cut on the 1st", "...from Monday unless it
    is paid") stands while the consequence it dates stands: that is evidence enough."""
    model = category_model.model()
    whole = model.probabilities(said)
    by_sentence: dict[tuple[int, int], dict[str, float]] = {}

    def reading(sentence: tuple[int, int]) -> dict[str, float]:
        if sentence not in by_sentence:
            by_sentence[sentence] = model.probabilities(said[sentence[0]:sentence[1]])
        return by_sentence[sentence]

    keep, gated = category_model.KEEP_RULE_FINDING, category_model.GATED_CATEGORIES
    reach_of = {id(statement): reach for statement, reach in dated}
    kept = [statement for statement in found if statement.category not in gated or whole[statement.category] >= keep
            or reading(_sentence_at(sentences, statement.start))[statement.category] >= keep]
    if reach_of:
        kept_ids = {id(statement) for statement in kept}
        kept += [statement for statement in found if id(statement) in reach_of and id(statement) not in kept_ids
                 and _dates_one_of(statement.category, reach_of[id(statement)], kept)]
    covered = {statement.category for statement in kept}
    for category in CATEGORIES:
        on_the_whole, in_a_sentence = _report_thresholds(category)
        if (category in covered or category not in category_model.REPORTED_ON_ITS_OWN
                or whole[category] < on_the_whole or not sentences):
            continue
        best = max(sentences, key=lambda sentence: reading(sentence)[category])
        if reading(best)[category] >= in_a_sentence and (category, best) not in declined:
            kept.append(_model_statement(text, best, category, whole[category]))
    return kept


def _report_thresholds(category: str) -> tuple[float, float]:
    """(whole draft, likeliest sentence): the probabilities at which the model reports `category` on its own."""
    if category in ALWAYS_FORBIDDEN:
        return category_model.FORBIDDEN_REPORT_ON_ITS_OWN, category_model.FORBIDDEN_SENTENCE_ON_ITS_OWN
    return category_model.REPORT_ON_ITS_OWN, category_model.SENTENCE_ON_ITS_OWN


def _sentence_at(sentences: list[tuple[int, int]], position: int) -> tuple[int, int]:
    for sentence in sentences:
        if sentence[0] <= position < sentence[1]:
            return sentence
    return (position, position)


def _model_statement(text: str, sentence: tuple[int, int], category: str, probability: float) -> Statement:
    start, end = _trim(text, *sentence)
    return Statement(category, start, end, text[start:end], f"model:{probability:.2f}", SUGGESTIONS[category])


_CATEGORY_ORDER = {name: index for index, name in enumerate(CATEGORIES)}


def _name_lazy_patterns() -> None:
    module = globals()
    for name, value in list(module.items()):
        if isinstance(value, _LazyPattern):
            value.name = name


_name_lazy_patterns()
