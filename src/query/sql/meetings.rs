//! Meetings: a scan and its filters as a WHERE clause over `meetings m`, and one row per
//! meeting.

use std::collections::BTreeSet;

use super::{cannot, id_list, kind_of, marked_name, where_clause, Dialect, Relation};
use crate::error::Result;
use crate::model::{DateSpan, PlaceId, Status};
use crate::query::plan::{Column, Meetings, Predicate, Scan};

/// Common table expressions gathered while a query is written.
#[derive(Default)]
pub(super) struct Ctes {
    pub list: Vec<(String, String)>,
    pub recursive: bool,
}

impl Ctes {
    pub(super) fn add(&mut self, name: &str, body: String) {
        if !self.list.iter().any(|(n, _)| n == name) {
            self.list.push((name.to_string(), body));
        }
    }
}

/// The conditions on `m` (a row of `meetings`) that keep the meetings of a scan that pass
/// its filters.
pub(super) fn conditions(
    meetings: &Meetings,
    dialect: Dialect,
    ctes: &mut Ctes,
) -> Result<Vec<String>> {
    if meetings.view.is_some() {
        return Err(cannot(
            "`as of` and `according to`",
            "a meeting seen through its sources takes the status and date of the latest report, \
             read from the quotes' `says` by rules of Entrevue's own",
        ));
    }
    let mut found = Vec::new();
    let during = match &meetings.scan {
        Scan::Actor(actor, during) => {
            found.push(format!(
                "m.id IN (SELECT meeting FROM participation WHERE actor = {})",
                actor.id.get()
            ));
            during
        }
        Scan::Places(place, inside, during) => {
            let ids = inside.iter().copied().collect();
            found.push(inside_place(place.id, &ids, dialect, ctes));
            during
        }
        Scan::All(during) => during,
    };
    if let Some(span) = during {
        found.push(within("m", span));
    }
    for filter in &meetings.filters {
        found.push(predicate(filter, dialect, ctes));
    }
    Ok(found)
}

/// The meeting `alias` lies wholly inside `span` (an undated meeting never does).
pub(super) fn within(alias: &str, span: &DateSpan) -> String {
    format!(
        "{alias}.first_day >= DATE '{}' AND {alias}.last_day <= DATE '{}'",
        span.first_day().iso(),
        span.last_day().iso()
    )
}

/// The meeting's status is one of these.
pub(super) fn status_in(alias: &str, statuses: &[Status]) -> String {
    let words: Vec<String> = statuses.iter().map(|s| format!("'{s}'")).collect();
    format!("{alias}.status IN ({})", words.join(", "))
}

/// The condition "the participant counts": confirmed, unless any certainty counts.
pub(super) fn counts(alias: &str, any_certainty: bool) -> String {
    match any_certainty {
        true => "TRUE".into(),
        false => format!("{alias}.certainty = 'confirmed'"),
    }
}

/// The two participants met: on different sides, or a side unknown.
pub(super) fn met(a: &str, b: &str) -> String {
    format!("({a}.side IS NULL OR {b}.side IS NULL OR {a}.side <> {b}.side)")
}

/// `m` was held at `place` or a place inside it: in DuckDB, the places found by a recursive
/// CTE over `places`; in Spark SQL (no recursive CTE), the places the binder found.
pub(super) fn inside_place(
    place: PlaceId,
    inside: &BTreeSet<PlaceId>,
    dialect: Dialect,
    ctes: &mut Ctes,
) -> String {
    match dialect {
        Dialect::DuckDb => {
            let name = format!("inside_{}", place.get());
            let body = format!(
                "SELECT id FROM places WHERE id = {}\n\
                 UNION ALL\n\
                 SELECT p.id FROM places p JOIN {name} i ON p.parent = i.id",
                place.get()
            );
            ctes.add(&name, body);
            ctes.recursive = true;
            format!("m.place IN (SELECT id FROM {name})")
        }
        Dialect::Spark => format!("m.place IN ({})", id_list(inside.iter().map(|p| p.get()))),
    }
}

fn predicate(filter: &Predicate, dialect: Dialect, ctes: &mut Ctes) -> String {
    match filter {
        Predicate::Status(statuses) => status_in("m", statuses),
        Predicate::Inside(place, inside) => inside_place(place.id, inside, dialect, ctes),
        Predicate::Attended(actor, any) => format!(
            "m.id IN (SELECT p.meeting FROM participation p WHERE p.actor = {} AND {})",
            actor.id.get(),
            counts("p", *any)
        ),
        Predicate::Met(a, b, any) if a.id != b.id => format!(
            "m.id IN (SELECT a.meeting FROM participation a JOIN participation b \
             ON b.meeting = a.meeting\n    WHERE a.actor = {} AND b.actor = {} AND {} AND {} AND {})",
            a.id.get(),
            b.id.get(),
            counts("a", *any),
            counts("b", *any),
            met("a", "b")
        ),
        // No one meets oneself.
        Predicate::Met(..) => "FALSE".into(),
        Predicate::MinParticipants(n) => format!(
            "m.id IN (SELECT meeting FROM participation WHERE certainty = 'confirmed' \
             GROUP BY meeting HAVING count(*) >= {n})"
        ),
        Predicate::MinSources(n) => format!(
            "m.id IN (SELECT record FROM sources WHERE record_kind = 'meeting' \
             GROUP BY record HAVING count(DISTINCT document) >= {n})"
        ),
    }
}

/// The date columns every row of a meeting carries: its printed date (or the bound of an
/// undated one), and the sort keys of that date and of the meeting's place in its lists.
pub(super) fn date_keys(alias: &str) -> String {
    format!(
        "COALESCE({alias}.first_day, {alias}.before) AS k_first, \
         COALESCE({alias}.last_day, {alias}.before) AS k_last,\n  \
         CASE WHEN {alias}.first_day IS NULL AND {alias}.before IS NOT NULL THEN 2 \
         WHEN {alias}.date LIKE '~%' THEN 1 ELSE 0 END AS k_shape"
    )
}

/// One row per meeting, of the projected columns.
pub(super) fn projected(
    meetings: &Meetings,
    columns: &[Column],
    dialect: Dialect,
) -> Result<Relation> {
    let mut ctes = Ctes::default();
    let conditions = conditions(meetings, dialect, &mut ctes)?;
    let mut joins = Vec::new();
    let mut select = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        let expr = value(column, dialect, &mut ctes, &mut joins);
        select.push(format!("{expr} AS c{i}"));
    }
    let body = format!(
        "SELECT {},\n  {}, m.id AS t0\nFROM meetings m{}{}",
        select.join(", "),
        date_keys("m"),
        joins.concat(),
        where_clause(&conditions),
    );
    Ok(Relation {
        ctes: ctes.list,
        recursive: ctes.recursive,
        body,
        names: columns.iter().map(|c| c.name().to_string()).collect(),
        kinds: columns.iter().map(kind_of).collect(),
        // Lists give meetings by first day (a bounded one at its bound, undated last), then id.
        ties: vec!["k_first IS NULL", "k_first", "t0"],
        notes: Vec::new(),
    })
}

/// The SQL of one column of a meeting `m`, adding the joins and CTEs it needs.
fn value(column: &Column, dialect: Dialect, ctes: &mut Ctes, joins: &mut Vec<String>) -> String {
    let mut join = |text: String| {
        if !joins.contains(&text) {
            joins.push(text);
        }
    };
    match column {
        Column::Id => "m.id".into(),
        Column::MeetingHandle => "m.handle".into(),
        Column::Kind => "m.kind".into(),
        Column::Status => "m.status".into(),
        Column::Date => "COALESCE(m.date, 'before ' || CAST(m.before AS STRING))".into(),
        Column::PlaceName => {
            join("\n  LEFT JOIN places pl ON pl.id = m.place".into());
            "pl.name".into()
        }
        Column::Participants => {
            ctes.add("cast_all", cast(dialect, None));
            join("\n  LEFT JOIN cast_all ON cast_all.meeting = m.id".into());
            "cast_all.names".into()
        }
        Column::OthersThan(actor) => {
            ctes.add("cast_others", cast(dialect, Some(actor.get())));
            join("\n  LEFT JOIN cast_others ON cast_others.meeting = m.id".into());
            "cast_others.names".into()
        }
        Column::SideOf(actor) | Column::RoleOf(actor) | Column::CertaintyOf(actor) => {
            join(format!(
                "\n  LEFT JOIN participation me ON me.meeting = m.id AND me.actor = {}",
                actor.get()
            ));
            match column {
                Column::SideOf(_) => {
                    join("\n  LEFT JOIN actors side ON side.id = me.side".into());
                    "side.name".into()
                }
                Column::RoleOf(_) => "me.role".into(),
                _ => "me.certainty".into(),
            }
        }
        Column::Sources => {
            ctes.add(
                "reports",
                "SELECT record, count(DISTINCT document) AS n FROM sources \
                 WHERE record_kind = 'meeting' GROUP BY record"
                    .into(),
            );
            join("\n  LEFT JOIN reports ON reports.record = m.id".into());
            "COALESCE(reports.n, 0)".into()
        }
        // Columns of counts never reach a projection of meetings.
        Column::ActorName
        | Column::ActorHandle
        | Column::Count
        | Column::Sides
        | Column::Roles
        | Column::Surest
        | Column::Via => "CAST(NULL AS STRING)".into(),
    }
}

/// The participants of each meeting as a list shows them (all, or all but one actor).
fn cast(dialect: Dialect, but: Option<u64>) -> String {
    let filter = but
        .map(|id| format!("\nWHERE p.actor <> {id}"))
        .unwrap_or_default();
    format!(
        "SELECT p.meeting, {} AS names\n\
         FROM participation p JOIN actors a ON a.id = p.actor{filter}\n\
         GROUP BY p.meeting",
        dialect.joined(&marked_name("a", "p"), "p.position")
    )
}
