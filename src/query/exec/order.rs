//! Order, limit and the columns kept: what every question's rows go through last.

use crate::query::plan::SortKey;
use crate::rows::{Rows, Value};

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

/// The columns at positions `keep` of each row, in that order.
pub(super) fn keep(rows: Rows, keep: &[usize]) -> Rows {
    Rows {
        columns: keep.iter().map(|&i| rows.columns[i].clone()).collect(),
        rows: rows
            .rows
            .into_iter()
            .map(|row| keep.iter().map(|&i| row[i].clone()).collect())
            .collect(),
        note: rows.note,
    }
}

#[cfg(test)]
mod tests {
    use super::sort;
    use crate::query::plan::SortKey;
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
    }
}
