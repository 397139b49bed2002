//! `path from A to B`: a breadth-first search written out level by level, up to the hop
//! limit, then one shortest chain walked back from B.
//!
//! Neither engine needs a recursive CTE for it: the levels are as many CTEs as the plan allows
//! hops, each the actors first reached at that distance (none once B is reached). Of the
//! shortest chains, the query takes, walking back from B, the lowest actor id at each step,
//! and for each step the meeting with the lowest id. Entrevue's bidirectional search takes
//! the first chain its two frontiers meet on: the same length and ends, not always the same
//! actors between or meetings.

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
    let mut ctes = Ctes::default();
    let edges = edges(search, dialect, &mut ctes);
    ctes.add("edges", edges);
    ctes.add("level0", format!("SELECT {from} AS actor"));
    ctes.add("seen0", "SELECT actor FROM level0".into());
    let hops = search.max_hops;
    for k in 1..=hops {
        let before = k - 1;
        ctes.add(
            &format!("level{k}"),
            format!(
                "SELECT DISTINCT e.dst AS actor FROM level{before} l JOIN edges e ON e.src = l.actor\n\
                 WHERE e.dst NOT IN (SELECT actor FROM seen{before})\n  \
                 AND {to} NOT IN (SELECT actor FROM seen{before})"
            ),
        );
        ctes.add(
            &format!("seen{k}"),
            format!("SELECT actor FROM seen{before} UNION ALL SELECT actor FROM level{k}"),
        );
    }
    let levels: Vec<String> = (0..=hops)
        .map(|k| format!("SELECT actor, {k} AS hop FROM level{k}"))
        .collect();
    ctes.add("levels", levels.join("\nUNION ALL\n"));
    ctes.add(
        "back0",
        format!(
            "SELECT {to} AS actor, min(hop) AS hop FROM levels WHERE actor = {to} HAVING min(hop) > 0"
        ),
    );
    for k in 1..=hops {
        ctes.add(
            &format!("back{k}"),
            format!(
                "SELECT min(e.src) AS actor, b.hop - 1 AS hop\n\
                 FROM back{} b JOIN edges e ON e.dst = b.actor\n  \
                 JOIN levels l ON l.actor = e.src AND l.hop = b.hop - 1\n\
                 GROUP BY b.hop",
                k - 1
            ),
        );
    }
    let steps: Vec<String> = (1..=hops)
        .map(|k| {
            format!(
                "SELECT b.hop AS step, p.actor AS src, b.actor AS dst FROM back{} b CROSS JOIN back{k} p",
                k - 1
            )
        })
        .collect();
    ctes.add("steps", steps.join("\nUNION ALL\n"));
    ctes.add(
        "linked",
        "SELECT s.step, s.src, s.dst, min(e.meeting) AS meeting\n\
         FROM steps s JOIN edges e ON e.src = s.src AND e.dst = s.dst\n\
         GROUP BY s.step, s.src, s.dst"
            .into(),
    );
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
