"""The annotation format (corpus/README.md) as pydantic models: unknown keys and wrong types are errors."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from ..periods import PERIOD, check_period

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

Slug = Annotated[str, Field(pattern=SLUG.pattern)]
Date = Annotated[
    str, Field(pattern=PERIOD.pattern), AfterValidator(check_period)
]  # and on the calendar: not 2008-02-30

ActorKind = Literal[
    "person",
    "anonymous-source",
    "state",
    "government-body",
    "alliance",
    "intergovernmental-organisation",
    "think-tank",
    "company",
    "news-agency",
    "news-publisher",
    "organisation",
    "group",
]
DocumentKind = Literal["research-paper", "opinion-article", "news-report"]
Qualifier = Literal["exact", "approximate", "at-least", "at-most"]
Polarity = Literal["supports", "opposes", "considering"]
Status = Literal["proposed", "under-consideration", "opposed", "adopted", "rejected", "implemented"]
ReviewState = Literal["accepted", "candidate", "rejected"]


def _coerce_date(value: object) -> object:
    """YAML reads an unquoted 2023-06-06 as a date and 2012 as an int; analysts shouldn't have to quote them."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value) if isinstance(value, int) else value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Quoted(Strict):
    """Anything anchored in a document by an exact quote."""

    quote: str = Field(min_length=1)
    occurrence: int | None = Field(default=None, ge=1)
    # Set by `policykg add-document`: only reviewed (accepted) items enter the graph.
    review: ReviewState = "accepted"


class Affiliation(Strict):
    organisation: Slug
    role: str | None = None
    date: Date | None = None
    former: bool = False
    quote: str | None = None
    occurrence: int | None = Field(default=None, ge=1)

    _date = field_validator("date", mode="before")(_coerce_date)


class Actor(Strict):
    id: Slug
    kind: ActorKind
    label: str = Field(min_length=1)
    aliases: list[str] = []
    wikidata: Annotated[str, Field(pattern=r"^Q[1-9][0-9]*$")] | None = None
    nationality: Slug | None = None
    description: str | None = None
    affiliations: list[Affiliation] = []
    quote: str | None = None
    occurrence: int | None = Field(default=None, ge=1)
    review: ReviewState = "accepted"


class Article(Strict):
    id: Slug
    number: str
    label: str
    note: str | None = None

    _number = field_validator("number", mode="before")(_coerce_date)


class Treaty(Strict):
    id: Slug
    label: str
    date: Date | None = None
    parties: list[Slug] = []
    note: str | None = None
    articles: list[Article] = []

    _date = field_validator("date", mode="before")(_coerce_date)


class Concept(Strict):
    id: Slug
    label: str
    broader: Slug | None = None
    description: str | None = None


class Undercut(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    source: Slug = Field(alias="from")
    target: Slug = Field(alias="to")


class Cost(Quoted):
    amount: float
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    period: str | None = Field(default=None, pattern=r"^P(\d+[YMWD])+$")
    qualifier: Qualifier = "exact"


class StatusEntry(Quoted):
    value: Status
    date: Date | None = None
    date_inferred: str | None = None  # the evidence, when the text does not date the status itself

    _date = field_validator("date", mode="before")(_coerce_date)

    @model_validator(mode="after")
    def _evidence_of_a_date(self) -> StatusEntry:
        if self.date_inferred and not self.date:
            raise ValueError("date_inferred gives the evidence for a date: give the date too")
        return self


class Proposition(Quoted):
    id: Slug
    label: str = Field(min_length=1)
    supports: list[Slug] = []
    attacks: list[Slug] = []
    undercuts: list[Undercut] = []
    cites: list[Slug] = []
    topics: list[Slug] = []
    regions: list[Slug] = []
    reported_by: list[Slug] = []
    date: Date | None = None
    date_inferred: str | None = None

    _date = field_validator("date", mode="before")(_coerce_date)


class Proposal(Proposition):
    action: str = Field(min_length=1)
    proposed_by: list[Slug] = Field(min_length=1)
    addressee: list[Slug] = []
    addressee_unstated: str | None = Field(None, min_length=1)  # why the text does not say who should act
    part_of: Slug | None = None
    condition: str | None = None
    cost: Cost | None = None
    status: list[StatusEntry] = []

    @model_validator(mode="after")
    def _who_should_act(self) -> Proposal:
        # who should act, or why the text does not say: never a guess, never both
        if bool(self.addressee) == bool(self.addressee_unstated):
            raise ValueError("give either addressee (who should act) or addressee_unstated (why the text does not say)")
        return self


class Claim(Proposition):
    asserted_by: list[Slug] = Field(min_length=1)
    anticipated: bool = False


class Stance(Quoted):
    id: Slug
    actor: Slug
    proposal: Slug
    polarity: Polarity
    date: Date | None = None
    date_inferred: str | None = None
    reported_by: list[Slug] = []

    _date = field_validator("date", mode="before")(_coerce_date)


class Fact(Quoted):
    id: Slug
    value: float
    unit: str = Field(min_length=1)
    qualifier: Qualifier = "exact"
    period: str | None = Field(default=None, pattern=r"^P(\d+[YMWD])+$")
    year: str | None = None
    year_inferred: str | None = None
    """Where a year the text does not state was taken from (a footnote's access date …)."""
    measures: str = Field(min_length=1)
    about: list[Slug] = []

    _year = field_validator("year", mode="before")(_coerce_date)

    @model_validator(mode="after")
    def _evidence_of_a_year(self) -> Fact:
        if self.year_inferred and not self.year:
            raise ValueError("year_inferred gives the evidence for a year: give the year too")
        return self


class Mention(Quoted):
    of: Slug


class StatusReport(StatusEntry):
    proposal: Slug


class DocumentMeta(Strict):
    id: Slug
    file: str
    kind: DocumentKind
    title: str = Field(min_length=1)
    title_inferred: str | None = None
    authors: list[Slug] = []
    publisher: Slug | None = None
    venue_note: str | None = None
    date: Date
    date_inferred: str | None = None
    topics: list[Slug] = []
    regions: list[Slug] = []
    article_end: str | None = None

    _date = field_validator("date", mode="before")(_coerce_date)


class EntitySet(Strict):
    """What any file may define: actors, treaties, topics, regions."""

    actors: list[Actor] = []
    treaties: list[Treaty] = []
    topics: list[Concept] = []
    regions: list[Concept] = []


class ActorAffiliation(Affiliation):
    """A role of an actor defined elsewhere (e.g. entities.yaml), as this document states it."""

    actor: Slug


class AnnotationFile(EntitySet):
    document: DocumentMeta
    affiliations: list[ActorAffiliation] = []
    proposals: list[Proposal] = []
    claims: list[Claim] = []
    stances: list[Stance] = []
    facts: list[Fact] = []
    mentions: list[Mention] = []
    statuses: list[StatusReport] = []


class Link(Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    id: Slug
    source: Slug = Field(alias="from")
    attacks: Slug | None = None
    supports: Slug | None = None
    reason: str = Field(min_length=1)


class LinksFile(Strict):
    links: list[Link] = []
