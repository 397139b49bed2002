//! Random sequences of adds, corrections and deletes leave `check()` clean and agree with a
//! plain in-memory model of the same records.

use std::collections::BTreeMap;

use entrevue::{
    fold_name, Actor, ActorId, ActorKind, Database, DateSpan, Error, Meeting, MeetingId,
    Participant, Place, PlaceId, PlaceKind, Relation, Status,
};
use proptest::prelude::*;

const NAMES: [&str; 5] = ["Witkoff", "Umerov", "Oumerov", "Dmitriev", "Zelenskí"];

#[derive(Clone, Debug)]
enum Op {
    AddActor {
        name: usize,
        alias: Option<usize>,
        affiliation: Option<usize>,
    },
    RenameActor {
        actor: usize,
        alias: Option<usize>,
    },
    DeleteActor {
        actor: usize,
    },
    AddPlace {
        parent: Option<usize>,
    },
    DeletePlace {
        place: usize,
    },
    AddMeeting {
        people: Vec<(usize, Option<usize>)>,
        place: Option<usize>,
        date: Option<(u16, u8)>,
        status: usize,
    },
    CorrectMeeting {
        meeting: usize,
        people: Vec<(usize, Option<usize>)>,
        place: Option<usize>,
        date: Option<(u16, u8)>,
    },
    DeleteMeeting {
        meeting: usize,
    },
    AddRelation {
        subject: usize,
        object: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let people = proptest::collection::vec((0usize..8, proptest::option::of(0usize..8)), 0..4);
    let date = proptest::option::of((0u16..400, 0u8..3));
    prop_oneof![
        3 => (0..NAMES.len(), proptest::option::of(0..NAMES.len()), proptest::option::of(0usize..8))
            .prop_map(|(name, alias, affiliation)| Op::AddActor { name, alias, affiliation }),
        1 => (0usize..8, proptest::option::of(0..NAMES.len())).prop_map(|(actor, alias)| Op::RenameActor { actor, alias }),
        1 => (0usize..8).prop_map(|actor| Op::DeleteActor { actor }),
        2 => proptest::option::of(0usize..6).prop_map(|parent| Op::AddPlace { parent }),
        1 => (0usize..6).prop_map(|place| Op::DeletePlace { place }),
        4 => (people.clone(), proptest::option::of(0usize..6), date.clone(), 0usize..6)
            .prop_map(|(people, place, date, status)| Op::AddMeeting { people, place, date, status }),
        2 => (0usize..10, people, proptest::option::of(0usize..6), date)
            .prop_map(|(meeting, people, place, date)| Op::CorrectMeeting { meeting, people, place, date }),
        1 => (0usize..10).prop_map(|meeting| Op::DeleteMeeting { meeting }),
        1 => (0usize..8, 0usize..8).prop_map(|(subject, object)| Op::AddRelation { subject, object }),
    ]
}

#[derive(Default)]
struct Model {
    actors: BTreeMap<ActorId, Actor>,
    places: BTreeMap<PlaceId, Place>,
    meetings: BTreeMap<MeetingId, Meeting>,
    relations: Vec<Relation>,
}

fn pick<K: Copy, V>(map: &BTreeMap<K, V>, i: usize) -> Option<K> {
    map.keys().nth(i.checked_rem(map.len())?).copied()
}

fn date(d: Option<(u16, u8)>) -> Option<DateSpan> {
    let (n, precision) = d?;
    let (year, month, day) = (
        2024 + (n / 200) as i16,
        1 + (n % 12) as u8,
        1 + (n % 28) as u8,
    );
    Some(match precision {
        0 => DateSpan::day(year, month, day).unwrap(),
        1 => DateSpan::month(year, month).unwrap(),
        _ => DateSpan::year(year).unwrap(),
    })
}

impl Model {
    fn participants(&self, people: &[(usize, Option<usize>)]) -> Vec<Participant> {
        let mut out: Vec<Participant> = Vec::new();
        for &(who, side) in people {
            let Some(actor) = pick(&self.actors, who) else {
                continue;
            };
            if out.iter().any(|p| p.actor == actor) {
                continue;
            }
            let mut p = Participant::new(actor);
            p.side = side.and_then(|s| pick(&self.actors, s));
            out.push(p);
        }
        out
    }

    fn actor_in_use(&self, id: ActorId) -> bool {
        self.meetings.values().any(|m| {
            m.participants
                .iter()
                .any(|p| p.actor == id || p.side == Some(id))
        }) || self
            .relations
            .iter()
            .any(|r| r.subject == id || r.object == id)
            || self.actors.values().any(|a| a.affiliation == Some(id))
    }

    fn place_in_use(&self, id: PlaceId) -> bool {
        self.meetings.values().any(|m| m.place == Some(id))
            || self.places.values().any(|p| p.parent == Some(id))
    }

    fn inside(&self, place: PlaceId) -> Vec<PlaceId> {
        let mut found = vec![place];
        let mut i = 0;
        while i < found.len() {
            let parent = found[i];
            found.extend(
                self.places
                    .iter()
                    .filter(|(_, p)| p.parent == Some(parent))
                    .map(|(id, _)| *id),
            );
            i += 1;
        }
        found
    }

    /// Meetings in date order: first day, then id; undated last.
    fn in_date_order(&self, keep: impl Fn(&Meeting) -> bool) -> Vec<MeetingId> {
        let mut ids: Vec<(Option<i32>, MeetingId)> = self
            .meetings
            .iter()
            .filter(|(_, m)| keep(m))
            .map(|(id, m)| (m.date.map(|d| d.first_day().0), *id))
            .collect();
        ids.sort_by_key(|(day, id)| (day.is_none(), *day, *id));
        ids.into_iter().map(|(_, id)| id).collect()
    }
}

fn apply(db: &Database, model: &mut Model, op: Op) {
    match op {
        Op::AddActor {
            name,
            alias,
            affiliation,
        } => {
            let mut actor = Actor::new(ActorKind::Person, NAMES[name]);
            actor.aliases.extend(alias.map(|a| NAMES[a].to_string()));
            actor.affiliation = affiliation.and_then(|a| pick(&model.actors, a));
            let id = db.add(actor.clone()).unwrap();
            actor.handle = format!("a{}", id.get());
            model.actors.insert(id, actor);
        }
        Op::RenameActor { actor, alias } => {
            let Some(id) = pick(&model.actors, actor) else {
                return;
            };
            let mut record = model.actors[&id].clone();
            record.aliases = alias.map(|a| NAMES[a].to_string()).into_iter().collect();
            db.update(id, record.clone()).unwrap();
            model.actors.insert(id, record);
        }
        Op::DeleteActor { actor } => {
            let Some(id) = pick(&model.actors, actor) else {
                return;
            };
            match db.delete(id) {
                Ok(()) => {
                    assert!(!model.actor_in_use(id), "deleted an actor still in use");
                    model.actors.remove(&id);
                }
                Err(Error::InUse { .. }) => {
                    assert!(model.actor_in_use(id), "refused to delete an unused actor")
                }
                Err(e) => panic!("{e}"),
            }
        }
        Op::AddPlace { parent } => {
            let mut place = Place::new(PlaceKind::City, "Miami");
            place.parent = parent.and_then(|p| pick(&model.places, p));
            let id = db.add(place.clone()).unwrap();
            place.handle = format!("p{}", id.get());
            model.places.insert(id, place);
        }
        Op::DeletePlace { place } => {
            let Some(id) = pick(&model.places, place) else {
                return;
            };
            match db.delete(id) {
                Ok(()) => {
                    assert!(!model.place_in_use(id));
                    model.places.remove(&id);
                }
                Err(Error::InUse { .. }) => assert!(model.place_in_use(id)),
                Err(e) => panic!("{e}"),
            }
        }
        Op::AddMeeting {
            people,
            place,
            date: d,
            status,
        } => {
            let mut meeting = Meeting::new("talks");
            meeting.participants = model.participants(&people);
            meeting.place = place.and_then(|p| pick(&model.places, p));
            meeting.date = date(d);
            meeting.status = Status::ALL[status];
            let id = db.add(meeting.clone()).unwrap();
            meeting.handle = format!("m{}", id.get());
            model.meetings.insert(id, meeting);
        }
        Op::CorrectMeeting {
            meeting,
            people,
            place,
            date: d,
        } => {
            let Some(id) = pick(&model.meetings, meeting) else {
                return;
            };
            let mut record = model.meetings[&id].clone();
            record.participants = model.participants(&people);
            record.place = place.and_then(|p| pick(&model.places, p));
            record.date = date(d);
            db.update(id, record.clone()).unwrap();
            model.meetings.insert(id, record);
        }
        Op::DeleteMeeting { meeting } => {
            let Some(id) = pick(&model.meetings, meeting) else {
                return;
            };
            db.delete(id).unwrap();
            model.meetings.remove(&id);
        }
        Op::AddRelation { subject, object } => {
            let (Some(s), Some(o)) = (pick(&model.actors, subject), pick(&model.actors, object))
            else {
                return;
            };
            if s == o {
                return;
            }
            let relation = Relation::new(s, "envoy_of", o);
            db.add(relation.clone()).unwrap();
            model.relations.push(relation);
        }
    }
}

fn agree(db: &Database, model: &Model) {
    let report = db.check().unwrap();
    assert!(report.is_clean(), "{report}");
    let actors: BTreeMap<_, _> = db.all::<Actor>().unwrap().into_iter().collect();
    assert_eq!(actors, model.actors);
    let places: BTreeMap<_, _> = db.all::<Place>().unwrap().into_iter().collect();
    assert_eq!(places, model.places);
    let meetings: BTreeMap<_, _> = db.all::<Meeting>().unwrap().into_iter().collect();
    assert_eq!(meetings, model.meetings);
    assert_eq!(
        db.stats().unwrap().relations as usize,
        model.relations.len()
    );
    for &id in model.actors.keys() {
        let want = model.in_date_order(|m| m.participant(id).is_some());
        assert_eq!(db.meetings_of(id, None).unwrap(), want);
        let during: DateSpan = "2024".parse().unwrap();
        let want = model.in_date_order(|m| {
            m.participant(id).is_some() && m.date.is_some_and(|d| d.within(&during))
        });
        assert_eq!(db.meetings_of(id, Some(&during)).unwrap(), want);
    }
    for &id in model.places.keys() {
        let inside = model.inside(id);
        let want = model.in_date_order(|m| m.place.is_some_and(|p| inside.contains(&p)));
        assert_eq!(db.meetings_in(id, None).unwrap(), want);
    }
    for name in NAMES {
        let want: Vec<ActorId> = model
            .actors
            .iter()
            .filter(|(_, a)| a.names().any(|n| fold_name(n) == fold_name(name)))
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(db.find_actors(name).unwrap(), want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn random_writes_agree_with_a_model(ops in proptest::collection::vec(op(), 1..60)) {
        let db = Database::temporary().unwrap();
        let mut model = Model::default();
        for (i, op) in ops.into_iter().enumerate() {
            apply(&db, &mut model, op);
            if i % 10 == 0 {
                agree(&db, &model);
            }
        }
        agree(&db, &model);
    }
}
