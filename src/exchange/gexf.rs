//! GEXF 1.3: actors as nodes (name, kind, handle, affiliation), met/together edges weighted by
//! their number of meetings, each meeting's date a spell (an interval of days: a month covers
//! its first to its last day). The dates as written (`~2025-11`) ride in the `dates` attribute,
//! since a spell cannot say "approximate".

use crate::error::Result;

use super::files::NewFile;
use super::graph::Graph;
use super::records::Names;
use super::xml::Xml;

const NODE_ATTRIBUTES: [&str; 3] = ["kind", "handle", "affiliation"];
const EDGE_ATTRIBUTES: [(&str, &str); 3] = [
    ("tie", "string"),
    ("dates", "string"),
    ("meetings", "string"),
];

/// The graph of the actors `names` holds into `file`.
pub(super) fn write(names: &Names, graph: &Graph, file: NewFile) -> Result<()> {
    let mut x = Xml::new(file)?;
    x.open(
        "gexf",
        &[
            ("xmlns", "http://gexf.net/1.3"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
            ),
            ("version", "1.3"),
        ],
    )?;
    x.open("meta", &[])?;
    x.text("creator", &[], "Entrevue")?;
    x.text(
        "description",
        &[],
        "Actors; an edge 'met' joins two actors on different sides (or a side unknown) of \
         occurred meetings, 'together' two on the same side; weight: number of meetings",
    )?;
    x.close("meta")?;
    x.open(
        "graph",
        &[
            ("defaultedgetype", "undirected"),
            ("mode", "dynamic"),
            ("timeformat", "date"),
        ],
    )?;
    x.open("attributes", &[("class", "node")])?;
    for name in NODE_ATTRIBUTES {
        x.empty(
            "attribute",
            &[("id", name), ("title", name), ("type", "string")],
        )?;
    }
    x.close("attributes")?;
    x.open("attributes", &[("class", "edge")])?;
    for (name, kind) in EDGE_ATTRIBUTES {
        x.empty(
            "attribute",
            &[("id", name), ("title", name), ("type", kind)],
        )?;
    }
    x.close("attributes")?;
    nodes(&mut x, names)?;
    edges(&mut x, names, graph)?;
    x.close("graph")?;
    x.close("gexf")?;
    x.finish()
}

fn nodes(x: &mut Xml, names: &Names) -> Result<()> {
    x.open("nodes", &[])?;
    for actor in names.actors.values() {
        let affiliation = actor
            .affiliation
            .and_then(|a| names.actors.get(&a))
            .map_or("", |a| a.name.as_str());
        x.open("node", &[("id", &actor.handle), ("label", &actor.name)])?;
        x.open("attvalues", &[])?;
        let values = [actor.kind.as_str(), actor.handle.as_str(), affiliation];
        for (name, value) in NODE_ATTRIBUTES.iter().zip(values) {
            x.empty("attvalue", &[("for", name), ("value", value)])?;
        }
        x.close("attvalues")?;
        x.close("node")?;
    }
    x.close("nodes")
}

fn edges(x: &mut Xml, names: &Names, graph: &Graph) -> Result<()> {
    x.open("edges", &[])?;
    for (n, edge) in graph.edges().enumerate() {
        let handle = |id: u64| names.actors.get(&id).map_or("", |a| a.handle.as_str());
        let id = format!("e{n}");
        let weight = edge.meetings.len().to_string();
        x.open(
            "edge",
            &[
                ("id", &id),
                ("source", handle(edge.source)),
                ("target", handle(edge.target)),
                ("label", edge.tie.word()),
                ("weight", &weight),
            ],
        )?;
        let dates = graph.dates(&edge);
        let written: Vec<String> = dates.iter().map(ToString::to_string).collect();
        let meetings: Vec<&str> = graph.handles(&edge).collect();
        x.open("attvalues", &[])?;
        let values = [edge.tie.word(), &written.join(";"), &meetings.join(";")];
        for ((name, _), value) in EDGE_ATTRIBUTES.iter().zip(values) {
            x.empty("attvalue", &[("for", name), ("value", value)])?;
        }
        x.close("attvalues")?;
        if !dates.is_empty() {
            x.open("spells", &[])?;
            for date in &dates {
                let (start, end) = super::ftm::day_bounds(date);
                x.empty("spell", &[("start", &start), ("end", &end)])?;
            }
            x.close("spells")?;
        }
        x.close("edge")?;
    }
    x.close("edges")
}
