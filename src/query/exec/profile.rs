//! Operators that describe one record: an actor's profile, a meeting's sources.

use std::collections::BTreeMap;

use super::{missing, Ctx};
use crate::error::Result;
use crate::model::{ActorId, Document, Id, MeetingId, RecordKind, Relation, Status};
use crate::query::binder::Named;
use crate::query::catalog::{Catalog, List};
use crate::query::plan::{PROFILE_COLUMNS, SOURCES_COLUMNS};
use crate::rows::{Rows, Value};

impl<C: Catalog> Ctx<'_, C> {
    /// Names, aliases, affiliation, titles, relations, and meetings counted by status.
    pub(super) fn profile(&self, actor: &Named<ActorId>) -> Result<Rows> {
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
                *by_status.entry(entry.status).or_default() += 1;
                Ok(())
            },
        )?;
        let summary: Vec<String> = by_status.iter().map(|(s, n)| format!("{n} {s}")).collect();
        add(
            "meetings",
            Value::Text(if summary.is_empty() {
                "none".into()
            } else {
                summary.join(", ")
            }),
        );
        Ok(rows)
    }

    /// Each source of a meeting: the document, its outlet and date, the quote, and the status
    /// or date the source reported.
    pub(super) fn sources(&self, meeting: &Named<MeetingId>) -> Result<Rows> {
        let m = self.meeting(meeting.id.get())?;
        let mut rows = Rows::new(SOURCES_COLUMNS);
        for source in &m.sources {
            let doc: Document = self
                .catalog
                .record(source.document)?
                .ok_or_else(|| missing::<Document>(source.document.get()))?;
            let says: Vec<String> = source
                .says_status
                .map(|s| s.to_string())
                .into_iter()
                .chain(source.says_date.map(|d| d.to_string()))
                .collect();
            rows.rows.push(vec![
                Value::Text(doc.handle),
                doc.outlet.map_or(Value::Null, Value::Text),
                doc.published.map_or(Value::Null, Value::Date),
                Value::Text(source.quote.clone()),
                if says.is_empty() {
                    Value::Null
                } else {
                    Value::Text(says.join(" "))
                },
            ]);
        }
        Ok(rows)
    }
}
