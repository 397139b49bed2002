//! `path from A to B`: a breadth-first search written out level by level, up to the hop
//! limit, each actor reached carrying the chain that reached it.
//!
//! Neither engine needs a recursive CTE for it. `reach{k}` holds every actor within k hops,
//! each once, with its distance and the chain from A to it: the actor and the meeting of each
//! step, as columns `a1`, `m1`, … up to the hop limit. An actor first reached at level k
//! takes, of the actors of level k − 1 that met it, the lowest id, and of their meetings the
//! lowest id — which is, walking back from B, the lowest actor id at each step. Entrevue's
//! bidirectional search takes the first chain its two frontiers meet on: the same length and
//! ends, not always the same actors between or meetings.
//!
//! Each level reads the level before it once, and nothing else reads a level: an engine that
//! writes a common table expression into every place that names it (Spark SQL does) would
//! otherwise plan a copy of the levels below for each reference, a plan that doubles with
//! every hop. So a level is one pass over the level before: each row as it was, and each
//! edge of its frontier as a step, the first row of each actor kept; the search stops growing
//! once B is reached.

use super::meetings::{inside_place, met, status_in, within, Ctes};
use super::{cannot, Dialect, Kind, Relation};
use crate::error::Result;
use crate::model::Status;
use crate::query::plan::{PathSearch, PATH_COLUMNS};

/// The rows of the chain, one per step.
pub(super) fn chain(search: &PathSearch, dialect: Dialect) -> Result<Relation> {
    if search.time_order {
        return Err(cannot(
            "`path … in time order`",
            "its search goes over (actor, earliest next day) states, compared at each date's \
             precision",
        ));
    }
    let (from, to) = (search.from.id.get(), search.to.id.get());
    let hops = search.max_hops;
    let mut ctes = Ctes::default();
    let edges = edges(search, dialect, &mut ctes);
    ctes.add("edges", edges);
    ctes.add("reach0", start(from, to, hops));
    for k in 1..=hops {
        ctes.add(&format!("reach{k}"), level(k, to, hops, dialect));
    }
    ctes.add("linked", steps(from, to, hops));
    let body = "SELECT s.step AS c0, fa.name AS c1, ta.name AS c2, m.handle AS c3,\n  \
        CASE WHEN m.first_day IS NOT NULL THEN m.date END AS c4, m.status AS c5, pl.name AS c6,\n  \
        m.first_day AS k_first, m.last_day AS k_last, \
        CASE WHEN m.date LIKE '~%' THEN 1 ELSE 0 END AS k_shape, s.step AS t0\n\
        FROM linked s JOIN actors fa ON fa.id = s.src JOIN actors ta ON ta.id = s.dst\n  \
        JOIN meetings m ON m.id = s.meeting LEFT JOIN places pl ON pl.id = m.place"
        .to_string();
    Ok(Relation {
        ctes: ctes.list,
        recursive: ctes.recursive,
        body,
        names: PATH_COLUMNS.iter().map(|c| c.to_string()).collect(),
        kinds: vec![
            Kind::Int,
            Kind::Text,
            Kind::Text,
            Kind::Text,
            Kind::Date,
            Kind::Text,
            Kind::Text,
        ],
        ties: vec!["t0"],
        notes: vec![
            "One shortest chain: walking back from the last actor, the lowest actor id at each"
                .into(),
            "step and the lowest meeting id; Entrevue may give another chain of the same length."
                .into(),
        ],
    })
}

/// The chain columns: `a{j}`, the actor reached at step j, and `m{j}`, its meeting.
fn chain_columns(hops: usize) -> impl Iterator<Item = String> {
    (1..=hops).flat_map(|j| [format!("a{j}"), format!("m{j}")])
}

/// Level 0: A alone, with an empty chain; `found` says whether B is among the actors.
fn start(from: u64, to: u64, hops: usize) -> String {
    let found = u8::from(from == to);
    let empty: Vec<String> = chain_columns(hops)
        .map(|c| format!("CAST(NULL AS BIGINT) AS {c}"))
        .collect();
    format!(
        "SELECT {from} AS actor, 0 AS hop, {found} AS found, {}",
        empty.join(", ")
    )
}

/// Level k from level k − 1, read once: each of its rows as it was, and for each actor of
/// its frontier (while B is not reached) each meeting with another actor as a step to that
/// actor, its chain extended; of each actor's rows the nearest, then the one from the lowest
/// previous actor and meeting (the least record of those fields, which an aggregate finds
/// without sorting).
fn level(k: usize, to: u64, hops: usize, dialect: Dialect) -> String {
    let before = k - 1;
    let carried: Vec<String> = chain_columns(hops)
        .map(|c| {
            let step = if c == format!("a{k}") {
                "e.dst"
            } else if c == format!("m{k}") {
                "e.meeting"
            } else {
                return format!("r.{c}");
            };
            format!("CASE WHEN t.is_step = 1 THEN {step} ELSE r.{c} END AS {c}")
        })
        .collect();
    let ranked: Vec<String> = ["hop", "via_actor", "via_meeting"]
        .into_iter()
        .map(String::from)
        .chain(chain_columns(hops))
        .collect();
    let kept: Vec<String> = std::iter::once("hop".to_string())
        .chain(chain_columns(hops))
        .map(|c| format!("best.{c} AS {c}"))
        .collect();
    format!(
        "SELECT actor, {kept},\n  max(CASE WHEN actor = {to} THEN 1 ELSE 0 END) OVER () AS found\n\
         FROM (\n\
         SELECT actor, min({record}) AS best\n\
         FROM (\n\
         SELECT CASE WHEN t.is_step = 1 THEN e.dst ELSE r.actor END AS actor,\n  \
         CASE WHEN t.is_step = 1 THEN {k} ELSE r.hop END AS hop,\n  \
         r.actor AS via_actor, e.meeting AS via_meeting,\n  {carried}\n\
         FROM reach{before} r\n  \
         CROSS JOIN (SELECT 0 AS is_step UNION ALL SELECT 1) t\n  \
         LEFT JOIN edges e ON t.is_step = 1 AND e.src = r.actor AND r.hop = {before} AND r.found = 0\n\
         WHERE t.is_step = 0 OR e.dst IS NOT NULL\n\
         ) candidates\n\
         GROUP BY actor\n\
         ) ranked",
        kept = kept.join(", "),
        record = dialect.record(&ranked),
        carried = carried.join(",\n  "),
    )
}

/// The steps of B's chain, one row each: (step, src, dst, meeting); none when B is A or
/// was not reached.
fn steps(from: u64, to: u64, hops: usize) -> String {
    let pick = |column: &dyn Fn(usize) -> String| {
        let arms: Vec<String> = (1..=hops)
            .map(|j| format!("WHEN {j} THEN {}", column(j)))
            .collect();
        format!("CASE n.step {} END", arms.join(" "))
    };
    let src = pick(&|j| match j {
        1 => from.to_string(),
        _ => format!("f.a{}", j - 1),
    });
    let dst = pick(&|j| format!("f.a{j}"));
    let meeting = pick(&|j| format!("f.m{j}"));
    let numbers: Vec<String> = (1..=hops).map(|j| format!("SELECT {j} AS step")).collect();
    format!(
        "SELECT n.step, {src} AS src,\n  {dst} AS dst,\n  {meeting} AS meeting\n\
         FROM reach{hops} f CROSS JOIN ({}) n\n\
         WHERE f.actor = {to} AND f.hop > 0 AND n.step <= f.hop",
        numbers.join(" UNION ALL ")
    )
}

/// Who met whom at which meeting, both ways: the bundle's `met` table when the search counts
/// what it counts (occurred meetings, confirmed participants, anywhere, any time); else
/// worked out from the participants of the meetings the search counts.
fn edges(search: &PathSearch, dialect: Dialect, ctes: &mut Ctes) -> String {
    let counted = &search.counted;
    let plain = counted.statuses == [Status::Occurred]
        && !counted.any_certainty
        && search.inside.is_none()
        && search.during.is_none();
    if plain {
        return "SELECT src, dst, meeting FROM met".into();
    }
    let mut conditions = vec![status_in("m", &counted.statuses)];
    if let Some((place, inside)) = &search.inside {
        conditions.push(inside_place(place.id, inside, dialect, ctes));
    }
    if let Some(span) = &search.during {
        conditions.push(within("m", span));
    }
    if !counted.any_certainty {
        conditions.push("a.certainty = 'confirmed' AND b.certainty = 'confirmed'".into());
    }
    conditions.push(met("a", "b"));
    format!(
        "SELECT a.actor AS src, b.actor AS dst, m.id AS meeting\n\
         FROM meetings m JOIN participation a ON a.meeting = m.id\n  \
         JOIN participation b ON b.meeting = m.id AND b.actor <> a.actor\n\
         WHERE {}",
        conditions.join("\n  AND ")
    )
}
