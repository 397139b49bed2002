//! The actor graph that GEXF and GraphML draw: every actor a node; an edge between two actors
//! for each way they shared occurred meetings — "met" or "together", as the query layer's
//! [`Member`] defines them, and counting the participants `who met` counts (confirmed ones).
//!
//! The meetings are read one at a time: what stays is each edge's meeting ids, and the handle
//! and date of each meeting that made an edge.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::model::{DateSpan, Meeting, Status};
use crate::query::Member;

use super::records::Records;

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
#[derive(Clone, Copy, Debug)]
pub(super) struct Edge<'g> {
    pub source: u64,
    pub target: u64,
    pub tie: Tie,
    pub meetings: &'g [u64],
}

/// What an edge shows of one of its meetings.
struct Shown {
    handle: String,
    date: Option<DateSpan>,
}

/// The edges between actors, with what they show of their meetings.
pub(super) struct Graph {
    /// The meetings of each edge, by its two actors and how they shared them.
    edges: BTreeMap<(u64, u64, Tie), Vec<u64>>,
    meetings: BTreeMap<u64, Shown>,
}

impl Graph {
    /// The edges the meetings of `records` make.
    pub(super) fn of(records: &impl Records) -> Result<Graph> {
        let mut edges: BTreeMap<(u64, u64, Tie), Vec<u64>> = BTreeMap::new();
        let mut meetings = BTreeMap::new();
        records.each(|id, meeting: &Meeting| {
            if meeting.status != Status::Occurred {
                return Ok(());
            }
            let cast: Vec<Member> = Member::cast_of(meeting)
                .into_iter()
                .filter(|m| m.counts(false))
                .collect();
            let mut tied = false;
            for (i, a) in cast.iter().enumerate() {
                for b in cast.iter().skip(i + 1) {
                    let tie = if a.met(b) {
                        Tie::Met
                    } else if a.together(b) {
                        Tie::Together
                    } else {
                        continue;
                    };
                    let key = (a.actor.min(b.actor), a.actor.max(b.actor), tie);
                    // Most pairs share one meeting: room for one, not the four a push makes.
                    edges
                        .entry(key)
                        .or_insert_with(|| Vec::with_capacity(1))
                        .push(id);
                    tied = true;
                }
            }
            if tied {
                let shown = Shown {
                    handle: meeting.handle.clone(),
                    date: meeting.date,
                };
                meetings.insert(id, shown);
            }
            Ok(())
        })?;
        Ok(Graph { edges, meetings })
    }

    /// The edges, by their actors' ids and tie.
    pub(super) fn edges(&self) -> impl Iterator<Item = Edge<'_>> {
        self.edges
            .iter()
            .map(|(&(source, target, tie), meetings)| Edge {
                source,
                target,
                tie,
                meetings,
            })
    }

    /// How many edges there are.
    pub(super) fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The dates of `edge`'s meetings, as written, oldest first; undated meetings have none.
    pub(super) fn dates(&self, edge: &Edge<'_>) -> Vec<DateSpan> {
        let mut dates: Vec<DateSpan> = edge
            .meetings
            .iter()
            .filter_map(|m| self.meetings.get(m).and_then(|m| m.date))
            .collect();
        dates.sort_by_key(DateSpan::sort_key);
        dates
    }

    /// The handles of `edge`'s meetings, in id order.
    pub(super) fn handles<'g>(&'g self, edge: &Edge<'g>) -> impl Iterator<Item = &'g str> + 'g {
        edge.meetings
            .iter()
            .filter_map(|m| self.meetings.get(m).map(|m| m.handle.as_str()))
    }
}
