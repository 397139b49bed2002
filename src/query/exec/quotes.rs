//! `quotes matching`: a scan of every quote, folded as names are (no text index yet: each
//! question reads every meeting and relation record).

use super::Ctx;
use crate::error::Result;
use crate::model::{fold_name, Id, RecordKind, Relation, SourceRef};
use crate::query::catalog::{first_days, Catalog, List};
use crate::query::plan::QUOTES_COLUMNS;
use crate::rows::{Rows, Value};

/// Whether `quote` holds `words` (folded, so lower-case words of `[a-z0-9]` between single
/// spaces) as whole words in a row: "feu" does not match "feux".
fn holds(quote: &str, words: &str) -> bool {
    format!(" {} ", fold_name(quote)).contains(&format!(" {words} "))
}

impl<C: Catalog> Ctx<'_, C> {
    /// The quotes that hold `words`: those of meetings in date order, then those of
    /// relations by id.
    pub(super) fn quotes(&self, words: &str) -> Result<Rows> {
        let mut rows = Rows::new(QUOTES_COLUMNS);
        let mut meetings = Vec::new();
        self.catalog
            .scan(List::All, first_days(None), &mut |entry, _| {
                meetings.push(entry.meeting);
                Ok(())
            })?;
        for id in meetings {
            let m = self.meeting(id)?;
            self.matching(&mut rows, &m.handle, RecordKind::Meeting, &m.sources, words)?;
        }
        for id in 1..=self.catalog.last_id(RecordKind::Relation)? {
            self.go_on()?;
            let Some(r) = self.catalog.record::<Relation>(Id::new(id))? else {
                continue;
            };
            self.matching(
                &mut rows,
                &r.handle,
                RecordKind::Relation,
                &r.sources,
                words,
            )?;
        }
        Ok(rows)
    }

    /// Adds a row for each of a record's quotes that holds `words`.
    fn matching(
        &self,
        rows: &mut Rows,
        handle: &str,
        kind: RecordKind,
        sources: &[SourceRef],
        words: &str,
    ) -> Result<()> {
        for source in sources.iter().filter(|s| holds(&s.quote, words)) {
            let document = self.document(source.document.get())?;
            rows.rows.push(vec![
                Value::Text(handle.to_string()),
                Value::Text(kind.to_string()),
                Value::Text(document.handle.clone()),
                document.published.map_or(Value::Null, Value::Date),
                Value::Text(source.quote.clone()),
            ]);
        }
        Ok(())
    }
}
