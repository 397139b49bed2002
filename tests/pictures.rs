//! Pictures of answers: every meeting of a timeline drawn once with its date, status and
//! precision; the network's nodes and edges agree with `who met`'s counts; a path's steps in
//! order; text escaped; the same answer the same bytes; through the library and the binary.

mod common;

use assert_cmd::Command;
use common::demo;
use entrevue::picture::{self, PictureFormat, PictureOptions};
use entrevue::{
    Actor, ActorKind, Database, DateSpan, Document, Meeting, Participant, Rows, SourceRef, Value,
};

mod crowd;

fn draw(db: &Database, question: &str, format: PictureFormat) -> (Rows, String) {
    let rows = db.query(question).unwrap();
    let picture = db
        .picture(&rows, format, &PictureOptions::default())
        .unwrap();
    (rows, picture)
}

/// The text is well-formed XML (an SVG, or an HTML page written as XHTML would be).
fn assert_well_formed(text: &str) {
    let mut reader = quick_xml::Reader::from_str(text.trim_start_matches("<!DOCTYPE html>"));
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "not well-formed at {}: {e}\n{text}",
                reader.buffer_position()
            ),
        }
    }
}

/// The element group of one meeting: from its opening tag to the end of its line.
fn group<'a>(svg: &'a str, handle: &str) -> &'a str {
    let at = svg
        .find(&format!("data-meeting=\"{handle}\""))
        .unwrap_or_else(|| panic!("meeting {handle} missing"));
    let start = svg[..at].rfind("<g ").unwrap();
    let end = start + svg[start..].find("\n").unwrap();
    &svg[start..end]
}

fn text_column(rows: &Rows, name: &str) -> Vec<String> {
    rows.values(name).iter().map(|v| v.to_string()).collect()
}

#[test]
fn a_timeline_draws_each_meeting_once_with_its_date_status_and_precision() {
    let db = demo();
    let (rows, svg) = draw(&db, "timeline of Umerov", PictureFormat::Svg);
    assert_well_formed(&svg);
    assert!(svg.starts_with("<svg "), "{svg}");
    let meetings = text_column(&rows, "meeting");
    assert!(meetings.len() >= 4);
    let dates = rows.values("date");
    let statuses = text_column(&rows, "status");
    for ((handle, date), status) in meetings.iter().zip(dates).zip(&statuses) {
        assert_eq!(
            svg.matches(&format!("data-meeting=\"{handle}\"")).count(),
            1,
            "{handle} drawn once"
        );
        let g = group(&svg, handle);
        let date_text = date.to_string();
        assert!(g.contains(&format!("status-{status}")), "{g}");
        assert!(g.contains(&format!(">{date_text}</text>")), "{g}");
        assert!(g.contains("<title>"), "{g}");
        let Value::Date(date) = date else {
            assert!(g.contains("precision-undated"), "{g}");
            continue;
        };
        // A day is a point; a month or a range a bar across it; approximate, soft edges.
        match date.precision() {
            entrevue::Precision::Day => assert!(g.contains("<circle class=\"mark\""), "{g}"),
            _ => assert!(g.contains("<rect class=\"mark\""), "{g}"),
        }
        assert_eq!(date.is_approximate(), g.contains("class=\"soft\""), "{g}");
        assert_eq!(date.is_approximate(), g.contains(" approximate\""), "{g}");
    }
    // The demo's m01 is "~2025-11-24..2025-11-30"; m05 is planned, with expected participants.
    assert!(group(&svg, "m01").contains("precision-range approximate"));
    let planned = group(&svg, "m05");
    assert!(planned.contains("status-planned"), "{planned}");
    assert!(planned.contains("lane-mark uncertain"), "{planned}");
    // Every lane is labelled, and the legend says what the looks mean.
    assert!(svg.contains(">Rustem Umerov</text>"));
    for word in [
        "planned",
        "possible participant",
        "ruled out",
        "approximate",
    ] {
        assert!(svg.contains(word), "legend lacks {word}");
    }
    // Hovering shows what the sources say.
    assert!(group(&svg, "m02").contains("“"), "{}", group(&svg, "m02"));
}

#[test]
fn the_same_answer_is_the_same_bytes() {
    let db = demo();
    for question in [
        "timeline of Umerov",
        "who met Witkoff",
        "path from Bessent to Hnatov",
    ] {
        for format in [PictureFormat::Svg, PictureFormat::Html, PictureFormat::Dot] {
            let (_, first) = draw(&db, question, format);
            let (_, again) = draw(&db, question, format);
            assert_eq!(first, again, "{question} {format:?}");
        }
    }
}

#[test]
fn a_network_has_the_asked_actor_its_counterparts_and_their_meetings() {
    let db = demo();
    let (rows, svg) = draw(&db, "who met Witkoff", PictureFormat::Svg);
    assert_well_formed(&svg);
    let handles = text_column(&rows, "handle");
    assert_eq!(svg.matches("<g class=\"node").count(), handles.len() + 1);
    assert!(svg.contains("<g class=\"node centre\" data-actor=\"witkoff\">"));
    for (handle, count) in handles.iter().zip(rows.values("meetings")) {
        assert_eq!(
            svg.matches(&format!("data-actor=\"{handle}\"")).count(),
            1,
            "{handle}"
        );
        // The edge from the centre counts the meetings `who met` counts.
        let edge = format!(
            "<g class=\"edge met\" data-from=\"witkoff\" data-to=\"{handle}\" data-meetings=\"{count}\">"
        );
        assert!(svg.contains(&edge), "{edge} missing in\n{svg}");
    }
    // Thicker for more meetings: Dmitriev (2) against Putin (1).
    let width = |handle: &str| {
        let at = svg.find(&format!("data-to=\"{handle}\"")).expect("an edge");
        let rest = &svg[at..];
        let w = rest.find("stroke-width=\"").unwrap() + 14;
        rest[w..w + rest[w..].find('"').unwrap()]
            .parse::<f64>()
            .unwrap()
    };
    assert!(width("dmitriev") > width("putin"));
    // "Together" ties are dashed (a class of their own), on the same side.
    let (_, with) = draw(&db, "who was with Witkoff", PictureFormat::Svg);
    assert!(with.contains("<g class=\"edge together\""), "{with}");
    assert!(with.contains(".edge.together{stroke:#009e73;stroke-dasharray"));
}

#[test]
fn a_network_in_dot_names_nodes_by_handle() {
    let db = demo();
    let (_, dot) = draw(&db, "who met Witkoff", PictureFormat::Dot);
    assert!(dot.starts_with("graph entrevue {"));
    assert!(
        dot.contains("\"witkoff\" [label=\"Steve Witkoff\""),
        "{dot}"
    );
    assert!(
        dot.contains("\"witkoff\" -- \"dmitriev\" [style=solid, penwidth=3"),
        "{dot}"
    );
}

#[test]
fn a_path_draws_its_steps_in_order() {
    let db = demo();
    let (rows, svg) = draw(&db, "path from Bessent to Hnatov", PictureFormat::Svg);
    assert_well_formed(&svg);
    let meetings = text_column(&rows, "meeting");
    let mut last = 0;
    for (handle, date) in meetings.iter().zip(text_column(&rows, "date")) {
        let at = svg.find(&format!("data-meeting=\"{handle}\"")).unwrap();
        assert!(at > last, "{handle} out of order");
        last = at;
        assert!(group(&svg, handle).contains(&format!(">{date}</text>")));
    }
    for name in ["Scott Bessent", "Andriy Hnatov"] {
        assert!(svg.contains(&format!(">{name}</text>")), "{name}");
    }
}

#[test]
fn other_answers_are_tables_and_html_is_one_page() {
    let db = demo();
    let (_, html) = draw(&db, "who is Witkoff", PictureFormat::Html);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<table>") && html.contains("<td>Steve Witkoff</td>"));
    let (_, page) = draw(&db, "timeline of Umerov", PictureFormat::Html);
    // One script, the page's own, inline: nothing fetched.
    assert!(
        page.contains("<svg ")
            && page.matches("<script").count() == 1
            && page.contains("<script>\n(function () {")
            && !page.contains(" src=")
            && !page.contains("http://".replace("http://", "https://").as_str())
    );
    // A table needs no script.
    assert!(!html.contains("<script"));
    assert_well_formed(&page.replace("<meta charset=\"utf-8\">", "<meta charset=\"utf-8\"/>"));
}

#[test]
fn names_summaries_and_quotes_are_escaped() {
    let db = Database::temporary().unwrap();
    let a = db
        .add(Actor::new(ActorKind::Person, "Tom & Jerry").with_handle("tom"))
        .unwrap();
    let b = db
        .add(Actor::new(ActorKind::Person, "O'Brien \"the fox\"").with_handle("fox"))
        .unwrap();
    let doc = db.add(Document::new("d1", "<b>Scoop</b> & more")).unwrap();
    let mut meeting = Meeting::new("talks")
        .with_handle("m1")
        .on(DateSpan::day(2025, 1, 2).unwrap())
        .with(Participant::new(a))
        .with(Participant::new(b));
    meeting.summary = Some("<script>alert(1)</script> & \"more\"".into());
    meeting.sources = vec![SourceRef::new(doc, "they met <here> & there")];
    db.add(meeting).unwrap();
    for (question, format) in [
        ("timeline of #tom", PictureFormat::Svg),
        ("timeline of #tom", PictureFormat::Html),
        ("who met #tom", PictureFormat::Svg),
        ("who met #tom", PictureFormat::Html),
        ("who is #tom", PictureFormat::Html),
    ] {
        let (_, text) = draw(&db, question, format);
        // The page's own script, if any, is the only one.
        assert!(text.matches("<script").count() <= 1, "{question}: {text}");
        assert!(!text.contains("<script>alert"), "{question}: {text}");
        assert!(
            !text.contains("<b>") && !text.contains("<here>"),
            "{question}"
        );
        assert!(!text.contains("Tom & Jerry"), "{question}");
        if format == PictureFormat::Svg {
            assert_well_formed(&text);
        }
    }
    let (_, svg) = draw(&db, "timeline of #tom", PictureFormat::Svg);
    assert!(svg.contains("Tom &amp; Jerry"));
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;"));
    assert!(svg.contains("they met &lt;here&gt; &amp; there"));
    let (_, dot) = draw(&db, "who met #tom", PictureFormat::Dot);
    assert!(dot.contains("[label=\"O'Brien \\\"the fox\\\"\""), "{dot}");
}

#[test]
fn an_empty_answer_still_draws() {
    let db = demo();
    let (_, svg) = draw(&db, "meetings in Florida during 1990", PictureFormat::Svg);
    assert_well_formed(&svg);
    assert!(svg.contains("no meetings"));
    let rows = Rows::new(&["handle"]);
    let snapshot = db.snapshot().unwrap();
    let svg = picture::svg(&rows, &snapshot, &PictureOptions::default());
    assert_well_formed(&svg);
}

/// The binary on a demo database in a folder of its own.
struct Demo {
    dir: tempfile::TempDir,
}

impl Demo {
    fn new() -> Demo {
        let demo = Demo {
            dir: tempfile::tempdir().unwrap(),
        };
        demo.run(&["-c", "load demo"]);
        demo
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::cargo_bin("entrevue")
            .unwrap()
            .env("XDG_DATA_HOME", self.dir.path())
            .arg("--db")
            .arg(self.dir.path().join("db"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

#[test]
fn the_binary_draws_the_demo_questions() {
    let demo = Demo::new();
    let timeline = demo.run(&["--format", "svg", "-c", "timeline of Umerov"]);
    assert_well_formed(&timeline);
    for m in ["m01", "m02", "m04", "m05"] {
        assert_eq!(
            timeline.matches(&format!("data-meeting=\"{m}\"")).count(),
            1
        );
    }
    assert_eq!(
        timeline,
        demo.run(&["--format", "svg", "-c", "timeline of Umerov"])
    );
    let network = demo.run(&["--format", "svg", "-c", "who met Witkoff"]);
    assert!(network.contains("<g class=\"node centre\" data-actor=\"witkoff\">"));
    assert!(network.contains("data-from=\"witkoff\" data-to=\"dmitriev\" data-meetings=\"2\""));
    let path = demo.run(&["--format", "svg", "-c", "path from Bessent to Hnatov"]);
    assert!(path.contains("data-meeting=\"m09\"") && path.contains(">2026-01-31</text>"));
    let dot = demo.run(&["--format", "dot", "-c", "who met Witkoff"]);
    assert!(dot.contains("\"witkoff\" -- \"putin\""));
    let html = demo.run(&["--format", "html", "-c", "timeline of Umerov"]);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("data-meeting=\"m02\""));
}

#[test]
fn the_shell_mode_draws_into_once_and_output_files() {
    let demo = Demo::new();
    let once = demo.dir.path().join("once.html");
    let output = demo.dir.path().join("output.svg");
    let script = format!(
        ".mode html\n.once {}\ntimeline of Umerov;\n.mode svg\n.output {}\nwho met Witkoff;\n",
        once.display(),
        output.display()
    );
    let printed = demo.run(&["-c", &script]);
    assert!(!printed.contains("<svg"), "{printed}");
    let page = std::fs::read_to_string(&once).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("data-meeting=\"m05\""));
    let svg = std::fs::read_to_string(&output).unwrap();
    assert!(svg.starts_with("<svg ") && svg.contains("data-actor=\"witkoff\""));
    let by_side = demo.run(&["--format", "svg", "-c", ".lanes sides\ntimeline of Umerov;"]);
    assert!(by_side.contains(">Ukraine</text>") && !by_side.contains(">Rustem Umerov</text>"));
    assert_eq!(demo.run(&["-c", ".lanes sides\n.lanes"]), "sides\n");
    let help = demo.run(&["-c", ".help mode"]);
    assert!(help.contains("svg") && help.contains("network"), "{help}");
}

#[test]
fn undated_ruled_out_and_uncertain_meetings_are_drawn_apart_and_lanes_may_be_sides() {
    use entrevue::picture::Lanes;
    use entrevue::{Certainty, Status};
    let db = Database::temporary().unwrap();
    let us = db
        .add(Actor::new(ActorKind::Country, "Freedonia").with_handle("fr"))
        .unwrap();
    let a = db
        .add(Actor::new(ActorKind::Person, "Ann Able").with_handle("ann"))
        .unwrap();
    let b = db
        .add(Actor::new(ActorKind::Person, "Bob Baker").with_handle("bob"))
        .unwrap();
    let with_both = |handle: &str| {
        let mut maybe = Participant::new(b);
        maybe.certainty = Certainty::Possible;
        Meeting::new("talks")
            .with_handle(handle)
            .with(Participant::new(a).side(us))
            .with(maybe.side(us))
    };
    db.add(with_both("m1").on(DateSpan::month(2025, 3).unwrap()))
        .unwrap();
    let mut ruled_out = with_both("m2").on(DateSpan::day(2025, 4, 2).unwrap());
    ruled_out.status = Status::RuledOut;
    db.add(ruled_out).unwrap();
    db.add(with_both("m3")).unwrap();
    let (_, svg) = draw(
        &db,
        "timeline of #ann including ruled_out",
        PictureFormat::Svg,
    );
    assert_well_formed(&svg);
    let month = group(&svg, "m1");
    assert!(month.contains("precision-month") && month.contains("<rect class=\"mark\""));
    assert!(month.contains("lane-mark uncertain"), "{month}");
    let struck = group(&svg, "m2");
    assert!(struck.contains("status-ruled_out") && struck.contains("class=\"strike\""));
    let undated = group(&svg, "m3");
    assert!(undated.contains("precision-undated") && undated.contains(">undated</text>"));
    assert!(svg.contains("<g class=\"undated-strip\">"));
    // By side: one lane for Freedonia, where both took part.
    let rows = db.query("timeline of #ann including ruled_out").unwrap();
    let options = PictureOptions {
        lanes: Lanes::Sides,
        ..PictureOptions::default()
    };
    let by_side = picture::svg(&rows, &db.snapshot().unwrap(), &options);
    assert_eq!(
        by_side.matches("<g class=\"lane\">").count(),
        1,
        "{by_side}"
    );
    assert!(by_side.contains(">Freedonia</text>"));
    // A confirmed participant on the side makes the side's mark certain.
    assert!(!group(&by_side, "m1").contains("uncertain"));
}

/// The value of attribute `name` in an element's text.
fn attribute<'a>(element: &'a str, name: &str) -> &'a str {
    let start = element.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    &element[start..start + element[start..].find('"').unwrap()]
}

#[test]
fn a_crowded_network_draws_its_strongest_ties_and_says_what_it_left_out() {
    let crowd = crowd::Crowd::shared();
    let rows = crowd.db.query("who met #hub").unwrap();
    assert_eq!(rows.rows.len(), 499);
    let svg = crowd
        .db
        .picture(&rows, PictureFormat::Svg, &PictureOptions::default())
        .unwrap();
    assert_well_formed(&svg);
    assert_eq!(svg.matches("<g class=\"node").count(), picture::MOST_ACTORS);
    assert_eq!(svg.matches("<g class=\"edge ").count(), picture::MOST_TIES);
    assert!(svg.contains("<g class=\"node centre\" data-actor=\"hub\">"));
    let note = format!(
        "{} actors and {} ties left out",
        500 - picture::MOST_ACTORS,
        crowd.ties() - picture::MOST_TIES
    );
    assert!(svg.contains(&note), "{note} not in the note");
    // The ties drawn are the strongest: none left out has more meetings than one drawn.
    let drawn: Vec<usize> = svg
        .lines()
        .filter(|l| l.starts_with("<g class=\"edge "))
        .map(|l| attribute(l, "data-meetings").parse().unwrap())
        .collect();
    let hub_ties = |actor: u64| {
        crowd
            .meetings
            .iter()
            .filter(|cast| cast.contains(&actor))
            .count()
    };
    // The hub's strongest tie is with its most frequent counterpart.
    let strongest = (1..500).map(hub_ties).max().unwrap();
    assert!(
        drawn.contains(&strongest),
        "{strongest} not among {drawn:?}"
    );
    // DOT is for other tools, which lay out large graphs themselves: it has everything.
    let dot = crowd
        .db
        .picture(&rows, PictureFormat::Dot, &PictureOptions::default())
        .unwrap();
    assert_eq!(dot.matches(" -- ").count(), crowd.ties());
}

/// The box of each node's label in a network: its text at about 7 pixels a character of
/// 12-pixel sans-serif, 12 pixels high around the baseline's middle.
fn label_boxes(svg: &str) -> Vec<(String, [f64; 4])> {
    svg.lines()
        .filter(|l| l.starts_with("<g class=\"node"))
        .map(|l| {
            let text = &l[l.find("<text ").unwrap()..];
            let x: f64 = attribute(text, "x").parse().unwrap();
            let y: f64 = attribute(text, "y").parse().unwrap();
            let name = &text[text.find('>').unwrap() + 1..text.find("</text>").unwrap()];
            let half = name.chars().count() as f64 * 7.0 / 2.0;
            (name.to_string(), [x - half, y - 10.0, x + half, y + 2.0])
        })
        .collect()
}

#[test]
fn a_network_writes_no_name_over_another() {
    let crowd = crowd::Crowd::shared();
    let rows = crowd.db.query("who met #hub").unwrap();
    let crowded = crowd
        .db
        .picture(&rows, PictureFormat::Svg, &PictureOptions::default())
        .unwrap();
    let (_, demo) = draw(&demo(), "who met Witkoff", PictureFormat::Svg);
    for svg in [crowded, demo] {
        let boxes = label_boxes(&svg);
        assert!(boxes.len() > 3, "{svg}");
        for (i, (a, p)) in boxes.iter().enumerate() {
            for (b, q) in &boxes[i + 1..] {
                let apart = p[2] <= q[0] || q[2] <= p[0] || p[3] <= q[1] || q[3] <= p[1];
                assert!(apart, "{a} at {p:?} runs into {b} at {q:?}");
            }
            // Every node lies inside the picture.
            let width: f64 = attribute(&svg, "width").parse().unwrap();
            assert!(p[0] >= 0.0 && p[1] >= 0.0 && p[2] <= width, "{a} at {p:?}");
        }
    }
}

#[test]
fn a_crowded_timeline_folds_its_quietest_lanes_and_writes_no_date_over_another() {
    let crowd = crowd::Crowd::shared();
    let rows = crowd.db.query("timeline of #hub").unwrap();
    assert_eq!(rows.rows.len(), 1_000);
    let svg = crowd
        .db
        .picture(&rows, PictureFormat::Svg, &PictureOptions::default())
        .unwrap();
    assert_well_formed(&svg);
    assert_eq!(
        svg.matches("<g class=\"lane\">").count(),
        picture::MOST_LANES
    );
    let folded = 500 - (picture::MOST_LANES - 1);
    assert!(
        svg.contains(&format!(">{folded} others</text>")),
        "no others lane"
    );
    assert!(svg.contains(&format!("{folded} lanes with the fewest meetings folded")));
    // Every meeting is drawn once, whether or not its date is written.
    for n in 0..1_000 {
        assert_eq!(
            svg.matches(&format!("data-meeting=\"m{n}\"")).count(),
            1,
            "m{n}"
        );
    }
    // Dates written beside meetings: none overlaps another on the same line.
    let mut dates: Vec<(String, f64, f64)> = Vec::new();
    for piece in svg.split("<text class=\"date\"").skip(1) {
        let text = &piece[piece.find('>').unwrap() + 1..piece.find("</text>").unwrap()];
        let x: f64 = attribute(piece, "x").parse().unwrap();
        let half = text.chars().count() as f64 * 3.0;
        dates.push((attribute(piece, "y").to_string(), x - half, x + half));
    }
    dates.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    for pair in dates.windows(2) {
        if pair[0].0 == pair[1].0 {
            assert!(pair[0].2 <= pair[1].1, "dates overlap: {pair:?}");
        }
    }
    let written = svg
        .lines()
        .filter(|l| l.contains("data-meeting=") && l.contains("<text class=\"date\""))
        .count();
    assert!(written > 0 && written < 1_000, "{written}");
    assert!(svg.contains(&format!("{} of 1000 dates not written", 1_000 - written)));
}

#[test]
fn a_crowded_picture_is_the_same_bytes_and_its_page_shows_every_meeting_without_script() {
    let crowd = crowd::Crowd::shared();
    for question in ["timeline of #hub", "who met #hub"] {
        let rows = crowd.db.query(question).unwrap();
        let draw = || {
            crowd
                .db
                .picture(&rows, PictureFormat::Html, &PictureOptions::default())
                .unwrap()
        };
        assert_eq!(draw(), draw(), "{question}");
    }
    let rows = crowd.db.query("timeline of #hub").unwrap();
    let page = crowd
        .db
        .picture(&rows, PictureFormat::Html, &PictureOptions::default())
        .unwrap();
    assert_well_formed(&page.replace("<meta charset=\"utf-8\">", "<meta charset=\"utf-8\"/>"));
    // Without script, the inline SVG holds each meeting and its tooltip.
    let svg = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    for n in 0..1_000 {
        let group = group(svg, &format!("m{n}"));
        assert!(group.contains(&format!("Meeting number {n}")), "{group}");
        assert!(group.contains(&format!("they met, {n}")), "{group}");
    }
    assert_eq!(page.matches("<script>").count(), 1);
}
