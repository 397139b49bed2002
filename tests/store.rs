//! The store through the public API: round trips through reopen, corrections and deletions that
//! keep every index exact, and the errors a user can meet.

mod common;

use entrevue::{
    Actor, ActorKind, Certainty, Database, DateSpan, Document, Error, Meeting, Participant, Place,
    PlaceKind, Relation, SourceRef, Status, Title,
};

fn span(text: &str) -> DateSpan {
    text.parse().unwrap()
}

/// A small world: US ⊃ Florida ⊃ {Hallandale Beach, Miami}; Russia; five actors; two meetings.
struct World {
    db: Database,
    us_place: entrevue::PlaceId,
    florida: entrevue::PlaceId,
    miami: entrevue::PlaceId,
    usa: entrevue::ActorId,
    witkoff: entrevue::ActorId,
    kushner: entrevue::ActorId,
    umerov: entrevue::ActorId,
    dmitriev: entrevue::ActorId,
    hallandale_talks: entrevue::MeetingId,
    miami_talks: entrevue::MeetingId,
}

fn world(db: Database) -> World {
    let us_place = db
        .add(Place::new(PlaceKind::Country, "United States").alias("États-Unis"))
        .unwrap();
    let florida = db
        .add(
            Place::new(PlaceKind::Region, "Florida")
                .alias("Floride")
                .inside(us_place),
        )
        .unwrap();
    let hallandale = db
        .add(Place::new(PlaceKind::City, "Hallandale Beach").inside(florida))
        .unwrap();
    let miami = db
        .add(Place::new(PlaceKind::City, "Miami").inside(florida))
        .unwrap();
    let usa = db
        .add(Actor::new(ActorKind::Country, "United States").with_handle("usa"))
        .unwrap();
    let ukraine = db.add(Actor::new(ActorKind::Country, "Ukraine")).unwrap();
    let russia = db
        .add(Actor::new(ActorKind::Country, "Russia").alias("Russie"))
        .unwrap();
    let mut witkoff = Actor::new(ActorKind::Person, "Steve Witkoff")
        .alias("Witkoff")
        .with_handle("witkoff");
    witkoff.affiliation = Some(usa);
    witkoff.titles.push(Title {
        text: "émissaire américain".into(),
        during: Some(span("2025")),
    });
    let witkoff = db.add(witkoff).unwrap();
    let kushner = db
        .add(Actor::new(ActorKind::Person, "Jared Kushner"))
        .unwrap();
    let umerov = db
        .add(
            Actor::new(ActorKind::Person, "Rustem Umerov")
                .alias("Oumerov")
                .alias("Rustem Omerov")
                .alias("Umerov"),
        )
        .unwrap();
    let dmitriev = db
        .add(Actor::new(ActorKind::Person, "Kirill Dmitriev"))
        .unwrap();
    let d000 = db
        .add(Document::new(
            "d000",
            "Des négociateurs se rencontrent en Floride",
        ))
        .unwrap();
    let mut hallandale_talks = Meeting::new("talks")
        .on(span("~2025-11"))
        .at(hallandale)
        .with(Participant::new(witkoff).side(usa))
        .with(Participant::new(kushner).side(usa))
        .with(Participant::new(umerov).side(ukraine));
    hallandale_talks.sources.push(SourceRef::new(
        d000,
        "au club de golf de Witkoff, à Hallandale Beach",
    ));
    let hallandale_talks = db.add(hallandale_talks).unwrap();
    let mut miami_talks = Meeting::new("talks")
        .on(span("2025-12-20"))
        .at(miami)
        .with(Participant::new(witkoff).side(usa))
        .with(Participant::new(dmitriev).side(russia));
    miami_talks.sources.push(SourceRef {
        says_status: Some(Status::Planned),
        ..SourceRef::new(d000, "ont tenu ce samedi en Floride")
    });
    let miami_talks = db.add(miami_talks).unwrap();
    World {
        db,
        us_place,
        florida,
        miami,
        usa,
        witkoff,
        kushner,
        umerov,
        dmitriev,
        hallandale_talks,
        miami_talks,
    }
}

fn assert_clean(db: &Database) {
    let report = db.check().unwrap();
    assert!(report.is_clean(), "{report}");
}

#[test]
fn every_record_kind_round_trips_through_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let (actors, places, documents, meetings, relations);
    {
        let w = world(Database::open(dir.path()).unwrap());
        let mut relation = Relation::new(w.kushner, "envoy_of", w.usa);
        relation.during = Some(span("2025-11..2026-01"));
        w.db.add(relation).unwrap();
        actors = w.db.all::<Actor>().unwrap();
        places = w.db.all::<Place>().unwrap();
        documents = w.db.all::<Document>().unwrap();
        meetings = w.db.all::<Meeting>().unwrap();
        relations = w.db.all::<Relation>().unwrap();
        assert_eq!(
            (
                actors.len(),
                places.len(),
                documents.len(),
                meetings.len(),
                relations.len()
            ),
            (7, 4, 1, 2, 1)
        );
    }
    let db = common::reopen(dir.path());
    assert_eq!(db.all::<Actor>().unwrap(), actors);
    assert_eq!(db.all::<Place>().unwrap(), places);
    assert_eq!(db.all::<Document>().unwrap(), documents);
    assert_eq!(db.all::<Meeting>().unwrap(), meetings);
    assert_eq!(db.all::<Relation>().unwrap(), relations);
    assert_eq!(db.stats().unwrap().actors, 7);
    assert_eq!(
        db.resolve_actor("oumerov").unwrap(),
        db.resolve_actor("Rustem Umerov").unwrap()
    );
    assert_clean(&db);
}

#[test]
fn handles_are_assigned_kept_and_unique() {
    let w = world(Database::temporary().unwrap());
    let umerov = w.db.get(w.umerov).unwrap().unwrap();
    assert_eq!(umerov.handle, format!("a{}", w.umerov.get()));
    assert_eq!(w.db.by_handle::<Actor>("witkoff").unwrap(), Some(w.witkoff));
    assert_eq!(
        w.db.by_handle::<Meeting>(&format!("m{}", w.miami_talks.get()))
            .unwrap(),
        Some(w.miami_talks)
    );
    let err =
        w.db.add(Actor::new(ActorKind::Person, "Someone").with_handle("witkoff"))
            .unwrap_err();
    assert!(matches!(err, Error::HandleTaken { .. }), "{err}");
    // The same handle may name records of different kinds.
    w.db.add(Place::new(PlaceKind::Site, "Witkoff's club").with_handle("witkoff"))
        .unwrap();
    let err =
        w.db.add(Actor::new(ActorKind::Person, "Bad").with_handle("no spaces"))
            .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{err}");
    assert_clean(&w.db);
}

/// A handle that spells its record's own id (as an import gives) has no index entry, yet it
/// finds the record and stays unique against handles that are stored.
#[test]
fn handles_that_spell_the_id_find_the_record_and_stay_unique() {
    let db = Database::temporary().unwrap();
    let person = |name: &str, handle: &str| Actor::new(ActorKind::Person, name).with_handle(handle);
    let first = db.add(person("First", "1")).unwrap();
    assert_eq!(first.get(), 1);
    assert_eq!(db.by_handle::<Actor>("1").unwrap(), Some(first));
    assert_eq!(db.by_handle::<Actor>("01").unwrap(), None);
    assert_eq!(db.by_handle::<Actor>("2").unwrap(), None);
    let taken = db.add(person("Second", "1")).unwrap_err();
    assert!(matches!(taken, Error::HandleTaken { .. }), "{taken}");

    // Record 2 holds the stored handle "3", so record 3 cannot take "3" as its own id's.
    let second = db.add(person("Second", "3")).unwrap();
    assert_eq!(db.by_handle::<Actor>("3").unwrap(), Some(second));
    let taken = db.add(person("Third", "3")).unwrap_err();
    assert!(matches!(taken, Error::HandleTaken { .. }), "{taken}");

    // Renaming frees the implicit handle, and another record may then store it.
    let mut renamed = db.get(first).unwrap().unwrap();
    renamed.handle = "first".into();
    db.update(first, renamed).unwrap();
    assert_eq!(db.by_handle::<Actor>("1").unwrap(), None);
    assert_eq!(db.by_handle::<Actor>("first").unwrap(), Some(first));
    let third = db.add(person("Third", "1")).unwrap();
    assert_eq!(db.by_handle::<Actor>("1").unwrap(), Some(third));
    // Record 1 cannot take its own id back while record 3 stores it.
    let mut back = db.get(first).unwrap().unwrap();
    back.handle = "1".into();
    let taken = db.update(first, back).unwrap_err();
    assert!(matches!(taken, Error::HandleTaken { .. }), "{taken}");
    assert_clean(&db);
}

#[test]
fn corrections_move_every_index_entry() {
    let w = world(Database::temporary().unwrap());
    // Move the Miami talks to Hallandale Beach's sibling-free parent, change date and people.
    let mut talks = w.db.get(w.miami_talks).unwrap().unwrap();
    talks.date = Some(span("2026-01-31"));
    talks.place = Some(w.us_place);
    talks.participants.retain(|p| p.actor != w.dmitriev);
    talks.participants.push(Participant {
        certainty: Certainty::Expected,
        ..Participant::new(w.umerov)
    });
    talks.status = Status::Planned;
    w.db.update(w.miami_talks, talks).unwrap();

    assert!(w.db.meetings_of(w.dmitriev, None).unwrap().is_empty());
    assert_eq!(
        w.db.meetings_of(w.umerov, None).unwrap(),
        [w.hallandale_talks, w.miami_talks]
    );
    assert!(w.db.meetings_in(w.miami, None).unwrap().is_empty());
    assert_eq!(
        w.db.meetings_in(w.florida, None).unwrap(),
        [w.hallandale_talks]
    );
    assert_eq!(
        w.db.meetings_in(w.us_place, None).unwrap(),
        [w.hallandale_talks, w.miami_talks]
    );
    assert_eq!(
        w.db.meetings_during(Some(&span("2026"))).unwrap(),
        [w.miami_talks]
    );
    assert!(w
        .db
        .meetings_during(Some(&span("2025-12")))
        .unwrap()
        .is_empty());

    // Renaming an actor replaces its names in the index.
    let mut umerov = w.db.get(w.umerov).unwrap().unwrap();
    umerov.aliases.retain(|a| a != "Oumerov");
    w.db.update(w.umerov, umerov).unwrap();
    assert!(w.db.find_actors("Oumerov").unwrap().is_empty());
    assert_eq!(w.db.find_actors("rustem omerov").unwrap(), [w.umerov]);
    assert_clean(&w.db);
}

#[test]
fn deletes_are_refused_while_referenced_and_leave_no_trace() {
    let w = world(Database::temporary().unwrap());
    let err = w.db.delete(w.dmitriev).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "actor 'a{}' cannot be deleted: referred to by 1 meeting",
            w.dmitriev.get()
        )
    );
    let err = w.db.delete(w.florida).unwrap_err();
    assert!(matches!(err, Error::InUse { .. }), "{err}");
    let err = w.db.delete(w.usa).unwrap_err();
    assert!(err.to_string().contains("1 actor"), "{err}");

    w.db.delete(w.miami_talks).unwrap();
    w.db.delete(w.dmitriev).unwrap();
    w.db.delete(w.miami).unwrap();
    assert_eq!(w.db.get(w.miami_talks).unwrap(), None);
    assert!(w.db.find_actors("Kirill Dmitriev").unwrap().is_empty());
    assert_eq!(
        w.db.meetings_of(w.witkoff, None).unwrap(),
        [w.hallandale_talks]
    );
    assert_eq!(w.db.places_inside(w.florida).unwrap().len(), 2);
    assert_eq!(w.db.stats().unwrap().meetings, 1);
    let err = w.db.delete(w.miami_talks).unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
    assert_clean(&w.db);
}

#[test]
fn invalid_records_change_nothing() {
    let w = world(Database::temporary().unwrap());
    let before = w.db.all::<Meeting>().unwrap();
    let twice = Meeting::new("talks")
        .with(Participant::new(w.witkoff))
        .with(Participant::new(w.witkoff));
    assert!(matches!(w.db.add(twice), Err(Error::Invalid(_))));
    let dangling = Meeting::new("talks").with(Participant::new(entrevue::ActorId::new(999)));
    assert!(matches!(w.db.add(dangling), Err(Error::Invalid(_))));
    // A place may not end up inside itself.
    let mut us = w.db.get(w.us_place).unwrap().unwrap();
    us.parent = Some(w.miami);
    assert!(matches!(
        w.db.update(w.us_place, us),
        Err(Error::Invalid(_))
    ));
    let bad_predicate = Relation::new(w.kushner, "Son In Law", w.witkoff);
    assert!(matches!(w.db.add(bad_predicate), Err(Error::Invalid(_))));
    // A transaction that fails half-way leaves nothing behind.
    let result = w.db.transaction(|tx| {
        tx.add(Actor::new(ActorKind::Person, "Marco Rubio"))?;
        tx.add(Meeting::new(" "))
    });
    assert!(result.is_err());
    assert!(w.db.find_actors("Marco Rubio").unwrap().is_empty());
    assert_eq!(w.db.all::<Meeting>().unwrap(), before);
    assert_eq!(w.db.stats().unwrap().actors, 7);
    assert_clean(&w.db);
}

#[test]
fn a_transaction_reads_its_own_writes() {
    let w = world(Database::temporary().unwrap());
    let rubio =
        w.db.transaction(|tx| {
            let rubio =
                tx.add(Actor::new(ActorKind::Person, "Marco Rubio").with_handle("rubio"))?;
            assert_eq!(tx.resolve_actor("marco rubio")?, rubio);
            assert_eq!(tx.by_handle::<Actor>("rubio")?, Some(rubio));
            let call = Meeting::new("call")
                .with(Participant::new(rubio))
                .with(Participant::new(w.witkoff));
            tx.add(call)?;
            Ok(rubio)
        })
        .unwrap();
    assert_eq!(w.db.meetings_of(rubio, None).unwrap().len(), 1);
    assert_clean(&w.db);
}

#[test]
fn names_resolve_with_suggestions_and_candidates() {
    let w = world(Database::temporary().unwrap());
    assert_eq!(w.db.resolve_actor("WITKOFF").unwrap(), w.witkoff);
    assert_eq!(w.db.resolve_actor("witkoff").unwrap(), w.witkoff);
    assert_eq!(w.db.resolve_place("floride").unwrap(), w.florida);
    assert_eq!(w.db.resolve_place("Etats Unis").unwrap(), w.us_place);
    // A handle works where no name matches.
    assert_eq!(w.db.resolve_actor("usa").unwrap(), w.usa);

    let err = w.db.resolve_actor("Witkof").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no actor named 'Witkof'; did you mean Witkoff (Steve Witkoff)?"
    );
    let err = w.db.resolve_actor("zzzzzz").unwrap_err();
    assert_eq!(err.to_string(), "no actor named 'zzzzzz'");

    w.db.add(
        Actor::new(ActorKind::Person, "Steve Witkoff Jr")
            .alias("Witkoff")
            .with_handle("junior"),
    )
    .unwrap();
    match w.db.resolve_actor("Witkoff").unwrap_err() {
        Error::Ambiguous { candidates, .. } => assert_eq!(
            candidates,
            [
                "Steve Witkoff (person, United States, #witkoff)",
                "Steve Witkoff Jr (person, #junior)"
            ]
        ),
        other => panic!("expected ambiguity, got {other}"),
    }
}

#[test]
fn date_filters_keep_each_date_at_its_precision() {
    let w = world(Database::temporary().unwrap());
    let of = |during: &str| w.db.meetings_of(w.witkoff, Some(&span(during))).unwrap();
    assert_eq!(of("2025-11"), [w.hallandale_talks]);
    assert_eq!(of("2025"), [w.hallandale_talks, w.miami_talks]);
    assert_eq!(of("2025-12-20"), [w.miami_talks]);
    assert!(
        of("2025-11-28..2025-11-30").is_empty(),
        "a month is not within three of its days"
    );
    assert_eq!(
        of("2025-11-01..2025-12-31"),
        [w.hallandale_talks, w.miami_talks]
    );
    assert!(of("2024").is_empty());
    // Undated meetings list last and never match a date filter.
    let undated =
        w.db.add(Meeting::new("call").with(Participant::new(w.witkoff)))
            .unwrap();
    assert_eq!(
        w.db.meetings_of(w.witkoff, None).unwrap(),
        [w.hallandale_talks, w.miami_talks, undated]
    );
    assert_eq!(of("2025"), [w.hallandale_talks, w.miami_talks]);
}

#[test]
fn relations_are_listed_for_both_ends() {
    let w = world(Database::temporary().unwrap());
    let rel =
        w.db.add(Relation::new(w.kushner, "son_in_law_of", w.witkoff))
            .unwrap();
    assert_eq!(w.db.relations_of(w.kushner).unwrap(), [rel]);
    assert_eq!(w.db.relations_of(w.witkoff).unwrap(), [rel]);
    assert!(w.db.relations_of(w.umerov).unwrap().is_empty());
    assert!(matches!(w.db.delete(w.kushner), Err(Error::InUse { .. })));
    w.db.delete(rel).unwrap();
    assert!(w.db.relations_of(w.witkoff).unwrap().is_empty());
    assert_clean(&w.db);
}

#[test]
fn a_high_degree_actor_spans_many_chunks_in_date_order() {
    let db = Database::temporary().unwrap();
    let hub = db.add(Actor::new(ActorKind::Person, "Hub")).unwrap();
    let other = db.add(Actor::new(ActorKind::Person, "Other")).unwrap();
    // Dates go backwards so every insert lands at the front of the list.
    let ids: Vec<_> = db
        .transaction(|tx| {
            (0..1500)
                .map(|i| {
                    let day = jiff_free_day(1500 - i);
                    tx.add(
                        Meeting::new("call")
                            .on(day)
                            .with(Participant::new(hub))
                            .with(Participant::new(other)),
                    )
                })
                .collect::<entrevue::Result<Vec<_>>>()
        })
        .unwrap();
    let listed = db.meetings_of(hub, None).unwrap();
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(listed, expected);
    for id in ids.iter().step_by(3) {
        db.delete(*id).unwrap();
    }
    assert_eq!(db.meetings_of(other, None).unwrap().len(), 1000);
    assert_clean(&db);
}

/// Day `n` counted from 2020-01-01, as a `DateSpan`.
fn jiff_free_day(n: i32) -> DateSpan {
    let (mut year, mut day) = (2020, n);
    loop {
        let len = if year % 4 == 0 { 366 } else { 365 };
        if day < len {
            break;
        }
        day -= len;
        year += 1;
    }
    let leap = year % 4 == 0;
    let months = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 0;
    while day >= months[month] {
        day -= months[month];
        month += 1;
    }
    DateSpan::day(year as i16, month as u8 + 1, day as u8 + 1).unwrap()
}
