//! The entries of a posting chunk, stored a field at a time.
//!
//! Written entry by entry, a chunk interleaves fields that barely vary (span, flags, shape,
//! how many others) with ids that look random (meeting, place, participants), and zstd finds
//! no repetition to take out. Each field is therefore written as its own column, so that a
//! column of equal bytes packs to almost nothing:
//!
//! ```text
//! body    = 10 × column length: varint | day | meeting | span | flags | shape | place
//!           | owner side | others | actor | member flags | member side
//! day          = per entry, Δday: varint
//! meeting      = per entry, zigzag Δmeeting: varint
//! span, place  = per entry, a varint
//! flags, shape = per entry, a byte
//! owner side   = per entry whose owner has a side, a varint
//! others       = per entry, how many participants besides the owner: varint
//! actor        = per other participant, Δactor from the entry's previous one (or 0): varint
//! member flags = per other participant, (has a side << 1 | confirmed): u8
//! member side  = per other participant with a side, a varint
//! ```
//!
//! Every column but the last is preceded by its length, so decoding reads all of them side
//! by side, one entry at a time, and builds nothing per column.

use super::values::{get_varint, put_varint};
use crate::error::{Error, Result};
use crate::model::Status;
use crate::query::{CastSink, MeetingEntry, Member};

const OWNER_TAKES_PART: u8 = 0x08;
const OWNER_CONFIRMED: u8 = 0x10;
const OWNER_HAS_SIDE: u8 = 0x20;

const MEMBER_CONFIRMED: u8 = 0x01;
const MEMBER_HAS_SIDE: u8 = 0x02;

/// The columns, in the order they are stored.
#[derive(Clone, Copy)]
enum Column {
    Day,
    Meeting,
    Span,
    Flags,
    Shape,
    Place,
    OwnerSide,
    Others,
    Actor,
    MemberFlags,
    MemberSide,
}

const COLUMNS: usize = Column::MemberSide as usize + 1;

pub(crate) fn status_byte(status: Status) -> u8 {
    Status::ALL.iter().position(|s| *s == status).unwrap_or(0) as u8
}

fn corrupt(what: &str) -> Error {
    Error::Corrupt(format!("posting chunk: {what}"))
}

/// Column buffers, kept between encodings so that a chunk costs no allocation per column.
#[derive(Default)]
pub(crate) struct ColumnScratch([Vec<u8>; COLUMNS]);

/// Appends to `out` the `entries` of `owner`'s list (sorted by key), each with its
/// participants, using `scratch` for the columns.
pub(crate) fn encode_columns<'a>(
    out: &mut Vec<u8>,
    scratch: &mut ColumnScratch,
    owner: u64,
    entries: impl Iterator<Item = (&'a MeetingEntry, &'a [Member])>,
) {
    let columns = &mut scratch.0;
    columns.iter_mut().for_each(Vec::clear);
    let (mut day, mut meeting) = (0u32, 0u64);
    for (e, cast) in entries {
        let [days, meetings, spans, flags, shapes, places, owner_sides, others, actors, member_flags, member_sides] =
            columns;
        put_varint(days, u64::from(e.day - day));
        let delta = e.meeting.wrapping_sub(meeting) as i64;
        put_varint(meetings, ((delta << 1) ^ (delta >> 63)) as u64);
        put_varint(spans, u64::from(e.span));
        let own = Member::find(cast, owner);
        let mut flag = status_byte(e.status);
        if let Some(own) = own {
            flag |= OWNER_TAKES_PART;
            flag |= if own.confirmed { OWNER_CONFIRMED } else { 0 };
            if own.side != 0 {
                flag |= OWNER_HAS_SIDE;
                put_varint(owner_sides, own.side);
            }
        }
        flags.push(flag);
        shapes.push(e.shape);
        put_varint(places, e.place);
        put_varint(others, (cast.len() - usize::from(own.is_some())) as u64);
        let mut previous = 0;
        for m in cast.iter().filter(|m| m.actor != owner) {
            put_varint(actors, m.actor - previous);
            previous = m.actor;
            let side = if m.side != 0 { MEMBER_HAS_SIDE } else { 0 };
            member_flags.push(side | if m.confirmed { MEMBER_CONFIRMED } else { 0 });
            if m.side != 0 {
                put_varint(member_sides, m.side);
            }
        }
        (day, meeting) = (e.day, e.meeting);
    }
    let total: usize = columns.iter().map(Vec::len).sum();
    out.reserve(total + 2 * COLUMNS);
    for column in &columns[..COLUMNS - 1] {
        put_varint(out, column.len() as u64);
    }
    for column in columns.iter() {
        out.extend_from_slice(column);
    }
}

/// The columns of an encoded body, each read from its own cursor.
struct Columns<'b> {
    bytes: [&'b [u8]; COLUMNS],
    at: [usize; COLUMNS],
}

impl<'b> Columns<'b> {
    fn split(body: &'b [u8]) -> Result<Columns<'b>> {
        let mut at = 0;
        let mut lengths = [0usize; COLUMNS];
        for length in &mut lengths[..COLUMNS - 1] {
            *length = usize::try_from(get_varint(body, &mut at)?)
                .map_err(|_| corrupt("column too long"))?;
        }
        let mut bytes: [&[u8]; COLUMNS] = [&[]; COLUMNS];
        let mut rest = body.get(at..).unwrap_or_default();
        for (column, length) in bytes[..COLUMNS - 1].iter_mut().zip(lengths) {
            if length > rest.len() {
                return Err(corrupt("a column runs past the end"));
            }
            let (here, after) = rest.split_at(length);
            (*column, rest) = (here, after);
        }
        bytes[COLUMNS - 1] = rest;
        Ok(Columns {
            bytes,
            at: [0; COLUMNS],
        })
    }

    #[inline]
    fn varint(&mut self, column: Column) -> Result<u64> {
        let c = column as usize;
        get_varint(self.bytes[c], &mut self.at[c])
    }

    #[inline]
    fn u32(&mut self, column: Column, what: &str) -> Result<u32> {
        u32::try_from(self.varint(column)?).map_err(|_| corrupt(what))
    }

    #[inline]
    fn byte(&mut self, column: Column) -> Result<u8> {
        let c = column as usize;
        let byte = *self.bytes[c]
            .get(self.at[c])
            .ok_or_else(|| corrupt("truncated"))?;
        self.at[c] += 1;
        Ok(byte)
    }

    /// Bytes left in a column: a bound on how many values it can still hold.
    fn left(&self, column: Column) -> usize {
        let c = column as usize;
        self.bytes[c].len().saturating_sub(self.at[c])
    }

    /// Whether every column was read to its end, but those `skipped`.
    fn all_read(&self, skipped: &[Column]) -> bool {
        let read = |c: &usize| !skipped.iter().any(|s| *s as usize == *c);
        (0..COLUMNS)
            .filter(read)
            .all(|c| self.bytes[c].len() == self.at[c])
    }
}

/// Decodes `count` entries of `owner`'s list from `body`, handing `sink` each entry whose
/// first day lies in `days`, and its participants when the sink wants them. The columns of
/// the fields the sink does not read ([`CastSink::fields`]) are not decoded.
pub(crate) fn decode_columns<S: CastSink>(
    owner: u64,
    body: &[u8],
    count: u64,
    days: (u32, u32),
    sink: &mut S,
) -> Result<()> {
    let mut c = Columns::split(body)?;
    let fields = sink.fields();
    // The first day is read for the range too, unless the range is every day.
    let days_read = fields.dates || days != (0, u32::MAX);
    let (mut day, mut meeting, mut span, mut shape, mut place) = (0u32, 0u64, 0, 0, 0);
    for _ in 0..count {
        if days_read {
            day = day
                .checked_add(c.u32(Column::Day, "day delta")?)
                .ok_or_else(|| corrupt("day overflow"))?;
        }
        if fields.meeting {
            let zigzag = c.varint(Column::Meeting)?;
            let delta = ((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64);
            meeting = meeting.wrapping_add(delta as u64);
        }
        if fields.dates {
            span = c.u32(Column::Span, "span")?;
        }
        let flags = c.byte(Column::Flags)?;
        let status = *Status::ALL
            .get(usize::from(flags & 7))
            .ok_or_else(|| corrupt("unknown status"))?;
        if fields.dates {
            shape = c.byte(Column::Shape)?;
        }
        if fields.place {
            place = c.varint(Column::Place)?;
        }
        let own = match flags & OWNER_TAKES_PART {
            0 => None,
            _ => Some(Member {
                actor: owner,
                side: match flags & OWNER_HAS_SIDE {
                    0 => 0,
                    _ => c.varint(Column::OwnerSide)?,
                },
                confirmed: flags & OWNER_CONFIRMED != 0,
            }),
        };
        let others = c.varint(Column::Others)?;
        if others > c.left(Column::MemberFlags) as u64 {
            return Err(corrupt("too many participants"));
        }
        let entry = MeetingEntry {
            day,
            meeting,
            span,
            status,
            shape,
            place,
        };
        let wanted = days.0 <= day && day <= days.1 && sink.entry(&entry, own)?;
        // The others are read whether wanted or not: each column's cursor must move past them.
        let mut actor = 0u64;
        for _ in 0..others {
            actor = actor
                .checked_add(c.varint(Column::Actor)?)
                .ok_or_else(|| corrupt("actor overflow"))?;
            let member_flags = c.byte(Column::MemberFlags)?;
            let side = match member_flags & MEMBER_HAS_SIDE {
                0 => 0,
                _ => c.varint(Column::MemberSide)?,
            };
            if wanted {
                sink.member(Member {
                    actor,
                    side,
                    confirmed: member_flags & MEMBER_CONFIRMED != 0,
                });
            }
        }
        if wanted {
            sink.end()?;
        }
    }
    let mut skipped = Vec::new();
    if !days_read {
        skipped.push(Column::Day);
    }
    if !fields.meeting {
        skipped.push(Column::Meeting);
    }
    if !fields.dates {
        skipped.extend([Column::Span, Column::Shape]);
    }
    if !fields.place {
        skipped.push(Column::Place);
    }
    if !c.all_read(&skipped) {
        return Err(corrupt("trailing bytes"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::{EntryCast, Gathered};

    fn entry(day: u32, meeting: u64, place: u64) -> MeetingEntry {
        MeetingEntry {
            day,
            meeting,
            span: 0,
            status: Status::ALL[1],
            shape: 3,
            place,
        }
    }

    fn member(actor: u64, side: u64, confirmed: bool) -> Member {
        Member {
            actor,
            side,
            confirmed,
        }
    }

    fn decoded(owner: u64, body: &[u8], count: u64) -> Result<Vec<(MeetingEntry, Vec<Member>)>> {
        let mut found = Vec::new();
        let mut cast = EntryCast::default();
        let mut visit = |e: &MeetingEntry, m: &[Member]| {
            found.push((*e, m.to_vec()));
            Ok(())
        };
        let mut sink = Gathered::new(&mut cast, &mut visit);
        decode_columns(owner, body, count, (0, u32::MAX), &mut sink)?;
        Ok(found)
    }

    #[test]
    fn columns_round_trip_with_the_owner_among_the_others() {
        let owner = 50;
        let entries = [
            (
                entry(10, 900, 7),
                vec![
                    member(3, 0, true),
                    member(50, 2, false),
                    member(99, 1, true),
                ],
            ),
            (entry(10, 4, 0), vec![member(50, 0, true)]),
            (
                entry(12, 77, 123_456),
                vec![member(1, 1, false), member(2, 0, true)],
            ),
        ];
        let mut body = Vec::new();
        let all = entries.iter().map(|(e, m)| (e, m.as_slice()));
        encode_columns(&mut body, &mut ColumnScratch::default(), owner, all);
        let got = decoded(owner, &body, 3).unwrap();
        let want: Vec<_> = entries.iter().map(|(e, m)| (*e, m.clone())).collect();
        assert_eq!(got, want);
        // One entry fewer than encoded leaves bytes unread in every column; one more runs out.
        assert!(decoded(owner, &body, 2).is_err());
        assert!(decoded(owner, &body, 4).is_err());
    }

    #[test]
    fn a_column_longer_than_the_body_is_refused() {
        let mut body = Vec::new();
        for _ in 0..COLUMNS - 1 {
            put_varint(&mut body, 5);
        }
        body.extend_from_slice(&[0; 12]);
        assert!(matches!(decoded(1, &body, 1), Err(Error::Corrupt(_))));
    }
}
