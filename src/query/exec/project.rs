//! Projection: meetings, or counts per actor, into rows of the named columns.

use super::Ctx;
use crate::error::Result;
use crate::query::catalog::{Catalog, MeetingEntry};
use crate::query::plan::{Column, Meetings};
use crate::rows::{RowSink, Value};

impl<C: Catalog> Ctx<'_, C> {
    /// One row per (actor, count); the actor record is read only for its name or handle.
    pub(super) fn project_counts(
        &self,
        counts: Vec<(u64, i64)>,
        columns: &[Column],
        sink: &mut dyn RowSink,
    ) -> Result<()> {
        let needs_record = columns
            .iter()
            .any(|c| matches!(c, Column::ActorName | Column::ActorHandle));
        for (actor, count) in counts {
            if sink.full() {
                break;
            }
            self.go_on()?;
            let record = needs_record.then(|| self.actor(actor)).transpose()?;
            let row = columns
                .iter()
                .map(|c| match (c, &record) {
                    (Column::Id, _) => Value::Int(actor as i64),
                    (Column::ActorName, Some(a)) => Value::Text(a.name.clone()),
                    (Column::ActorHandle, Some(a)) => Value::Text(a.handle.clone()),
                    (Column::Count, _) => Value::Int(count),
                    _ => Value::Null,
                })
                .collect();
            sink.row(row)?;
        }
        Ok(())
    }

    /// One row per meeting that passes the filters, in date order, each made as the scan
    /// reads its entry (none once the sink is full).
    pub(super) fn project_meetings(
        &self,
        meetings: &Meetings,
        columns: &[Column],
        sink: &mut dyn RowSink,
    ) -> Result<()> {
        self.each_meeting_by_date(meetings, &mut |entry, _| {
            if sink.full() {
                return Ok(());
            }
            self.go_on()?;
            let row = columns
                .iter()
                .map(|c| self.meeting_value(entry, c))
                .collect::<Result<_>>()?;
            sink.row(row)
        })
    }

    /// A column of a meeting: from its list entry when that holds it, else from the record.
    fn meeting_value(&self, entry: &MeetingEntry, column: &Column) -> Result<Value> {
        match column {
            Column::Id => return Ok(Value::Int(entry.meeting as i64)),
            Column::Date => return Ok(entry.date().map_or(Value::Null, Value::Date)),
            Column::PlaceName => return self.place_name(entry.place),
            Column::Status => return Ok(Value::Text(entry.status.to_string())),
            _ => {}
        }
        let m = self.meeting(entry.meeting)?;
        let text_or_null = |t: Option<String>| t.map_or(Value::Null, Value::Text);
        Ok(match column {
            Column::MeetingHandle => Value::Text(m.handle.clone()),
            Column::Id | Column::Date | Column::PlaceName | Column::Status => Value::Null,
            Column::Kind => Value::Text(m.kind.clone()),
            Column::Participants => {
                Value::List(self.names(m.participants.iter().map(|p| p.actor.get()))?)
            }
            Column::SideOf(actor) => {
                let side = m.participant(*actor).and_then(|p| p.side);
                text_or_null(
                    side.map(|s| self.actor(s.get()))
                        .transpose()?
                        .map(|a| a.name.clone()),
                )
            }
            Column::RoleOf(actor) => {
                text_or_null(m.participant(*actor).and_then(|p| p.role.clone()))
            }
            Column::OthersThan(actor) => Value::List(
                self.names(
                    m.participants
                        .iter()
                        .filter(|p| p.actor != *actor)
                        .map(|p| p.actor.get()),
                )?,
            ),
            Column::ActorName | Column::ActorHandle | Column::Count => Value::Null,
        })
    }
}
