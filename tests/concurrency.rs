//! Readers on several threads while one thread writes: every read sees a whole write or none.

use std::sync::atomic::{AtomicBool, Ordering};

use entrevue::{Actor, ActorId, ActorKind, Database, Meeting, Participant};

/// An empty database with two actors, whom the writer then puts in meetings together.
fn two_actors() -> (Database, ActorId, ActorId) {
    let db = Database::temporary().unwrap();
    let a = db
        .add(Actor::new(ActorKind::Person, "Steve Witkoff"))
        .unwrap();
    let b = db
        .add(Actor::new(ActorKind::Person, "Kirill Dmitriev"))
        .unwrap();
    (db, a, b)
}

#[test]
fn readers_never_see_half_a_write() {
    let (db, a, b) = two_actors();
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let readers: Vec<_> = (0..3)
            .map(|_| {
                s.spawn(|| {
                    let mut reads = 0u64;
                    while !done.load(Ordering::Relaxed) {
                        // One call reads one state: undated meetings list in id order, once each.
                        let of_a = db.meetings_of(a, None).unwrap();
                        assert!(of_a.windows(2).all(|w| w[0] < w[1]), "{of_a:?}");
                        // A listed meeting may be deleted before the next call, but one that is
                        // still there was written whole, with both participants.
                        for id in of_a.iter().rev().take(5) {
                            if let Some(m) = db.get(*id).unwrap() {
                                assert!(m.participant(a).is_some() && m.participant(b).is_some());
                            }
                        }
                        reads += 1;
                        // Leave the writer a core: the machine may have only two.
                        std::thread::yield_now();
                    }
                    reads
                })
            })
            .collect();
        let mut ids = Vec::new();
        for i in 0..400 {
            let meeting = Meeting::new("talks")
                .with(Participant::new(a))
                .with(Participant::new(b));
            ids.push(db.add(meeting).unwrap());
            if i % 3 == 0 {
                db.delete(ids.remove(0)).unwrap();
            }
        }
        done.store(true, Ordering::Relaxed);
        for r in readers {
            assert!(r.join().unwrap() > 0, "a reader never ran");
        }
    });
    assert!(db.check().unwrap().is_clean());
}

#[test]
fn check_stays_clean_while_a_writer_commits() {
    let (db, a, b) = two_actors();
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let mut checks = 0;
            while !done.load(Ordering::Relaxed) {
                let report = db.check().unwrap();
                assert!(report.is_clean(), "{report}");
                checks += 1;
                std::thread::yield_now();
            }
            checks
        });
        for _ in 0..300 {
            let meeting = Meeting::new("talks")
                .with(Participant::new(a))
                .with(Participant::new(b));
            db.add(meeting).unwrap();
        }
        done.store(true, Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0);
    });
}
