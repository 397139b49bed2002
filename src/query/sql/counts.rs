//! Counts: the participants of the chosen meetings paired with an anchor, one row per actor.

use super::meetings::{conditions, counts, met, Ctes};
use super::{kind_of, where_clause, Dialect, Relation};
use crate::error::Result;
use crate::query::plan::{Column, PairCount, Pairing};

/// One row per actor paired with the anchor, of the projected columns.
pub(super) fn projected(
    count: &PairCount,
    columns: &[Column],
    dialect: Dialect,
) -> Result<Relation> {
    let mut ctes = Ctes::default();
    let conditions = conditions(&count.meetings, dialect, &mut ctes)?;
    // `ord`: the order in which the executor reads the meetings (its lists' order), which
    // is the order the words describing a count come in.
    ctes.add("chosen", format!(
            "SELECT m.id, m.handle, m.status, row_number() OVER (ORDER BY \
             COALESCE(m.first_day, m.before) IS NULL, COALESCE(m.first_day, m.before), m.id) AS ord\n\
             FROM meetings m{}",
            where_clause(&conditions)
        ),
    );
    ctes.add("pairs", pairs(count));
    let mut joins = Vec::new();
    let mut select = Vec::new();
    for (i, column) in columns.iter().enumerate() {
        let expr = value(column, dialect, &mut ctes, &mut joins);
        select.push(format!("{expr} AS c{i}"));
    }
    let body = format!(
        "SELECT {}, t.actor AS t0\n\
         FROM (SELECT actor, count(*) AS n FROM pairs GROUP BY actor) t{}",
        select.join(", "),
        joins.concat()
    );
    Ok(Relation {
        ctes: ctes.list,
        recursive: ctes.recursive,
        body,
        names: columns.iter().map(|c| c.name().to_string()).collect(),
        kinds: columns.iter().map(kind_of).collect(),
        // Counts are made in actor order.
        ties: vec!["t0"],
        notes: Vec::new(),
    })
}

/// Every (actor, meeting) the count counts, with what the participant was there.
fn pairs(count: &PairCount) -> String {
    let anchor = count.anchor.id.get();
    let any = count.any_certainty;
    let joins = match count.pairing {
        Pairing::OnSide => format!(
            "JOIN participation o ON o.meeting = c.id AND o.side = {anchor} AND {}",
            counts("o", any)
        ),
        pairing => {
            let paired = match pairing {
                Pairing::Counterparts => met("me", "o"),
                _ => "me.side = o.side".into(),
            };
            format!(
                "JOIN participation me ON me.meeting = c.id AND me.actor = {anchor} AND {}\n\
                 JOIN participation o ON o.meeting = c.id AND o.actor <> {anchor} AND {}\n  \
                 AND {paired}",
                counts("me", any),
                counts("o", any)
            )
        }
    };
    format!(
        "SELECT o.actor, c.id AS meeting, c.handle, c.status, c.ord, o.side, o.role, o.certainty\n\
         FROM chosen c\n{joins}"
    )
}

/// The SQL of one column of a count `t` (actor, n), adding the joins and CTEs it needs.
fn value(column: &Column, dialect: Dialect, ctes: &mut Ctes, joins: &mut Vec<String>) -> String {
    let mut join = |text: &str| {
        if !joins.iter().any(|j| j == text) {
            joins.push(text.to_string());
        }
    };
    let words = |word: &str, from: &str| {
        // Each word once, in the order first met.
        format!(
            "SELECT actor, {} AS words\n\
             FROM (SELECT actor, word, min(ord) AS ord\n      \
             FROM (SELECT p.actor, {word} AS word, p.ord FROM pairs p{from}) w\n      \
             WHERE word IS NOT NULL GROUP BY actor, word) f\n\
             GROUP BY actor",
            dialect.joined("word", "ord")
        )
    };
    match column {
        Column::Id => "t.actor".into(),
        Column::Count => "t.n".into(),
        Column::ActorName | Column::ActorHandle => {
            join("\n  JOIN actors a ON a.id = t.actor");
            match column {
                Column::ActorName => "a.name".into(),
                _ => "a.handle".into(),
            }
        }
        Column::Sides => {
            ctes.add("sides", words("s.name", " JOIN actors s ON s.id = p.side"));
            join("\n  LEFT JOIN sides ON sides.actor = t.actor");
            "sides.words".into()
        }
        Column::Roles => {
            ctes.add("roles", words("p.role", ""));
            join("\n  LEFT JOIN roles ON roles.actor = t.actor");
            "roles.words".into()
        }
        Column::Via => {
            // A meeting that did not occur says so wherever it is named.
            let word = "CASE WHEN p.status = 'occurred' THEN p.handle \
                        ELSE p.handle || ' (' || p.status || ')' END";
            ctes.add("via", words(word, ""));
            join("\n  LEFT JOIN via ON via.actor = t.actor");
            "via.words".into()
        }
        Column::Surest => {
            ctes.add(
                "surest",
                "SELECT actor, CASE min(CASE certainty WHEN 'confirmed' THEN 0 \
                 WHEN 'expected' THEN 1 ELSE 2 END)\n  \
                 WHEN 0 THEN 'confirmed' WHEN 1 THEN 'expected' ELSE 'possible' END AS word\n\
                 FROM pairs GROUP BY actor"
                    .into(),
            );
            join("\n  LEFT JOIN surest ON surest.actor = t.actor");
            "surest.word".into()
        }
        // Columns of meetings never reach a projection of counts.
        _ => "CAST(NULL AS STRING)".into(),
    }
}
