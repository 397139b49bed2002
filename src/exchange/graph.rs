//! The actor graph that GEXF and GraphML draw: every actor a node; an edge between two actors
//! for each way they shared occurred meetings — "met" or "together", as the query layer's
//! [`Member`] defines them, and counting the participants `who met` counts (confirmed ones).

use std::collections::BTreeMap;

use crate::model::{DateSpan, Status};
use crate::query::Member;

use super::Snapshot;

/// How two actors shared a meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Tie {
    /// On different sides, or a side unknown.
    Met,
    /// On the same known side.
    Together,
}

impl Tie {
    pub(super) fn word(self) -> &'static str {
        match self {
            Tie::Met => "met",
            Tie::Together => "together",
        }
    }
}

/// One edge: two actors (the smaller id first), how, and the meetings that make it.
#[derive(Clone, Debug)]
pub(super) struct Edge {
    pub source: u64,
    pub target: u64,
    pub tie: Tie,
    pub meetings: Vec<u64>,
}

impl Edge {
    /// The dates of the edge's meetings, as written, oldest first; undated meetings have none.
    pub(super) fn dates(&self, snapshot: &Snapshot) -> Vec<DateSpan> {
        let mut dates: Vec<DateSpan> = self
            .meetings
            .iter()
            .filter_map(|m| snapshot.meetings.get(m).and_then(|m| m.date))
            .collect();
        dates.sort_by_key(DateSpan::sort_key);
        dates
    }
}

/// The nodes (actor ids) and edges of a snapshot.
pub(super) struct Graph {
    pub nodes: Vec<u64>,
    pub edges: Vec<Edge>,
}

impl Graph {
    pub(super) fn of(snapshot: &Snapshot) -> Graph {
        let mut edges: BTreeMap<(u64, u64, Tie), Vec<u64>> = BTreeMap::new();
        for (id, meeting) in &snapshot.meetings {
            if meeting.status != Status::Occurred {
                continue;
            }
            let cast: Vec<Member> = Member::cast_of(meeting)
                .into_iter()
                .filter(|m| m.counts(false))
                .collect();
            for (i, a) in cast.iter().enumerate() {
                for b in &cast[i + 1..] {
                    let tie = if a.met(b) {
                        Tie::Met
                    } else if a.together(b) {
                        Tie::Together
                    } else {
                        continue;
                    };
                    let key = (a.actor.min(b.actor), a.actor.max(b.actor), tie);
                    edges.entry(key).or_default().push(*id);
                }
            }
        }
        Graph {
            nodes: snapshot.actors.keys().copied().collect(),
            edges: edges
                .into_iter()
                .map(|((source, target, tie), meetings)| Edge {
                    source,
                    target,
                    tie,
                    meetings,
                })
                .collect(),
        }
    }
}
