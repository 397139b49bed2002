//! Projection: meetings, or counts per actor, into rows of the named columns.

use super::count::Tally;
use super::Ctx;
use crate::error::Result;
use crate::model::{ActorId, Certainty, Participant, Status};
use crate::query::catalog::{Catalog, MeetingEntry};
use crate::query::plan::{Column, Meetings, View};
use crate::rows::{RowSink, Value};

impl<C: Catalog> Ctx<'_, C> {
    /// One row per counted actor; the actor record is read only for its name or handle, and
    /// the meetings behind the count only for the columns that describe them.
    pub(super) fn project_counts<'t>(
        &self,
        tallies: impl ExactSizeIterator<Item = &'t Tally>,
        columns: &[Column],
        sink: &mut dyn RowSink,
    ) -> Result<()> {
        let needs_record = columns
            .iter()
            .any(|c| matches!(c, Column::ActorName | Column::ActorHandle));
        sink.rows_coming(tallies.len());
        for tally in tallies {
            if sink.full() {
                break;
            }
            self.go_on()?;
            let record = needs_record.then(|| self.actor(tally.actor)).transpose()?;
            // A loop rather than a collected iterator of results: this runs once per row,
            // and a hub's count has tens of thousands.
            let mut row = Vec::with_capacity(columns.len());
            for c in columns {
                row.push(match (c, &record) {
                    (Column::Id, _) => Value::Int(tally.actor as i64),
                    (Column::ActorName, Some(a)) => Value::Text(a.name.clone()),
                    (Column::ActorHandle, Some(a)) => Value::Text(a.handle.clone()),
                    (Column::Count, _) => Value::Int(tally.count),
                    (Column::Sides | Column::Roles | Column::Surest | Column::Via, _) => {
                        self.tally_value(tally, c)?
                    }
                    _ => Value::Null,
                });
            }
            sink.row(row)?;
        }
        Ok(())
    }

    /// What the meetings behind a count say of the counted actor: its sides and roles (each
    /// once, in the order met), the surest certainty it took part at, the meetings' handles.
    fn tally_value(&self, tally: &Tally, column: &Column) -> Result<Value> {
        let mut words: Vec<String> = Vec::new();
        let mut surest: Option<Certainty> = None;
        for &(id, status) in tally.meetings() {
            let m = self.meeting(id)?;
            let Some(p) = m.participant(ActorId::new(tally.actor)) else {
                continue;
            };
            let word = match column {
                Column::Sides => match p.side {
                    Some(side) => Some(self.actor(side.get())?.name.clone()),
                    None => None,
                },
                Column::Roles => p.role.clone(),
                // A meeting that did not occur says so wherever it is named.
                Column::Via => Some(match status {
                    Status::Occurred => m.handle.clone(),
                    status => format!("{} ({status})", m.handle),
                }),
                _ => None,
            };
            if let Some(word) = word.filter(|w| !words.contains(w)) {
                words.push(word);
            }
            surest = surest.min(Some(p.certainty)).or(Some(p.certainty));
        }
        Ok(match column {
            Column::Surest => surest.map_or(Value::Null, |c| Value::Text(c.to_string())),
            _ => Value::List(words),
        })
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
            let mut row = Vec::with_capacity(columns.len());
            for c in columns {
                row.push(self.meeting_value(entry, c, meetings.view.as_ref())?);
            }
            sink.row(row)
        })
    }

    /// Participants by name, each one the sources are not sure of marked with its certainty
    /// ("Marco Rubio (possible)"), so that a list never shows more sure participants than
    /// a count of them finds.
    fn cast<'p>(&self, participants: impl Iterator<Item = &'p Participant>) -> Result<Vec<String>> {
        participants
            .map(|p| {
                let name = &self.actor(p.actor.get())?.name;
                Ok(match p.certainty {
                    Certainty::Confirmed => name.clone(),
                    other => format!("{name} ({other})"),
                })
            })
            .collect()
    }

    /// A column of a meeting: from its list entry when that holds it, else from the record.
    fn meeting_value(
        &self,
        entry: &MeetingEntry,
        column: &Column,
        view: Option<&View>,
    ) -> Result<Value> {
        match column {
            Column::Sources => {
                let n = self.sources_seen(entry.meeting, view)?;
                return Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)));
            }
            Column::Id => return Ok(Value::Int(entry.meeting as i64)),
            Column::Date => {
                return Ok(match (entry.date(), entry.bound()) {
                    (Some(date), _) => Value::Date(date),
                    (None, Some(day)) => Value::Before(day),
                    (None, None) => Value::Null,
                })
            }
            Column::PlaceName => return self.place_name(entry.place),
            Column::Status => return Ok(Value::Text(entry.status.to_string())),
            _ => {}
        }
        let m = self.meeting(entry.meeting)?;
        let text_or_null = |t: Option<String>| t.map_or(Value::Null, Value::Text);
        Ok(match column {
            Column::MeetingHandle => Value::Text(m.handle.clone()),
            Column::Id | Column::Date | Column::PlaceName | Column::Status | Column::Sources => {
                Value::Null
            }
            Column::Kind => Value::Text(m.kind.clone()),
            Column::Participants => Value::List(self.cast(m.participants.iter())?),
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
            Column::OthersThan(actor) => {
                Value::List(self.cast(m.participants.iter().filter(|p| p.actor != *actor))?)
            }
            Column::CertaintyOf(actor) => {
                text_or_null(m.participant(*actor).map(|p| p.certainty.to_string()))
            }
            Column::ActorName
            | Column::ActorHandle
            | Column::Count
            | Column::Sides
            | Column::Roles
            | Column::Surest
            | Column::Via => Value::Null,
        })
    }
}
