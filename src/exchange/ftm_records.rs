//! FollowTheMoney entities for documents, places, meetings and relations (see `ftm.rs` for
//! the mapping and the `entrevue` extension).

use serde_json::{json, Map, Value};

use crate::model::{Document, Meeting, Place, Relation, SourceRef};

use super::ftm::{dates, entity, entity_id, link, source_ext};
use super::records::{ActorName, Names};

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

pub(super) fn place(names: &Names, p: &Place, parent: Option<String>) -> String {
    let mut properties = Map::new();
    let full = names.place_chain(&p.name, p.parent.map(|i| i.get()));
    properties.insert("full".into(), json!([full]));
    let ext = json!({
        "record": "place", "handle": p.handle, "kind": p.kind.as_str(), "name": p.name,
        "aliases": p.aliases, "parent": parent,
    });
    entity(entity_id("place", &p.handle), "Address", properties, ext)
}

pub(super) fn meeting(names: &Names, m: &Meeting) -> String {
    let mut properties = Map::new();
    let place = m.place.and_then(|p| names.place(p));
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
        let chain = names.place_chain(&place.name, place.parent);
        properties.insert("location".into(), json!([chain]));
        properties.insert(
            "addressEntity".into(),
            json!([entity_id("place", &place.handle)]),
        );
    }
    let involved: Vec<String> = m
        .participants
        .iter()
        .filter_map(|p| names.actor(p.actor))
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
        .filter_map(|p| names.actor(p.actor))
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
                "actor": names.actor(p.actor).map(|a| &a.handle),
                "side": p.side.and_then(|side| names.actor(side)).map(|a| &a.handle),
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

pub(super) fn relation(
    names: &Names,
    r: &Relation,
    subject: &ActorName,
    object: &ActorName,
) -> String {
    let (schema, from, to, role) = link(&r.predicate, subject.kind, object.kind);
    let mut properties = Map::new();
    properties.insert(from.into(), json!([entity_id("actor", &subject.handle)]));
    properties.insert(to.into(), json!([entity_id("actor", &object.handle)]));
    properties.insert(role.into(), json!([r.predicate]));
    if let Some(during) = &r.during {
        properties.insert("startDate".into(), json!([during.from().to_string()]));
        properties.insert("endDate".into(), json!([during.to().to_string()]));
    }
    let cited: Vec<(&str, &SourceRef)> = r
        .sources
        .iter()
        .filter_map(|x| names.document(x.document).map(|d| (d, x)))
        .collect();
    if !cited.is_empty() {
        let mut proof: Vec<String> = cited
            .iter()
            .map(|(d, _)| entity_id("document", d))
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
