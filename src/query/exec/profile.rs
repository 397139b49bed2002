//! Operators that describe one record: an actor's profile, a meeting's sources.

use std::collections::BTreeMap;

use super::{missing, Ctx};
use crate::error::Result;
use crate::model::{
    ActorId, Document, DocumentId, Id, PlaceId, RecordKind, Relation, SourceRef, Status,
};
use crate::query::binder::Named;
use crate::query::catalog::{Catalog, List};
use crate::query::plan::{
    Sourced, View, PROFILE_COLUMNS, RELATIONS_COLUMNS, REPORTED_COLUMNS, SOURCES_COLUMNS,
};
use crate::rows::{Rows, Value};

impl<C: Catalog> Ctx<'_, C> {
    /// Names, aliases, affiliation, titles, relations, and meetings counted by status.
    /// Under a view, the meetings are counted by the status its documents report, and
    /// only those they report.
    pub(super) fn profile(&self, actor: &Named<ActorId>, view: Option<&View>) -> Result<Rows> {
        let a = self.actor(actor.id.get())?;
        let mut rows = Rows::new(PROFILE_COLUMNS);
        let mut add =
            |field: &str, value: Value| rows.rows.push(vec![Value::Text(field.into()), value]);
        add("name", Value::Text(a.name.clone()));
        add("handle", Value::Text(a.handle.clone()));
        add("kind", Value::Text(a.kind.to_string()));
        add("aliases", Value::List(a.aliases.clone()));
        if let Some(aff) = a.affiliation {
            add(
                "affiliation",
                Value::Text(self.actor(aff.get())?.name.clone()),
            );
        }
        for title in &a.titles {
            let during = title.during.map(|d| format!(" ({d})")).unwrap_or_default();
            add("title", Value::Text(format!("{}{during}", title.text)));
        }
        for (kind, id) in self.catalog.referrers(RecordKind::Actor, actor.id.get())? {
            if kind != RecordKind::Relation {
                continue;
            }
            let Some(r) = self.catalog.record::<Relation>(Id::new(id))? else {
                continue;
            };
            let during = r.during.map(|d| format!(" ({d})")).unwrap_or_default();
            let (s, o) = (self.actor(r.subject.get())?, self.actor(r.object.get())?);
            add(
                "relation",
                Value::Text(format!("{} {} {}{during}", s.name, r.predicate, o.name)),
            );
        }
        let mut by_status: BTreeMap<Status, i64> = BTreeMap::new();
        self.catalog.scan(
            List::Actor(actor.id.get()),
            (0, u32::MAX),
            &mut |entry, _| {
                if let Some(entry) = self.through(entry, view)? {
                    *by_status.entry(entry.status).or_default() += 1;
                }
                Ok(())
            },
        )?;
        add("meetings", Value::Text(by_status_text(&by_status)));
        Ok(rows)
    }

    /// Each source of a meeting or a relation: the document, its outlet and date, the quote,
    /// and the status or date the source reported.
    pub(super) fn sources(&self, sourced: &Sourced) -> Result<Rows> {
        let sources = match sourced {
            Sourced::Meeting(meeting) => self.meeting(meeting.id.get())?.sources.clone(),
            Sourced::Relation(relation) => {
                let id = relation.id.get();
                let r: Relation = self
                    .catalog
                    .record(Id::new(id))?
                    .ok_or_else(|| missing::<Relation>(id))?;
                r.sources
            }
        };
        let mut rows = Rows::new(SOURCES_COLUMNS);
        for source in &sources {
            let doc: Document = self
                .catalog
                .record(source.document)?
                .ok_or_else(|| missing::<Document>(source.document.get()))?;
            rows.rows.push(vec![
                Value::Text(doc.handle),
                doc.outlet.map_or(Value::Null, Value::Text),
                doc.published.map_or(Value::Null, Value::Date),
                Value::Text(source.quote.clone()),
                says(source),
            ]);
        }
        Ok(rows)
    }

    /// The relations an actor is the subject or the object of, in the order of the records,
    /// each with how many distinct documents report it; with `min_sources`, those reported
    /// by at least that many.
    pub(super) fn relations(
        &self,
        actor: &Named<ActorId>,
        min_sources: Option<u64>,
    ) -> Result<Rows> {
        let mut rows = Rows::new(RELATIONS_COLUMNS);
        let mut referrers = self.catalog.referrers(RecordKind::Actor, actor.id.get())?;
        referrers.sort_unstable();
        referrers.dedup();
        for (kind, id) in referrers {
            self.go_on()?;
            if kind != RecordKind::Relation {
                continue;
            }
            let r: Relation = self
                .catalog
                .record(Id::new(id))?
                .ok_or_else(|| missing::<Relation>(id))?;
            let mut documents: Vec<u64> = r.sources.iter().map(|s| s.document.get()).collect();
            documents.sort_unstable();
            documents.dedup();
            let sources = documents.len() as u64;
            if min_sources.is_some_and(|n| sources < n) {
                continue;
            }
            rows.rows.push(vec![
                Value::Text(r.handle.clone()),
                Value::Text(self.actor(r.subject.get())?.name.clone()),
                Value::Text(r.predicate.clone()),
                Value::Text(self.actor(r.object.get())?.name.clone()),
                r.during.map_or(Value::Null, Value::Date),
                Value::Int(sources as i64),
            ]);
        }
        Ok(rows)
    }

    /// Every meeting and relation a document is a source of, one row per quote, in the order
    /// of the records.
    pub(super) fn reported(&self, document: &Named<DocumentId>) -> Result<Rows> {
        let doc = document.id;
        let mut rows = Rows::new(REPORTED_COLUMNS);
        let mut referrers = self.catalog.referrers(RecordKind::Document, doc.get())?;
        referrers.sort_unstable();
        for (kind, id) in referrers {
            self.go_on()?;
            let (handle, date, status, what, sources) = match kind {
                RecordKind::Meeting => {
                    let m = self.meeting(id)?;
                    let what = m.summary.clone().unwrap_or_else(|| m.kind.clone());
                    let date = m.date.map_or(Value::Null, Value::Date);
                    let status = Value::Text(m.status.to_string());
                    (m.handle.clone(), date, status, what, m.sources.clone())
                }
                RecordKind::Relation => {
                    let r: Relation = self
                        .catalog
                        .record(Id::new(id))?
                        .ok_or_else(|| missing::<Relation>(id))?;
                    let (s, o) = (self.actor(r.subject.get())?, self.actor(r.object.get())?);
                    let what = format!("{} {} {}", s.name, r.predicate, o.name);
                    let date = r.during.map_or(Value::Null, Value::Date);
                    (r.handle, date, Value::Null, what, r.sources)
                }
                _ => continue,
            };
            for source in sources.iter().filter(|s| s.document == doc) {
                rows.rows.push(vec![
                    Value::Text(handle.clone()),
                    Value::Text(kind.to_string()),
                    date.clone(),
                    status.clone(),
                    Value::Text(what.clone()),
                    Value::Text(source.quote.clone()),
                    says(source),
                ]);
            }
        }
        Ok(rows)
    }

    /// A place's names, where it lies (every place around it, nearest first), the places
    /// directly inside it, and the meetings held there or inside it: counted by status, then
    /// one row each in date order; under a view, those its documents report, with the
    /// status and date they report.
    pub(super) fn place_profile(
        &self,
        place: &Named<PlaceId>,
        view: Option<&View>,
    ) -> Result<Rows> {
        let id = place.id.get();
        let p = self.place(id)?;
        let mut rows = Rows::new(PROFILE_COLUMNS);
        let mut add =
            |field: &str, value: Value| rows.rows.push(vec![Value::Text(field.into()), value]);
        add("name", Value::Text(p.name.clone()));
        add("handle", Value::Text(p.handle.clone()));
        add("kind", Value::Text(p.kind.to_string()));
        add("aliases", Value::List(p.aliases.clone()));
        let mut around = Vec::new();
        let mut parent = p.parent;
        // The tree has no cycles (writes refuse one), but a damaged store must not loop.
        while let Some(up) = parent.filter(|_| around.len() < 256) {
            let up = self.place(up.get())?;
            around.push(up.name.clone());
            parent = up.parent;
        }
        if !around.is_empty() {
            add("in", Value::List(around));
        }
        let inside = self.catalog.places_inside(place.id)?;
        let mut direct = Vec::new();
        for child in &inside {
            let c = self.place(child.get())?;
            if c.parent == Some(place.id) {
                direct.push(c.name.clone());
            }
        }
        if !direct.is_empty() {
            add("inside", Value::List(direct));
        }
        let lists: Vec<List> = inside.iter().map(|p| List::Place(p.get())).collect();
        let mut seen = Vec::new();
        for entry in crate::query::meetings_in(self.catalog, &lists, None)? {
            let m = self.meeting(entry.meeting)?;
            let reported = match view {
                Some(view) => self.view_of(entry.meeting, view)?,
                None => Some((m.status, m.date)),
            };
            if let Some((status, date)) = reported {
                seen.push((entry.seen(status, date).key(), entry.place, status, date));
            }
        }
        // A view may move a meeting to another date.
        seen.sort_by_key(|(key, ..)| *key);
        let mut by_status: BTreeMap<Status, i64> = BTreeMap::new();
        for (_, _, status, _) in &seen {
            *by_status.entry(*status).or_default() += 1;
        }
        add("meetings", Value::Text(by_status_text(&by_status)));
        for ((_, meeting), place, status, date) in seen {
            self.go_on()?;
            let m = self.meeting(meeting)?;
            let date = date.map_or_else(|| "undated".to_string(), |d| d.to_string());
            let at = self.place(place)?;
            add(
                "meeting",
                Value::Text(format!(
                    "{} {date} {} in {} ({status})",
                    m.handle, m.kind, at.name
                )),
            );
        }
        Ok(rows)
    }
}

/// What a source says of the record's status or date, if anything.
/// A date alone stays a date, so that it prints in the style asked for.
fn says(source: &SourceRef) -> Value {
    match (source.says_status, source.says_date) {
        (None, None) => Value::Null,
        (None, Some(date)) => Value::Date(date),
        (Some(status), None) => Value::Text(status.to_string()),
        (Some(status), Some(date)) => Value::Text(format!("{status} {date}")),
    }
}

/// "2 occurred, 1 planned", or "none".
fn by_status_text(by_status: &BTreeMap<Status, i64>) -> String {
    if by_status.is_empty() {
        return "none".into();
    }
    let summary: Vec<String> = by_status.iter().map(|(s, n)| format!("{n} {s}")).collect();
    summary.join(", ")
}
