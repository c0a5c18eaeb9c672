"""The drafter: from a plain text and its metadata to candidate annotations, every one marked for review.

It aims for recall (ANNOTATION.md) and says why it proposed each item (the cue, the guessed addressee, similar items
elsewhere in the graph) so that review is a quick accept/reject. It never adds anything to the graph itself: the
candidates are written with ``review: candidate`` and the build skips them until an analyst accepts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..anchors import FoldedText, fold, shorten
from . import cues as C
from .actors import ActorIndex, Mention, NewActor, lowercase_vocabulary, new_actors
from .graph import KnowledgeGraph
from .ids import IdMinter, slugify
from .numbers import Quantity, quantities
from .sentences import Clause, Layout, Sentence, clauses, layout
from .similarity import Match, SimilarityIndex

PRONOUNS_WE = re.compile(r"^\s*(?:we|us|our)\b", re.IGNORECASE)
PRONOUNS_3 = re.compile(r"^\s*(?:it|they|this|these|he|she)\b", re.IGNORECASE)
# An enumerator or a footnote mark that opens a sentence: not part of the proposition.
_LEAD_NOISE = re.compile(r"^(?:\(?\d{1,2}[.)]\s+|[a-z][.)]\s+|[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s*|[•–-]\s+)+")
_REPORTING_LEAD = re.compile(
    r"^[^\"“”]{0,80}?\b(?:said|says|added|noted|warned|argued|wrote|stated|insisted)\b[^\"“”]{0,30}?(?:that\s+)?[\"“]"
)
SIMILAR_MIN = {"lexical": 0.15, "semantic": 0.45}
# Turns that state a counter-argument in order to answer it; "but" and "while" turn far more often without one.
STRONG_TURNS = frozenset({"however", "though", "although", "despite", "notwithstanding"})


@dataclass
class Metadata:
    """What the analyst tells ``policykg add-document`` about the text."""

    title: str
    date: str
    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    kind: str = "opinion-article"
    file: str = ""


@dataclass
class Candidate:
    """One drafted item: its section of the annotation file, its fields in the format's order, and why."""

    section: str  # actors | proposals | claims | facts
    kind: str  # proposal | objection | claim | actor | fact
    id: str
    fields: dict[str, Any]
    start: int
    end: int
    notes: list[str] = field(default_factory=list)

    @property
    def quote(self) -> str:
        return str(self.fields.get("quote", ""))


@dataclass
class Draft:
    text: str
    layout: Layout
    document: dict[str, Any]
    metadata_actors: list[dict[str, Any]]  # authors / publisher the analyst named and the graph lacks (accepted)
    candidates: list[Candidate]
    known_actors: dict[str, int]  # known actor id → mentions in the article
    notes: list[str] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Candidate]:
        return [c for c in self.candidates if c.kind in kinds]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


class Drafter:
    def __init__(
        self,
        graph: KnowledgeGraph,
        similarity: SimilarityIndex | None = None,
        taken_ids: Iterable[str] = (),
    ) -> None:
        self.graph = graph
        self.index = ActorIndex(graph.actors)
        self.similarity = similarity
        self.taken_ids = set(graph.ids) | set(taken_ids)

    # -- entry point ------------------------------------------------------------------------------------------

    def draft(self, text: str, meta: Metadata) -> Draft:
        run = _Run(self, text, meta)
        return run.go()


class _Run:
    """One drafting pass over one text (keeps the per-document state out of :class:`Drafter`)."""

    def __init__(self, drafter: Drafter, text: str, meta: Metadata) -> None:
        self.d = drafter
        self.text = text
        self.meta = meta
        self.folded = FoldedText(text)
        self.ids = IdMinter(drafter.taken_ids)
        self.candidates: list[Candidate] = []
        self.metadata_actors: list[dict[str, Any]] = []
        self.last_addressee: list[str] = []
        self.last_speaker: str | None = None
        self.last_anonymous: str | None = None
        self.new_by_span: list[tuple[int, int, str]] = []  # new actor candidates' mention spans → id

    # -- metadata ---------------------------------------------------------------------------------------------

    def actor_for_name(self, name: str, kind: str) -> str:
        known = self.d.index.lookup(name)
        if known:
            return known
        slug = self.ids.mint(name, max_words=10, name=True)
        self.metadata_actors.append({"id": slug, "kind": kind, "label": name})
        return slug

    def quote_of(self, start: int, end: int) -> tuple[str, int | None]:
        """The folded quote of text[start:end] and its occurrence when the same words occur more than once."""
        quote = fold(self.text[start:end])
        spans = self.folded.find_all(quote)
        if len(spans) <= 1:
            return quote, None
        starts = [s for s, _ in spans]
        nearest = min(range(len(starts)), key=lambda i: abs(starts[i] - start))
        return quote, nearest + 1

    def article_end_quote(self, lay: Layout) -> str | None:
        inside = [s for s in lay.sentences if s.end <= lay.article_end and s.kind != "furniture"]
        if not inside:
            return None
        for back in range(1, min(4, len(inside)) + 1):
            start = inside[-back].start
            quote = fold(self.text[start : inside[-1].end])
            if len(self.folded.find_all(quote)) == 1:
                return quote
        return None

    # -- the pass ---------------------------------------------------------------------------------------------

    def go(self) -> Draft:
        meta = self.meta
        authors = [self.actor_for_name(a, "person") for a in meta.authors if a.strip()]
        publisher_kind = "organisation" if meta.kind == "research-paper" else "news-publisher"
        publisher = self.actor_for_name(meta.venue, publisher_kind) if meta.venue else None
        # Every proposition needs an asserter: the authors, else the venue, else an unnamed group for the text.
        self.asserters = authors or [publisher or self.actor_for_name(f"Unnamed authors of “{meta.title}”", "group")]
        lay = layout(self.text, meta.authors)
        self.lay = lay
        article = self.text[: lay.article_end]
        self.mentions: list[Mention] = self.d.index.mentions(article)
        known_counts: dict[str, int] = {}
        for m in self.mentions:
            if m.actor:
                known_counts[m.actor] = known_counts.get(m.actor, 0) + 1

        doc_id = self.ids.mint(meta.title, max_words=8)
        document: dict[str, Any] = {
            "id": doc_id,
            "file": meta.file,
            "kind": meta.kind,
            "title": meta.title,
            "authors": authors,
        }
        if publisher:
            document["publisher"] = publisher
        document["date"] = meta.date
        if end_quote := self.article_end_quote(lay):
            document["article_end"] = end_quote

        self.draft_actors(lay)
        for sentence in lay.body():
            self.draft_sentence(sentence)
        self.target_first_objections()
        self.draft_numbers(lay)
        self.attach_similar()
        self.candidates.sort(key=lambda c: (c.start, ["actors", "proposals", "claims", "facts"].index(c.section)))
        return Draft(self.text, lay, document, self.metadata_actors, self.candidates, known_counts)

    # -- actors -----------------------------------------------------------------------------------------------

    def draft_actors(self, lay: Layout) -> None:
        spans = [(s.start, s.end) for s in lay.sentences if s.kind in ("body", "bio") and s.end <= lay.article_end]
        given = {n.casefold() for n in [*self.meta.authors, self.meta.venue or ""]}
        for actor in new_actors(self.text, spans, self.d.index, lowercase_vocabulary(self.text)):
            if actor.label.casefold() in given:
                continue
            self.add_actor(actor)

    def add_actor(self, actor: NewActor) -> None:
        slug = self.ids.mint(actor.label, max_words=10, name=True)
        fields: dict[str, Any] = {"kind": actor.kind, "label": actor.label}
        if actor.nationality:
            fields["nationality"] = actor.nationality
        if actor.description:
            fields["description"] = actor.description
        quote, occurrence = self.quote_of(actor.start, actor.end)
        fields["quote"] = quote
        if occurrence:
            fields["occurrence"] = occurrence
        notes = [f"new actor ({actor.evidence}); kind guessed: {actor.kind}"]
        self.candidates.append(Candidate("actors", "actor", slug, fields, actor.start, actor.end, notes))
        self.new_by_span.append((actor.start, actor.end, slug))
        for m in re.finditer(re.escape(actor.quote), self.text):
            self.new_by_span.append((m.start(), m.end(), slug))

    def new_actor_in(self, start: int, end: int) -> str | None:
        for s, e, slug in self.new_by_span:
            if s < end and e > start:
                return slug
        return None

    # -- who -------------------------------------------------------------------------------------------------

    def resolve_who(self, who: str, start: int, end: int) -> str | None:
        """A speaker's words → an actor id (known, new candidate, or the last speaker for a pronoun)."""
        words = who.strip()
        if re.fullmatch(r"(?:he|she|they)", words, re.IGNORECASE):
            return self.last_speaker
        if re.fullmatch(r"the\s+(?:[\w-]+\s+)?(?:official|diplomat|expert|source)", words, re.IGNORECASE):
            return self.last_anonymous or self.last_speaker
        known = (
            self.d.index.lookup(words)
            or next(iter(self.d.index.in_span(self.mentions, start, end)), None)
            or self.d.index.surname(words)
        )
        if known:
            return known
        return self.new_actor_in(start, end)

    def speakers(self, sentence: Sentence) -> tuple[str | None, list[str]]:
        """(asserter, reporters) of reported speech in a sentence: in "The FT said Macron had objected", Macron
        asserts and the FT reports."""
        found: list[tuple[int, str]] = []
        for pattern in (C.SPEAKER_BEFORE, C.SPEAKER_AFTER, C.ACCORDING_TO, C.SPEAKER_PARTICIPLE):
            if pattern is C.SPEAKER_PARTICIPLE and found:
                break  # the sentence's subject speaks only when nobody else is said to
            for m in pattern.finditer(sentence.text):
                a, b = sentence.start + m.start("who"), sentence.start + m.end("who")
                actor = self.resolve_who(m.group("who"), a, b)
                if actor:
                    found.append((m.start(), actor))
        if not found:
            return None, []
        found.sort()
        actors = list(dict.fromkeys(a for _, a in found))
        speaker, reporters = actors[-1], actors[:-1]
        self.last_speaker = speaker
        if any(speaker == slug for _, _, slug in self.new_by_span):
            self.last_anonymous = speaker
        return speaker, reporters

    def addressee(self, clause: Clause, cue: C.Cue) -> tuple[list[str], str]:
        """Who should act: the known actors in the clause's subject (the words before the modal), else after an
        impersonal cue ("it is necessary for the allies to …"), else the discourse so far."""
        subject_start = clause.start
        subject_text = clause.text[: cue.start]
        if (comma := subject_text.rfind(", ")) >= 0 and comma < len(subject_text) - 3:
            subject_start, subject_text = clause.start + comma + 2, subject_text[comma + 2 :]
        subject_end = clause.start + cue.start
        found = self.d.index.in_span(self.mentions, subject_start, subject_end)
        if not found and (new := self.new_actor_in(subject_start, subject_end)):
            found = [new]
        if found:
            return found, f"addressee from the subject “{fold(subject_text)}”"
        if PRONOUNS_3.match(subject_text):
            earlier = [m.actor for m in self.mentions if m.actor and m.end <= clause.start]
            before = self.d.index.in_span(self.mentions, max(0, clause.start - 300), clause.start)
            if before or earlier:
                who = [before[0] if before else earlier[-1]]
                return who, f"addressee: “{fold(subject_text)}” read as {who[0]} (named just before)"
        if PRONOUNS_WE.match(subject_text):
            who = self.last_addressee or self.asserters
            return list(who), f"addressee: “{fold(subject_text)}” read as {', '.join(who)}"
        impersonal = re.match(r"(?:it|what|the|recommend|call|urge|propose|advocate|argue|let|is)\b", cue.word, re.I)
        if impersonal or not subject_text.strip() or re.match(r"^\s*(?:it|what)\b", subject_text, re.IGNORECASE):
            window = (clause.start + cue.start, min(clause.end, clause.start + cue.end + 80))
            after = self.d.index.in_span(self.mentions, *window)
            if after:
                return after[:2], "addressee named after the cue"
        lookup = self.d.index.lookup(re.sub(r"^(?:the|both|all)\s+", "", subject_text.strip(), flags=re.IGNORECASE))
        if lookup:
            return [lookup], f"addressee from the subject “{fold(subject_text)}”"
        if self.last_addressee:
            return list(
                self.last_addressee
            ), f"addressee guessed from the previous proposal (subject “{shorten(subject_text, 40)}”)"
        return list(self.asserters), "addressee not found: set to the author(s), please edit"

    # -- propositions ---------------------------------------------------------------------------------------

    def draft_sentence(self, sentence: Sentence) -> None:
        speaker, reporters = self.speakers(sentence)
        rejected = bool(C.REJECTED_PRESCRIPTION.search(sentence.text))
        parts = clauses(self.text, sentence)
        made: list[Candidate] = []
        for clause in parts:
            clause = self.trim_lead(clause)
            if len(clause.text.split()) < 3:
                continue
            found = C.find_cues(clause.text)
            kinds = {c.kind for c in found}
            prescriptive = next((c for c in found if c.kind == "prescriptive"), None)
            asserters = [speaker] if speaker else list(self.asserters)
            strong_turn = clause.turn in STRONG_TURNS
            if prescriptive and not rejected and not (clause.role == "concession" and strong_turn):
                made.append(self.proposal(clause, prescriptive, asserters, reporters))
            elif clause.role == "concession" and (strong_turn or kinds & {"objection"}):
                made.append(self.claim(clause, "objection", asserters, reporters, found, anticipated=True))
            elif (clause.role == "main" and strong_turn) or kinds & {"objection", "rebuttal"} or rejected:
                made.append(self.claim(clause, "objection", asserters, reporters, found))
            elif kinds & {"support", "conclusion"}:
                made.append(self.claim(clause, "claim", asserters, reporters, found))
        if (
            len(made) == 2 and len(parts) == 2 and made[0].kind == "objection"
        ):  # the turn: the main part answers the concession, which attacks it
            concession, main = made
            self.relate(concession, "attacks", main, "the concession attacks the sentence's main part")
            self.relate(main, "attacks", concession, "the main part answers the concession")
        for cand in made:
            self.guess_relations(cand, sentence)
            self.candidates.append(cand)

    def trim_lead(self, clause: Clause) -> Clause:
        """Drop an enumerator, a footnote mark or a reporting lead ("X said last week that “…") from a clause."""
        m = _LEAD_NOISE.match(clause.text) or _REPORTING_LEAD.match(clause.text)
        if not m or m.end() >= len(clause.text):
            return clause
        return Clause(clause.start + m.end(), clause.end, clause.text[m.end() :], clause.role)

    def base_fields(self, clause: Clause) -> dict[str, Any]:
        quote, occurrence = self.quote_of(clause.start, clause.end)
        fields: dict[str, Any] = {"label": shorten(quote.rstrip(".;:"), 120), "quote": quote}
        if occurrence:
            fields["occurrence"] = occurrence
        return fields

    def proposal(self, clause: Clause, cue: C.Cue, asserters: list[str], reporters: list[str]) -> Candidate:
        addressee, how = self.addressee(clause, cue)
        self.last_addressee = addressee
        action = fold(clause.text[cue.end :]).strip(" .;:,\"“”'’")
        action = re.sub(r"^(?:that|to)\s+", "", action)
        if tail := C.REPORTING_TAIL.search(action):
            action = action[: tail.start()].strip(' ,"“”')
        action = action or fold(clause.text)
        fields = self.base_fields(clause)
        fields["action"] = shorten(action, 160)
        fields["proposed_by"] = asserters
        if reporters:
            fields["reported_by"] = reporters
        fields["addressee"] = addressee
        name = self.short_name(addressee[0])
        slug = self.ids.mint(action if slugify(name) in slugify(action) else f"{name} {action}")
        notes = [f"cue: “{cue.word}”", how]
        return Candidate("proposals", "proposal", slug, fields, clause.start, clause.end, notes)

    def short_name(self, actor_id: str) -> str:
        """The shortest name of an actor, for readable ids ("nato-…", not "north-atlantic-treaty-organization-…")."""
        actor = self.d.graph.actor(actor_id)
        if actor is None:
            return actor_id
        return min((n for n in actor.names if "." not in n), key=len, default=actor.label)

    def claim(
        self,
        clause: Clause,
        kind: str,
        asserters: list[str],
        reporters: list[str],
        found: list[C.Cue],
        anticipated: bool = False,
    ) -> Candidate:
        fields = self.base_fields(clause)
        fields["asserted_by"] = asserters
        if reporters:
            fields["reported_by"] = reporters
        if anticipated:
            fields["anticipated"] = True
        slug = self.ids.mint(fields["label"])
        words = ", ".join(f"“{c.word}”" for c in found if c.kind != "prescriptive") or "the sentence turns here"
        label = {"objection": "objection/rebuttal", "claim": "reason"}[kind]
        notes = [f"{label}; cue: {words}"]
        if anticipated:
            notes.append("concession: an objection the author states to answer it")
        return Candidate("claims", kind, slug, fields, clause.start, clause.end, notes)

    def relate(self, source: Candidate, key: str, target: Candidate, why: str) -> None:
        if source is target:
            return
        targets = source.fields.setdefault(key, [])
        if target.id not in targets:
            targets.append(target.id)
            source.notes.append(f"{key} {target.id}: {why} (guess)")

    def previous(self, sentence: Sentence, kinds: tuple[str, ...], same_paragraph: bool = False) -> Candidate | None:
        for cand in reversed(self.candidates):
            if cand.kind not in kinds or cand.start >= sentence.start:
                continue
            if same_paragraph and not any(
                s.paragraph == sentence.paragraph and s.start <= cand.start < s.end for s in self.lay.sentences
            ):
                return None
            return cand
        return None

    def guess_relations(self, cand: Candidate, sentence: Sentence) -> None:
        """Targets for a claim's support or attack: in the text, the nearest proposal before it, else the item just
        before. Only a guess (the notes say so); review changes it, or links it to another document."""
        if cand.kind == "proposal":
            return
        clause_text = self.text[cand.start : cand.end]
        found = {c.kind for c in C.find_cues(clause_text)}
        before = self.previous(sentence, ("proposal", "claim", "objection"))
        if "conclusion" in found and before:
            self.relate(before, "supports", cand, "this sentence concludes from it")
            return
        if cand.kind == "objection" and not cand.fields.get("attacks"):
            if "rebuttal" in found and before:
                self.relate(cand, "attacks", before, "it turns against the sentence before")
            elif target := self.previous(sentence, ("proposal",)) or before:
                self.relate(cand, "attacks", target, "nearest proposal before it")
        elif cand.kind == "claim" and (target := self.previous(sentence, ("proposal",), same_paragraph=True) or before):
            self.relate(cand, "supports", target, "a reason for the nearest proposal before it")

    def target_first_objections(self) -> None:
        """An objection before any proposal (a news report opening on the objection) attacks the first proposal after
        it, else the most similar proposal of another document."""
        for cand in self.candidates:
            if cand.kind != "objection" or cand.fields.get("attacks"):
                continue
            after = next((c for c in self.candidates if c.kind == "proposal" and c.start > cand.start), None)
            if after:
                self.relate(cand, "attacks", after, "first proposal after it")
            elif self.d.similarity and (match := self.similar_to(cand, kinds=("proposal",))):
                cand.fields["attacks"] = [match.id]
                cand.notes.append(f"attacks {match.id}: most similar proposal of another document (guess)")

    # -- numbers ----------------------------------------------------------------------------------------------

    def draft_numbers(self, lay: Layout) -> None:
        proposals = [c for c in self.candidates if c.kind == "proposal"]
        for sentence in lay.body():
            found = quantities(self.text, sentence.start, sentence.end)
            years = [q for q in found if q.unit == "year"]
            for q in found:
                host = next((p for p in proposals if p.start <= q.start and q.end <= p.end), None)
                if host is not None and len(q.unit) == 3 and q.unit.isupper() and "cost" not in host.fields:
                    self.add_cost(host, q)
                else:
                    self.add_fact(sentence, q, years)

    def add_cost(self, proposal: Candidate, q: Quantity) -> None:
        quote, occurrence = self.quote_of(q.start, q.end)
        cost: dict[str, Any] = {"amount": _number(q.value), "currency": q.unit}
        if q.period:
            cost["period"] = q.period
        if q.qualifier != "exact":
            cost["qualifier"] = q.qualifier
        cost["quote"] = quote
        if occurrence:
            cost["occurrence"] = occurrence
        proposal.fields["cost"] = cost
        proposal.notes.append(f"cost read from “{quote}”")

    def add_fact(self, sentence: Sentence, q: Quantity, years: list[Quantity]) -> None:
        quote, occurrence = self.quote_of(q.start, q.end)
        context = shorten(sentence.text, 110)
        what = q.noun or {"percent": "share", "year": "year"}.get(q.unit, "amount")
        fields: dict[str, Any] = {"value": _number(q.value), "unit": q.unit}
        if q.qualifier != "exact":
            fields["qualifier"] = q.qualifier
        if q.period:
            fields["period"] = q.period
        if q.unit == "year":
            fields["year"] = q.quote[-4:]
        elif other := next((y for y in years if y is not q), None):
            fields["year"] = other.quote[-4:]
        fields["measures"] = f"{what} (in: “{context}”)"
        about = self.d.index.in_span(self.mentions, sentence.start, sentence.end)[:3]
        if about:
            fields["about"] = about
        fields["quote"] = quote
        if occurrence:
            fields["occurrence"] = occurrence
        slug = self.ids.mint(f"{what} {q.quote}", max_words=6)
        notes = [f"number: {q.quote} → {fields['value']} {q.unit}"]
        self.candidates.append(Candidate("facts", "fact", slug, fields, q.start, q.end, notes))

    # -- cross-document ---------------------------------------------------------------------------------------

    def similar_to(self, cand: Candidate, kinds: tuple[str, ...] = ("proposal", "claim")) -> Match | None:
        """The most similar existing proposition of the given kinds, if it is similar enough."""
        assert self.d.similarity is not None
        floor = SIMILAR_MIN[self.d.similarity.method]
        return next((m for m in self.d.similarity.query(cand.quote, 10, min_score=floor) if m.kind in kinds), None)

    def attach_similar(self) -> None:
        if self.d.similarity is None:
            return
        floor = SIMILAR_MIN[self.d.similarity.method]
        propositions = [c for c in self.candidates if c.section in ("proposals", "claims")]
        found = self.d.similarity.query_many([c.quote for c in propositions], 3, min_score=floor)
        for cand, matches in zip(propositions, found, strict=True):
            if matches:
                cand.notes.append("similar: " + "; ".join(f"{m.id} ({m.kind}, {m.score:.2f})" for m in matches))
