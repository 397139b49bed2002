//! `dump`: a script that recreates the database, record for record.
//!
//! Records are written in an order that defines everything before it is referred to:
//! documents, places (parents first), actors (affiliations first), relations, meetings. Every
//! reference is written as a `#handle`, every name as a quoted string, so the script does not
//! depend on how names resolve.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use crate::error::Result;
use crate::model::{
    Actor, Certainty, DateSpan, Document, Id, Meeting, Place, Record, Relation, SourceRef,
};
use crate::storage::Reader;
use crate::syntax::lexical::{quote, word_or_quoted};

/// Every statement of the dump, in order, each ending with `;`.
pub(crate) fn dump(reader: &Reader<'_>) -> Result<Vec<String>> {
    let documents: Vec<(Id<Document>, Document)> = reader.all().collect::<Result<_>>()?;
    let places: BTreeMap<Id<Place>, Place> = reader.all().collect::<Result<_>>()?;
    let actors: BTreeMap<Id<Actor>, Actor> = reader.all().collect::<Result<_>>()?;
    let relations: Vec<(Id<Relation>, Relation)> = reader.all().collect::<Result<_>>()?;
    let meetings: Vec<(Id<Meeting>, Meeting)> = reader.all().collect::<Result<_>>()?;
    let handle = |h: &str| format!("#{h}");
    let place_ref = |id: &Id<Place>| {
        places
            .get(id)
            .map_or_else(|| format!("#missing-{}", id.get()), |p| handle(&p.handle))
    };
    let actor_ref = |id: &Id<Actor>| {
        actors
            .get(id)
            .map_or_else(|| format!("#missing-{}", id.get()), |a| handle(&a.handle))
    };
    let document_handles: BTreeMap<Id<Document>, String> = documents
        .iter()
        .map(|(id, d)| (*id, handle(&d.handle)))
        .collect();
    let sources = |out: &mut String, sources: &[SourceRef]| {
        for s in sources {
            let doc = document_handles
                .get(&s.document)
                .cloned()
                .unwrap_or_default();
            let _ = write!(out, "\n  source {doc} {}", quote(&s.quote));
            if let Some(status) = s.says_status {
                let _ = write!(out, " says {status}");
            }
            if let Some(date) = s.says_date {
                let _ = write!(out, " says {date}");
            }
        }
    };
    let mut out = Vec::new();

    for (_, d) in &documents {
        let mut s = format!(
            "add document {} title {}",
            handle(&d.handle),
            quote(&d.title)
        );
        let fields = [
            ("outlet", &d.outlet),
            ("language", &d.language),
            ("url", &d.url),
            ("file", &d.file),
        ];
        for (keyword, value) in fields {
            if let Some(v) = value {
                let _ = write!(s, " {keyword} {}", quote(v));
            }
        }
        if let Some(date) = d.published {
            let _ = write!(s, " published {date}");
        }
        out.push(s + ";");
    }

    for id in parents_first(places.keys().copied(), |id| {
        places.get(id).and_then(|p| p.parent)
    }) {
        let p = &places[&id];
        let mut s = format!(
            "add place {} {} kind {}",
            handle(&p.handle),
            quote(&p.name),
            p.kind
        );
        if let Some(parent) = &p.parent {
            let _ = write!(s, " in {}", place_ref(parent));
        }
        aliases(&mut s, &p.aliases);
        out.push(s + ";");
    }

    let mut deferred = Vec::new();
    let order = parents_first(actors.keys().copied(), |id| {
        actors.get(id).and_then(|a| a.affiliation)
    });
    let mut defined = HashSet::new();
    for id in order {
        let a = &actors[&id];
        let mut s = format!(
            "add actor {} {} kind {}",
            handle(&a.handle),
            quote(&a.name),
            a.kind
        );
        aliases(&mut s, &a.aliases);
        match &a.affiliation {
            // An affiliation cycle (A of B, B of A) cannot be written in order: set it afterwards.
            Some(aff) if !defined.contains(aff) => deferred.push(format!(
                "set actor {} affiliation {};",
                handle(&a.handle),
                actor_ref(aff)
            )),
            Some(aff) => {
                let _ = write!(s, " affiliation {}", actor_ref(aff));
            }
            None => {}
        }
        for t in &a.titles {
            let _ = write!(s, " title {}{}", quote(&t.text), during(t.during));
        }
        defined.insert(id);
        out.push(s + ";");
    }
    out.extend(deferred);

    for (_, r) in &relations {
        let mut s = format!(
            "add relation {} {} {} {}{}",
            handle(&r.handle),
            actor_ref(&r.subject),
            word_or_quoted(&r.predicate),
            actor_ref(&r.object),
            during(r.during)
        );
        sources(&mut s, &r.sources);
        out.push(s + ";");
    }

    for (_, m) in &meetings {
        let mut s = format!(
            "add meeting {} kind {}",
            handle(&m.handle),
            word_or_quoted(&m.kind)
        );
        if let Some(date) = m.date {
            let _ = write!(s, " on {date}");
        }
        if let Some(place) = &m.place {
            let _ = write!(s, " in {}", place_ref(place));
        }
        let _ = write!(s, " status {}", m.status);
        for p in &m.participants {
            let _ = write!(s, "\n  with {}", actor_ref(&p.actor));
            if let Some(side) = &p.side {
                let _ = write!(s, " side {}", actor_ref(side));
            }
            if let Some(role) = &p.role {
                let _ = write!(s, " role {}", word_or_quoted(role));
            }
            if p.certainty != Certainty::Confirmed {
                let _ = write!(s, " certainty {}", p.certainty);
            }
        }
        if let Some(summary) = &m.summary {
            let _ = write!(s, "\n  summary {}", quote(summary));
        }
        sources(&mut s, &m.sources);
        out.push(s + ";");
    }
    Ok(out)
}

fn during(span: Option<DateSpan>) -> String {
    span.map(|d| format!(" during {d}")).unwrap_or_default()
}

fn aliases(s: &mut String, aliases: &[String]) {
    if !aliases.is_empty() {
        let quoted: Vec<String> = aliases.iter().map(|a| quote(a)).collect();
        let _ = write!(s, " aka {}", quoted.join(", "));
    }
}

/// Ids ordered so that each comes after its parent where possible (ids in a cycle keep their
/// id order after everything else).
fn parents_first<R: Record>(
    ids: impl Iterator<Item = Id<R>>,
    parent: impl Fn(&Id<R>) -> Option<Id<R>>,
) -> Vec<Id<R>> {
    let ids: Vec<Id<R>> = ids.collect();
    let known: HashSet<Id<R>> = ids.iter().copied().collect();
    let mut placed: HashSet<Id<R>> = HashSet::new();
    let mut order = Vec::with_capacity(ids.len());
    let mut progress = true;
    while progress {
        progress = false;
        for id in &ids {
            let ready = parent(id).is_none_or(|p| placed.contains(&p) || !known.contains(&p));
            if !placed.contains(id) && ready {
                placed.insert(*id);
                order.push(*id);
                progress = true;
            }
        }
    }
    order.extend(ids.iter().filter(|id| !placed.contains(id)));
    order
}
