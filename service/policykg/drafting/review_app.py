"""``policykg review``: a keyboard-driven terminal review of a draft's candidates (Textual).

One candidate at a time: the sentence in its context with the quote highlighted, the proposed item, and the most
similar claims and proposals of other documents. Keys: a accept · r reject · e edit · l link to an existing
actor/proposition ("same as") · s/t mark as supporting/attacking an item of another document (asks for the reason,
written to corpus/links.yaml) · n/p next/previous · w save · q quit. The decisions and the save rules live in
:mod:`.review_session`; this module is only the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from .review_session import EDITABLE, Item, ReviewError, ReviewSession

Search = Callable[[str], list[tuple[str, str]]]  # query → (id, text shown)


class EditScreen(ModalScreen[dict[str, str] | None]):
    """One input per editable field; Enter saves the edits, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = """
    EditScreen { align: center middle; }
    #edit { width: 90%; height: auto; max-height: 90%; border: round $accent; }
    """

    def __init__(self, title: str, fields: dict[str, str]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="edit"):
            yield Label(self.title_text)
            for key, value in self.fields.items():
                yield Label(key)
                yield Input(value=value, id=f"field-{key}")

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        values = {key: self.query_one(f"#field-{key}", Input).value for key in self.fields}
        self.dismiss({k: v for k, v in values.items() if v != self.fields[k]})

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickScreen(ModalScreen[str | None]):
    """Search by label, pick with the arrows and Enter (the first match is picked on Enter in the search box)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = "PickScreen { align: center middle; } #pick { width: 90%; height: 80%; border: round $accent; }"

    def __init__(self, title: str, search: Search, initial: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.search = search
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(id="pick"):
            yield Label(self.title_text)
            yield Input(placeholder="search by label …", id="query")
            yield OptionList(id="options")

    def on_mount(self) -> None:
        self.fill(self.initial)

    def fill(self, rows: list[tuple[str, str]]) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Text(text), id=slug) for slug, text in rows])
        if rows:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(self.search(event.value) if event.value.strip() else self.initial)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        option = options.highlighted_option
        self.dismiss(option.id if option else None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReasonScreen(ModalScreen[str | None]):
    """The analyst's reason for an editorial link (required)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = "ReasonScreen { align: center middle; } #reason { width: 90%; height: auto; border: round $accent; }"

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="reason"):
            yield Label(self.title_text)
            yield Input(placeholder="why (required) …", id="reason-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ReviewApp(App[None]):
    TITLE = "policykg review"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "accept", "accept"),
        Binding("r", "reject", "reject"),
        Binding("e", "edit", "edit"),
        Binding("l", "link", "link/same as"),
        Binding("s", "relate('supports')", "supports…"),
        Binding("t", "relate('attacks')", "attacks…"),
        Binding("n,right", "move(1)", "next"),
        Binding("p,left", "move(-1)", "previous"),
        Binding("w", "save", "save"),
        Binding("q", "leave", "quit"),
    ]
    DEFAULT_CSS = """
    #context { border: round $primary; padding: 0 1; height: auto; max-height: 12; }
    #item { border: round $secondary; padding: 0 1; height: auto; }
    #matches { border: round $secondary; padding: 0 1; height: auto; }
    #status { height: auto; padding: 0 1; }
    """

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        self.session = session
        self.position = 0
        self.quit_armed = False
        self.status = ""

    # -- layout -------------------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="progress")
            yield Static(id="context")
            yield Static(id="item")
            yield Static(id="matches")
            yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.session.path.name
        self.refresh_view()

    @property
    def current(self) -> Item | None:
        items = self.session.items
        return items[self.position] if 0 <= self.position < len(items) else None

    def refresh_view(self) -> None:
        items = self.session.items
        item = self.current
        done = sum(1 for it in items if it.decision != "candidate")
        progress = self.query_one("#progress", Static)
        if item is None:
            progress.update(f"No candidates left to review ({done} decided). w saves, q quits.")
            for name in ("#context", "#item", "#matches"):
                self.query_one(name, Static).update("")
        else:
            progress.update(
                f"candidate {self.position + 1}/{len(items)} · {item.kind} · {item.decision} · {done} decided"
            )
            self.query_one("#context", Static).update(self.render_context(item))
            self.query_one("#item", Static).update(self.render_item(item))
            self.query_one("#matches", Static).update(self.render_matches(item))
        self.query_one("#status", Static).update(Text(self.status, style="bold"))

    def render_context(self, item: Item) -> Text:
        before, sentence, after = self.session.context(item)
        text = Text()
        if before:
            text.append(before + " ", style="dim")
        quote = " ".join(str(item.node.get("quote") or "").split())
        flat = " ".join(sentence.split())
        at = flat.find(quote) if quote else -1
        if at >= 0:
            text.append(flat[:at])
            text.append(flat[at : at + len(quote)], style="bold reverse")
            text.append(flat[at + len(quote) :])
        else:
            text.append(flat or "(no quote: nothing to show in the text)")
        if after:
            text.append(" " + after, style="dim")
        return text

    def render_item(self, item: Item) -> Text:
        text = Text()
        text.append(f"{item.kind}  {item.id}\n", style="bold")
        for key, value in item.node.items():
            if key in ("id", "review", "quote"):
                continue
            if isinstance(value, list):
                value = ", ".join(
                    f"{v} ({self.session.actor_label(v)})" if isinstance(v, str) else str(v) for v in value
                )
            elif isinstance(value, dict):
                value = ", ".join(f"{k}={v}" for k, v in value.items() if k != "quote")
            text.append(f"{key}: ", style="cyan")
            text.append(f"{value}\n")
        token = item.node.ca.items.get("review")
        if token and len(token) > 2 and token[2] is not None:
            note = token[2].value.split("\n")[0].lstrip("# ").strip()
            note = " · ".join(part for part in note.split(" · ") if not part.startswith("similar:"))
            text.append("drafter: " + note, style="italic dim")
        return text

    def render_matches(self, item: Item) -> Text:
        matches = self.session.matches(item)
        if not matches:
            return Text(
                "no similar claims or proposals in other documents" if item.section in ("proposals", "claims") else ""
            )
        text = Text("similar in other documents (l: same as · s: supports · t: attacks)\n", style="bold")
        for m in matches:
            text.append(f"  {m.score:.2f} {m.kind} {m.id}: ", style="cyan")
            text.append(f"{m.label}\n")
        return text

    def say(self, message: str) -> None:
        self.status = message
        self.refresh_view()

    # -- actions ------------------------------------------------------------------------------------------------

    def advance(self) -> None:
        """To the next undecided candidate (after the current one, else from the start)."""
        items = self.session.items
        order = list(range(self.position + 1, len(items))) + list(range(0, self.position + 1))
        self.position = next((i for i in order if items[i].decision == "candidate"), min(self.position + 1, len(items)))
        self.quit_armed = False
        self.refresh_view()

    def action_move(self, step: int) -> None:
        self.position = max(0, min(len(self.session.items) - 1, self.position + step))
        self.quit_armed = False
        self.refresh_view()

    def action_accept(self) -> None:
        if item := self.current:
            self.session.accept(item)
            self.status = f"accepted {item.id}"
            self.advance()

    def action_reject(self) -> None:
        if item := self.current:
            self.session.reject(item)
            self.status = f"rejected {item.id}"
            self.advance()

    def action_edit(self) -> None:
        item = self.current
        if item is None:
            return
        keys = EDITABLE.get(item.kind, ["id", "label"])
        fields = {}
        for key in keys:
            value: Any = item.node.get(key, "")
            fields[key] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)

        def done(changes: dict[str, str] | None) -> None:
            if not changes:
                self.say("edit cancelled" if changes is None else "nothing changed")
                return
            problems = self.session.edit(item, changes)
            self.say("; ".join(problems) if problems else f"edited {', '.join(changes)} of {item.id}")

        self.push_screen(EditScreen(f"edit {item.kind} {item.id} (Enter saves, Esc cancels)", fields), done)

    def action_link(self) -> None:
        item = self.current
        if item is None:
            return
        if item.section == "actors":

            def actors(query: str) -> list[tuple[str, str]]:
                return [(i, f"{label} [{i}]") for i, label in self.session.search_actors(query)]

            def picked_actor(actor_id: str | None) -> None:
                if actor_id:
                    self.session.link_actor(item, actor_id)
                    self.status = f"{item.id} is {actor_id}: references moved, candidate dropped"
                    self.advance()

            initial = actors(str(item.node.get("label", "")).split()[-1] if item.node.get("label") else "")
            self.push_screen(PickScreen(f"{item.label} is the existing actor …", actors, initial), picked_actor)
        elif item.section in ("proposals", "claims"):

            def picked(prop_id: str | None) -> None:
                if prop_id:
                    self.session.same_as(item, prop_id)
                    self.status = f"{item.id} is the same as {prop_id}: recorded as a mention"
                    self.advance()

            self.push_screen(
                PickScreen("same as the existing …", self.propositions, self.initial_matches(item)), picked
            )
        else:
            self.say("only actors, proposals and claims can be linked to an existing item")

    def propositions(self, query: str) -> list[tuple[str, str]]:
        return [(i, f"{kind} {i}: {label}") for i, kind, label in self.session.search_propositions(query)]

    def initial_matches(self, item: Item) -> list[tuple[str, str]]:
        return [(m.id, f"{m.score:.2f} {m.kind} {m.id}: {m.label}") for m in self.session.matches(item)]

    def action_relate(self, relation: str) -> None:
        item = self.current
        if item is None or item.section not in ("proposals", "claims"):
            self.say("only proposals and claims can support or attack another document's item")
            return

        def picked(target: str | None) -> None:
            if not target:
                return

            def reasoned(reason: str | None) -> None:
                if reason:
                    self.session.relate(item, relation, target, reason)
                    self.status = f"{item.id} {relation} {target} (link for corpus/links.yaml); accepted"
                    self.advance()

            self.push_screen(ReasonScreen(f"why does {item.id} {relation} {target}? (Enter to record)"), reasoned)

        title = f"{item.id} {relation} the existing …"
        self.push_screen(PickScreen(title, self.propositions, self.initial_matches(item)), picked)

    def action_save(self) -> None:
        try:
            result = self.session.save()
        except ReviewError as err:
            self.say("NOT saved — the build would refuse it: " + " | ".join(err.problems[:5]))
            return
        except OSError as err:
            self.say(f"NOT saved: {err}")
            return
        self.position = 0
        extra = f" · {'; '.join(result.messages[:3])}" if result.messages else ""
        self.say(
            f"saved {result.path.name}: {result.accepted} accepted, {result.rejected} dropped, "
            f"{result.remaining} still candidates, {result.links} link(s) to links.yaml{extra}"
        )

    def action_leave(self) -> None:
        if self.session.dirty and not self.quit_armed:
            self.quit_armed = True
            self.say("unsaved decisions: w saves them; q again quits without saving")
            return
        self.exit()
