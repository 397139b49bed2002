//! What the open database already knows, as extraction needs it: every actor's and place's
//! names folded into words, each actor's side, each place's ancestors, and the meetings with
//! their participants, dates and sources (to propose sources for a meeting already there).

use std::collections::HashMap;

use crate::model::{
    fold_name, Actor, ActorId, ActorKind, DateSpan, Document, DocumentId, Id, Meeting, Place,
    PlaceId,
};
use crate::syntax::lexical::quote;

/// An actor as extraction sees it.
#[derive(Clone, Debug)]
pub(crate) struct KnownActor {
    pub handle: String,
    pub kind: ActorKind,
    /// Every name and alias, folded and cut into words.
    pub names: Vec<Vec<String>>,
    /// The party it sits with: itself for a country or a group, else its affiliation's side.
    pub side: Option<String>,
}

/// A place as extraction sees it.
#[derive(Clone, Debug)]
pub(crate) struct KnownPlace {
    pub handle: String,
    pub names: Vec<Vec<String>>,
    /// Its own handle, then its parent's, up to the top.
    pub ancestors: Vec<String>,
}

/// A meeting already in the database.
#[derive(Clone, Debug)]
pub(crate) struct KnownMeeting {
    pub handle: String,
    pub date: Option<DateSpan>,
    pub place: Option<String>,
    /// Participants' handles, with their sides.
    pub participants: Vec<(String, Option<String>)>,
    /// Its `source` clauses as a script writes them: a `set` replaces the list, so a proposal
    /// to add a source repeats the ones there are.
    pub sources: Vec<String>,
}

/// The records extraction resolves names against.
#[derive(Clone, Debug, Default)]
pub(crate) struct World {
    pub actors: Vec<KnownActor>,
    pub places: Vec<KnownPlace>,
    pub meetings: Vec<KnownMeeting>,
    /// Handles of the documents there are.
    pub documents: Vec<String>,
}

fn folded_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = names
        .map(|n| fold_name(n).split(' ').map(str::to_string).collect())
        .filter(|words: &Vec<String>| words.iter().any(|w| !w.is_empty()))
        .collect();
    out.sort();
    out.dedup();
    out
}

impl World {
    /// The world of these records.
    pub(crate) fn new(
        actors: &[(ActorId, Actor)],
        places: &[(PlaceId, Place)],
        meetings: &[(Id<Meeting>, Meeting)],
        documents: &[(DocumentId, Document)],
    ) -> World {
        let actor_by_id: HashMap<ActorId, &Actor> = actors.iter().map(|(id, a)| (*id, a)).collect();
        let place_by_id: HashMap<PlaceId, &Place> = places.iter().map(|(id, p)| (*id, p)).collect();
        let doc_by_id: HashMap<DocumentId, &Document> =
            documents.iter().map(|(id, d)| (*id, d)).collect();
        let side = |id: ActorId| -> Option<String> {
            let mut at = actor_by_id.get(&id)?;
            // Affiliations may loop; a country or group is found within a few steps or never.
            for _ in 0..16 {
                if matches!(at.kind, ActorKind::Country | ActorKind::Group) {
                    return Some(at.handle.clone());
                }
                at = actor_by_id.get(&at.affiliation?)?;
            }
            None
        };
        let handle_of = |id: ActorId| actor_by_id.get(&id).map(|a| a.handle.clone());
        let ancestors = |id: PlaceId| {
            let mut out = Vec::new();
            let mut at = place_by_id.get(&id);
            while let Some(place) = at.filter(|_| out.len() < 64) {
                out.push(place.handle.clone());
                at = place.parent.and_then(|p| place_by_id.get(&p));
            }
            out
        };
        World {
            actors: actors
                .iter()
                .map(|(id, a)| KnownActor {
                    handle: a.handle.clone(),
                    kind: a.kind,
                    names: folded_names(a.names()),
                    side: side(*id),
                })
                .collect(),
            places: places
                .iter()
                .map(|(id, p)| KnownPlace {
                    handle: p.handle.clone(),
                    names: folded_names(p.names()),
                    ancestors: ancestors(*id),
                })
                .collect(),
            meetings: meetings
                .iter()
                .map(|(_, m)| KnownMeeting {
                    handle: m.handle.clone(),
                    date: m.date,
                    place: m
                        .place
                        .and_then(|p| place_by_id.get(&p).map(|p| p.handle.clone())),
                    participants: m
                        .participants
                        .iter()
                        .filter_map(|p| Some((handle_of(p.actor)?, p.side.and_then(handle_of))))
                        .collect(),
                    sources: m
                        .sources
                        .iter()
                        .filter_map(|s| {
                            let doc = doc_by_id.get(&s.document)?;
                            let mut clause = format!("source #{} {}", doc.handle, quote(&s.quote));
                            if let Some(status) = s.says_status {
                                clause.push_str(&format!(" says {status}"));
                            }
                            if let Some(date) = s.says_date {
                                clause.push_str(&format!(" says {date}"));
                            }
                            Some(clause)
                        })
                        .collect(),
                })
                .collect(),
            documents: documents.iter().map(|(_, d)| d.handle.clone()).collect(),
        }
    }

    pub(crate) fn actor(&self, handle: &str) -> Option<&KnownActor> {
        self.actors.iter().find(|a| a.handle == handle)
    }

    pub(crate) fn place(&self, handle: &str) -> Option<&KnownPlace> {
        self.places.iter().find(|p| p.handle == handle)
    }

    /// The actor one name designates, when exactly one does.
    pub(crate) fn actor_named(&self, name: &str) -> Option<&KnownActor> {
        let words: Vec<String> = fold_name(name).split(' ').map(str::to_string).collect();
        let mut found = self.actors.iter().filter(|a| a.names.contains(&words));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Whether place `inner` is `outer` or lies inside it.
    pub(crate) fn inside(&self, inner: &str, outer: &str) -> bool {
        self.place(inner)
            .is_some_and(|p| p.ancestors.iter().any(|a| a == outer))
    }

    /// A document handle no document has yet, `dNNN` after the highest number in use.
    pub(crate) fn next_document(&self, taken: &[String]) -> String {
        let highest = self
            .documents
            .iter()
            .chain(taken)
            .filter_map(|h| h.strip_prefix('d')?.parse::<u64>().ok())
            .max();
        let next = highest.map_or(0, |n| n + 1);
        format!("d{next:03}")
    }
}
