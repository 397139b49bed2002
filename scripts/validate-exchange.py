#!/usr/bin/env python3
"""Checks Entrevue's exports with the formats' own tools.

    validate-exchange.py ENTREVUE DB FTM GEXF GRAPHML [FTM_PART…]

ENTREVUE is the binary, DB the database that was exported. What the exports must hold is
worked out from the database through the binary's own answers (`dump`, `who met`, `who was
with`), not from the exports:

- FTM: every line parses as an entity with followthemoney's schema model
  (`model.get_proxy`); every property exists on its schema and every value is valid for its
  type; required properties are present; every entity reference points at an entity of the
  file whose schema fits the property's range; the `entrevue` extension is kept apart by FtM
  (FtM carries unknown top-level keys as the entity's context; schema and properties are
  those of the entity without it); one entity per record, affiliation and quote.
- FTM_PART (an export of a question's rows): the same checks, but for the count.
- GEXF and GraphML: networkx reads them (`read_gexf`, `read_graphml`); one node per actor;
  one "met" edge per pair of actors that `who met` pairs, one "together" edge per pair that
  `who was with` pairs, each weighted with the number of meetings the answer gives.
"""

import json
import re
import subprocess
import sys
from collections import Counter

import networkx as nx
from followthemoney import model


def run(binary, db, statements, fmt="csv"):
    out = subprocess.run(
        [binary, "--db", db, "--format", fmt, "-c", statements],
        check=True, capture_output=True, text=True,
    )
    return out.stdout


def expected_from_database(binary, db):
    dump = run(binary, db, "dump")
    kinds = Counter(re.findall(r"^add (actor|place|document|meeting|relation) ", dump, re.M))
    handles = re.findall(r"^add actor #([A-Za-z0-9_-]+) ", dump, re.M)
    affiliations = len(re.findall(r"^add actor .* affiliation #", dump, re.M))
    # Quotes behind meetings are Documentation entities; those behind relations are their
    # proof (FtM's Documentation links things, and a relationship is not one).
    statements = re.split(r";\n", dump)
    sources = sum(len(re.findall(r"\bsource #", st)) for st in statements if st.lstrip().startswith("add meeting "))
    pairs = {"met": {}, "together": {}}
    for tie, question in (("met", "who met"), ("together", "who was with")):
        # One question per actor: jsonl rows name the counterpart, not the actor asked about.
        for h in handles:
            rows = [json.loads(line) for line in run(binary, db, f"{question} #{h}", "jsonl").splitlines() if line.strip()]
            for row in rows:
                key = tuple(sorted((h, row["handle"])))
                pairs[tie][key] = row["meetings"]
    return kinds, handles, affiliations, sources, pairs


def check_ftm(path, expected, errors):
    entities = {}
    lines = open(path, encoding="utf-8").read().splitlines()
    for n, line in enumerate(lines, 1):
        data = json.loads(line)
        proxy = model.get_proxy(data)
        # FtM keeps top-level keys it does not know as the entity's context, untouched and
        # apart from the schema: the entity itself must be what it is without the extension.
        plain = {k: v for k, v in data.items() if k != "entrevue"}
        mine = {k: v for k, v in proxy.to_dict().items() if k != "entrevue"}
        if "entrevue" not in data or mine != model.get_proxy(plain).to_dict():
            errors.append(f"{path}:{n}: no extension, or FtM does not keep it apart")
        for name, values in data["properties"].items():
            prop = proxy.schema.get(name)
            if prop is None:
                errors.append(f"{path}:{n}: {proxy.schema.name} has no property {name}")
                continue
            for value in values:
                if prop.type.clean(value, proxy=proxy) is None:
                    errors.append(f"{path}:{n}: {name} value {value!r} is not a valid {prop.type.name}")
        for name in proxy.schema.required:
            if not proxy.get(name):
                errors.append(f"{path}:{n}: {proxy.schema.name} lacks required {name}")
        entities[proxy.id] = (n, proxy)
    for n, proxy in entities.values():
        for prop, value in proxy.itervalues():
            if prop.type.name != "entity":
                continue
            target = entities.get(value)
            if target is None:
                errors.append(f"{path}:{n}: {prop.name} points at {value}, not in the file")
            elif not target[1].schema.is_a(prop.range):
                errors.append(f"{path}:{n}: {prop.name} points at a {target[1].schema.name}, not a {prop.range.name}")
    if expected is not None and len(entities) != expected:
        errors.append(f"{path}: {len(entities)} entities, expected {expected}")
    return Counter(p.schema.name for _, p in entities.values())


def check_graph(path, graph, handles, pairs, errors):
    if graph.number_of_nodes() != len(handles):
        errors.append(f"{path}: {graph.number_of_nodes()} nodes, expected {len(handles)}")
    found = {"met": {}, "together": {}}
    for a, b, data in graph.edges(data=True):
        found[data["tie"]][tuple(sorted((a, b)))] = int(data["weight"])
    for tie in ("met", "together"):
        if found[tie] != pairs[tie]:
            missing = set(pairs[tie].items()) ^ set(found[tie].items())
            errors.append(f"{path}: {tie} edges differ from the answers: {sorted(missing)[:5]}")
    expected = len(pairs["met"]) + len(pairs["together"])
    if graph.number_of_edges() != expected:
        errors.append(f"{path}: {graph.number_of_edges()} edges, expected {expected}")


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    binary, db, ftm, gexf, graphml = sys.argv[1:6]
    kinds, handles, affiliations, sources, pairs = expected_from_database(binary, db)
    errors = []
    schemas = check_ftm(ftm, sum(kinds.values()) + affiliations + sources, errors)
    for part in sys.argv[6:]:
        counts = check_ftm(part, None, errors)
        print(f"{part}: {sum(counts.values())} entities")
    check_graph(gexf, nx.read_gexf(gexf), handles, pairs, errors)
    check_graph(graphml, nx.read_graphml(graphml), handles, pairs, errors)
    for e in errors:
        print(e, file=sys.stderr)
    edges = len(pairs["met"]) + len(pairs["together"])
    print(f"ftm: {sum(schemas.values())} entities ({', '.join(f'{n} {s}' for s, n in sorted(schemas.items()))})")
    print(f"gexf, graphml: {len(handles)} nodes, {edges} edges ({len(pairs['met'])} met, {len(pairs['together'])} together)")
    if errors:
        sys.exit(f"{len(errors)} problems")
    print("all exports valid")


if __name__ == "__main__":
    main()
