//! Scans and filters: the meetings of a list, tested as each entry is read.

use std::borrow::Cow;

use super::Ctx;
use crate::error::Result;
use crate::model::PlaceId;
use crate::query::catalog::{first_days, Catalog, MeetingEntry, Member};
use crate::query::plan::{Meetings, Predicate, Scan};

/// Whether a meeting passes one predicate, given its entry and participants.
#[inline]
pub(super) fn test(entry: &MeetingEntry, cast: &[Member], predicate: &Predicate) -> bool {
    match predicate {
        Predicate::Status(statuses) => statuses.contains(&entry.status),
        Predicate::Inside(_, places) => places.contains(&PlaceId::new(entry.place)),
        Predicate::Attended(actor, any) => {
            Member::find(cast, actor.id.get()).is_some_and(|m| m.counts(*any))
        }
        Predicate::Met(a, b, any) => {
            match (
                Member::find(cast, a.id.get()),
                Member::find(cast, b.id.get()),
            ) {
                (Some(ma), Some(mb)) => {
                    ma.counts(*any) && mb.counts(*any) && a.id != b.id && ma.met(mb)
                }
                _ => false,
            }
        }
        Predicate::MinParticipants(n) => cast.iter().filter(|m| m.confirmed).count() as u64 >= *n,
        // Tested by the scan, which reads the record it needs.
        Predicate::MinSources(_) => true,
    }
}

impl<C: Catalog> Ctx<'_, C> {
    /// Hands `visit` every meeting that passes the filters, with its participants (from the
    /// entry when it carries them, else from the meeting record when a filter needed them;
    /// empty otherwise). A scan of several lists visits each list in turn.
    pub(super) fn each_meeting(
        &self,
        meetings: &Meetings,
        visit: &mut dyn FnMut(&MeetingEntry, &[Member]) -> Result<()>,
    ) -> Result<()> {
        let filters = &meetings.filters;
        let needs_participants = filters.iter().any(Predicate::needs_participants);
        let (lists, during) = meetings.scan.lists();
        // A view may move a meeting to another date, so the list is read whole under one.
        let days = match meetings.view {
            Some(_) => first_days(None),
            None => first_days(during),
        };
        for list in lists {
            self.catalog.scan(list, days, &mut |entry, cast| {
                let Some(entry) = self.through(entry, meetings.view.as_ref())? else {
                    return Ok(());
                };
                let entry = &entry;
                if !entry.within(during) {
                    return Ok(());
                }
                let cast = match needs_participants {
                    true => self.participants(entry.meeting, cast)?,
                    false => Cow::Borrowed(cast),
                };
                if !filters.iter().all(|p| test(entry, &cast, p)) {
                    return Ok(());
                }
                for filter in filters {
                    if let Predicate::MinSources(n) = filter {
                        if self.sources_seen(entry.meeting, meetings.view.as_ref())? < *n {
                            return Ok(());
                        }
                    }
                }
                visit(entry, &cast)?;
                Ok(())
            })?;
        }
        Ok(())
    }

    /// Hands `visit` every meeting that passes the filters, in date order: a single list as
    /// it is read; the entries of several places' lists (each in date order, together not),
    /// or of a view (which may change dates), gathered and sorted first.
    pub(super) fn each_meeting_by_date(
        &self,
        meetings: &Meetings,
        visit: &mut dyn FnMut(&MeetingEntry, &[Member]) -> Result<()>,
    ) -> Result<()> {
        if meetings.view.is_none() && !matches!(meetings.scan, Scan::Places(..)) {
            return self.each_meeting(meetings, visit);
        }
        let mut found = Vec::new();
        self.each_meeting(meetings, &mut |entry, _| {
            found.push(*entry);
            Ok(())
        })?;
        found.sort_by_key(MeetingEntry::key);
        for entry in &found {
            visit(entry, &[])?;
        }
        Ok(())
    }
}
