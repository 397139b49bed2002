//! FollowTheMoney entities for documents, places, meetings and relations (see `ftm.rs` for
//! the mapping and the `entrevue` extension).

use serde_json::{json, Map, Value};

use crate::model::{Actor, Document, Meeting, Place, Relation, SourceRef};

use super::ftm::{dates, entity, entity_id, link, source_ext};
use super::Snapshot;

/// FtM's languages are ISO 639-3 codes; ours are as the sources give them (mostly 639-1).
fn language(code: &str) -> Option<&'static str> {
    const CODES: [(&str, &str); 10] = [
        ("fr", "fra"),
        ("en", "eng"),
        ("ru", "rus"),
        ("uk", "ukr"),
        ("de", "deu"),
        ("es", "spa"),
        ("ar", "ara"),
        ("it", "ita"),
        ("pt", "por"),
        ("zh", "zho"),
    ];
    CODES
        .iter()
        .find(|(short, long)| *short == code || *long == code)
        .map(|(_, long)| *long)
}

pub(super) fn document(d: &Document) -> String {
    let mut properties = Map::new();
    properties.insert("title".into(), json!([d.title]));
    if let Some(outlet) = &d.outlet {
        properties.insert("publisher".into(), json!([outlet]));
    }
    if let Some(code) = d.language.as_deref().and_then(language) {
        properties.insert("language".into(), json!([code]));
    }
    if let Some(date) = &d.published {
        properties.insert("publishedAt".into(), json!([date.from().to_string()]));
    }
    if let Some(url) = &d.url {
        properties.insert("sourceUrl".into(), json!([url]));
    }
    if let Some(file) = &d.file {
        properties.insert("fileName".into(), json!([file]));
    }
    let ext = json!({
        "record": "document", "handle": d.handle, "title": d.title, "outlet": d.outlet,
        "language": d.language, "published": d.published.map(|p| p.to_string()),
        "url": d.url, "file": d.file,
    });
    entity(entity_id("document", &d.handle), "Article", properties, ext)
}

/// The place and the places around it, innermost first: "Miami, Florida, United States".
pub(super) fn place_chain(s: &Snapshot, place: &Place) -> String {
    let mut names = vec![place.name.as_str()];
    let mut at = place.parent;
    while let Some(parent) = at.and_then(|p| s.places.get(&p.get())) {
        if names.len() > 64 {
            break;
        }
        names.push(&parent.name);
        at = parent.parent;
    }
    names.join(", ")
}

pub(super) fn place(s: &Snapshot, p: &Place, parent: Option<String>) -> String {
    let mut properties = Map::new();
    properties.insert("full".into(), json!([place_chain(s, p)]));
    let ext = json!({
        "record": "place", "handle": p.handle, "kind": p.kind.as_str(), "name": p.name,
        "aliases": p.aliases, "parent": parent,
    });
    entity(entity_id("place", &p.handle), "Address", properties, ext)
}

pub(super) fn meeting(s: &Snapshot, m: &Meeting) -> String {
    let mut properties = Map::new();
    let place = m.place.and_then(|p| s.places.get(&p.get()));
    let name = match (&m.summary, place) {
        (Some(summary), _) => summary.clone(),
        (None, Some(place)) => format!("{} in {}", m.kind, place.name),
        (None, None) => m.kind.clone(),
    };
    properties.insert("name".into(), json!([name]));
    if let Some(summary) = &m.summary {
        properties.insert("summary".into(), json!([summary]));
    }
    if let Some(date) = &m.date {
        dates(&mut properties, date);
    }
    if let Some(place) = place {
        properties.insert("location".into(), json!([place_chain(s, place)]));
        properties.insert(
            "addressEntity".into(),
            json!([entity_id("place", &place.handle)]),
        );
    }
    let actor = |id: u64| s.actors.get(&id);
    let involved: Vec<String> = m
        .participants
        .iter()
        .filter_map(|p| actor(p.actor.get()))
        .map(|a| entity_id("actor", &a.handle))
        .collect();
    properties.insert("involved".into(), json!(involved));
    let hosts: Vec<String> = m
        .participants
        .iter()
        .filter(|p| {
            p.role
                .as_deref()
                .is_some_and(|r| ["host", "organiser", "organizer", "chair"].contains(&r))
        })
        .filter_map(|p| actor(p.actor.get()))
        .map(|a| entity_id("actor", &a.handle))
        .collect();
    if !hosts.is_empty() {
        properties.insert("organizer".into(), json!(hosts));
    }
    let participants: Vec<Value> = m
        .participants
        .iter()
        .map(|p| {
            json!({
                "actor": actor(p.actor.get()).map(|a| &a.handle),
                "side": p.side.and_then(|side| actor(side.get())).map(|a| &a.handle),
                "role": p.role, "certainty": p.certainty.as_str(),
            })
        })
        .collect();
    let ext = json!({
        "record": "meeting", "handle": m.handle, "kind": m.kind, "summary": m.summary,
        "date": m.date.map(|d| d.to_string()), "place": place.map(|p| &p.handle),
        "status": m.status.as_str(), "participants": participants,
    });
    entity(entity_id("meeting", &m.handle), "Event", properties, ext)
}

pub(super) fn relation(s: &Snapshot, r: &Relation, subject: &Actor, object: &Actor) -> String {
    let (schema, from, to, role) = link(&r.predicate, subject.kind, object.kind);
    let mut properties = Map::new();
    properties.insert(from.into(), json!([entity_id("actor", &subject.handle)]));
    properties.insert(to.into(), json!([entity_id("actor", &object.handle)]));
    properties.insert(role.into(), json!([r.predicate]));
    if let Some(during) = &r.during {
        properties.insert("startDate".into(), json!([during.from().to_string()]));
        properties.insert("endDate".into(), json!([during.to().to_string()]));
    }
    let cited: Vec<(&Document, &SourceRef)> = r
        .sources
        .iter()
        .filter_map(|x| s.documents.get(&x.document.get()).map(|d| (d, x)))
        .collect();
    if !cited.is_empty() {
        let mut proof: Vec<String> = cited
            .iter()
            .map(|(d, _)| entity_id("document", &d.handle))
            .collect();
        proof.dedup();
        let quotes: Vec<&str> = cited.iter().map(|(_, x)| x.quote.as_str()).collect();
        properties.insert("proof".into(), json!(proof));
        properties.insert("description".into(), json!(quotes));
    }
    let sources: Vec<Value> = cited.iter().map(|(d, x)| source_ext(d, x)).collect();
    let ext = json!({
        "record": "relation", "handle": r.handle, "predicate": r.predicate,
        "subject": subject.handle, "object": object.handle,
        "during": r.during.map(|d| d.to_string()), "sources": sources,
    });
    entity(entity_id("relation", &r.handle), schema, properties, ext)
}
