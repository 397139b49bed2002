//! A crowd around one actor, made deterministically for the pictures' tests and benchmarks:
//! `hub` takes part in every meeting, each other actor meets it at least once (the n-th
//! meeting holds actor n, round the crowd), and one or two more participants per meeting are
//! drawn with a skew, so that a few actors meet often and most rarely. Every meeting occurred,
//! on a day of 2015–2024, with confirmed participants and no sides, so every pair of its
//! participants is a "met" tie.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use entrevue::{Actor, ActorKind, Database, DateSpan, Document, Meeting, Participant, SourceRef};

mod random;
use random::Random;

/// The crowd, with each meeting's participants as indices (0 is `hub`; actor i ≥ 1 has the
/// handle `a{i}`).
pub struct Crowd {
    pub db: Database,
    pub meetings: Vec<Vec<u64>>,
}

impl Crowd {
    /// The crowd of 500 actors and 1,000 meetings, made once per process.
    pub fn shared() -> &'static Crowd {
        static CROWD: OnceLock<Crowd> = OnceLock::new();
        CROWD.get_or_init(|| Crowd::new(500, 1_000))
    }

    /// `actors` actors (`hub` among them) and `meetings` meetings, `meetings ≥ actors - 1`.
    fn new(actors: u64, meetings: u64) -> Crowd {
        let db = Database::temporary().unwrap();
        let mut rng = Random(0x9e37_79b9_7f4a_7c15);
        let mut casts = Vec::new();
        db.transaction(|tx| {
            let mut ids = vec![tx.add(Actor::new(ActorKind::Person, "Hub").with_handle("hub"))?];
            for i in 1..actors {
                let actor = Actor::new(ActorKind::Person, format!("Actor {i}"));
                ids.push(tx.add(actor.with_handle(format!("a{i}")))?);
            }
            let document = tx.add(Document::new("d1", "The crowd's register"))?;
            for n in 0..meetings {
                let mut cast = vec![0, 1 + n % (actors - 1)];
                for _ in 0..1 + rng.next() % 2 {
                    let other = rng.popular(actors - 1);
                    if !cast.contains(&other) {
                        cast.push(other);
                    }
                }
                let day = DateSpan::day(
                    2015 + (rng.next() % 10) as i16,
                    1 + (rng.next() % 12) as u8,
                    1 + (rng.next() % 28) as u8,
                )?;
                let mut meeting = Meeting::new("talks").with_handle(format!("m{n}")).on(day);
                for &i in &cast {
                    meeting = meeting.with(Participant::new(ids[i as usize]));
                }
                meeting.summary = Some(format!("Meeting number {n}"));
                meeting.sources = vec![SourceRef::new(document, format!("they met, {n}"))];
                tx.add(meeting)?;
                casts.push(cast);
            }
            Ok(())
        })
        .unwrap();
        Crowd {
            db,
            meetings: casts,
        }
    }

    /// The distinct pairs of actors who shared a meeting: every tie of the network.
    #[allow(dead_code)]
    pub fn ties(&self) -> usize {
        let mut pairs = BTreeSet::new();
        for cast in &self.meetings {
            for (i, a) in cast.iter().enumerate() {
                for b in &cast[i + 1..] {
                    pairs.insert((*a.min(b), *a.max(b)));
                }
            }
        }
        pairs.len()
    }
}
