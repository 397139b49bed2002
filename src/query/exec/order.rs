//! Order, limit and the columns kept: what every question's rows go through last.

use super::count::Tally;
use crate::error::Result;
use crate::model::Day;
use crate::query::plan::{Column, Input, PairCount, Plan, SortKey};
use crate::rows::{RowSink, Rows, Value};

/// Puts rows in order (only the first `first` of them, when given, the rest after them in no
/// particular order). Ties keep their input order, so the first n are those a full sort gives.
pub(super) fn sort(rows: &mut Rows, keys: &[SortKey], first: Option<usize>) {
    // Sort positions by one byte key per row (see `Value::push_sort_bytes`), ties by position.
    let order: Vec<usize> = {
        let mut bytes = Vec::new();
        let mut ends = Vec::with_capacity(rows.rows.len());
        for row in &rows.rows {
            for k in keys {
                row[k.column].push_sort_bytes(&mut bytes, k.descending);
            }
            ends.push(bytes.len());
        }
        let key = |i: usize| &bytes[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        let compare = |&x: &usize, &y: &usize| key(x).cmp(key(y)).then(x.cmp(&y));
        let mut order: Vec<usize> = (0..rows.rows.len()).collect();
        match first {
            Some(n) if n < order.len() => {
                if n > 0 {
                    order.select_nth_unstable_by(n - 1, compare);
                }
                order[..n].sort_unstable_by(compare);
            }
            // A stable sort keeps ties in input order without comparing positions, and is
            // quick on the long runs of equal keys that counts have.
            _ => order.sort_by(|&x, &y| key(x).cmp(key(y))),
        }
        order
    };
    let mut taken: Vec<Option<Vec<Value>>> = std::mem::take(&mut rows.rows)
        .into_iter()
        .map(Some)
        .collect();
    rows.rows = order.into_iter().filter_map(|i| taken[i].take()).collect();
}

/// The count and its columns when sorting `input` by `keys` needs only the counts' own
/// numbers: `input` projects counts, and every key is the actor's id or its count.
pub(super) fn by_numbers<'p>(
    input: &'p Plan,
    keys: &[SortKey],
) -> Option<(&'p PairCount, &'p [Column])> {
    let Plan::Project(Input::Counts(count), columns) = input else {
        return None;
    };
    let numeric = |k: &SortKey| matches!(columns.get(k.column), Some(Column::Id | Column::Count));
    keys.iter().all(numeric).then_some((count, columns))
}

/// The positions of the tallies in the order `sort` puts their rows in, when every key is a
/// number of the tally (see [`by_numbers`]), comparing the numbers instead of rows; with
/// `first`, only the first n, selected before they are sorted. Tallies come in actor order,
/// each actor once, so their position breaks ties as the input order does in `sort`. The
/// tallies are not moved: a hub's are megabytes, and a copy in order cost as much again.
pub(super) fn rank(
    tallies: &[Tally],
    columns: &[Column],
    keys: &[SortKey],
    first: Option<usize>,
) -> Vec<usize> {
    // A key on a column already keyed changes nothing (its values were equal), so at most
    // two keys matter: the count and the id.
    let mut distinct: Vec<SortKey> = Vec::new();
    for key in keys {
        if !distinct.iter().any(|k| k.column == key.column) {
            distinct.push(*key);
        }
    }
    // Each number as a u64 that sorts as the number does in the key's direction: both are
    // at least 0, and a count fits in 63 bits, so a descending key is the number inverted.
    let number = |t: &Tally, key: Option<&SortKey>| -> u64 {
        let Some(k) = key else { return 0 };
        let n = match columns.get(k.column) {
            Some(Column::Count) => t.count.max(0) as u64,
            _ => t.actor,
        };
        if k.descending {
            !n
        } else {
            n
        }
    };
    let is = |key: Option<&SortKey>, column: Column| {
        key.is_some_and(|k| columns.get(k.column) == Some(&column))
    };
    // The usual order of a count: by the count, ties in actor order.
    let usual = is(distinct.first(), Column::Count)
        && distinct
            .get(1)
            .is_none_or(|k| !k.descending && is(Some(k), Column::Id));
    let counted_out = match (usual, distinct.first()) {
        (true, Some(k)) => by_count(tallies, k.descending),
        _ => None,
    };
    match counted_out {
        Some(mut order) => {
            order.truncate(first.unwrap_or(usize::MAX));
            order
        }
        None => {
            let key = |t: &Tally| {
                u128::from(number(t, distinct.first())) << 64
                    | u128::from(number(t, distinct.get(1)))
            };
            by_numbers_sorted(tallies, key, first)
        }
    }
}

/// The positions of the tallies ordered by `key` (ties by position); with `first`, only the
/// first n, selected before they are sorted. The keys are sorted beside the positions: a hub's
/// count has tens of thousands of tallies, and these small pairs move a third of the bytes
/// that the tallies with their keys would.
fn by_numbers_sorted(
    tallies: &[Tally],
    key: impl Fn(&Tally) -> u128,
    first: Option<usize>,
) -> Vec<usize> {
    let mut keyed: Vec<(u128, usize)> = tallies.iter().map(key).zip(0..).collect();
    if let Some(n) = first.filter(|n| *n < keyed.len()) {
        if n > 0 {
            keyed.select_nth_unstable(n - 1);
        }
        keyed.truncate(n);
    }
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The positions of the tallies by count, ties in their order, by counting them out (a
/// hub's count ranks tens of thousands of actors on a few hundred distinct counts); `None`
/// when the counts span many more values than there are tallies, where sorting is cheaper.
fn by_count(tallies: &[Tally], descending: bool) -> Option<Vec<usize>> {
    let most = tallies.iter().map(|t| t.count).max().unwrap_or(0);
    let least = tallies.iter().map(|t| t.count).min().unwrap_or(0);
    let span = usize::try_from(most.checked_sub(least)?).ok()?;
    if least < 0 || span > tallies.len().saturating_mul(4).saturating_add(64) {
        return None;
    }
    // The place of a count among the counts, first to last.
    let slot = |count: i64| match descending {
        true => (most - count) as usize,
        false => (count - least) as usize,
    };
    // Per slot, how many tallies it has, then where its tallies begin in the order.
    let mut starts = vec![0usize; span + 1];
    for t in tallies {
        if let Some(n) = starts.get_mut(slot(t.count)) {
            *n += 1;
        }
    }
    let mut sum = 0;
    for n in &mut starts {
        (*n, sum) = (sum, sum + *n);
    }
    let mut order = vec![0usize; tallies.len()];
    for (i, t) in tallies.iter().enumerate() {
        if let Some(at) = starts.get_mut(slot(t.count)) {
            if let Some(place) = order.get_mut(*at) {
                *place = i;
            }
            *at += 1;
        }
    }
    Some(order)
}

/// The position of the date column when sorting `input` by `keys` needs only one first day's
/// rows at a time: `input` projects meetings, which come in date order (by first day, a
/// bounded meeting at its bound, and undated last, as the sort puts nulls), and the first key
/// is their date, ascending.
pub(super) fn date_runs(input: &Plan, keys: &[SortKey]) -> Option<usize> {
    let Plan::Project(Input::Meetings(_), columns) = input else {
        return None;
    };
    let first = keys.first()?;
    (!first.descending && columns.get(first.column) == Some(&Column::Date)).then_some(first.column)
}

/// A sort of rows that arrive in order of their first day: the rows of one first day are held,
/// put in order by every key (ties in arrival order) and passed on when the next day begins.
/// The result is a full stable sort's, since rows of different first days are already apart.
pub(super) struct DateRuns<'s> {
    date: usize,
    keys: Vec<SortKey>,
    run: Rows,
    /// The first day of the rows held (`None` for undated ones).
    day: Option<Option<Day>>,
    sink: &'s mut dyn RowSink,
}

impl<'s> DateRuns<'s> {
    pub(super) fn new(date: usize, keys: &[SortKey], sink: &'s mut dyn RowSink) -> DateRuns<'s> {
        DateRuns {
            date,
            keys: keys.to_vec(),
            run: Rows::default(),
            day: None,
            sink,
        }
    }

    /// Passes on the rows held, in order.
    pub(super) fn finish(&mut self) -> Result<()> {
        // Rows alike in every key are in order already, as the meetings of one day usually
        // are: sorting them would only cost a key and a few buffers per day.
        if differ(&self.run.rows, &self.keys) {
            sort(&mut self.run, &self.keys, None);
        }
        // Drained rather than taken, so that the next day's rows reuse the buffer: a list of
        // thousands of meetings has about as many days.
        for row in self.run.rows.drain(..) {
            if self.sink.full() {
                break;
            }
            self.sink.row(row)?;
        }
        Ok(())
    }
}

/// Whether some row differs from the first in a sort key.
fn differ(rows: &[Vec<Value>], keys: &[SortKey]) -> bool {
    let Some((first, rest)) = rows.split_first() else {
        return false;
    };
    rest.iter().any(|row| {
        keys.iter()
            .any(|k| row.get(k.column) != first.get(k.column))
    })
}

impl RowSink for DateRuns<'_> {
    fn columns(&mut self, columns: &[String]) -> Result<()> {
        self.sink.columns(columns)
    }

    fn row(&mut self, row: Vec<Value>) -> Result<()> {
        let day = match &row[self.date] {
            Value::Date(date) => Some(date.first_day()),
            // A bounded meeting lists at its bound (`MeetingEntry::of`).
            Value::Before(day) => Some(*day),
            _ => None,
        };
        if self.day != Some(day) {
            self.finish()?;
            self.day = Some(day);
        }
        self.run.rows.push(row);
        Ok(())
    }

    fn full(&self) -> bool {
        self.sink.full()
    }
}

/// The first `n` rows.
pub(super) struct Limited<'s> {
    left: usize,
    sink: &'s mut dyn RowSink,
}

impl<'s> Limited<'s> {
    pub(super) fn new(n: usize, sink: &'s mut dyn RowSink) -> Limited<'s> {
        Limited { left: n, sink }
    }
}

impl RowSink for Limited<'_> {
    fn columns(&mut self, columns: &[String]) -> Result<()> {
        self.sink.columns(columns)
    }

    fn row(&mut self, row: Vec<Value>) -> Result<()> {
        if self.left > 0 {
            self.left -= 1;
            self.sink.row(row)?;
        }
        Ok(())
    }

    fn full(&self) -> bool {
        self.left == 0 || self.sink.full()
    }

    fn rows_coming(&mut self, rows: usize) {
        self.sink.rows_coming(rows.min(self.left));
    }
}

/// The columns at positions `keep` of each row, in that order.
pub(super) struct Kept<'s> {
    keep: &'s [usize],
    sink: &'s mut dyn RowSink,
}

impl<'s> Kept<'s> {
    pub(super) fn new(keep: &'s [usize], sink: &'s mut dyn RowSink) -> Kept<'s> {
        Kept { keep, sink }
    }
}

impl RowSink for Kept<'_> {
    fn columns(&mut self, columns: &[String]) -> Result<()> {
        let kept: Vec<String> = self.keep.iter().map(|&i| columns[i].clone()).collect();
        self.sink.columns(&kept)
    }

    fn row(&mut self, row: Vec<Value>) -> Result<()> {
        let kept = self.keep.iter().map(|&i| row[i].clone()).collect();
        self.sink.row(kept)
    }

    fn full(&self) -> bool {
        self.sink.full()
    }

    fn rows_coming(&mut self, rows: usize) {
        self.sink.rows_coming(rows);
    }
}

#[cfg(test)]
mod tests {
    use super::{rank, sort, DateRuns};
    use crate::query::exec::count::Tally;
    use crate::query::plan::{Column, SortKey};
    use crate::rows::RowSink;
    use crate::rows::{Rows, Value};
    use proptest::prelude::*;

    proptest! {
        /// The first n rows of a partial sort are the first n of a full sort, ties included.
        #[test]
        fn the_first_n_agree_with_a_full_sort(
            cells in proptest::collection::vec((0i64..5, 0usize..4), 0..60),
            n in 0usize..70,
            descending in any::<bool>(),
        ) {
            let names = ["b", "A", "a", "ä"];
            let rows = Rows {
                columns: vec!["count".into(), "name".into(), "position".into()],
                rows: cells
                    .iter()
                    .enumerate()
                    .map(|(i, (c, t))| {
                        vec![Value::Int(*c), Value::Text(names[*t].into()), Value::Int(i as i64)]
                    })
                    .collect(),
                note: None,
            };
            let keys = [
                SortKey { column: 0, descending },
                SortKey { column: 1, descending: false },
            ];
            let (mut full, mut partial) = (rows.clone(), rows);
            sort(&mut full, &keys, None);
            sort(&mut partial, &keys, Some(n));
            full.rows.truncate(n);
            partial.rows.truncate(n);
            prop_assert_eq!(full.rows, partial.rows);
        }

        /// Ranking counts by their numbers, wholly or only the first k, gives the rows of a
        /// full sort of the counts' rows, in that order: `order by meetings desc, id` (the
        /// top-k question) and any other order of `id` and `meetings`, on counts few enough
        /// to be counted out and on counts too spread for it.
        #[test]
        fn ranked_counts_are_the_first_rows_of_a_full_sort(
            counts in proptest::collection::btree_map(1u64..500, prop_oneof![1i64..6, 1i64..100_000], 0..80),
            k in 0usize..90,
            order in proptest::collection::vec((0usize..2, any::<bool>()), 1..3),
        ) {
            let columns = [Column::Id, Column::Count];
            let mut keys = vec![SortKey { column: 1, descending: true }, SortKey { column: 0, descending: false }];
            let chosen: Vec<SortKey> = order.iter().map(|(c, d)| SortKey { column: *c, descending: *d }).collect();
            let tallies = || -> Vec<Tally> {
                counts.iter().map(|(a, c)| Tally { actor: *a, count: *c, meetings: None }).collect()
            };
            for keys in [std::mem::take(&mut keys), chosen] {
                let mut full = Rows {
                    rows: tallies().iter().map(|t| vec![Value::Int(t.actor as i64), Value::Int(t.count)]).collect(),
                    ..Rows::default()
                };
                sort(&mut full, &keys, None);
                for first in [None, Some(k)] {
                    let ranked = tallies();
                    let order = rank(&ranked, &columns, &keys, first);
                    let rows: Vec<Vec<Value>> = order.iter().map(|&i| &ranked[i]).map(|t| vec![Value::Int(t.actor as i64), Value::Int(t.count)]).collect();
                    let expected = &full.rows[..first.unwrap_or(usize::MAX).min(full.rows.len())];
                    prop_assert_eq!(&rows[..], expected);
                }
            }
        }

        /// Sorting rows that arrive by first day one day's run at a time gives a full stable
        /// sort's order: dates of several precisions sharing first days, bounds (`before`)
        /// arriving at their day, undated rows last, ties broken by a second key and then by
        /// arrival.
        #[test]
        fn date_runs_agree_with_a_full_sort(
            cells in proptest::collection::vec((0u8..4, 0u8..4, 0i64..3), 0..60),
            second_descending in any::<bool>(),
        ) {
            use crate::model::DateSpan;
            let date = |(day, shape): (u8, u8)| match (day, shape) {
                (3, _) => Value::Null,
                (d, 0) => Value::Date(DateSpan::day(2025, 12, d + 1).unwrap()),
                (d, 1) => Value::Date(DateSpan::day(2025, 12, d + 1).unwrap().approximate()),
                (d, 3) => Value::Before(DateSpan::day(2025, 12, d + 1).unwrap().first_day()),
                (_, _) => Value::Date(DateSpan::month(2025, 12).unwrap()),
            };
            let mut arrivals: Vec<Vec<Value>> = cells
                .iter()
                .enumerate()
                .map(|(i, (day, shape, n))| {
                    // A month begins on the 1st: it arrives among the rows of that day.
                    let day = if *shape == 2 && *day != 3 { 0 } else { *day };
                    vec![date((day, *shape)), Value::Int(*n), Value::Int(i as i64)]
                })
                .collect();
            // Lists hand rows over by first day (a bounded meeting at its bound, undated
            // last), ties in list order.
            arrivals.sort_by_key(|row| match &row[0] {
                Value::Date(d) => (0, d.first_day().0),
                Value::Before(day) => (0, day.0),
                _ => (1, 0),
            });
            let keys = [
                SortKey { column: 0, descending: false },
                SortKey { column: 1, descending: second_descending },
            ];
            let mut full = Rows { rows: arrivals.clone(), ..Rows::default() };
            sort(&mut full, &keys, None);
            let mut streamed = Rows::default();
            let mut runs = DateRuns::new(0, &keys, &mut streamed);
            for row in arrivals {
                runs.row(row).unwrap();
            }
            runs.finish().unwrap();
            prop_assert_eq!(full.rows, streamed.rows);
        }
    }
}
