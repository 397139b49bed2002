//! The full-text index in the `terms` tree: a key per (term, text) holding where the term
//! stands in the text, a count per term of the texts holding it, and two totals (texts,
//! words) — the figures BM25 weighs with. Which entries a record owns is decided in
//! `records::index_entries`; this module reads them and codes their values.

use super::keys::{
    decode_term_key, encode_term_count_key, encode_term_prefix, TEXTS_KEY, WORDS_KEY,
};
use super::kv::KvRead;
use super::values::{get_varint, put_varint};
use super::Table;
use crate::error::{Error, Result};
use crate::query::{Term, TermPosting, TextTotals};

/// A posting's value: `length: varint | count: varint | count × Δposition: varint` (the first
/// position from 0).
pub(crate) fn encode_posting(length: u32, positions: &[u32]) -> Vec<u8> {
    let mut value = Vec::with_capacity(2 + positions.len());
    put_varint(&mut value, u64::from(length));
    put_varint(&mut value, positions.len() as u64);
    let mut previous = 0;
    for &position in positions {
        put_varint(&mut value, u64::from(position - previous));
        previous = position;
    }
    value
}

/// The length and positions a posting's value holds.
pub(crate) fn decode_posting(value: &[u8]) -> Result<(u32, Vec<u32>)> {
    let bad = || Error::Corrupt(format!("malformed term posting {value:02x?}"));
    let mut at = 0;
    let length = u32::try_from(get_varint(value, &mut at)?).map_err(|_| bad())?;
    let count = get_varint(value, &mut at)?;
    if count > length.into() {
        return Err(bad());
    }
    let mut positions = Vec::new();
    let mut position = 0u32;
    for _ in 0..count {
        let delta = u32::try_from(get_varint(value, &mut at)?).map_err(|_| bad())?;
        position = position.checked_add(delta).ok_or_else(bad)?;
        positions.push(position);
    }
    if at != value.len() || positions.last().is_some_and(|p| *p >= length) {
        return Err(bad());
    }
    Ok((length, positions))
}

/// The texts holding `term`, in field order.
pub(crate) fn postings(kv: &dyn KvRead, term: &Term) -> Result<Vec<TermPosting>> {
    let mut found = Vec::new();
    for entry in kv.prefix(Table::Terms, &encode_term_prefix(term)) {
        let (key, value) = entry?;
        let (_, field) = decode_term_key(&key)?;
        let (length, positions) = decode_posting(&value)?;
        found.push(TermPosting {
            field,
            length,
            positions,
        });
    }
    Ok(found)
}

/// How many texts hold `term`.
pub(crate) fn count(kv: &dyn KvRead, term: &Term) -> Result<u64> {
    kv.counter(Table::Terms, &encode_term_count_key(term))
}

/// How many texts are indexed, and their words in all.
pub(crate) fn totals(kv: &dyn KvRead) -> Result<TextTotals> {
    Ok(TextTotals {
        texts: kv.counter(Table::Terms, TEXTS_KEY)?,
        words: kv.counter(Table::Terms, WORDS_KEY)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_read_back_and_bad_ones_are_refused() {
        let value = encode_posting(9, &[0, 3, 8]);
        assert_eq!(decode_posting(&value).unwrap(), (9, vec![0, 3, 8]));
        assert!(decode_posting(&encode_posting(3, &[0, 3])).is_err());
        assert!(decode_posting(&value[..value.len() - 1]).is_err());
        assert!(decode_posting(&[]).is_err());
    }
}
