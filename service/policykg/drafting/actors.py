"""Who is named in a text: known actors (by label and alias, from the graph) and new named entities.

Offline and light on purpose: a gazetteer of the graph's actor names, matched case-sensitively and longest first,
plus shape rules for new names (runs of capitalised words, honorifics, "a French official"). Names the rules get
wrong cost the analyst one key press in review; a missed known actor costs more, so the gazetteer is tried first.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .graph import KnownActor

# Demonyms → the label (or alias) of the state, for anonymous sources' nationality.
DEMONYMS = {
    "American": "United States",
    "US": "United States",
    "U.S.": "United States",
    "French": "France",
    "Japanese": "Japan",
    "Chinese": "China",
    "Russian": "Russia",
    "Korean": "South Korea",
    "South Korean": "South Korea",
    "North Korean": "North Korea",
    "German": "Germany",
    "British": "United Kingdom",
    "Australian": "Australia",
    "Indian": "India",
    "Ukrainian": "Ukraine",
    "Turkish": "Turkey",
    "Canadian": "Canada",
    "Italian": "Italy",
    "Spanish": "Spain",
    "Polish": "Poland",
    "Dutch": "Netherlands",
    "Israeli": "Israel",
    "Iranian": "Iran",
    "Taiwanese": "Taiwan",
    "Vietnamese": "Vietnam",
    "Philippine": "Philippines",
    "European": "European Union",
}

HONORIFICS = (
    r"President|Vice President|Prime Minister|Deputy Prime Minister|Chancellor|Secretary General|Secretary-General"
    r"|Defen[cs]e Secretary|Defen[cs]e Minister|Foreign Minister|Foreign Secretary|Secretary of State|Secretary"
    r"|Minister|Ambassador|Senator|Congressman|Congresswoman|Representative|General|Gen\.|Admiral|Adm\.|Colonel"
    r"|Col\.|Governor|King|Queen|Premier|Chairman|Chairwoman|Director|Professor|Prof\.|Dr\.|Mr\.|Mrs\.|Ms\."
)
_CAP = r"[A-Z][a-zA-Z’'-]*\.?"
HONORIFIC_NAME = re.compile(rf"\b(?P<title>{HONORIFICS})\s+(?P<name>{_CAP}(?:\s+{_CAP}){{0,3}})")
ANONYMOUS = re.compile(
    r"\b(?P<det>a|an|one|two|three|several|some|other)\s+(?P<mods>(?:(?:senior|top|high-ranking|former|unnamed|"
    r"anonymous|retired|leading|Western|European|government|security|defen[cs]e|military|diplomatic|foreign|"
    r"policy|intelligence)\s+)*)(?P<nat>(?:South\s+|North\s+)?[A-Z][a-z]+\s+)?(?P<mods2>(?:(?:senior|top|"
    r"security|defen[cs]e|military|government|diplomatic|foreign|policy|intelligence)\s+)*)"
    r"(?P<role>official|diplomat|expert|source|analyst|officer|minister|spokesman|spokeswoman|spokesperson)"
    r"(?P<plural>s?)\b(?!\s+of\b)"
)
# "French officials": a plural group named by nationality, without a determiner.
NATIONAL_GROUP = re.compile(
    r"\b(?P<nat>" + "|".join(re.escape(d) for d in sorted(DEMONYMS, key=len, reverse=True)) + r")\s+"
    r"(?P<role>officials|diplomats|experts|sources|analysts|officers|ministers|leaders|lawmakers|commentators)\b"
)
# A run of capitalised words, allowing the small words names contain ("Center for a New American Security").
PROPER_RUN = re.compile(
    r"(?<![\w’'-])(?:[A-Z][\w’'&.-]*|&)(?:\s+(?:(?:of|for|on|and|the|a|de|du|des|von|van|&)\s+)*(?:[A-Z][\w’'.-]*|&))*"
)

ORG_HEADS = {
    "think-tank": r"Center|Centre|Institute|Institution|Council on|Brookings|RAND|Forum",
    "news-publisher": r"Times|Post|Journal|News|Herald|Tribune|Gazette|Economist|Interest|Review|Magazine|Daily",
    "news-agency": r"Agence|Reuters|Associated Press|AFP|Xinhua|Kyodo|Yonhap|TASS",
    "company": r"Inc\.?|Ltd\.?|LLP|LLC|Corp\.?|Corporation|Company|Partners|& \w+",
    "government-body": r"Department|Ministry|Bureau|Agency|Office|Command|Committee|Congress|Parliament|Senate"
    r"|Government|Cabinet|Forces?|Army|Navy|Air Force|Staff|Administration|Commission|Headquarters",
    "intergovernmental-organisation": r"Organization|Organisation|Union|Nations|Alliance|Pact|Assembly",
    "organisation": r"Foundation|Association|League|Society|University|College|School|Program|Programme|Network"
    r"|Group",
}
# Capitalised words that are not actors: places, events, documents, months, and sentence openers.
NOT_ACTOR_WORDS = set(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Sea",
        "Ocean",
        "Channel",
        "Strait",
        "Straits",
        "Gulf",
        "Peninsula",
        "Island",
        "Islands",
        "River",
        "Asia",
        "Europe",
        "Africa",
        "Pacific",
        "Atlantic",
        "Arctic",
        "Indo",
        "Asia-Pacific",
        "Indo-Pacific",
        "Middle",
        "East",
        "West",
        "North",
        "South",
        "Western",
        "Eastern",
        "Northern",
        "Southern",
        "Central",
        "War",
        "Wars",
        "Cold",
        "World",
        "Summit",
        "Concept",
        "Strategic",
        "Treaty",
        "Article",
        "Articles",
        "Section",
        "Declaration",
        "Charter",
        "Act",
        "Plan",
        "Doctrine",
        "Initiative",
        "Guidelines",
        "Communiqué",
        "Agreement",
        "Protocol",
        "Convention",
        "Figure",
        "Table",
        "Chapter",
        "Part",
        "Appendix",
        "Annex",
        "Review",
        "Report",
        "Paper",
        "Program",
        "Sea",
        "Basin",
        "Valley",
        "Coast",
        "Region",
        "Hemisphere",
        "Capital",
        "Defense",
        "Defence",
        "Security",
        "International",
        "National",
        "Global",
        "Regional",
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
        "X",
        "Soviet",
        "Communist",
        "Socialist",
        "Democratic",
        "Republican",
        "Allied",
        "Joint",
        "Combined",
        "Bilateral",
        "Trilateral",
        "Era",
    ]
)
OPENERS = set(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "As",
        "By",
        "For",
        "From",
        "Of",
        "To",
        "With",
        "Without",
        "Within",
        "Into",
        "Instead",
        "While",
        "When",
        "Where",
        "Whether",
        "Why",
        "What",
        "Who",
        "How",
        "If",
        "Yet",
        "But",
        "And",
        "Or",
        "Nor",
        "So",
        "Then",
        "Thus",
        "Hence",
        "Also",
        "However",
        "Moreover",
        "Furthermore",
        "Indeed",
        "Finally",
        "First",
        "Second",
        "Third",
        "Today",
        "Tomorrow",
        "Yesterday",
        "Now",
        "Here",
        "There",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "Its",
        "They",
        "Their",
        "Them",
        "We",
        "Our",
        "Us",
        "He",
        "His",
        "She",
        "Her",
        "I",
        "My",
        "You",
        "Your",
        "One",
        "Some",
        "Many",
        "Most",
        "Few",
        "Several",
        "Each",
        "Every",
        "Both",
        "Either",
        "Neither",
        "Any",
        "All",
        "No",
        "Not",
        "Although",
        "Though",
        "Despite",
        "Amid",
        "Among",
        "Under",
        "Over",
        "After",
        "Before",
        "Since",
        "Until",
        "Unless",
        "Because",
        "Beyond",
        "Between",
        "Against",
        "Through",
        "Like",
        "Such",
        "Other",
        "Another",
        "Related",
        "Learn",
        "Read",
        "Share",
        "Subscribe",
        "Consider",
        "Making",
        "Having",
        "Taking",
        "Drawing",
        "Recalling",
        "Birthed",
        "Frankly",
        "Unfortunately",
        "Interestingly",
        "Similarly",
        "Accordingly",
        "Rather",
        "Still",
        "Even",
        "Only",
        "Just",
        "Let",
        "Once",
        "Perhaps",
        "Literally",
        "Figuratively",
        "Historically",
        "Politically",
        "Militarily",
        "Meanwhile",
        "Given",
        "Whatever",
        "Whichever",
    ]
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    actor: str | None = None  # known actor id, or None for a new name


@dataclass
class NewActor:
    """A name not in the graph, proposed as a new actor."""

    label: str
    kind: str
    start: int
    end: int
    quote: str
    nationality: str | None = None
    description: str | None = None
    evidence: str = ""


@dataclass
class ActorIndex:
    """Known actors, matched by every name the graph gives them."""

    actors: list[KnownActor]
    _by_name: dict[str, list[str]] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        for actor in self.actors:
            names = [*actor.names, *(n[0].upper() + n[1:] for n in actor.names if n[:1].islower())]
            for name in names:  # "the alliance" also as "The alliance", opening a sentence
                if len(name) >= 2:
                    self._by_name.setdefault(name, [])
                    if actor.id not in self._by_name[name]:
                        self._by_name[name].append(actor.id)
        names = sorted(self._by_name, key=len, reverse=True)
        if names:
            alternation = "|".join(re.escape(n) for n in names)
            # Not the start of a longer proper name ("the North" in "the North Atlantic").
            self._pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w]|\s+[A-Z][a-z])")

    def ids_for(self, name: str) -> list[str]:
        return self._by_name.get(name, [])

    def lookup(self, name: str) -> str | None:
        """The actor a whole name denotes (label or alias, case-insensitive), if exactly one."""
        hits = self._by_name.get(name) or [
            i for n, ids in self._by_name.items() if n.casefold() == name.strip().casefold() for i in ids
        ]
        unique = list(dict.fromkeys(hits))
        return unique[0] if len(unique) == 1 else None

    def surname(self, word: str) -> str | None:
        """The one actor whose label ends with this single word ("Stoltenberg" → Jens Stoltenberg), if exactly one."""
        if not re.fullmatch(r"[A-Z][\w’'-]+", word):
            return None
        hits = {a.id for a in self.actors if " " in a.label and a.label.rsplit(" ", 1)[-1] == word}
        return hits.pop() if len(hits) == 1 else None

    def mentions(self, text: str) -> list[Mention]:
        """Every mention of a known actor; a name shared by several actors goes to the one the text names most
        often by its unshared names (so "the alliance" is NATO in a text about NATO)."""
        if self._pattern is None:
            return []
        raw = [(m.start(), m.end(), m.group()) for m in self._pattern.finditer(text)]
        votes: Counter[str] = Counter()
        for _, _, name in raw:
            ids = self._by_name[name]
            if len(ids) == 1:
                votes[ids[0]] += 1
        found = []
        for start, end, name in raw:
            ids = self._by_name[name]
            best = max(ids, key=lambda i: (votes[i], -ids.index(i)))
            found.append(Mention(start, end, name, best))
        return found

    def in_span(self, mentions: list[Mention], start: int, end: int) -> list[str]:
        """Known actors named inside text[start:end], in order, once each."""
        return list(dict.fromkeys(m.actor for m in mentions if m.actor and start <= m.start and m.end <= end))


def _kind_of(name: str) -> str | None:
    for kind, heads in ORG_HEADS.items():
        if re.search(rf"(?:^|\s)(?:{heads})(?:\s|$)", name):
            return kind
    return None


def _strip_openers(words: list[str]) -> list[str]:
    while words and (words[0] in OPENERS or words[0].lower() in ("of", "for", "and", "the", "a", "&")):
        words = words[1:]
    while words and words[-1].lower() in ("of", "for", "and", "the", "a", "&", "de"):
        words = words[:-1]
    return words


def new_actors(text: str, spans: list[tuple[int, int]], known: ActorIndex, lowercase_words: set[str]) -> list[NewActor]:
    """Names in the given spans of ``text`` that are not known actors: honorific + name, anonymous sources, and runs
    of capitalised words shaped like an organisation or a person. One proposal per distinct label."""
    found: dict[str, NewActor] = {}

    known_names = [n.casefold() for a in known.actors for n in a.names if " " in n]

    def propose(actor: NewActor) -> None:
        key = actor.label.casefold()
        if key in found or known.lookup(actor.label) is not None:
            return
        if " " in key and any(re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", n) for n in known_names):
            return  # part of a known actor's name ("Combined Forces Command" of "ROK-U.S. Combined Forces Command")
        found[key] = actor

    for s0, e0 in spans:
        chunk = text[s0:e0]
        taken: list[tuple[int, int]] = [(m.start, m.end) for m in known.mentions(chunk)]

        def free(a: int, b: int, taken: list[tuple[int, int]] = taken) -> bool:
            return all(b <= x or a >= y for x, y in taken)

        for m in HONORIFIC_NAME.finditer(chunk):
            words = m.group("name").split()
            while words and (words[-1] in OPENERS or words[-1].lower() in lowercase_words):
                words = words[:-1]
            if words and len(words[-1]) > 2:
                words[-1] = words[-1].rstrip(".")  # a full stop, not an initial
            name = " ".join(words)
            if not words or known.lookup(name) or not free(m.start("name"), m.start("name") + len(name)):
                taken.append((m.start(), m.end()))
                continue
            quote = f"{m.group('title')} {name}"
            propose(
                NewActor(
                    name,
                    "person",
                    s0 + m.start(),
                    s0 + m.start() + len(quote),
                    quote,
                    description=f"called “{m.group('title')}” in the text",
                    evidence="honorific",
                )
            )
            taken.append((m.start(), m.end()))
        for m in ANONYMOUS.finditer(chunk):
            nat_word = (m.group("nat") or "").strip()
            if nat_word and nat_word not in DEMONYMS:
                continue
            nationality = known.lookup(DEMONYMS[nat_word]) if nat_word else None
            plural = bool(m.group("plural")) or m.group("det") in ("two", "three", "several", "some", "other")
            role = m.group("role") + ("s" if plural else "")
            label = " ".join(p for p in ("Unnamed", nat_word, (m.group("mods") + m.group("mods2")).strip(), role) if p)
            propose(
                NewActor(
                    label,
                    "group" if plural else "anonymous-source",
                    s0 + m.start(),
                    s0 + m.end(),
                    m.group(),
                    nationality=nationality,
                    evidence="anonymous source",
                )
            )
            taken.append((m.start(), m.end()))
        for m in NATIONAL_GROUP.finditer(chunk):
            if not free(m.start(), m.end()):
                continue
            nationality = known.lookup(DEMONYMS[m.group("nat")])
            propose(
                NewActor(
                    m.group(),
                    "group",
                    s0 + m.start(),
                    s0 + m.end(),
                    m.group(),
                    nationality=nationality,
                    evidence="group named by nationality",
                )
            )
            taken.append((m.start(), m.end()))
        for m in PROPER_RUN.finditer(chunk):
            if not free(m.start(), m.end()):
                continue
            words = _strip_openers(m.group().split())
            if not words:
                continue
            name = " ".join(words).rstrip(".,;:’'")
            start = s0 + m.start() + m.group().find(words[0])
            kind = _kind_of(name)
            meaningful = [w for w in words if w[0].isupper()]
            if kind is None:
                # a person: two to four capitalised words, none of them a place/event word or a common word
                if not 2 <= len(meaningful) <= 4 or len(meaningful) != len(words):
                    continue
                parts = [p.strip(".,’'") for w in words for p in w.split("-")]
                if any(p in NOT_ACTOR_WORDS or p in DEMONYMS or p.lower() in lowercase_words for p in parts):
                    continue
                if any(not re.fullmatch(r"[A-Z][a-z’'-]+|[A-Z]\.", w) for w in words):
                    continue
                kind = "person"
            elif len(meaningful) < 2 or all(w.strip(".,") in NOT_ACTOR_WORDS for w in meaningful[:-1]):
                continue
            if known.lookup(name) or any(known.lookup(w) for w in (name.removeprefix("The "),)):
                continue
            propose(NewActor(name, kind, start, start + len(name), name, evidence="capitalised name"))
    return sorted(found.values(), key=lambda a: a.start)


def lowercase_vocabulary(text: str) -> set[str]:
    """Words the text also writes in lower case: a capitalised one of them is likely a common word opening a
    sentence or a heading ("Alliance engagement …"), not a name."""
    return {w for w in re.findall(r"\b[a-z][a-z’'-]+\b", text)}
