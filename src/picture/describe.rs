//! The words a picture shows for a meeting on hover: what it was, its summary, and what each
//! source says, with the document it is from.

use crate::exchange::Snapshot;
use crate::model::Meeting;

/// The lines of a meeting's tooltip: handle, kind, date and status, summary, then each quote
/// with its document's title and outlet.
pub(super) fn meeting_lines(
    handle: &str,
    date: &str,
    status: &str,
    meeting: Option<&Meeting>,
    snapshot: &Snapshot,
) -> Vec<String> {
    let when = if date.is_empty() { "undated" } else { date };
    let mut lines = vec![format!("#{handle} — {when} — {status}")];
    let Some(meeting) = meeting else {
        return lines;
    };
    if let Some(summary) = &meeting.summary {
        lines.push(summary.clone());
    }
    for source in &meeting.sources {
        let document = snapshot.documents.get(&source.document.get());
        let from = match document {
            Some(d) => match &d.outlet {
                Some(outlet) => format!("{} ({outlet}, #{})", d.title, d.handle),
                None => format!("{} (#{})", d.title, d.handle),
            },
            None => format!("document {}", source.document.get()),
        };
        lines.push(format!("“{}” — {from}", source.quote));
    }
    lines
}

/// The name of an actor by id, or its number when the snapshot lacks it.
pub(super) fn actor_name(snapshot: &Snapshot, id: u64) -> String {
    snapshot
        .actors
        .get(&id)
        .map_or_else(|| format!("actor {id}"), |a| a.name.clone())
}
