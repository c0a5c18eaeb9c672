"""The words that signal a proposal, an objection or a reason (ANNOTATION.md's cues), as compiled patterns.

Kept apart from the drafter so the lexicon can be read, tested and tuned on its own: `bench/drafter_eval.py`
measures what each change does to recall and to the share of candidates an analyst would reject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


# Prescriptive: some agent should do something. The match's end is where the action begins.
PRESCRIPTIVE = _words(
    r"should(?:\s+not)?",
    r"must(?:\s+not)?",
    r"ought\s+(?:not\s+)?to",
    r"needs?\s+to(?!\s+be\s+(?:said|noted))",
    r"has\s+to|have\s+to",
    r"had\s+better",
    r"would\s+do\s+well\s+to",
    r"recommends?|recommended|recommendations?",
    r"calls?\s+for|called\s+for",
    r"urges?|urged",
    r"(?:was|were|is|are|been)\s+directed\s+to",  # a directive in the passive ("it was directed to report")
    r"proposes?|proposed\s+(?:that|to)",
    r"advocates?|argues?\s+for|argue\s+for",
    r"it\s+is\s+(?:(?:even|all\s+the|therefore)\s+)?(?:more\s+|most\s+)?"
    r"(?:necessary|essential|important|vital|imperative|critical|crucial|urgent|time)\s+(?:that|to|for)",
    r"is\s+imperative",
    r"what\s+is\s+needed\s+is|what's\s+needed\s+is",
    r"the\s+need\s+(?:here\s+)?is",
    r"the\s+best\s+way\s+to\s+[^.]{3,80}?\s+is",
    r"let\s+us",
)
# Modal uses that are not prescriptions: epistemic "must have been", hedges like "it must be recognized that",
# conditional inversion ("Should Russia refuse, …"), questions about what should be done.
NOT_PRESCRIPTIVE = re.compile(
    r"\b(?:must|should|needs?\s+to)\s+(?:have\s+been|have\s+\w+ed)\b"
    r"|\b(?:must|should)\s+be\s+(?:recognized|recognised|understood|noted|remembered|said|acknowledged|admitted)\b"
    r"|^\s*(?:Should|Must)\s+\w+",
    re.IGNORECASE,
)

# Objection and rebuttal: strong cues of disagreement or of a counter-argument the author states.
OBJECTION = _words(
    r"object(?:s|ed|ing|ions?)?",
    r"warn(?:s|ed|ing)?",
    r"mistakes?|mistaken",
    r"unfounded|misguided|flawed|wrong|misperceptions?",
    r"critics?|criticism|criticized|criticised",
    r"(?:source\s+of\s+)?concerns?\s+(?:for|about|over|that)|concerned\s+(?:about|that)",
    r"risk(?:s|y|ier)?",
    r"limits?",
    r"oppos(?:e|es|ed|ing|ition)",
    r"unhappy",
    r"unlikely|not\s+likely",
    r"controvers(?:y|ial|ially)",
    r"pushback|backlash",
    r"difficult|difficulties",
    r"not\s+a\s+panacea|not\s+the\s+only|no\s+question",
    r"to\s+be\s+fair",
    r"some\s+(?:will|may|might|would)\s+(?:see|say|argue|object|claim)",
    r"(?:may|might)\s+appear|on\s+one\s+level|in\s+one\s+sense",
    r"undercut|undermine[sd]?",
    r"fall\s+short",
    r"unfair|unhelpful",
    r"threat(?:en)?s?\s+to",
)
# A sentence that turns against what came before: "However, …", "But …", "Yet …".
REBUTTAL_OPENING = re.compile(
    r"^\s*(?:however|but|still|nevertheless|nonetheless|on\s+the\s+contrary|in\s+fact)\b",
    re.IGNORECASE,
)
# Cues that a claim is offered as a reason for something (ANNOTATION.md: because, since, moreover, in fact, …).
SUPPORT = _words(
    r"because",
    r"since(?!\s+(?:the\s+)?(?:\d|early|late|mid|then|january|february|march|april|may|june|july|august|"
    r"september|october|november|december))",
    r"moreover|furthermore|in\s+addition|indeed|in\s+fact",
    r"by\s+virtue\s+of",
    r"given\s+that",
    r"this\s+will|this\s+would",
    r"for\s+this\s+reason|that\s+is\s+why",
)
# Cues that this sentence is the conclusion of what came before (the previous item supports this one).
CONCLUSION = re.compile(
    r"^\s*(?:therefore|thus|hence|accordingly|consequently|as\s+a\s+result|in\s+short|in\s+sum|it\s+is\s+to\s+this\s+end)"
    r"\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cue:
    kind: str  # prescriptive | objection | rebuttal | support | conclusion
    word: str
    start: int  # offsets inside the clause
    end: int


def find_cues(clause: str) -> list[Cue]:
    """Every cue in a clause, in order."""
    found: list[Cue] = []
    if not NOT_PRESCRIPTIVE.search(clause):
        found += [Cue("prescriptive", m.group(), m.start(), m.end()) for m in PRESCRIPTIVE.finditer(clause)]
    found += [Cue("objection", m.group(), m.start(), m.end()) for m in OBJECTION.finditer(clause)]
    if m := REBUTTAL_OPENING.match(clause):
        found.append(Cue("rebuttal", m.group().strip(), m.start(), m.end()))
    found += [Cue("support", m.group(), m.start(), m.end()) for m in SUPPORT.finditer(clause)]
    if m := CONCLUSION.match(clause):
        found.append(Cue("conclusion", m.group().strip(), m.start(), m.end()))
    return sorted(found, key=lambda c: c.start)


# A prescription inside a clause its own sentence rejects ("arguments that NATO needs to … are unfounded").
REJECTED_PRESCRIPTION = re.compile(
    r"\b(?:arguments?|claims?|suggestions?|calls?|ideas?|notion)\s+that\b.*\b(?:are|is|were|was)\s+"
    r"(?:unfounded|wrong|mistaken|misguided|flawed|overblown|exaggerated)\b",
    re.IGNORECASE,
)

# Reporting: who says it. Group "who" is the speaker's words; resolved against actors by the drafter.
REPORTING_VERBS = (
    r"said|says|told|added|noted|warned|argued|insisted|stressed|explained|stated|wrote|claimed|objected"
    r"|suggested|urged|called\s+for|recommended"
)
_NAME = r"(?:[A-Z][\w’'.-]*(?:\s+(?:[A-Z][\w’'.-]*|of|the|de|von|van)){0,5})"
SPEAKER_BEFORE = re.compile(
    rf"(?P<who>(?:(?:a|an|one|the|another)\s+(?:[a-z-]+\s+){{0,3}}(?:[A-Z][a-z]+\s+)?(?:official|diplomat|expert|"
    rf"source|analyst|officer|minister|spokesman|spokeswoman|spokesperson)s?|(?:[A-Z][a-z]+\s+)?(?:officials|"
    rf"diplomats|critics|experts|analysts|lawmakers)|{_NAME}|he|she|they))\s+"
    rf"(?:(?:had\s+)?(?:personally|also|earlier|later|last\s+week|on\s+\w+day)\s+)*(?:{REPORTING_VERBS})\b"
)
SPEAKER_AFTER = re.compile(
    rf"[,\"”]\s*(?:{REPORTING_VERBS})\s+(?P<who>(?:a|an|one|the|another)\s+(?:[\w-]+\s+){{0,4}}?(?:official|diplomat|"
    rf"expert|source|analyst|officer|minister|spokesman|spokeswoman|spokesperson)s?|{_NAME})"
)
# "Macron … made a visit …, controversially suggesting afterwards that …": the sentence's subject speaks.
SPEAKER_PARTICIPLE = re.compile(
    rf"^(?P<who>{_NAME})\s[^\"“]*?,\s+(?:\w+ly\s+)?(?:suggesting|saying|arguing|warning|insisting|noting|adding|"
    rf"calling\s+for|urging)\b"
)
# Where a reporting clause interrupts or ends a quoted proposal: "…, a senior official said on Monday".
REPORTING_TAIL = re.compile(rf"[,\"”]+\s+(?:(?:a|an|the|one)\s+)?(?:[\w.-]+\s+){{0,4}}?(?:{REPORTING_VERBS})\b")
ACCORDING_TO = re.compile(rf"\baccording\s+to\s+(?P<who>(?:a|an|one|the)\s+(?:[\w-]+\s+){{0,4}}?\w+|{_NAME})")
