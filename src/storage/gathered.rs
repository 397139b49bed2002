//! The posting entries of a bulk load, gathered before any list is written: each meeting's
//! entry and participants once, and per list which of them it holds.
//!
//! `each_index_entry` hands over one posting per list a meeting is in — its place's, the date
//! list's, each participant's — all with the same entry, the actor lists' with the same cast.
//! Kept one by one as a script's load keeps them (`postings::Pending`: each encoded as a
//! one-entry chunk, decoded again to be sorted and encoded once more in full chunks), a
//! million meetings' 5.25 million entries cost a third of the load's time and ~30 bytes each.
//! Here a list holds 8 bytes per entry, a meeting's entry and participants are kept once, and
//! each chunk is encoded straight from them.

use std::collections::HashMap;

use super::keys::encode_chunk_key;
use super::postings::{encode_chunk_of, Posting, MAX_CHUNK};
use super::Table;
use crate::error::{Error, Result};
use crate::query::{MeetingEntry, Member};

/// One meeting's entry, with the participants that the actor lists carry.
struct Slot {
    entry: MeetingEntry,
    /// The participants, a range of [`Gathered::members`].
    cast: (usize, usize),
}

/// Posting entries by list; see the module's documentation.
#[derive(Default)]
pub(crate) struct Gathered {
    slots: Vec<Slot>,
    members: Vec<Member>,
    /// Per list, its entries: a slot's position shifted left by one, its lowest bit set when
    /// the entry carries the slot's participants.
    lists: HashMap<(Table, u64), Vec<u64>>,
}

/// A list: its table and owner, and its entries as [`Gathered::lists`] holds them.
type List = ((Table, u64), Vec<u64>);

/// A list's key-value pairs, ready to be written.
pub(crate) type Chunks = Vec<(Vec<u8>, Vec<u8>)>;

impl Gathered {
    /// Adds `posting` to the list of `owner`. Postings of one meeting come one after another,
    /// so only the last slot is looked at for one to share.
    pub(crate) fn push(&mut self, table: Table, owner: u64, posting: &Posting) {
        let with_cast = !posting.cast.is_empty();
        let shared = self.slots.last_mut().filter(|s| s.entry == posting.entry);
        let slot = match shared {
            Some(slot) if !with_cast => Some(slot),
            Some(slot) if slot.cast.0 == slot.cast.1 => {
                let start = self.members.len();
                self.members.extend_from_slice(&posting.cast);
                slot.cast = (start, self.members.len());
                Some(slot)
            }
            Some(slot) => {
                let cast = self.members.get(slot.cast.0..slot.cast.1);
                (cast == Some(&*posting.cast)).then_some(slot)
            }
            None => None,
        };
        if slot.is_none() {
            let start = self.members.len();
            self.members.extend_from_slice(&posting.cast);
            self.slots.push(Slot {
                entry: posting.entry,
                cast: (start, self.members.len()),
            });
        }
        let position = (self.slots.len() - 1) as u64;
        let list = self.lists.entry((table, owner)).or_default();
        list.push(position << 1 | u64::from(with_cast));
    }

    /// The entry `item` of a list stands for, with its participants when it carries them.
    fn posting(&self, item: u64) -> Option<(&MeetingEntry, &[Member])> {
        let slot = self.slots.get((item >> 1) as usize)?;
        let cast = if item & 1 == 1 {
            self.members.get(slot.cast.0..slot.cast.1)?
        } else {
            &[]
        };
        Some((&slot.entry, cast))
    }

    /// Every list cut into full chunks, lists in key order, each with its table.
    ///
    /// The lists are encoded in two halves side by side: packing the chunks is most of it.
    pub(crate) fn into_chunks(mut self) -> Result<Vec<(Table, Chunks)>> {
        let mut lists: Vec<List> = std::mem::take(&mut self.lists).into_iter().collect();
        lists.sort_unstable_by_key(|(list, _)| *list);
        let total: usize = lists.iter().map(|(_, items)| items.len()).sum();
        let mut seen = 0;
        let half = lists
            .iter()
            .position(|(_, items)| {
                seen += items.len();
                seen * 2 >= total
            })
            .unwrap_or(0);
        let later = lists.split_off(half);
        let gathered = &self;
        std::thread::scope(|scope| {
            let first = scope.spawn(move || gathered.encode(lists));
            let second = gathered.encode(later);
            let mut chunks = first.join().map_err(|_| {
                Error::Internal("the thread encoding posting lists stopped".into())
            })??;
            chunks.extend(second?);
            Ok(chunks)
        })
    }

    /// `lists` cut into full chunks, in the order given.
    fn encode(&self, lists: Vec<List>) -> Result<Vec<(Table, Chunks)>> {
        let mut keyed = Vec::new();
        lists
            .into_iter()
            .map(|((table, owner), items)| {
                // Each entry's key looked up once, not at every comparison of the sort.
                keyed.clear();
                for item in items {
                    keyed.push((self.posting(item).map(|(e, _)| e.key()), item));
                }
                keyed.sort_unstable_by_key(|(key, _)| *key);
                // A meeting lists an actor once however often it names it; its copies are
                // equal.
                keyed.dedup_by_key(|(key, _)| *key);
                let chunks = keyed
                    .chunks(MAX_CHUNK)
                    .map(|chunk| self.chunk(owner, chunk))
                    .collect::<Result<Chunks>>()?;
                Ok((table, chunks))
            })
            .collect()
    }

    /// One chunk of `owner`'s list: its key and value.
    fn chunk(&self, owner: u64, items: &[(Option<(u32, u64)>, u64)]) -> Result<(Vec<u8>, Vec<u8>)> {
        let entries = items
            .iter()
            .map(|(_, i)| {
                self.posting(*i).ok_or_else(|| {
                    Error::Internal("a gathered posting entry points past the meetings".into())
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let first = entries.first().map_or((0, 0), |(e, _)| e.key());
        let key = encode_chunk_key(owner, first.0, first.1).to_vec();
        let value = encode_chunk_of(owner, entries.len(), entries.iter().copied())?;
        Ok((key, value))
    }
}
