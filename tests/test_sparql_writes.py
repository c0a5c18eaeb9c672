"""Writes against a real server: the token rules, SPARQL Update, the Graph Store Protocol, and atomicity
(a failing update or a malformed or hostile upload answers 4xx and changes nothing)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests import test_serve_support as support
from tests.test_serve_support import EX, TOKEN, Listener, Server, running

server, client, allowed_listener = support.server, support.client, support.allowed_listener

W = f"{EX}writes/"
TURTLE = {"Content-Type": "text/turtle"}


def count(server: Server, client: httpx.Client, graph: str) -> int:
    rows = server.select(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"])


def test_token_rules(server: Server, client: httpx.Client) -> None:
    text = f"INSERT DATA {{ GRAPH <{W}token> {{ <{W}a> <{W}b> <{W}c> }} }}"
    sparql_update = {"Content-Type": "application/sparql-update"}
    r = client.post("/sparql", content=text.encode(), headers=sparql_update)
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    r = client.post("/sparql", content=text.encode(), headers={**sparql_update, **server.auth("wrong")})
    assert r.status_code == 401
    r = client.post("/sparql", content=text.encode(), headers={**sparql_update, "Authorization": TOKEN})  # no scheme
    assert r.status_code == 401
    assert client.post("/sparql", data={"update": text}).status_code == 401
    assert client.put("/store", params={"graph": f"{W}token"}, content=b"", headers=TURTLE).status_code == 401
    assert client.delete("/store", params={"graph": f"{W}token"}).status_code == 401
    assert count(server, client, f"{W}token") == 0  # reads need no token
    assert server.update(client, text).status_code == 204
    r = client.post("/sparql", data={"update": f"DROP GRAPH <{W}token>"}, headers=server.auth())
    assert r.status_code == 204
    assert count(server, client, f"{W}token") == 0


def test_writes_refused_without_a_configured_token(tmp_path: Path) -> None:
    with running(tmp_path, "--empty", "--query-workers", "1", token=None) as srv, srv.client() as c:
        r = c.post(
            "/sparql",
            content=b"INSERT DATA { <http://a> <http://b> <http://c> }",
            headers={"Content-Type": "application/sparql-update", **srv.auth()},
        )
        assert r.status_code == 403 and "POLICYKG_UPDATE_TOKEN" in r.text
        assert c.put("/store", params={"default": ""}, content=b"", headers={**TURTLE, **srv.auth()}).status_code == 403
        assert c.delete("/store", params={"default": ""}, headers=srv.auth()).status_code == 403
        assert srv.ask(c, "ASK { }") is True


def test_graph_store_protocol(server: Server, client: httpx.Client) -> None:
    g = f"{W}gsp"
    auth = server.auth()
    r = client.put("/store", params={"graph": g}, content=f"<{W}s> <{W}p> 1 .".encode(), headers={**TURTLE, **auth})
    assert r.status_code == 201
    r = client.get("/store", params={"graph": g}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and r.text.startswith(f"<{W}s> <{W}p>")
    assert "etag" in r.headers
    r = client.put("/store", params={"graph": g}, content=f"<{W}s> <{W}p> 2 .".encode(), headers={**TURTLE, **auth})
    assert r.status_code == 204
    assert count(server, client, g) == 1
    nt = {"Content-Type": "application/n-triples", **auth}
    r = client.post("/store", params={"graph": g}, content=f'<{W}s> <{W}p> "3" .\n'.encode(), headers=nt)
    assert r.status_code == 204
    assert count(server, client, g) == 2
    jsonld = f'{{"@id": "{W}s", "{W}p": 4}}'
    headers = {"Content-Type": "application/ld+json", **auth}
    assert client.post("/store", params={"graph": g}, content=jsonld.encode(), headers=headers).is_success
    assert count(server, client, g) == 3
    r = client.get("/store", params={"graph": g}, headers={"Accept": "text/turtle"})
    assert r.headers["content-type"].startswith("text/turtle")
    assert client.delete("/store", params={"graph": g}, headers=auth).status_code == 204
    assert client.get("/store", params={"graph": g}).status_code == 404
    assert client.delete("/store", params={"graph": g}, headers=auth).status_code == 404
    # a PUT of an empty document creates an empty graph
    assert client.put("/store", params={"graph": g}, content=b"", headers={**TURTLE, **auth}).status_code == 201
    assert client.get("/store", params={"graph": g}).status_code == 200
    assert server.ask(client, f"ASK {{ GRAPH ?g {{ }} FILTER(?g = <{g}>) }}") is not None
    # the default graph
    r = client.post("/store", params={"default": ""}, content=f"<{W}d> <{W}p> 1 .".encode(), headers={**TURTLE, **auth})
    assert r.status_code == 204
    assert f"<{W}d>" in client.get("/store", params={"default": ""}, headers={"Accept": "application/n-triples"}).text
    assert client.delete("/store", params={"default": ""}, headers=auth).status_code == 204


def test_graph_store_errors(client: httpx.Client, server: Server) -> None:
    auth = server.auth()
    assert client.get("/store").status_code == 400
    assert client.get("/store", params={"default": "", "graph": f"{W}x"}).status_code == 400
    assert client.get("/store", params={"graph": "not an iri"}).status_code == 400
    assert client.get("/store", params={"graph": f"{W}x"}, headers={"Accept": "image/png"}).status_code == 406
    r = client.put("/store", params={"graph": f"{W}x"}, content=b"x", headers={"Content-Type": "image/png", **auth})
    assert r.status_code == 415
    r = client.put(
        "/store",
        params={"graph": f"{W}x"},
        content=b"<a> <b> <c> <d> .",
        headers={"Content-Type": "application/n-quads", **auth},
    )
    assert r.status_code == 415  # a dataset is not a graph
    big = b"# " + b"x" * (300 * 1024) + b"\n"
    r = client.put("/store", params={"graph": f"{W}x"}, content=big, headers={**TURTLE, **auth})
    assert r.status_code == 413
    assert client.get("/store", params={"graph": f"{W}x"}).status_code == 404


def test_failing_update_changes_nothing(server: Server, client: httpx.Client) -> None:
    g = f"{W}atomic-update"
    r = server.update(client, f"INSERT DATA {{ GRAPH <{g}> {{ <{W}a> <{W}b> 1 }} }} ; DROP GRAPH <{W}missing>")
    assert r.status_code == 400 and "does not exist" in r.text
    assert count(server, client, g) == 0
    r = server.update(client, f"INSERT DATA {{ GRAPH <{g}> {{ <{W}a> <{W}b> 1 }} }} ; INSERT DATA {{ oops }}")
    assert r.status_code == 400
    assert count(server, client, g) == 0


def test_malformed_or_hostile_uploads_change_nothing(
    server: Server, client: httpx.Client, allowed_listener: Listener
) -> None:
    g = f"{W}atomic-upload"
    auth = server.auth()
    put = client.put(
        "/store", params={"graph": g}, content=f"<{W}s> <{W}p> 'old' .".encode(), headers={**TURTLE, **auth}
    )
    assert put.is_success
    before = client.get("/store", params={"graph": g}, headers={"Accept": "application/n-triples"}).text
    entities = "".join(f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, 10))
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY l0 "lollollollollollollollollollol">{entities}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
        '<rdf:Description rdf:about="http://a"><e:p>&l9;</e:p></rdf:Description></rdf:RDF>'
    )
    external = (
        '<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
        '<rdf:Description rdf:about="http://a"><e:p>&x;</e:p></rdf:Description></rdf:RDF>'
    )
    remote_context = f'{{"@context": "{allowed_listener.url}/context.jsonld", "@id": "http://a", "name": "x"}}'
    bad = [
        ("text/turtle", f"<{W}s> <{W}p> 'new' . <{W}s> <{W}p> "),  # cut short: valid start, broken end
        ("application/n-triples", f"<{W}s> <{W}p> 'new' .\n"),  # single quotes are not N-Triples
        ("application/rdf+xml", laughs),  # entity-expansion bomb
        ("application/rdf+xml", external),  # external entity
        ("application/ld+json", remote_context),  # remote context
        ("application/ld+json", '{"@id": "http://a", "http://b": ' + "[" * 100000 + "]" * 100000 + "}"),
        ("application/ld+json", '{"@id": "http://a", "@graph": [{"@id": "http://b", "http://c": 1}], "@context": {}}'),
    ]
    seen = len(allowed_listener.requests)
    for media, body in bad:
        for method in (client.put, client.post):
            r = method("/store", params={"graph": g}, content=body.encode(), headers={"Content-Type": media, **auth})
            assert 400 <= r.status_code < 500, (media, r.status_code, r.text)
            assert "policykg-upload" not in r.text  # the server's spool file is none of the client's business
        now = client.get("/store", params={"graph": g}, headers={"Accept": "application/n-triples"}).text
        assert now == before, media
    assert len(allowed_listener.requests) == seen  # the JSON-LD context was not fetched
    nested = "INSERT DATA { <http://a> <http://b> " + "(" * 50000 + ")" * 50000 + " }"
    assert 400 <= server.update(client, nested).status_code < 500
    deep = "SELECT * WHERE " + "{" * 50000 + "}" * 50000
    assert 400 <= client.post("/sparql", data={"query": deep}).status_code < 500
    assert client.get("/healthz").status_code == 200


def test_using_graph_uri_parameters(server: Server, client: httpx.Client) -> None:
    src, dst = f"{W}using-src", f"{W}using-dst"
    assert server.update(client, f"INSERT DATA {{ GRAPH <{src}> {{ <{W}doc> a <{W}Document> }} }}").is_success
    text = f"INSERT {{ GRAPH <{dst}> {{ ?s a <{W}Copied> }} }} WHERE {{ ?s a <{W}Document> }}"
    r = server.update(client, text, **{"using-graph-uri": src})
    assert r.status_code == 204
    assert server.ask(client, f"ASK {{ GRAPH <{dst}> {{ <{W}doc> a <{W}Copied> }} }}")
    # an empty protocol dataset matches nothing
    text2 = f"INSERT {{ GRAPH <{dst}> {{ ?s a <{W}Twice> }} }} WHERE {{ ?s a <{W}Document> }}"
    assert server.update(client, text2, **{"using-graph-uri": f"{W}empty"}).status_code == 204
    assert not server.ask(client, f"ASK {{ GRAPH <{dst}> {{ ?s a <{W}Twice> }} }}")
    # DELETE WHERE with a protocol dataset
    r = server.update(client, f"DELETE WHERE {{ GRAPH <{dst}> {{ ?s a ?t }} }}", **{"using-named-graph-uri": dst})
    assert r.status_code == 204
    assert not server.ask(client, f"ASK {{ GRAPH <{dst}> {{ ?s ?p ?o }} }}")
    conflict = f"WITH <{src}> DELETE {{ ?s a ?t }} WHERE {{ ?s a ?t }}"
    r = server.update(client, conflict, **{"using-named-graph-uri": src})
    assert r.status_code == 400 and "USING" in r.text
    assert server.ask(client, f"ASK {{ GRAPH <{src}> {{ ?s a ?t }} }}")


@pytest.mark.parametrize("media", ["application/sparql-update", "form"])
def test_update_by_form_and_direct_post(server: Server, client: httpx.Client, media: str) -> None:
    g = f"{W}by-{media.split('/')[-1]}"
    text = f"INSERT DATA {{ GRAPH <{g}> {{ <{W}s> <{W}p> 'x' }} }}"
    if media == "form":
        r = client.post("/sparql", data={"update": text}, headers=server.auth())
    else:
        r = server.update(client, text)
    assert r.status_code == 204
    assert count(server, client, g) == 1


def test_imported_argument_map_says_no_addressee_through_the_api(
    server: Server, client: httpx.Client, tmp_path: Path
) -> None:
    """`import-aif --endpoint` loads a map; its proposal names no addressee in the REST API, on its page and in the
    named query, and says why (the map does not record who should act), rather than showing a guessed one."""
    import json

    from click.testing import CliRunner

    from policykg.cli import main
    from tests.test_aif_import import bridge_map

    source = tmp_path / "bridges.json"
    source.write_text(json.dumps(bridge_map()))
    args = ["import-aif", str(source), "--title", "Bridges", "--date", "2020", "--endpoint", server.url]
    result = CliRunner().invoke(main, [*args, "--token", TOKEN])
    assert result.exit_code == 0, result.output
    graph = json.loads(result.stdout.splitlines()[-1])["graph"]
    pkg = "https://w3id.org/policykg/ontology#"
    (row,) = server.select(
        client, f"SELECT ?p ?d WHERE {{ GRAPH <{graph}> {{ ?p a <{pkg}Proposal> . ?d a <{pkg}Document> }} }}"
    )
    slug = row["p"].rsplit("/", 1)[1]
    proposal = client.get(f"/api/proposals/{slug}").json()
    assert proposal["addressees"] == [] and "does not say who should act" in proposal["addressee_unstated"]
    assert [a["label"] for a in proposal["proposers"]] == ["Kingdom of Ruritania"]
    assert proposal["contested"] is True  # Bob's claim attacks it: stated by the import, as no endpoint reasons
    page = client.get(f"/id/proposal/{slug}", headers={"Accept": "text/html"}, follow_redirects=True)
    assert page.status_code == 200 and "does not say who should act" in page.text
    answer = client.get("/api/queries/proposals-of-document", params={"document": row["d"]}).json()
    (listed,) = answer["results"]["bindings"]  # listed although it has no addressee
    assert listed["proposal"]["value"] == row["p"] and listed.get("addressees", {}).get("value", "") == ""


def test_a_label_in_another_language_does_not_duplicate_or_rename_in_the_api(
    tmp_path_factory: pytest.TempPathFactory, built: object
) -> None:
    """A French name for France and a Norwegian one for Stoltenberg (a stance's reporter): the REST API and the pages
    still list each stance once and name each actor by its English label."""
    import shutil

    from policykg.config import Paths
    from tests.test_serve_corpus import with_build

    root = tmp_path_factory.mktemp("labels-project")
    for name in ("ontology", "corpus", "queries"):
        shutil.copytree(Paths().root / name, root / name)
    with_build(Paths(root), built)  # type: ignore[arg-type]
    with running(tmp_path_factory.mktemp("labels-logs"), root=root) as srv, srv.client() as c:
        before = c.get("/api/proposals/nato-tokyo-liaison-office").json()["stances"]
        label = "<http://www.w3.org/2000/01/rdf-schema#label>"
        actor = "https://w3id.org/policykg/id/actor/"
        added = srv.update(
            c,
            f"""INSERT DATA {{ GRAPH <{EX}labels> {{
                <{actor}france> {label} "République française"@fr .
                <{actor}jens-stoltenberg> {label} "Jens Stoltenberg"@nb , "J. Stoltenberg" . }} }}""",
        )
        assert added.status_code == 204
        after = c.get("/api/proposals/nato-tokyo-liaison-office").json()["stances"]
        assert len(after) == len(before) and after == before
        assert c.get("/api/actors/france").json()["label"] == "France"
        listed = c.get("/api/actors", params={"kind": "State", "limit": 200}).json()["items"]
        assert [a["label"] for a in listed if a["id"] == "france"] == ["France"]
        page = c.get("/page/actor/france").text
        assert "<h1>France" in page and "République française" not in page.split("<h1>", 1)[1].split("</h1>")[0]
        # the SPARQL endpoint itself answers every label, as SPARQL says
        names = srv.select(c, f"SELECT ?l WHERE {{ <{actor}france> {label} ?l }}")
        assert {r["l"] for r in names} == {"France", "République française"}
