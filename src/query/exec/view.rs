//! Views: a meeting as some of its sources report it, instead of as recorded.
//!
//! A meeting record holds the reconciled facts and, per quote, what that source said when it
//! differs (`says`). `as of` and `according to` rebuild, per meeting, the status and date that
//! the chosen documents reported, from the record's sources and the documents' publication
//! dates; the list entry is overridden with them before any filter tests it. `disputes` lists
//! the quotes of the meetings whose quotes disagree.

use std::rc::Rc;

use super::{Ctx, NAMES_KEPT};
use crate::error::Result;
use crate::model::{DateSpan, Document, Meeting, MeetingId, SourceRef, Status};
use crate::query::binder::Named;
use crate::query::catalog::{first_days, Catalog, List, MeetingEntry};
use crate::query::plan::{View, DISPUTES_COLUMNS};
use crate::rows::{Rows, Value};

/// What one document reports of a meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Report {
    pub document: u64,
    pub status: Status,
    pub date: Option<DateSpan>,
}

/// Each document's report of a meeting, in the order the documents are first cited. A
/// document with several quotes reports the first status and the first date any of them
/// `says`; a quote that says nothing supports what the record holds.
pub(super) fn reports(meeting: &Meeting) -> Vec<Report> {
    let mut found: Vec<(u64, Option<Status>, Option<DateSpan>)> = Vec::new();
    for source in &meeting.sources {
        let document = source.document.get();
        match found.iter_mut().find(|(d, _, _)| *d == document) {
            Some((_, status, date)) => {
                *status = status.or(source.says_status);
                *date = date.or(source.says_date);
            }
            None => found.push((document, source.says_status, source.says_date)),
        }
    }
    found
        .into_iter()
        .map(|(document, status, date)| Report {
            document,
            status: status.unwrap_or(meeting.status),
            date: date.or(meeting.date),
        })
        .collect()
}

/// The one account of a meeting among the reports of documents published on the same
/// (latest) day: for the status and for the date each, what the record holds when one of
/// them reports it — the record is the reconciled account, so a report it agrees with is the
/// one it was reconciled from —, else what the document with the highest id reports (the one
/// entered last), so that the answer never depends on the order of the quotes.
pub(super) fn same_day(
    meeting: &Meeting,
    reports: &[Report],
) -> Option<(Status, Option<DateSpan>)> {
    let last = reports.iter().max_by_key(|r| r.document)?;
    let status = match reports.iter().any(|r| r.status == meeting.status) {
        true => meeting.status,
        false => last.status,
    };
    let date = match reports.iter().any(|r| r.date == meeting.date) {
        true => meeting.date,
        false => last.date,
    };
    Some((status, date))
}

/// What one quote says of a meeting: its `says`, else what the record holds.
fn said(meeting: &Meeting, source: &SourceRef) -> (Status, Option<DateSpan>) {
    (
        source.says_status.unwrap_or(meeting.status),
        source.says_date.or(meeting.date),
    )
}

/// Whether two dates contradict each other: neither lies within the other. A vaguer date is
/// not a contradiction ("late November" and "30 November"), nor is a date against none.
fn dates_conflict(a: Option<DateSpan>, b: Option<DateSpan>) -> bool {
    let (Some(a), Some(b)) = (a, b) else {
        return false;
    };
    let within =
        |x: &DateSpan, y: &DateSpan| y.first_day() <= x.first_day() && x.last_day() <= y.last_day();
    !within(&a, &b) && !within(&b, &a)
}

/// Whether the quotes of a meeting disagree on its status or its date.
fn disputed(meeting: &Meeting) -> bool {
    let said: Vec<_> = meeting.sources.iter().map(|s| said(meeting, s)).collect();
    said.iter().enumerate().any(|(i, (status, date))| {
        said[i + 1..]
            .iter()
            .any(|(other, when)| other != status || dates_conflict(*date, *when))
    })
}

impl<C: Catalog> Ctx<'_, C> {
    /// The quotes of the meetings (one, or every one in date order) whose quotes disagree,
    /// each with what it says; a meeting named whose quotes agree gives no rows and a note.
    pub(super) fn disputes(&self, meeting: Option<&Named<MeetingId>>) -> Result<Rows> {
        let mut rows = Rows::new(DISPUTES_COLUMNS);
        let mut ids = Vec::new();
        match meeting {
            Some(m) => ids.push(m.id.get()),
            None => self
                .catalog
                .scan(List::All, first_days(None), &mut |entry, _| {
                    ids.push(entry.meeting);
                    Ok(())
                })?,
        }
        for id in ids {
            let m = self.meeting(id)?;
            if !disputed(&m) {
                continue;
            }
            for source in &m.sources {
                let (status, date) = said(&m, source);
                let document = self.document(source.document.get())?;
                rows.rows.push(vec![
                    Value::Text(m.handle.clone()),
                    Value::Text(document.handle.clone()),
                    document.published.map_or(Value::Null, Value::Date),
                    Value::Text(status.to_string()),
                    date.map_or(Value::Null, Value::Date),
                    Value::Text(source.quote.clone()),
                ]);
            }
        }
        if let (Some(m), true) = (meeting, rows.rows.is_empty()) {
            rows.note = Some(format!("the sources of {m} agree on its status and date"));
        }
        Ok(rows)
    }

    pub(super) fn document(&self, id: u64) -> Result<Rc<Document>> {
        self.cached(id, NAMES_KEPT, |c| &mut c.documents)
    }

    /// How many distinct documents report a meeting: every one without a view; under one,
    /// those it counts (published by the date; the one document).
    pub(super) fn sources_seen(&self, meeting: u64, view: Option<&View>) -> Result<u64> {
        let meeting = self.meeting(meeting)?;
        let mut documents: Vec<u64> = meeting.sources.iter().map(|s| s.document.get()).collect();
        documents.sort_unstable();
        documents.dedup();
        let mut seen = 0;
        for document in documents {
            let counts = match view {
                None => true,
                Some(View::According(only)) => only.id.get() == document,
                Some(View::AsOf(date)) => self
                    .document(document)?
                    .published
                    .is_some_and(|p| p.last_day() <= date.last_day()),
            };
            seen += u64::from(counts);
        }
        Ok(seen)
    }

    /// The meeting of `entry` as the view sees it: its entry with the status and date the
    /// view's documents report, or `None` when none of them reports it.
    pub(super) fn viewed(&self, entry: &MeetingEntry, view: &View) -> Result<Option<MeetingEntry>> {
        let seen = self.view_of(entry.meeting, view)?;
        Ok(seen.map(|(status, date)| entry.seen(status, date)))
    }

    /// `entry` through the view if there is one (`None`: the view's documents do not report
    /// the meeting), else as it is.
    pub(super) fn through(
        &self,
        entry: &MeetingEntry,
        view: Option<&View>,
    ) -> Result<Option<MeetingEntry>> {
        match view {
            Some(view) => self.viewed(entry, view),
            None => Ok(Some(*entry)),
        }
    }

    /// The status and date of a meeting as the view's documents report it, or `None` when
    /// none of them reports it.
    pub(super) fn view_of(
        &self,
        meeting: u64,
        view: &View,
    ) -> Result<Option<(Status, Option<DateSpan>)>> {
        let meeting = self.meeting(meeting)?;
        let reports = reports(&meeting);
        match view {
            View::According(document) => Ok(reports
                .iter()
                .find(|r| r.document == document.id.get())
                .map(|r| (r.status, r.date))),
            View::AsOf(date) => self.as_of(&meeting, &reports, date),
        }
    }

    /// What the documents published by the last day of `date` report of a meeting: the
    /// reports of the latest of them. A document counts only when its whole publication date
    /// lies on or before that day (one published "2025-12" is not yet out on 2025-12-20), and
    /// one with no publication date never counts: nothing says it was out by then.
    fn as_of(
        &self,
        meeting: &Meeting,
        reports: &[Report],
        date: &DateSpan,
    ) -> Result<Option<(Status, Option<DateSpan>)>> {
        let by = date.last_day();
        let mut dated = Vec::new();
        for report in reports {
            let published = self.document(report.document)?.published;
            if let Some(day) = published.map(|p| p.last_day()).filter(|day| *day <= by) {
                dated.push((day, *report));
            }
        }
        let Some(latest) = dated.iter().map(|(day, _)| *day).max() else {
            return Ok(None);
        };
        let latest: Vec<Report> = dated
            .into_iter()
            .filter(|(day, _)| *day == latest)
            .map(|(_, report)| report)
            .collect();
        Ok(same_day(meeting, &latest))
    }
}
