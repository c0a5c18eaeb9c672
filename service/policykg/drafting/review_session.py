"""The review of a draft, without the screen: which candidates there are, what an analyst decided, and saving the
result as an ordinary annotation file the build accepts.

Kept apart from the terminal UI (:mod:`.review_app`) so every decision and the save rules are testable directly.

Save rules (docs/drafting.md):

- accepted items lose their ``review`` key (they read like curated items; the drafter's note beside the key goes
  with it), rejected items are dropped from the file, undecided ones stay ``review: candidate`` (the build skips
  and reports them);
- an accepted item that names a candidate actor as proposer, addressee, asserter or reporter accepts that actor
  too (a proposal cannot be made by nobody); a support/attack/part-of reference to a proposition that is not
  accepted is dropped, and so is a fact's ``about`` reference to an actor that is not;
- links typed in review ("supports"/"attacks" an item of another document) go to corpus/links.yaml;
- before anything is written the result is checked with the build's own resolver (ids, references, quotes) against
  the rest of the corpus; on a problem nothing is written and the problems are returned.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..anchors import FoldedText, QuoteError
from ..build.errors import BuildError
from ..build.loader import Corpus, Source, parse
from ..build.model import SLUG, AnnotationFile, EntitySet, LinksFile
from ..build.resolve import Resolver
from .draft_yaml import dump, flow, yaml_rt
from .graph import KnowledgeGraph
from .ids import IdMinter, corpus_ids
from .intake import write_atomic
from .sentences import Layout, layout
from .similarity import Match, SimilarityIndex

SECTIONS = ("actors", "proposals", "claims", "stances", "facts", "mentions", "statuses")
# Keys whose actor ids pull a candidate actor in when the item is accepted.
ACTOR_ROLES = {
    "proposals": ("proposed_by", "addressee", "reported_by"),
    "claims": ("asserted_by", "reported_by"),
    "stances": ("actor", "reported_by"),
    "actors": ("nationality",),
}
PROPOSITION_REFS = ("supports", "attacks", "part_of")
LIST_FIELDS = {
    "addressee",
    "proposed_by",
    "asserted_by",
    "reported_by",
    "supports",
    "attacks",
    "about",
    "topics",
    "regions",
}
EDITABLE = {
    "proposal": ["id", "label", "action", "addressee", "proposed_by", "quote"],
    "claim": ["id", "label", "asserted_by", "supports", "attacks", "quote"],
    "objection": ["id", "label", "asserted_by", "attacks", "supports", "quote"],
    "actor": ["id", "label", "kind", "nationality", "description"],
    "fact": ["id", "value", "unit", "qualifier", "measures", "year", "quote"],
}


class ReviewError(Exception):
    """A save that would break the build: nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Item:
    """One reviewable item: a node of the round-trip YAML tree, where it sits, and the decision taken on it."""

    section: str
    node: CommentedMap
    start: int | None = None
    end: int | None = None
    decision: str = "candidate"  # candidate | accepted | rejected | merged
    merged_into: str | None = None

    @property
    def id(self) -> str:
        return str(self.node.get("id", self.node.get("of", "")))

    @property
    def kind(self) -> str:
        if self.section == "claims":
            return "objection" if self.node.get("attacks") else "claim"
        return {"actors": "actor", "proposals": "proposal", "facts": "fact"}.get(self.section, self.section[:-1])

    @property
    def label(self) -> str:
        return str(self.node.get("label") or self.node.get("measures") or self.node.get("quote") or self.id)


@dataclass
class SaveResult:
    path: Path
    accepted: int
    rejected: int
    remaining: int
    links: int
    messages: list[str] = field(default_factory=list)


class ReviewSession:
    def __init__(
        self,
        path: Path,
        graph: KnowledgeGraph | None = None,
        similarity: SimilarityIndex | None = None,
    ) -> None:
        self.path = path.resolve()
        self.corpus_dir = self.path.parent.parent
        self.graph = graph or KnowledgeGraph()
        self.similarity = similarity
        self.yaml = yaml_rt()
        self.data: CommentedMap = self.yaml.load(self.path.read_text(encoding="utf-8"))
        if not isinstance(self.data, CommentedMap) or "document" not in self.data:
            raise ReviewError([f"{self.path} is not an annotation file (no 'document' section)"])
        self.text = (self.corpus_dir / "documents" / str(self.data["document"]["file"])).read_text(encoding="utf-8")
        self.folded = FoldedText(self.text)
        self.layout: Layout = layout(self.text)
        self.new_links: list[CommentedMap] = []
        self.dirty = False
        self.items = self._collect()

    # -- reading ----------------------------------------------------------------------------------------------

    def _collect(self) -> list[Item]:
        items = []
        for section in SECTIONS:
            for node in self.data.get(section) or []:
                if isinstance(node, CommentedMap) and node.get("review") == "candidate":
                    item = Item(section, node)
                    item.start, item.end = self.anchor(node)
                    items.append(item)
        order = {s: i for i, s in enumerate(SECTIONS)}
        return sorted(items, key=lambda it: (it.start if it.start is not None else 1 << 30, order[it.section]))

    def anchor(self, node: CommentedMap) -> tuple[int | None, int | None]:
        quote = node.get("quote")
        if not quote:
            return None, None
        try:
            found = self.folded.anchor(str(quote), node.get("occurrence"))
        except QuoteError:
            return None, None
        return found.start, found.end

    def context(self, item: Item, width: int = 1) -> tuple[str, str, str]:
        """The text before the item's sentence, the sentence with the quote, and the text after (for display)."""
        if item.start is None or item.end is None:
            return "", "", ""
        before, hits, after = self.layout.around(item.start, item.end, width)
        start = min([s.start for s in hits] + [item.start])
        end = max([s.end for s in hits] + [item.end])
        return (
            (
                " ".join(s.folded for s in before),
                self.text[start:end],
                " ".join(s.folded for s in after),
            )
            if hits
            else ("", self.text[item.start : item.end], "")
        )

    @property
    def file_actors(self) -> list[CommentedMap]:
        return [a for a in self.data.get("actors") or [] if isinstance(a, CommentedMap)]

    def actor_label(self, actor_id: str) -> str:
        known = self.graph.actor(actor_id)
        if known:
            return known.label
        local = next((a for a in self.file_actors if a.get("id") == actor_id), None)
        return str(local.get("label")) if local else actor_id

    def matches(self, item: Item, k: int = 5) -> list[Match]:
        """Existing claims and proposals (other documents) most like this candidate."""
        if self.similarity is None or item.section not in ("proposals", "claims"):
            return []
        return self.similarity.query(str(item.node.get("quote") or item.label), k)

    def search_actors(self, query: str, k: int = 10) -> list[tuple[str, str]]:
        """(id, label) of actors whose names contain the query (graph first, then this file's accepted ones)."""
        q = query.casefold().strip()
        found: list[tuple[str, str]] = []
        for actor in self.graph.actors:
            if not q or any(q in n.casefold() for n in actor.names) or q in actor.id:
                found.append((actor.id, actor.label))
        for node in self.file_actors:
            if node.get("review", "accepted") == "accepted" and (not q or q in str(node.get("label", "")).casefold()):
                found.append((str(node["id"]), str(node.get("label"))))
        return found[:k]

    def search_propositions(self, query: str, k: int = 10) -> list[tuple[str, str, str]]:
        """(id, kind, label) of existing claims and proposals matching the query: label words first, then
        similarity."""
        q = query.casefold().strip()
        hits = [
            (p.id, p.kind, p.label) for p in self.graph.propositions if q and (q in p.label.casefold() or q == p.id)
        ]
        if self.similarity and q:
            hits += [(m.id, m.kind, m.label) for m in self.similarity.query(query, k)]
        return list(dict.fromkeys(hits))[:k]

    # -- decisions --------------------------------------------------------------------------------------------

    def decide(self, item: Item, decision: str) -> None:
        item.decision = decision
        item.merged_into = None
        self.dirty = True

    def accept(self, item: Item) -> None:
        self.decide(item, "accepted")

    def reject(self, item: Item) -> None:
        self.decide(item, "rejected")

    def edit(self, item: Item, changes: dict[str, str]) -> list[str]:
        """Apply edited fields (text as typed); returns problems, empty when all applied. Lists are comma-separated
        ids (or exact actor names, resolved to ids); an id change is carried to every reference in the file."""
        problems: list[str] = []
        for key, raw in changes.items():
            value = raw.strip()
            current = item.node.get(key)
            if key == "id":
                if not SLUG.match(value):
                    problems.append(f"id {value!r} is not a slug (lower-case words joined by '-')")
                    continue
                if value != item.id:
                    if value in self.graph.ids or value in corpus_ids(self.corpus_dir) or self._local_ids() & {value}:
                        problems.append(f"id {value!r} is already used")
                        continue
                    self.replace_references(item.id, value)
                    item.node["id"] = value
                continue
            if key in LIST_FIELDS:
                ids = [self.resolve_name(v.strip()) for v in value.split(",") if v.strip()]
                bad = [v for v in ids if not SLUG.match(v)]
                if bad:
                    problems.append(f"{key}: not an id or a known name: {', '.join(bad)}")
                    continue
                if ids:
                    item.node[key] = flow(ids)
                elif key in item.node:
                    del item.node[key]
                continue
            if key == "quote":
                try:
                    found = self.folded.anchor(value, item.node.get("occurrence"))
                except QuoteError as err:
                    problems.append(f"quote: {err}")
                    continue
                item.start, item.end = found.start, found.end
            if key == "value":
                try:
                    number = float(value.replace(",", ""))
                except ValueError:
                    problems.append(f"value {value!r} is not a number")
                    continue
                item.node[key] = int(number) if number.is_integer() else number
                continue
            if not value:
                if key in item.node and key not in ("label", "action", "measures", "unit", "kind"):
                    del item.node[key]
                continue
            if value != (str(current) if current is not None else None):
                item.node[key] = value
        self.dirty = True
        return problems

    def resolve_name(self, text: str) -> str:
        """An id as typed, or the id of the actor with exactly this name."""
        if SLUG.match(text):
            return text
        hits = [a.id for a in self.graph.actors if text.casefold() in (n.casefold() for n in a.names)]
        hits += [str(a["id"]) for a in self.file_actors if str(a.get("label", "")).casefold() == text.casefold()]
        return hits[0] if len(set(hits)) == 1 else text

    def _local_ids(self) -> set[str]:
        return {str(n.get("id")) for s in SECTIONS for n in self.data.get(s) or [] if isinstance(n, CommentedMap)}

    def replace_references(self, old: str, new: str) -> None:
        """Point every reference to ``old`` in this file (and in pending links) at ``new``."""

        def walk(node: Any) -> None:
            if isinstance(node, CommentedMap):
                for key in list(node.keys()):
                    value = node[key]
                    if key in ("id", "quote", "label", "action", "measures", "description"):
                        continue
                    if value == old:
                        node[key] = new
                    elif isinstance(value, list):
                        if old in value:
                            replaced = list(dict.fromkeys(new if v == old else v for v in value))
                            value[:] = replaced
                        for v in value:
                            walk(v)
                    else:
                        walk(value)

        walk(self.data)
        for link in self.new_links:
            walk(link)

    def link_actor(self, item: Item, actor_id: str) -> None:
        """The candidate actor is an existing one: references move to it and the candidate goes."""
        self.replace_references(item.id, actor_id)
        self.decide(item, "merged")
        item.merged_into = actor_id

    def same_as(self, item: Item, proposition_id: str) -> None:
        """The candidate restates an existing proposition: it becomes a mention of it (one resource, one more
        anchor), and references to the candidate move to the existing one."""
        mention = CommentedMap()
        mention["of"] = proposition_id
        mention["quote"] = item.node["quote"]
        if item.node.get("occurrence"):
            mention["occurrence"] = item.node["occurrence"]
        mentions = self.data.setdefault("mentions", CommentedSeq())
        mentions.append(mention)
        self.replace_references(item.id, proposition_id)
        self.decide(item, "merged")
        item.merged_into = proposition_id

    def relate(self, item: Item, relation: str, target_id: str, reason: str) -> None:
        """An editorial link from the candidate to an item of another document (corpus/links.yaml); the candidate
        is accepted with it."""
        if relation not in ("supports", "attacks"):
            raise ValueError(f"relation must be supports or attacks, not {relation!r}")
        if not reason.strip():
            raise ValueError("a link needs the reason the analyst gives for it")
        taken = (
            corpus_ids(self.corpus_dir) | self.graph.ids | self._local_ids() | {str(n["id"]) for n in self.new_links}
        )
        link = CommentedMap()
        link["id"] = IdMinter(taken).mint(f"{item.id} {relation} {target_id}", max_words=12)
        link["from"] = item.id
        link[relation] = target_id
        link["reason"] = reason.strip()
        self.new_links.append(link)
        self.accept(item)

    # -- saving -----------------------------------------------------------------------------------------------

    def _result_tree(self) -> tuple[CommentedMap, list[str]]:
        """The file as it will be saved (a copy: the session is untouched if the save fails)."""
        data = copy.deepcopy(self.data)
        messages: list[str] = []
        by_node = {id(it.node): it for it in self.items}
        copies: dict[int, tuple[str, CommentedMap, str]] = {}  # copy's id → (section, node, decision)
        for section in SECTIONS:
            originals = self.data.get(section) or []
            for original, node in zip(originals, data.get(section) or [], strict=False):
                it = by_node.get(id(original))
                decision = it.decision if it else str(node.get("review", "accepted")) if isinstance(node, dict) else ""
                copies[id(node)] = (section, node, decision)

        decision_of = {
            str(node.get("id")): decision
            for section, node, decision in copies.values()
            if section in ("actors", "proposals", "claims", "stances", "facts")
        }

        def state(slug: str) -> str | None:
            return decision_of.get(slug)  # None: not in this file, an existing item of the graph

        # accepted items pull in the candidate actors they name in a role
        changed = True
        while changed:
            changed = False
            for section, node, decision in copies.values():
                if decision_of.get(str(node.get("id")), decision) != "accepted":
                    continue
                for key in ACTOR_ROLES.get(section, ()):
                    refs = node.get(key)
                    for ref in refs if isinstance(refs, list) else [refs] if refs else []:
                        if state(ref) in ("candidate", "rejected"):
                            decision_of[ref] = "accepted"
                            messages.append(f"accepted actor {ref}: {node.get('id')} names it ({key})")
                            changed = True
        for key, (section, node, _) in list(copies.items()):
            if section == "actors" and decision_of.get(str(node.get("id"))) == "accepted":
                copies[key] = (section, node, "accepted")
        # references from accepted items to propositions/actors that will not exist are dropped
        for _, node, decision in copies.values():
            if decision != "accepted":
                continue
            for key in (*PROPOSITION_REFS, "about"):
                refs = node.get(key)
                if isinstance(refs, list):
                    keep = [r for r in refs if state(r) in (None, "accepted")]
                    if len(keep) != len(refs):
                        messages.append(
                            f"{node.get('id')}: dropped {key} → {', '.join(r for r in refs if r not in keep)}"
                        )
                        if keep:
                            refs[:] = keep
                        else:
                            del node[key]
                elif isinstance(refs, str) and state(refs) not in (None, "accepted"):
                    messages.append(f"{node.get('id')}: dropped {key} → {refs}")
                    del node[key]
        # write the decisions
        for section in SECTIONS:
            seq = data.get(section)
            if not seq:
                continue
            for node in list(seq):
                _, _, decision = copies.get(id(node), (section, node, "accepted"))
                if decision in ("rejected", "merged"):
                    seq.remove(node)
                elif decision == "accepted" and "review" in node:
                    _drop_review_key(node)
            if not seq:
                del data[section]
        return data, messages

    def validate(self, data: CommentedMap, links: CommentedMap | None) -> list[str]:
        """The build's checks on the result: format, ids, references, quotes (this file and its links only)."""
        try:
            model = AnnotationFile.model_validate(_plain(data))
        except ValidationError as err:
            return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()]
        try:
            entities = parse(self.corpus_dir / "entities.yaml", EntitySet)
        except BuildError as err:
            return [str(p) for p in err.problems]
        others = []
        for other in sorted((self.corpus_dir / "annotations").glob("*.yaml")):
            if other.resolve() == self.path:
                continue
            try:
                others.append(parse(other, AnnotationFile))
            except BuildError:
                continue  # another file's problem is not this review's
        mine = Source(self.path, model, data)
        links_source = None
        links_path = self.corpus_dir / "links.yaml"
        if links is not None:
            try:
                links_source = Source(links_path, LinksFile.model_validate(_plain(links)), links)
            except ValidationError as err:
                return [f"links.yaml {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors()]
        elif links_path.exists():
            links_source = parse(links_path, LinksFile)
        corpus = Corpus(self.corpus_dir, entities, [*others, mine], links_source)
        try:
            Resolver(corpus).run()
        except BuildError as err:
            ours = {self.path.resolve(), links_path.resolve()}
            problems = [p for p in err.problems if p.file and Path(p.file).resolve() in ours]
            return [str(p) for p in problems] or [f"the corpus does not build ({err.stage}): {err.problems[0]}"]
        return []

    def save(self) -> SaveResult:
        data, messages = self._result_tree()
        links_path = self.corpus_dir / "links.yaml"
        links_data: CommentedMap | None = None
        if self.new_links:
            links_data = self.yaml.load(links_path.read_text(encoding="utf-8")) if links_path.exists() else None
            if not isinstance(links_data, CommentedMap):
                links_data = CommentedMap()
            seq = links_data.setdefault("links", CommentedSeq())
            known = {str(link.get("id")) for link in seq}
            for link in self.new_links:
                if str(link["id"]) not in known:
                    seq.append(copy.deepcopy(link))
        problems = self.validate(data, links_data)
        if problems:
            raise ReviewError(problems)
        previous = self.path.read_bytes()
        write_atomic(self.path, dump(data).encode("utf-8"))
        if links_data is not None:
            try:
                write_atomic(links_path, dump(links_data).encode("utf-8"))
            except BaseException:
                write_atomic(self.path, previous)
                raise
        counts = {d: sum(1 for it in self.items if it.decision == d) for d in ("accepted", "rejected", "merged")}
        result = SaveResult(
            self.path,
            counts["accepted"],
            counts["rejected"] + counts["merged"],
            sum(1 for it in self.items if it.decision == "candidate"),
            len(self.new_links),
            messages,
        )
        # carry on from what was written
        self.data = data
        self.new_links = []
        self.items = self._collect()
        self.dirty = False
        return result


def _drop_review_key(node: CommentedMap) -> None:
    """Remove ``review``; comment lines that followed it (before the next item) stay, on the new last key."""
    token = node.ca.items.pop("review", None)
    del node["review"]
    comment = token[2] if token and len(token) > 2 else None
    if comment is None or "\n" not in comment.value or not node:
        return
    rest = comment.value.split("\n", 1)[1]
    if not rest.strip():
        return
    last = list(node.keys())[-1]
    existing = node.ca.items.get(last)
    if existing and len(existing) > 2 and existing[2] is not None:
        existing[2].value = existing[2].value.rstrip("\n") + "\n" + rest
    else:
        comment.value = "\n" + rest
        node.ca.items[last] = [None, None, comment, None]


def _plain(node: Any) -> Any:
    """Round-trip containers as plain dicts and lists (what the build's safe loader would give)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node
