//! Keeps `grammar/entrevue.ebnf`, the parser and the README in agreement: every example in the
//! grammar parses, every statement and question form has an example, the reserved words are the
//! grammar's keywords, and the README's `entrevue` code blocks parse.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use entrevue::syntax::{parse, KEYWORDS};

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn grammar_text() -> String {
    read("grammar/entrevue.ebnf")
}

// ---- A small reader for the grammar file ------------------------------------------------------

/// A lexical item of the EBNF text (comments are dropped).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    /// A rule name or other identifier.
    Ident(String),
    /// A quoted terminal, without its quotes.
    Terminal(String),
    /// Any other symbol: `=`, `|`, `;`, brackets.
    Symbol(char),
}

/// Splits EBNF text into items, skipping `(* … *)` comments.
fn tokenize(text: &str) -> Vec<Item> {
    let chars: Vec<char> = text.chars().collect();
    let mut items = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '(' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&')')) {
                i += 1;
            }
            i += 2;
        } else if c == '"' || c == '\'' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != c {
                j += 1;
            }
            items.push(Item::Terminal(
                chars[i + 1..j.min(chars.len())].iter().collect(),
            ));
            i = j + 1;
        } else if c.is_alphabetic() || c == '_' {
            let mut j = i;
            while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            items.push(Item::Ident(chars[i..j].iter().collect()));
            i = j;
        } else if c.is_whitespace() {
            i += 1;
        } else {
            items.push(Item::Symbol(c));
            i += 1;
        }
    }
    items
}

/// One rule of the grammar: its name, the line it starts on and the items of its right side.
#[derive(Debug)]
struct Rule {
    name: String,
    line: usize,
    body: Vec<Item>,
    /// Whether the rule is in the "Tokens" section, which describes characters, not keywords.
    lexical: bool,
}

impl Rule {
    fn terminals(&self) -> impl Iterator<Item = &str> {
        self.body.iter().filter_map(|item| match item {
            Item::Terminal(t) => Some(t.as_str()),
            _ => None,
        })
    }

    fn references(&self) -> impl Iterator<Item = &str> {
        self.body.iter().filter_map(|item| match item {
            Item::Ident(name) => Some(name.as_str()),
            _ => None,
        })
    }
}

/// A line `(* example: … *)`: its line number (from 1) and the example text.
#[derive(Debug)]
struct Example {
    line: usize,
    text: String,
}

/// A section header comment, `(* ---- Questions ---- *)`.
fn is_section_header(line: &str) -> bool {
    line.trim_start().starts_with("(* ----")
}

/// The name of the rule a line starts (`name = …` at the start of the line), if any.
fn rule_start(line: &str) -> Option<String> {
    let name: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    line[name.len()..]
        .trim_start()
        .starts_with('=')
        .then_some(name)
}

struct Grammar {
    rules: Vec<Rule>,
    examples: Vec<Example>,
    /// Line numbers of the section headers.
    sections: Vec<usize>,
}

impl Grammar {
    fn read() -> Grammar {
        Grammar::from_text(&grammar_text())
    }

    fn from_text(text: &str) -> Grammar {
        let lines: Vec<&str> = text.lines().collect();
        let mut rules = Vec::new();
        let mut examples = Vec::new();
        let mut sections = Vec::new();
        let mut lexical = false;
        let mut n = 0;
        while n < lines.len() {
            let line = lines[n];
            let number = n + 1;
            if is_section_header(line) {
                sections.push(number);
                lexical = line.contains("Tokens");
            }
            if let Some(rest) = line.trim_start().strip_prefix("(* example:") {
                let text = rest
                    .trim_end()
                    .strip_suffix("*)")
                    .unwrap_or_else(|| panic!("line {number}: an example must end with `*)`"));
                examples.push(Example {
                    line: number,
                    text: text.trim().to_string(),
                });
            }
            if let Some(name) = rule_start(line) {
                // The rule runs to the `;` that ends it, perhaps lines later.
                let mut source = String::new();
                let mut m = n;
                loop {
                    source.push_str(lines[m]);
                    source.push('\n');
                    let items = tokenize(&source);
                    if items.last() == Some(&Item::Symbol(';')) || m + 1 == lines.len() {
                        break;
                    }
                    m += 1;
                }
                let items = tokenize(&source);
                let eq = items
                    .iter()
                    .position(|item| *item == Item::Symbol('='))
                    .expect("a rule has `=`");
                let body = items[eq + 1..items.len() - 1].to_vec();
                rules.push(Rule {
                    name,
                    line: number,
                    body,
                    lexical,
                });
                n = m + 1;
                continue;
            }
            n += 1;
        }
        Grammar {
            rules,
            examples,
            sections,
        }
    }

    fn rule(&self, name: &str) -> &Rule {
        self.rules
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("the grammar has no rule `{name}`"))
    }

    /// The statement and question forms: starting from `statement`, a rule without terminals
    /// (`question = who_met | …`, `query = question { filter } …`) stands for the rules it
    /// names; a rule with terminals is a form.
    fn forms(&self) -> Vec<String> {
        let mut forms = Vec::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec!["statement".to_string()];
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let rule = self.rule(&name);
            if rule.terminals().next().is_some() {
                forms.push(name);
            } else {
                let mut refs: Vec<String> = rule.references().map(str::to_string).collect();
                refs.reverse();
                stack.extend(refs);
            }
        }
        forms
    }

    /// The quoted words of the rules, except those of the lexical ("Tokens") section.
    fn quoted_words(&self) -> BTreeMap<String, usize> {
        let mut words = BTreeMap::new();
        for rule in self.rules.iter().filter(|r| !r.lexical) {
            for t in rule.terminals() {
                if !t.is_empty() && t.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    words.entry(t.to_string()).or_insert(rule.line);
                }
            }
        }
        words
    }
}

fn first_error(text: &str) -> Option<String> {
    parse(text).err().map(|e| e.to_string())
}

// ---- The examples parse ---------------------------------------------------------------------

#[test]
fn the_grammar_is_read_as_expected() {
    let grammar = Grammar::read();
    assert!(
        grammar.rules.len() > 30,
        "too few rules: {:?}",
        grammar.rules
    );
    assert!(grammar.examples.len() > 20, "too few examples");
    assert!(grammar.rules.iter().any(|r| r.name == "statement"));
    let who_met = grammar.rule("who_met");
    assert_eq!(who_met.terminals().collect::<Vec<_>>(), ["who", "met"]);
    assert_eq!(who_met.references().collect::<Vec<_>>(), ["name"]);
    let status = grammar.rule("status");
    assert!(status.terminals().any(|t| t == "ruled_out"));
    // A multi-line rule is read to its end.
    assert!(grammar
        .rule("filter")
        .terminals()
        .any(|t| t == "participants"));
    assert!(grammar.rule("string").lexical);
    assert!(!grammar.rule("record_kind").lexical);
}

#[test]
fn every_example_in_the_grammar_parses() {
    let grammar = Grammar::read();
    let failures: Vec<String> = grammar
        .examples
        .iter()
        .filter_map(|example| {
            first_error(&example.text).map(|err| {
                format!(
                    "grammar/entrevue.ebnf:{}: `{}`\n{err}",
                    example.line, example.text
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} grammar examples do not parse:\n\n{}",
        failures.len(),
        grammar.examples.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_example_is_one_statement() {
    let grammar = Grammar::read();
    let mut wrong = Vec::new();
    for example in &grammar.examples {
        if let Ok(statements) = parse(&example.text) {
            if statements.len() != 1 {
                wrong.push(format!(
                    "grammar/entrevue.ebnf:{}: `{}` is {} statements",
                    example.line,
                    example.text,
                    statements.len()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn all_the_examples_parse_as_one_script() {
    let grammar = Grammar::read();
    let script: String = grammar
        .examples
        .iter()
        .map(|e| format!("{}\n", e.text))
        .collect();
    if let Ok(statements) = parse(&script) {
        assert_eq!(statements.len(), grammar.examples.len());
    }
    // A failure here is reported, example by example, by `every_example_in_the_grammar_parses`.
}

// ---- Every form has an example --------------------------------------------------------------

/// The forms the query language must document. The test derives the list from the grammar; this
/// only guards against the derivation silently losing some.
const DOCUMENTED_FORMS: &[&str] = &[
    "who_met",
    "who_with",
    "when_met",
    "where_met",
    "meetings",
    "path",
    "who_is",
    "timeline",
    "sources",
    "explain",
    "add_document",
    "add_place",
    "add_actor",
    "add_meeting",
    "add_relation",
    "add_alias",
    "set",
    "delete",
    "delete_alias",
    "load",
    "dump",
    "filter",
    "order",
    "limit",
];

#[test]
fn the_forms_are_derived_from_the_grammar() {
    let forms = Grammar::read().forms();
    let missing: Vec<&&str> = DOCUMENTED_FORMS
        .iter()
        .filter(|f| !forms.iter().any(|g| g == *f))
        .collect();
    assert!(
        missing.is_empty(),
        "the forms derived from `statement` ({forms:?}) lack {missing:?}"
    );
}

/// The forms without an example after them, before the next form or section: the rules in
/// between (`document_clause` after `add_document`) belong to the form, but an example after the
/// next form is that form's.
fn forms_without_examples(grammar: &Grammar) -> Vec<String> {
    let forms = grammar.forms();
    let form_lines: Vec<usize> = grammar
        .rules
        .iter()
        .filter(|r| forms.contains(&r.name))
        .map(|r| r.line)
        .collect();
    let mut without = Vec::new();
    for rule in grammar.rules.iter().filter(|r| forms.contains(&r.name)) {
        let end = form_lines
            .iter()
            .chain(&grammar.sections)
            .copied()
            .filter(|&line| line > rule.line)
            .min();
        let examples = grammar
            .examples
            .iter()
            .filter(|e| e.line > rule.line && end.is_none_or(|end| e.line < end))
            .count();
        if examples == 0 {
            let next = match end {
                None => "the end of the file".to_string(),
                Some(end) => match grammar.rules.iter().find(|r| r.line == end) {
                    Some(next) => format!("`{}` (line {end})", next.name),
                    None => format!("the section on line {end}"),
                },
            };
            without.push(format!(
                "grammar/entrevue.ebnf:{}: `{}` has no example between it and {next}",
                rule.line, rule.name
            ));
        }
    }
    without
}

#[test]
fn every_form_has_an_example_right_after_it() {
    let without = forms_without_examples(&Grammar::read());
    assert!(
        without.is_empty(),
        "{} form(s) without an example; put a `(* example: … *)` line right after each:\n{}",
        without.len(),
        without.join("\n")
    );
}

#[test]
fn a_form_without_an_example_is_named() {
    let grammar = Grammar::from_text(
        "statement = a | b | c ;\n\
         a = \"x\" a_part ;\n\
         a_part = \"y\" ;\n\
         (* example: x y; *)\n\
         b = \"z\" ;\n\
         c = \"w\" ;\n\
         (* ---- Tokens ---- *)\n\
         (* example: w; *)\n",
    );
    assert_eq!(grammar.forms(), ["a", "b", "c"]);
    assert_eq!(
        forms_without_examples(&grammar),
        [
            "grammar/entrevue.ebnf:5: `b` has no example between it and `c` (line 6)",
            "grammar/entrevue.ebnf:6: `c` has no example between it and the section on line 7",
        ]
    );
}

// ---- The reserved words agree ---------------------------------------------------------------

/// The words that the grammar's header says are not reserved: the values of `status`,
/// `certainty`, `place_kind` and `actor_kind`, and "demo".
fn value_words(grammar: &Grammar) -> BTreeSet<String> {
    let mut words: BTreeSet<String> = ["status", "certainty", "place_kind", "actor_kind"]
        .iter()
        .flat_map(|name| grammar.rule(name).terminals().map(str::to_string))
        .collect();
    words.insert("demo".to_string());
    words
}

#[test]
fn the_header_names_the_value_rules() {
    let text = grammar_text();
    let header = text.split("*)").next().unwrap();
    for word in [
        "status",
        "certainty",
        "place_kind",
        "actor_kind",
        "\"demo\"",
    ] {
        assert!(
            header.contains(word),
            "the header no longer says `{word}` is not reserved; update value_words()"
        );
    }
}

/// Where the reserved words and the grammar disagree, in both directions.
fn keyword_disagreements(grammar: &Grammar, reserved: &[&str]) -> Vec<String> {
    let quoted = grammar.quoted_words();
    let values = value_words(grammar);
    let keywords: BTreeSet<String> = reserved.iter().map(|k| k.to_ascii_lowercase()).collect();

    let mut problems = Vec::new();
    for keyword in &keywords {
        if !quoted.contains_key(keyword) {
            problems.push(format!(
                "`{keyword}` is reserved (KEYWORDS) but the grammar never quotes it"
            ));
        }
    }
    for (word, line) in &quoted {
        if !keywords.contains(word) && !values.contains(word) {
            problems.push(format!(
                "grammar/entrevue.ebnf:{line}: \"{word}\" is a keyword of the grammar but not in KEYWORDS"
            ));
        }
    }
    for word in &values {
        if keywords.contains(word) {
            problems.push(format!(
                "\"{word}\" is a value word, which the grammar's header says is not reserved, \
                 but it is in KEYWORDS"
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for keyword in reserved {
        if !seen.insert(keyword.to_ascii_lowercase()) {
            problems.push(format!("`{keyword}` is listed twice in KEYWORDS"));
        }
        if *keyword != keyword.to_ascii_lowercase() {
            problems.push(format!("`{keyword}` in KEYWORDS is not lower case"));
        }
    }
    problems
}

#[test]
fn the_reserved_words_are_the_keywords_of_the_grammar() {
    let problems = keyword_disagreements(&Grammar::read(), KEYWORDS);
    assert!(
        problems.is_empty(),
        "the reserved words and the grammar disagree:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_keyword_disagreement_is_reported_both_ways() {
    let grammar = Grammar::read();
    let mut reserved: Vec<&str> = KEYWORDS
        .iter()
        .copied()
        .filter(|k| *k != "during")
        .collect();
    reserved.push("whom");
    reserved.push("planned");
    let problems = keyword_disagreements(&grammar, &reserved);
    let has = |needle: &str| problems.iter().any(|p| p.contains(needle));
    assert!(
        has("`whom` is reserved (KEYWORDS) but the grammar never quotes it"),
        "{problems:?}"
    );
    assert!(
        has("\"during\" is a keyword of the grammar but not in KEYWORDS"),
        "{problems:?}"
    );
    assert!(has("\"planned\" is a value word"), "{problems:?}");
}

#[test]
fn every_keyword_is_refused_as_a_bare_name_and_accepted_quoted() {
    let mut problems = Vec::new();
    for keyword in KEYWORDS {
        for text in [
            format!("who is {keyword};"),
            format!("who is {};", keyword.to_ascii_uppercase()),
        ] {
            if parse(&text).is_ok() {
                problems.push(format!("`{text}` parses, but `{keyword}` is reserved"));
            }
        }
        let quoted = format!("who is \"{keyword}\";");
        if let Err(e) = parse(&quoted) {
            problems.push(format!("`{quoted}` does not parse:\n{e}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn value_words_are_names() {
    let grammar = Grammar::read();
    let mut problems = Vec::new();
    for word in value_words(&grammar) {
        let text = format!("who is {word};");
        if let Err(e) = parse(&text) {
            problems.push(format!(
                "`{text}`: `{word}` is not reserved, yet it is refused as a name:\n{e}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---- The README's examples parse ------------------------------------------------------------

/// The fenced blocks whose info string is `entrevue`: the line after the fence, and the text.
fn entrevue_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String, String)> = None;
    for (n, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let language = info.split([' ', ',', '{']).next().unwrap_or("").trim();
                    if language == "entrevue" {
                        current = Some((n + 2, String::new(), "```".to_string()));
                    } else {
                        current = Some((0, String::new(), "```".to_string()));
                    }
                }
            }
            Some((start, text, fence)) => {
                if trimmed.starts_with(fence.as_str()) && trimmed.trim_matches('`').is_empty() {
                    if *start > 0 {
                        blocks.push((*start, std::mem::take(text)));
                    }
                    current = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    blocks
}

#[test]
fn readme_blocks_are_found() {
    let markdown = "text\n```rust\nlet x = 1;\n```\n```entrevue\nwho met Witkoff;\n```\n";
    assert_eq!(
        entrevue_blocks(markdown),
        [(6, "who met Witkoff;\n".into())]
    );
}

#[test]
fn every_entrevue_block_of_the_readme_parses() {
    let readme = read("README.md");
    let failures: Vec<String> = entrevue_blocks(&readme)
        .into_iter()
        .filter_map(|(line, block)| {
            parse(&block)
                .err()
                .map(|e| format!("README.md, the block from line {line}:\n{e}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

// ---- The forms the specification gives verbatim ---------------------------------------------

const SPEC_FORMS: &[&str] = &[
    "who met Witkoff;",
    "who met Witkoff in Florida;",
    "who met Witkoff during 2025-12;",
    "who met Witkoff between 2025-11-01 and 2025-12-31;",
    "who was with Witkoff;",
    "when did Witkoff meet Putin;",
    "where did Witkoff meet Umerov;",
    "meetings with Witkoff and Dmitriev;",
    "meetings in Florida during 2025-12;",
    "meetings with Umerov including planned;",
    "meetings with at least 4 participants;",
    "path from Bessent to Zelensky;",
    "who is Oumerov;",
    "timeline of Umerov;",
    "sources of m07;",
    "who met Witkoff in Florida during 2025-12 including planned;",
];

/// Each form as given, with `order by … desc limit 3`, with `explain` in front, and both.
fn spec_variants() -> Vec<String> {
    let mut variants = Vec::new();
    for form in SPEC_FORMS {
        let body = form.strip_suffix(';').expect("each form ends with `;`");
        variants.push(form.to_string());
        variants.push(format!("{body} order by date desc limit 3;"));
        variants.push(format!("explain {body};"));
        variants.push(format!("explain {body} order by date desc limit 3;"));
    }
    variants
}

#[test]
fn the_specification_forms_parse() {
    let failures: Vec<String> = spec_variants()
        .iter()
        .filter_map(|text| first_error(text).map(|e| format!("`{text}`\n{e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} specification forms do not parse:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_specification_forms_keep_their_order_and_limit() {
    use entrevue::syntax::Statement;
    for form in SPEC_FORMS {
        let body = form.strip_suffix(';').unwrap();
        let text = format!("explain {body} order by date desc limit 3;");
        let Ok(statements) = parse(&text) else {
            continue; // reported by the_specification_forms_parse
        };
        assert_eq!(statements.len(), 1, "`{text}`");
        let Statement::Explain(query) = &statements[0].0 else {
            panic!("`{text}` is not an explain: {:?}", statements[0].0);
        };
        let [order] = query.order.as_slice() else {
            panic!("`{text}` should have one order key")
        };
        assert_eq!(order.column, "date", "`{text}`");
        assert!(order.descending, "`{text}`");
        assert_eq!(query.limit, Some(3), "`{text}`");
    }
}

#[test]
fn the_specification_forms_parse_as_one_script() {
    let script = spec_variants().join("\n");
    let statements = parse(&script).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(statements.len(), SPEC_FORMS.len() * 4);
}
