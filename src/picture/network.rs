//! Who met whom among the actors of the rows, around the actor asked about: an edge per pair
//! and tie ("met": different sides or one unknown; "together": the same known side, as the
//! query layer's [`Member`] defines them), counting occurred meetings and confirmed
//! participants, as `who met` does.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::exchange::Snapshot;
use crate::model::Status;
use crate::query::Member;
use crate::rows::{Rows, Value};

use super::describe::actor_name;
use super::layout;
use super::svg::{colour, escape, num, open, title};
use super::{PictureOptions, MOST_ACTORS, MOST_TIES};

/// One actor drawn.
pub(super) struct Node {
    pub handle: String,
    pub name: String,
    /// The affiliation's name, and its colour index among the picture's affiliations.
    pub group: Option<(String, usize)>,
    pub centre: bool,
}

/// Two actors (node indices, smaller first) and the meetings they shared one way.
pub(super) struct Edge {
    pub a: usize,
    pub b: usize,
    pub together: bool,
    pub meetings: Vec<String>,
}

pub(super) struct Network {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// How many actors and ties were found but are not in `nodes` and `edges`.
    pub left_out: (usize, usize),
}

impl Network {
    /// The actors of the rows' `handle` column (or the participants of the rows' meetings),
    /// the actor they centre on, and the ties among them all.
    pub(super) fn of(rows: &Rows, snapshot: &Snapshot, options: &PictureOptions) -> Network {
        let by_handle: BTreeMap<&str, u64> = snapshot
            .actors
            .iter()
            .map(|(id, a)| (a.handle.as_str(), *id))
            .collect();
        let mut ids: BTreeSet<u64> = BTreeSet::new();
        for value in rows.values("handle") {
            if let Value::Text(h) = value {
                ids.extend(by_handle.get(h.as_str()));
            }
        }
        let mut order: Vec<u64> = Vec::new();
        for value in rows.values("meeting") {
            if let Value::Text(h) = value {
                for m in snapshot.meetings.values().filter(|m| &m.handle == h) {
                    ids.extend(m.participants.iter().map(|p| p.actor.get()));
                }
            }
        }
        let centre = match &options.centre {
            Some(h) => by_handle.get(h.as_str()).copied(),
            None => centre_of(&ids, snapshot),
        };
        if let Some(c) = centre {
            ids.insert(c);
            order.push(c);
        }
        order.extend(ids.iter().filter(|id| Some(**id) != centre));
        let index: BTreeMap<u64, usize> =
            order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let mut groups: BTreeMap<u64, usize> = BTreeMap::new();
        let nodes = order
            .iter()
            .map(|&id| {
                let actor = snapshot.actors.get(&id);
                let group = actor.and_then(|a| a.affiliation).map(|g| {
                    let next = groups.len();
                    let i = *groups.entry(g.get()).or_insert(next);
                    (actor_name(snapshot, g.get()), i)
                });
                Node {
                    handle: actor.map_or_else(String::new, |a| a.handle.clone()),
                    name: actor_name(snapshot, id),
                    group,
                    centre: Some(id) == centre,
                }
            })
            .collect();
        Network {
            nodes,
            edges: edges(&index, snapshot),
            left_out: (0, 0),
        }
    }

    /// The network with at most `most_actors` actors — the centre, then those with the most
    /// shared meetings, the first among equals — and among them at most `most_ties` ties,
    /// those of the most meetings; what is left out is counted in `left_out`.
    pub(super) fn strongest(self, most_actors: usize, most_ties: usize) -> Network {
        let mut weight = vec![0usize; self.nodes.len()];
        for edge in &self.edges {
            for end in [edge.a, edge.b] {
                if let Some(w) = weight.get_mut(end) {
                    *w += edge.meetings.len();
                }
            }
        }
        let found = (
            self.left_out.0 + self.nodes.len(),
            self.left_out.1 + self.edges.len(),
        );
        let mut ranked: Vec<(bool, std::cmp::Reverse<usize>, usize)> = self
            .nodes
            .iter()
            .zip(&weight)
            .enumerate()
            .map(|(i, (node, w))| (!node.centre, std::cmp::Reverse(*w), i))
            .collect();
        ranked.sort_unstable();
        let mut ranked: Vec<usize> = ranked.into_iter().take(most_actors).map(|r| r.2).collect();
        ranked.sort_unstable();
        let kept = |i: usize| ranked.binary_search(&i).ok();
        let mut edges: Vec<Edge> = self
            .edges
            .into_iter()
            .filter_map(|e| match (kept(e.a), kept(e.b)) {
                (Some(a), Some(b)) => Some(Edge { a, b, ..e }),
                _ => None,
            })
            .collect();
        edges.sort_by_key(|e| (std::cmp::Reverse(e.meetings.len()), e.a, e.b, e.together));
        edges.truncate(most_ties);
        edges.sort_by_key(|e| (e.a, e.b, e.together));
        let nodes: Vec<Node> = self
            .nodes
            .into_iter()
            .enumerate()
            .filter(|(i, _)| kept(*i).is_some())
            .map(|(_, n)| n)
            .collect();
        Network {
            left_out: (found.0 - nodes.len(), found.1 - edges.len()),
            nodes,
            edges,
        }
    }
}

/// The actor outside `ids` who shared occurred meetings with the most of them: the one
/// `who met X` was asked about, since its rows list X's counterparts, not X.
fn centre_of(ids: &BTreeSet<u64>, snapshot: &Snapshot) -> Option<u64> {
    let casts: Vec<Vec<u64>> = snapshot
        .meetings
        .values()
        .filter(|m| m.status == Status::Occurred)
        .map(|m| m.participants.iter().map(|p| p.actor.get()).collect())
        .collect();
    centre_among(ids, &casts)
}

/// The actor outside `ids` who shares the most of them in `casts`, the participants of
/// occurred meetings; the smallest id among equals, so that the choice is stable.
pub(super) fn centre_among<'c>(
    ids: &BTreeSet<u64>,
    casts: impl IntoIterator<Item = &'c Vec<u64>>,
) -> Option<u64> {
    let mut shared: BTreeMap<u64, BTreeSet<u64>> = BTreeMap::new();
    for cast in casts {
        let inside: Vec<u64> = cast.iter().copied().filter(|a| ids.contains(a)).collect();
        for &p in cast.iter().filter(|a| !ids.contains(a)) {
            shared.entry(p).or_default().extend(&inside);
        }
    }
    shared
        .into_iter()
        .filter(|(_, with)| with.len() >= 2 || ids.len() == 1)
        .max_by(|(a, x), (b, y)| x.len().cmp(&y.len()).then(b.cmp(a)))
        .map(|(id, _)| id)
}

fn edges(index: &BTreeMap<u64, usize>, snapshot: &Snapshot) -> Vec<Edge> {
    let mut found: BTreeMap<(usize, usize, bool), Vec<String>> = BTreeMap::new();
    for m in snapshot
        .meetings
        .values()
        .filter(|m| m.status == Status::Occurred)
    {
        let cast: Vec<Member> = Member::cast_of(m)
            .into_iter()
            .filter(|c| c.counts(false))
            .collect();
        for (i, x) in cast.iter().enumerate() {
            for y in &cast[i + 1..] {
                let (Some(&a), Some(&b)) = (index.get(&x.actor), index.get(&y.actor)) else {
                    continue;
                };
                let together = if x.met(y) {
                    false
                } else if x.together(y) {
                    true
                } else {
                    continue;
                };
                found
                    .entry((a.min(b), a.max(b), together))
                    .or_default()
                    .push(m.handle.clone());
            }
        }
    }
    found
        .into_iter()
        .map(|((a, b, together), meetings)| Edge {
            a,
            b,
            together,
            meetings,
        })
        .collect()
}

/// The network drawn: edges under nodes, thicker for more meetings; past [`MOST_ACTORS`]
/// actors or [`MOST_TIES`] ties, the strongest, with a last line saying what was left out.
pub(super) fn svg(network: Network) -> String {
    let network = &network.strongest(MOST_ACTORS, MOST_TIES);
    let note = note(network);
    let places = layout::place(network);
    let groups = network
        .nodes
        .iter()
        .filter_map(|n| n.group.as_ref().map(|g| g.1))
        .max()
        .map_or(0, |g| g + 1);
    // Wide enough for the legend too: the line styles, then a colour per affiliation.
    // And for the note, at about 6.5 pixels a character.
    let legend_width =
        (250.0 + 150.0 * groups as f64).max(20.0 + 6.5 * note.chars().count() as f64);
    let width = places
        .iter()
        .map(|p| p.0 + 90.0)
        .fold(legend_width, f64::max);
    let height = places.iter().map(|p| p.1 + 60.0).fold(200.0, f64::max)
        + if note.is_empty() { 40.0 } else { 60.0 };
    let mut out = String::new();
    open(&mut out, "network", width, height);
    if network.nodes.is_empty() {
        out.push_str("<text x=\"20\" y=\"30\">no actors</text>\n</svg>\n");
        return out;
    }
    for edge in &network.edges {
        let (p, q) = (places[edge.a], places[edge.b]);
        let (a, b) = (&network.nodes[edge.a], &network.nodes[edge.b]);
        let tie = if edge.together { "together" } else { "met" };
        let line = format!(
            "{} {} {}: {} meeting{} ({})",
            a.name,
            if edge.together { "was with" } else { "met" },
            b.name,
            edge.meetings.len(),
            if edge.meetings.len() == 1 { "" } else { "s" },
            edge.meetings
                .iter()
                .map(|m| format!("#{m}"))
                .collect::<Vec<_>>()
                .join(", "),
        );
        let _ = writeln!(
            out,
            "<g class=\"edge {tie}\" data-from=\"{}\" data-to=\"{}\" data-meetings=\"{}\">{}\
             <line class=\"edge {tie}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke-width=\"{}\"/></g>",
            escape(&a.handle),
            escape(&b.handle),
            edge.meetings.len(),
            title(&[line]),
            num(p.0),
            num(p.1),
            num(q.0),
            num(q.1),
            num(1.0 + 1.5 * (edge.meetings.len().min(6) as f64)),
        );
    }
    for (node, p) in network.nodes.iter().zip(&places) {
        let fill = colour(node.group.as_ref().map(|g| g.1));
        let affiliation = node
            .group
            .as_ref()
            .map_or("no affiliation", |g| g.0.as_str());
        let _ = writeln!(
            out,
            "<g class=\"node{}\" data-actor=\"{}\">{}<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"16\" \
             fill=\"{fill}\" fill-opacity=\"0.85\" stroke=\"#333\" stroke-width=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            if node.centre { " centre" } else { "" },
            escape(&node.handle),
            title(&[format!("{} (#{}) — {affiliation}", node.name, node.handle)]),
            num(p.0),
            num(p.1),
            num(half_width(&node.name)),
            if node.centre { 3 } else { 1 },
            num(p.0),
            num(p.1 + 4.0),
            escape(&node.name),
        );
    }
    let legend_y = height - if note.is_empty() { 30.0 } else { 50.0 };
    legend(&mut out, network, legend_y);
    if !note.is_empty() {
        let _ = writeln!(
            out,
            "<text class=\"note\" x=\"10\" y=\"{}\">{}</text>",
            num(height - 14.0),
            escape(&note)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// What the drawing leaves out; empty when nothing is.
fn note(network: &Network) -> String {
    let (actors, ties) = network.left_out;
    if actors == 0 && ties == 0 {
        return String::new();
    }
    format!(
        "{actors} actors and {ties} ties left out: drawn are the {} actors with the most \
         shared meetings and the {} ties among them with the most meetings",
        network.nodes.len(),
        network.edges.len()
    )
}

/// About how wide a name is drawn at 12 pixels.
fn label_width(name: &str) -> f64 {
    name.chars().count() as f64 * 7.0
}

/// Half the width of a node's ellipse: its label and some room.
pub(super) fn half_width(name: &str) -> f64 {
    label_width(name) / 2.0 + 10.0
}

fn legend(out: &mut String, network: &Network, y: f64) {
    let mut groups: Vec<&(String, usize)> = network
        .nodes
        .iter()
        .filter_map(|n| n.group.as_ref())
        .collect();
    groups.sort_by_key(|g| g.1);
    groups.dedup_by_key(|g| g.1);
    out.push_str("<g class=\"legend\">");
    let _ = write!(
        out,
        "<line class=\"edge met\" x1=\"10\" y1=\"{y}\" x2=\"40\" y2=\"{y}\" stroke-width=\"2\"/>\
         <text x=\"45\" y=\"{t}\">met</text>\
         <line class=\"edge together\" x1=\"80\" y1=\"{y}\" x2=\"110\" y2=\"{y}\" stroke-width=\"2\"/>\
         <text x=\"115\" y=\"{t}\">together (same side)</text>",
        y = num(y),
        t = num(y + 4.0),
    );
    for (i, (name, index)) in groups.iter().map(|g| (&g.0, g.1)).enumerate() {
        let x = 250.0 + 150.0 * i as f64;
        let _ = write!(
            out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"6\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            num(x),
            num(y),
            colour(Some(index)),
            num(x + 10.0),
            num(y + 4.0),
            escape(name),
        );
    }
    out.push_str("</g>\n");
}
