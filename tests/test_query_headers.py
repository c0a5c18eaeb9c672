"""The query loader: header parsing, its errors (file and line), and binding caller values safely."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.queries import NamedQuery, QueryError, QueryHeaderError, bind, convert, load_queries, load_query

ROOT = Path(__file__).resolve().parents[1]
XSD = "http://www.w3.org/2001/XMLSchema#"
TOKYO = "https://w3id.org/policykg/id/proposal/nato-tokyo-liaison-office"

GOOD = """\
#+ title: Attacks on a proposal
#+ description: >-
#+   Who attacks it.
#+ params:
#+   - name: proposal
#+     type: iri
#+     default: https://w3id.org/policykg/id/proposal/nato-tokyo-liaison-office
#+     description: The proposal's IRI
#+   - name: limit
#+     type: integer
#+     default: 5
#+     description: Unused here
#+ tags: [objections]

PREFIX pkg: <https://w3id.org/policykg/ontology#>
SELECT ?proposal ?limit ?attacker WHERE { ?attacker pkg:attacks ?proposal }
"""


def write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def header_error(tmp_path: Path, text: str) -> QueryHeaderError:
    path = write(tmp_path, text)
    with pytest.raises(QueryHeaderError) as caught:
        load_query(path)
    err = caught.value
    assert err.file == path
    assert str(err).startswith(f"{path}:{err.line}: ")
    return err


# --- loading ---------------------------------------------------------------------------------------------------


def test_good_header_loads(tmp_path: Path) -> None:
    query = load_query(write(tmp_path, GOOD, "attacks-on-proposal.rq"))
    assert isinstance(query, NamedQuery)
    assert query.name == "attacks-on-proposal"
    assert query.title == "Attacks on a proposal"
    assert query.description == "Who attacks it."
    assert query.tags == ("objections",)
    assert [(p.name, p.type, p.default) for p in query.params] == [
        ("proposal", "iri", TOKYO),
        ("limit", "integer", "5"),
    ]
    assert query.params[0].description == "The proposal's IRI"
    assert query.text.endswith("?attacker pkg:attacks ?proposal }\n")
    assert query.path == tmp_path / "attacks-on-proposal.rq"


def test_query_without_params(tmp_path: Path) -> None:
    query = load_query(write(tmp_path, "#+ title: Everything\nSELECT * WHERE { ?s ?p ?o }\n"))
    assert query.params == () and query.tags == () and query.description == ""
    assert bind(query) == {}


def test_load_queries_reads_a_folder_in_name_order(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "b.rq")
    write(tmp_path, "#+ title: A\nSELECT ?s WHERE { ?s ?p ?o }\n", "a.rq")
    write(tmp_path, "not a query", "notes.txt")
    assert list(load_queries(tmp_path)) == ["a", "b"]


def test_project_queries_load() -> None:
    queries = load_queries(ROOT / "queries")
    assert len(queries) >= 16
    assert queries["objections-to-proposal"].param("proposal").default == TOKYO


# --- malformed headers -------------------------------------------------------------------------------------------


def test_bad_yaml(tmp_path: Path) -> None:
    err = header_error(tmp_path, "#+ title: Bad\n#+ tags: [a, b\n#+ description: x\nSELECT ?s WHERE { ?s ?p ?o }\n")
    assert err.line in (2, 3)
    assert "YAML" in err.reason


def test_bad_yaml_indentation(tmp_path: Path) -> None:
    err = header_error(
        tmp_path, "#+ title: Bad\n#+ params:\n#+   - name: s\n#+  type: iri\nSELECT ?s WHERE { ?s ?p ?o }\n"
    )
    assert err.line == 4


def test_header_not_a_mapping(tmp_path: Path) -> None:
    err = header_error(tmp_path, "#+ - title\nSELECT ?s WHERE { ?s ?p ?o }\n")
    assert err.line == 1


def test_missing_header(tmp_path: Path) -> None:
    err = header_error(tmp_path, "SELECT ?s WHERE { ?s ?p ?o }\n")
    assert err.line == 1 and "title" in err.reason


def test_missing_title(tmp_path: Path) -> None:
    err = header_error(tmp_path, "# a comment\n#+ description: no title here\nSELECT ?s WHERE { ?s ?p ?o }\n")
    assert err.line == 2 and "title" in err.reason


def test_empty_title(tmp_path: Path) -> None:
    err = header_error(tmp_path, "#+ description: x\n#+ title:\nSELECT ?s WHERE { ?s ?p ?o }\n")
    assert err.line == 2 and "title" in err.reason


def test_unknown_header_key(tmp_path: Path) -> None:
    err = header_error(tmp_path, "#+ title: T\n#+ tittle: typo\nSELECT ?s WHERE { ?s ?p ?o }\n")
    assert err.line == 2 and "tittle" in err.reason


def test_unknown_param_type(tmp_path: Path) -> None:
    err = header_error(tmp_path, GOOD.replace("type: integer", "type: int"))
    assert err.line == 10
    assert "'int'" in err.reason and "limit" in err.reason


def test_missing_param_type(tmp_path: Path) -> None:
    err = header_error(tmp_path, GOOD.replace("#+     type: integer\n", ""))
    assert err.line == 9 and "type" in err.reason


def test_param_not_in_query(tmp_path: Path) -> None:
    err = header_error(tmp_path, GOOD.replace("- name: limit", "- name: maximum"))
    assert err.line == 9
    assert "maximum" in err.reason and "?maximum" in err.reason


def test_param_only_in_a_comment_or_string_does_not_count(tmp_path: Path) -> None:
    text = GOOD.replace("?limit ", "").replace("SELECT", '# ?limit is mentioned here only\nSELECT ("?limit" AS ?note)')
    err = header_error(tmp_path, text)
    assert err.line == 9 and "limit" in err.reason


def test_param_must_be_projected(tmp_path: Path) -> None:
    """pyoxigraph substitutes only variables of the SELECT clause: a param used only in WHERE cannot be bound."""
    text = GOOD.replace("SELECT ?proposal ?limit ?attacker WHERE {", "SELECT ?limit ?attacker WHERE {")
    err = header_error(tmp_path, text)
    assert err.line == 5 and "SELECT" in err.reason


@pytest.mark.parametrize(
    ("type_", "default"),
    [
        ("iri", "not an iri"),
        ("iri", "proposal/nato-tokyo-liaison-office"),
        ("integer", "five"),
        ("integer", "5.5"),
        ("decimal", "1,5"),
        ("date", "2023-13-01"),
        ("date", "2023-06"),
        ("boolean", "yes please"),
    ],
)
def test_default_must_parse_as_its_type(tmp_path: Path, type_: str, default: str) -> None:
    text = GOOD.replace("type: integer", f"type: {type_}").replace("default: 5", f'default: "{default}"')
    err = header_error(tmp_path, text)
    assert err.line == 11
    assert "limit" in err.reason and "default" in err.reason


def test_yaml_typed_defaults_are_read_as_lexical_values(tmp_path: Path) -> None:
    text = (
        GOOD.replace("type: integer", "type: date")
        .replace("default: 5", "default: 2023-06-06")
        .replace("#+ tags", "#+   - name: flag\n#+     type: boolean\n#+     default: true\n#+ tags")
        .replace("?limit ?attacker", "?limit ?flag ?attacker")
    )
    query = load_query(write(tmp_path, text))
    assert query.param("limit").default == "2023-06-06"
    assert query.param("flag").default == "true"


def test_duplicate_param(tmp_path: Path) -> None:
    err = header_error(tmp_path, GOOD.replace("- name: limit", "- name: proposal"))
    assert err.line == 9 and "twice" in err.reason


def test_param_name_must_be_a_variable_name(tmp_path: Path) -> None:
    err = header_error(tmp_path, GOOD.replace("- name: limit", "- name: the limit"))
    assert err.line == 9


def test_params_must_be_a_list(tmp_path: Path) -> None:
    err = header_error(tmp_path, "#+ title: T\n#+ params: proposal\nSELECT ?proposal WHERE { ?proposal ?p ?o }\n")
    assert err.line == 2


def test_sparql_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "#+ title: T\n\nSELECT ?s\nWHERE { ?s ?p }\n")
    with pytest.raises(QueryError) as caught:
        load_query(path)
    assert not isinstance(caught.value, QueryHeaderError)
    assert caught.value.file == path and caught.value.line == 3  # where the query starts; the reason has the rest
    assert "SPARQL syntax error" in caught.value.reason


# --- binding -----------------------------------------------------------------------------------------------------


@pytest.fixture
def good(tmp_path: Path) -> NamedQuery:
    return load_query(write(tmp_path, GOOD))


def test_bind_applies_defaults(good: NamedQuery) -> None:
    assert bind(good) == {
        ox.Variable("proposal"): ox.NamedNode(TOKYO),
        ox.Variable("limit"): ox.Literal("5", datatype=ox.NamedNode(XSD + "integer")),
    }


def test_bind_converts_values(good: NamedQuery) -> None:
    bound = bind(good, {"proposal": "https://example.org/p", "limit": "+12"})
    assert bound[ox.Variable("proposal")] == ox.NamedNode("https://example.org/p")
    assert bound[ox.Variable("limit")] == ox.Literal("12", datatype=ox.NamedNode(XSD + "integer"))


@pytest.mark.parametrize(
    ("type_", "raw", "term"),
    [
        ("iri", "urn:isbn:0451450523", ox.NamedNode("urn:isbn:0451450523")),
        ("string", 'say "hi"', ox.Literal('say "hi"')),
        ("integer", "-7", ox.Literal("-7", datatype=ox.NamedNode(XSD + "integer"))),
        ("decimal", "2.50", ox.Literal("2.50", datatype=ox.NamedNode(XSD + "decimal"))),
        ("decimal", "3", ox.Literal("3.0", datatype=ox.NamedNode(XSD + "decimal"))),
        ("date", "2023-06-06", ox.Literal("2023-06-06", datatype=ox.NamedNode(XSD + "date"))),
        ("boolean", "False", ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))),
        ("boolean", "1", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
    ],
)
def test_convert(type_: str, raw: str, term: ox.NamedNode | ox.Literal) -> None:
    assert convert(type_, raw) == term


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("proposal", "nato-tokyo-liaison-office"),
        ("proposal", "https://example.org/a b"),
        ("proposal", "https://example.org/> } UNION { ?s ?p ?o } #"),
        ("proposal", ""),
        ("limit", "ten"),
        ("limit", "1e3"),
        ("limit", "5; DROP ALL"),
    ],
)
def test_bind_refuses_bad_values(good: NamedQuery, name: str, raw: str) -> None:
    with pytest.raises(ValueError, match=rf"parameter '{name}'"):
        bind(good, {name: raw})


def test_bind_refuses_unknown_parameters(good: NamedQuery) -> None:
    with pytest.raises(ValueError, match="'proposals'"):
        bind(good, {"proposals": TOKYO})


def test_bind_requires_params_without_default(tmp_path: Path) -> None:
    query = load_query(write(tmp_path, GOOD.replace("#+     default: 5\n", "")))
    assert query.param("limit").default is None
    with pytest.raises(ValueError, match=r"'limit'.*required"):
        bind(query)
    assert bind(query, {"limit": "3"})[ox.Variable("limit")].value == "3"


def test_string_value_cannot_inject(store: ox.Store) -> None:
    """A string value is bound as one literal: SPARQL in it is never parsed and adds no rows."""
    query = load_queries(ROOT / "queries")["label-search"]
    attack = '"} UNION { ?s ?p ?o }'
    bound = bind(query, {"text": attack})
    assert bound == {ox.Variable("text"): ox.Literal(attack)}
    rows = list(store.query(query.text, use_default_graph_as_union=True, substitutions=bound))
    assert rows == []
    # the same shape of query, with the value as a whole-label match, also finds nothing
    probe = "SELECT ?text ?s WHERE { ?s ?p ?o FILTER(STR(?o) = ?text) }"
    assert list(store.query(probe, use_default_graph_as_union=True, substitutions=bound)) == []


def test_iri_value_cannot_inject(store: ox.Store) -> None:
    query = load_queries(ROOT / "queries")["objections-to-proposal"]
    with pytest.raises(ValueError, match="parameter 'proposal'"):
        bind(query, {"proposal": f"{TOKYO}> . ?s ?p ?o . <{TOKYO}"})
    rows = list(store.query(query.text, use_default_graph_as_union=True, substitutions=bind(query)))
    assert {row["proposal"].value for row in rows} == {TOKYO}
