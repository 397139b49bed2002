//! Key codecs: every key is hand-encoded so that byte order equals value order.
//!
//! Numbers are big-endian and fixed-width; strings come last or end with a 0x00 separator that
//! cannot occur inside them. Each layout is written out in ARCHITECTURE.md ("On-disk layout");
//! codecs come in pairs, `encode_x_key` / `decode_x_key`.

use crate::error::{Error, Result};
use crate::model::text::Language;
use crate::query::{Field, Term};

pub(crate) use crate::model::RecordKind as Tag;

fn tag_of(byte: u8) -> Result<Tag> {
    Tag::from_byte(byte).ok_or_else(|| Error::Corrupt(format!("unknown record tag {byte}")))
}

fn corrupt(what: &str, key: &[u8]) -> Error {
    Error::Corrupt(format!("malformed {what} key {key:02x?}"))
}

fn u64_at(key: &[u8], at: usize) -> Option<u64> {
    key.get(at..at + 8)?.try_into().ok().map(u64::from_be_bytes)
}

fn u32_at(key: &[u8], at: usize) -> Option<u32> {
    key.get(at..at + 4)?.try_into().ok().map(u32::from_be_bytes)
}

/// Record tables: `id: u64 BE`.
pub(crate) fn encode_id_key(id: u64) -> [u8; 8] {
    id.to_be_bytes()
}

pub(crate) fn decode_id_key(key: &[u8]) -> Result<u64> {
    match key.len() {
        8 => u64_at(key, 0).ok_or_else(|| corrupt("record", key)),
        _ => Err(corrupt("record", key)),
    }
}

/// `handles`: `tag: u8 | handle: UTF-8`.
pub(crate) fn encode_handle_key(tag: Tag, handle: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + handle.len());
    key.push(tag as u8);
    key.extend_from_slice(handle.as_bytes());
    key
}

pub(crate) fn decode_handle_key(key: &[u8]) -> Result<(Tag, String)> {
    let (&tag, handle) = key.split_first().ok_or_else(|| corrupt("handle", key))?;
    let handle = std::str::from_utf8(handle).map_err(|_| corrupt("handle", key))?;
    Ok((tag_of(tag)?, handle.to_string()))
}

/// `names`: `folded name: UTF-8 | 0x00 | tag: u8 | id: u64 BE`. Folded names hold only
/// `[a-z0-9 ]`, so the 0x00 separator sorts every name before its own extensions.
pub(crate) fn encode_name_key(folded: &str, tag: Tag, id: u64) -> Vec<u8> {
    let mut key = encode_name_prefix(folded);
    key.push(tag as u8);
    key.extend_from_slice(&id.to_be_bytes());
    key
}

/// The prefix of every `names` key for this folded name.
pub(crate) fn encode_name_prefix(folded: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(folded.len() + 10);
    key.extend_from_slice(folded.as_bytes());
    key.push(0);
    key
}

pub(crate) fn decode_name_key(key: &[u8]) -> Result<(String, Tag, u64)> {
    let split = key
        .len()
        .checked_sub(10)
        .ok_or_else(|| corrupt("name", key))?;
    let (folded, rest) = key.split_at(split);
    let folded = std::str::from_utf8(folded).map_err(|_| corrupt("name", key))?;
    match (rest[0], u64_at(rest, 2)) {
        (0, Some(id)) => Ok((folded.to_string(), tag_of(rest[1])?, id)),
        _ => Err(corrupt("name", key)),
    }
}

/// `refs`: `target tag: u8 | target id: u64 BE | source tag: u8 | source id: u64 BE`. One key per
/// (referenced record, referring record) pair, so "who refers to X" is a prefix scan.
pub(crate) fn encode_ref_key(target: (Tag, u64), source: (Tag, u64)) -> [u8; 18] {
    let mut key = [0u8; 18];
    key[0] = target.0 as u8;
    key[1..9].copy_from_slice(&target.1.to_be_bytes());
    key[9] = source.0 as u8;
    key[10..18].copy_from_slice(&source.1.to_be_bytes());
    key
}

/// The prefix of every `refs` key whose target is this record.
pub(crate) fn encode_ref_prefix(target: (Tag, u64)) -> [u8; 9] {
    let mut key = [0u8; 9];
    key[0] = target.0 as u8;
    key[1..9].copy_from_slice(&target.1.to_be_bytes());
    key
}

pub(crate) fn decode_ref_key(key: &[u8]) -> Result<((Tag, u64), (Tag, u64))> {
    if key.len() != 18 {
        return Err(corrupt("ref", key));
    }
    let target = (
        tag_of(key[0])?,
        u64_at(key, 1).ok_or_else(|| corrupt("ref", key))?,
    );
    let source = (
        tag_of(key[9])?,
        u64_at(key, 10).ok_or_else(|| corrupt("ref", key))?,
    );
    Ok((target, source))
}

/// Posting chunks: `owner: u64 BE | day: u32 BE | meeting: u64 BE`, where (day, meeting) is a
/// lower bound of every entry in the chunk. See `postings`.
pub(crate) fn encode_chunk_key(owner: u64, day: u32, meeting: u64) -> [u8; 20] {
    let mut key = [0u8; 20];
    key[0..8].copy_from_slice(&owner.to_be_bytes());
    key[8..12].copy_from_slice(&day.to_be_bytes());
    key[12..20].copy_from_slice(&meeting.to_be_bytes());
    key
}

pub(crate) fn decode_chunk_key(key: &[u8]) -> Result<(u64, u32, u64)> {
    match (key.len(), u64_at(key, 0), u32_at(key, 8), u64_at(key, 12)) {
        (20, Some(owner), Some(day), Some(meeting)) => Ok((owner, day, meeting)),
        _ => Err(corrupt("posting chunk", key)),
    }
}

/// `terms` keys start with what they hold: the totals, a term's postings, a term's count.
const TERM_TOTAL: u8 = 0;
const TERM_POSTING: u8 = 1;
const TERM_COUNT: u8 = 2;

/// The two totals of the `terms` tree: how many texts it indexes, and their words in all.
pub(crate) const TEXTS_KEY: &[u8] = b"\x00texts";
pub(crate) const WORDS_KEY: &[u8] = b"\x00words";

fn language_byte(language: Language) -> u8 {
    match language {
        Language::French => 1,
        Language::English => 2,
    }
}

fn language_of(byte: u8) -> Option<Language> {
    match byte {
        1 => Some(Language::French),
        2 => Some(Language::English),
        _ => None,
    }
}

fn push_term(key: &mut Vec<u8>, what: u8, term: &Term) {
    key.push(what);
    key.push(language_byte(term.language));
    key.extend_from_slice(term.stem.as_bytes());
}

/// `terms`, a posting: `0x01 | language: u8 | stem: UTF-8 | 0x00 | tag: u8 | id: u64 BE |
/// part: u32 BE`. Stems are folded words (`[a-z0-9]`), so the 0x00 ends them, and a term's
/// postings are one prefix in field order.
pub(crate) fn encode_term_key(term: &Term, field: Field) -> Vec<u8> {
    let mut key = encode_term_prefix(term);
    key.push(field.kind as u8);
    key.extend_from_slice(&field.id.to_be_bytes());
    key.extend_from_slice(&field.part.to_be_bytes());
    key
}

/// The prefix of every posting of `term`.
pub(crate) fn encode_term_prefix(term: &Term) -> Vec<u8> {
    let mut key = Vec::with_capacity(term.stem.len() + 16);
    push_term(&mut key, TERM_POSTING, term);
    key.push(0);
    key
}

pub(crate) fn decode_term_key(key: &[u8]) -> Result<(Term, Field)> {
    let split = key
        .len()
        .checked_sub(14)
        .filter(|at| *at >= 2)
        .ok_or_else(|| corrupt("term", key))?;
    let (head, rest) = key.split_at(split);
    let stem = std::str::from_utf8(&head[2..]).map_err(|_| corrupt("term", key))?;
    let parts = (
        head[0],
        language_of(head[1]),
        rest[0],
        u64_at(rest, 2),
        u32_at(rest, 10),
    );
    match parts {
        (TERM_POSTING, Some(language), 0, Some(id), Some(part)) => {
            let term = Term {
                language,
                stem: stem.to_string(),
            };
            Ok((
                term,
                Field {
                    kind: tag_of(rest[1])?,
                    id,
                    part,
                },
            ))
        }
        _ => Err(corrupt("term", key)),
    }
}

/// `terms`, a term's count of texts: `0x02 | language: u8 | stem: UTF-8`.
pub(crate) fn encode_term_count_key(term: &Term) -> Vec<u8> {
    let mut key = Vec::with_capacity(term.stem.len() + 2);
    push_term(&mut key, TERM_COUNT, term);
    key
}

/// What a `terms` key is, in words (for the integrity check's report).
pub(crate) fn describe_term_key(key: &[u8]) -> String {
    match key.first() {
        Some(&TERM_TOTAL) => format!("total '{}'", String::from_utf8_lossy(&key[1..])),
        Some(&TERM_COUNT) if key.len() >= 2 => match language_of(key[1]) {
            Some(language) => format!(
                "count of the {language} term '{}'",
                String::from_utf8_lossy(&key[2..])
            ),
            None => format!("malformed key {key:02x?}"),
        },
        _ => match decode_term_key(key) {
            Ok((term, field)) => format!(
                "{} term '{}' in part {} of {} #{}",
                term.language, term.stem, field.part, field.kind, field.id
            ),
            Err(_) => format!("malformed key {key:02x?}"),
        },
    }
}

/// The smallest key strictly greater than every key that starts with `prefix`, or `None` when
/// no such key exists (the prefix is all 0xff).
pub(crate) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn chunk_keys_sort_like_their_fields(a in any::<(u64, u32, u64)>(), b in any::<(u64, u32, u64)>()) {
            let (ka, kb) = (encode_chunk_key(a.0, a.1, a.2), encode_chunk_key(b.0, b.1, b.2));
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
            prop_assert_eq!(decode_chunk_key(&ka).unwrap(), a);
        }

        #[test]
        fn ref_keys_sort_like_their_fields(t in 1u8..=5, ti in any::<u64>(), s in 1u8..=5, si in any::<u64>(),
                                           t2 in 1u8..=5, ti2 in any::<u64>(), s2 in 1u8..=5, si2 in any::<u64>()) {
            let tag = |b| Tag::from_byte(b).unwrap();
            let a = ((tag(t), ti), (tag(s), si));
            let b = ((tag(t2), ti2), (tag(s2), si2));
            let (ka, kb) = (encode_ref_key(a.0, a.1), encode_ref_key(b.0, b.1));
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
            prop_assert_eq!(decode_ref_key(&ka).unwrap(), a);
        }

        #[test]
        fn name_keys_sort_by_name_then_tag_then_id(a in "[a-z0-9 ]{0,12}", b in "[a-z0-9 ]{0,12}",
                                                    ia in any::<u64>(), ib in any::<u64>()) {
            let (ka, kb) = (encode_name_key(&a, Tag::Actor, ia), encode_name_key(&b, Tag::Actor, ib));
            prop_assert_eq!(ka.cmp(&kb), (a.as_str(), ia).cmp(&(b.as_str(), ib)));
            prop_assert_eq!(decode_name_key(&ka).unwrap(), (a.clone(), Tag::Actor, ia));
            prop_assert!(ka.starts_with(&encode_name_prefix(&a)));
        }

        #[test]
        fn id_keys_sort_like_ids(a in any::<u64>(), b in any::<u64>()) {
            prop_assert_eq!(encode_id_key(a).cmp(&encode_id_key(b)), a.cmp(&b));
            prop_assert_eq!(decode_id_key(&encode_id_key(a)).unwrap(), a);
        }

        #[test]
        fn prefix_end_bounds_every_extension(prefix in proptest::collection::vec(any::<u8>(), 0..6),
                                              tail in proptest::collection::vec(any::<u8>(), 0..6)) {
            let mut key = prefix.clone();
            key.extend_from_slice(&tail);
            if let Some(end) = prefix_end(&prefix) {
                prop_assert!(key < end);
                prop_assert!(prefix < end);
            } else {
                prop_assert!(prefix.iter().all(|&b| b == 0xff));
            }
        }
    }

    #[test]
    fn malformed_keys_are_corruption_not_panics() {
        assert!(decode_chunk_key(&[1, 2, 3]).is_err());
        assert!(decode_name_key(&[0; 3]).is_err());
        assert!(decode_ref_key(&[9; 18]).is_err());
        assert!(decode_id_key(&[0; 7]).is_err());
    }
}
