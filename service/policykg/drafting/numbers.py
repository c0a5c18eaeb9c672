"""Numbers with their units in running text: money (with currency), percentages, counts, years.

ANNOTATION.md: keep the text's precision and never compute or convert. A scale word is read, not converted
("$100 million" is 100000000 USD); a hedge sets the qualifier ("nearly 5,000": 5000, approximate); "per annum"
sets the period. Dates inside a day-month phrase, article numbers and footnote marks are not facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
CURRENCIES = {
    "$": "USD",
    "US$": "USD",
    "USD": "USD",
    "dollars": "USD",
    "€": "EUR",
    "EUR": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "GBP": "GBP",
    "pounds": "GBP",
    "¥": "JPY",
    "JPY": "JPY",
    "yen": "JPY",
    "won": "KRW",
    "yuan": "CNY",
    "rubles": "RUB",
    "roubles": "RUB",
}
NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "twenty": 20, "dozen": 12,
}  # fmt: skip
MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sep\.|Sept\.|Oct\.|Nov\.|Dec\."
)
APPROXIMATE = r"nearly|almost|about|around|approximately|roughly|some|close\s+to|near|an\s+estimated|approaches"
AT_LEAST = r"at\s+least|more\s+than|over|upwards\s+of|in\s+excess\s+of|no\s+fewer\s+than|above"
AT_MOST = r"at\s+most|up\s+to|less\s+than|fewer\s+than|under|no\s+more\s+than|below"
HEDGE = rf"(?P<hedge>(?:{APPROXIMATE}|{AT_LEAST}|{AT_MOST})\s+)?"
NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
SCALE = r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn)\b)?"
PERIOD = (
    r"(?P<period>\s+(?:per\s+(?:annum|year|month)|a\s+(?:year|month)|annually|each\s+year|every\s+year|"
    r"a\s+year|monthly|yearly))?"
)

MONEY = [
    re.compile(rf"{HEDGE}(?P<cur>US\$|\\?\$|€|£|¥|\b(?:USD|EUR|GBP|JPY)\s?){NUM}{SCALE}{PERIOD}", re.IGNORECASE),
    re.compile(rf"{HEDGE}{NUM}{SCALE}\s+(?P<cur>dollars|euros|pounds|yen|won|yuan|rubles|roubles)\b{PERIOD}", re.I),
]
PERCENT = re.compile(rf"{HEDGE}{NUM}\s?(?:%|percent\b|per\s+cent\b)", re.IGNORECASE)
YEAR = re.compile(r"(?<![\w$£€¥.,/-])(?P<num>1[6-9]\d\d|20\d\d)(?![\w%]|[.,]\d|-\d\d-\d\d|\s?(?:percent|per cent))")
_NOUN = r"(?P<noun>(?:[a-z][a-z-]+\s+){0,2}?[a-z][a-z-]*s)\b"
COUNT = [
    re.compile(rf"{HEDGE}(?<![\w$£€¥.,/-]){NUM}{SCALE}\s+{_NOUN}"),
    re.compile(rf"{HEDGE}\b(?P<word>{'|'.join(NUMBER_WORDS)})\s+{_NOUN}", re.IGNORECASE),
]
# Not a count: a date ("June 12"), a numbered thing ("Article 5"), a clock time.
NOT_COUNT_BEFORE = re.compile(rf"(?:{MONTHS}|Article|Articles|Section|No\.|Chapter|page|p\.|pp\.|Figure|Table)\s*$")
DEFINITE = re.compile(r"\b(?:the|these|those|both|all|our|its|their|his|her|of)\s+$", re.IGNORECASE)
NOT_COUNT_NOUN = re.compile(r"^(?:percent|per|years?\s+ago)$")


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    quote: str
    value: float
    unit: str  # ISO 4217 code | percent | year | count | a unit word
    qualifier: str = "exact"
    period: str | None = None
    noun: str | None = None  # what is counted, as the text says it


def _value(num: str, scale: str | None) -> float:
    value = float(num.replace(",", ""))
    return value * SCALES.get((scale or "").lower(), 1)


def _qualifier(hedge: str | None, after: str) -> str:
    if re.match(r"[^.;:()]{0,30}?\b(?:at\s+a\s+minimum|or\s+more|at\s+the\s+least)\b", after):
        return "at-least"
    if not hedge:
        return "exact"
    hedge = " ".join(hedge.lower().split())
    if re.fullmatch(AT_LEAST, hedge):
        return "at-least"
    if re.fullmatch(AT_MOST, hedge):
        return "at-most"
    return "approximate"


def _period(text: str | None) -> str | None:
    if not text:
        return None
    return "P1M" if "month" in text.lower() else "P1Y"


def quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every number with a unit in text[start:end], money first, then percentages, counts and years; spans never
    overlap (a year inside "$600 billion in 2006" is still found, the 600 is not counted twice)."""
    end = len(text) if end is None else end
    chunk = text[start:end]
    found: list[Quantity] = []

    def free(a: int, b: int) -> bool:
        return all(b <= q.start - start or a >= q.end - start for q in found)

    def add(m: re.Match[str], value: float, unit: str, period: str | None = None, noun: str | None = None) -> None:
        a, b = m.start(), m.end()
        if not free(a, b):
            return
        after = chunk[b : b + 40]
        found.append(
            Quantity(start + a, start + b, chunk[a:b], value, unit, _qualifier(m.group("hedge"), after), period, noun)
        )

    for m in (m for pattern in MONEY for m in pattern.finditer(chunk)):
        cur = m.group("cur").strip().lstrip("\\")
        add(
            m,
            _value(m.group("num"), m.group("scale")),
            CURRENCIES.get(cur, CURRENCIES.get(cur.lower(), "USD")),
            _period(m.group("period")),
        )
    for m in PERCENT.finditer(chunk):
        add(m, float(m.group("num").replace(",", "")), "percent")
    for m in (m for pattern in COUNT for m in pattern.finditer(chunk)):
        noun = m.group("noun").strip()
        if NOT_COUNT_NOUN.match(noun) or NOT_COUNT_BEFORE.search(chunk[: m.start()]):
            continue
        if "word" in m.re.groupindex and DEFINITE.search(chunk[: m.start()]):
            continue  # "the two partners" refers back; it does not count anything
        if "num" in m.re.groupindex:
            digits = m.group("num")
            if YEAR.fullmatch(digits) and not m.group("scale"):
                continue  # "2010 nations" is rare; "in 2010 when" is a year
            value = _value(digits, m.group("scale"))
        else:
            value = float(NUMBER_WORDS[m.group("word").lower()])
        add(m, value, "count", noun=noun)
    for m in YEAR.finditer(chunk):
        if not free(m.start(), m.end()):
            continue
        found.append(Quantity(start + m.start(), start + m.end(), m.group(), float(m.group("num")), "year"))
    return sorted(found, key=lambda q: q.start)
