//! GraphML: the graph GEXF draws, with its attributes as GraphML keys. GraphML has no time,
//! so an edge carries its meetings' dates as written (`dates`), and its first and last day.

use crate::error::Result;

use super::files::NewFile;
use super::graph::Graph;
use super::records::Names;
use super::xml::Xml;

/// (id, for, type) of every key.
const KEYS: [(&str, &str, &str); 9] = [
    ("label", "node", "string"),
    ("kind", "node", "string"),
    ("handle", "node", "string"),
    ("affiliation", "node", "string"),
    ("tie", "edge", "string"),
    ("weight", "edge", "int"),
    ("dates", "edge", "string"),
    ("first", "edge", "string"),
    ("last", "edge", "string"),
];

/// The graph of the actors `names` holds into `file`.
pub(super) fn write(names: &Names, graph: &Graph, file: NewFile) -> Result<()> {
    let mut x = Xml::new(file)?;
    x.open(
        "graphml",
        &[
            ("xmlns", "http://graphml.graphdrawing.org/xmlns"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
            (
                "xsi:schemaLocation",
                "http://graphml.graphdrawing.org/xmlns \
                 http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
            ),
        ],
    )?;
    for (id, target, kind) in KEYS {
        x.empty(
            "key",
            &[
                ("id", id),
                ("for", target),
                ("attr.name", id),
                ("attr.type", kind),
            ],
        )?;
    }
    x.open(
        "graph",
        &[("id", "entrevue"), ("edgedefault", "undirected")],
    )?;
    for actor in names.actors.values() {
        let affiliation = actor
            .affiliation
            .and_then(|a| names.actors.get(&a))
            .map_or("", |a| a.name.as_str());
        x.open("node", &[("id", &actor.handle)])?;
        x.text("data", &[("key", "label")], &actor.name)?;
        x.text("data", &[("key", "kind")], actor.kind.as_str())?;
        x.text("data", &[("key", "handle")], &actor.handle)?;
        if !affiliation.is_empty() {
            x.text("data", &[("key", "affiliation")], affiliation)?;
        }
        x.close("node")?;
    }
    for (n, edge) in graph.edges().enumerate() {
        let handle = |id: u64| names.actors.get(&id).map_or("", |a| a.handle.as_str());
        let id = format!("e{n}");
        x.open(
            "edge",
            &[
                ("id", &id),
                ("source", handle(edge.source)),
                ("target", handle(edge.target)),
            ],
        )?;
        x.text("data", &[("key", "tie")], edge.tie.word())?;
        x.text(
            "data",
            &[("key", "weight")],
            &edge.meetings.len().to_string(),
        )?;
        let dates = graph.dates(&edge);
        if let (Some(first), Some(last)) = (dates.first(), dates.last()) {
            let written: Vec<String> = dates.iter().map(ToString::to_string).collect();
            x.text("data", &[("key", "dates")], &written.join(";"))?;
            x.text(
                "data",
                &[("key", "first")],
                &super::ftm::day_bounds(first).0,
            )?;
            x.text("data", &[("key", "last")], &super::ftm::day_bounds(last).1)?;
        }
        x.close("edge")?;
    }
    x.close("graph")?;
    x.close("graphml")?;
    x.finish()
}
