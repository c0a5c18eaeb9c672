"""``using-graph-uri`` / ``using-named-graph-uri`` (SPARQL 1.1 Protocol §2.2.3) for pyoxigraph, which has no
parameter for an update's dataset: each ``DELETE``/``INSERT ... WHERE`` operation gets the equivalent ``USING``
clauses, and an update that already has ``USING`` or ``WITH`` is refused, as the protocol requires.
"""

from __future__ import annotations

from .errors import DatasetConflict, QuerySyntaxError
from .lexer import Token, tokens, valid_iri


def _operations(text: str) -> list[list[Token]]:
    ops: list[list[Token]] = [[]]
    for tok in tokens(text):
        if tok.kind == "semi" and tok.depth == 0:
            ops.append([])
        else:
            ops[-1].append(tok)
    return [op for op in ops if op]


def _block_end(op: list[Token], open_index: int) -> Token | None:
    depth = op[open_index].depth
    for tok in op[open_index + 1 :]:
        if tok.kind == "close" and tok.depth == depth:
            return tok
    return None


def apply_using(text: str, using: tuple[str, ...] = (), using_named: tuple[str, ...] = ()) -> str:
    """The update with the protocol's dataset written into every operation that reads one."""
    if not using and not using_named:
        return text
    for iri in (*using, *using_named):
        if not valid_iri(iri):
            raise QuerySyntaxError(f"not an IRI in using-graph-uri/using-named-graph-uri: {iri!r}")
    clause = " ".join([*(f"USING <{g}>" for g in using), *(f"USING NAMED <{g}>" for g in using_named)])
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied right to left
    for op in _operations(text):
        top = [(i, t) for i, t in enumerate(op) if t.depth == 0 and t.kind == "word"]
        verbs = [(i, t) for i, t in top if not t.is_keyword("PREFIX", "BASE")]
        if not verbs or not verbs[0][1].is_keyword("WITH", "DELETE", "INSERT"):
            continue  # LOAD, CLEAR, DROP, ... read no dataset
        if any(t.is_keyword("USING", "WITH") for _, t in top):
            raise DatasetConflict(
                "using-graph-uri/using-named-graph-uri cannot be combined with an update that has USING or WITH"
            )
        first_index, first = verbs[0]
        following = op[first_index + 1] if first_index + 1 < len(op) else None
        if following is not None and following.is_keyword("DATA"):
            continue
        if first.is_keyword("DELETE") and following is not None and following.is_keyword("WHERE"):
            # DELETE WHERE { P }  ==  DELETE { P } USING ... WHERE { P }
            open_index = first_index + 2
            if open_index >= len(op) or op[open_index].kind != "open":
                continue  # malformed: leave it to the parser
            close = _block_end(op, open_index)
            if close is None:
                continue
            block = text[op[open_index].start : close.end]
            edits.append((first.start, close.end, f"DELETE {block} {clause} WHERE {block}"))
            continue
        where = next((t for _, t in top if t.is_keyword("WHERE")), None)
        if where is not None:
            edits.append((where.start, where.start, f"{clause} "))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
