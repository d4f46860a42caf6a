//! Applying imported values to a record's TOML with toml_edit: a new record is
//! built from nothing; an existing one changes only in the imported values, and
//! everything else (comments, layout, other fields) stays byte-for-byte.

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, TableLike, Value};

/// One imported value or entry.
#[derive(Debug, Clone)]
pub enum Op {
    /// A value at `path` (`["source"]`, `["contact", "phone"]`).
    Set {
        path: Vec<&'static str>,
        value: Value,
        /// Written only when the record is created (defaults, derived links).
        only_new: bool,
    },
    /// The key decision maker: the `[[decision_makers]]` entry with this name.
    Person { name: String, title: Option<String> },
    /// A `[[risks]]` entry, added unless one with the same note exists.
    Risk { kind: &'static str, note: String },
    /// A deal's `[[stages]]` entry for `stage`, placed in process order.
    Stage {
        stage: String,
        fields: Vec<(&'static str, Value)>,
    },
}

/// What an operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The value is already there.
    Same,
    /// A new entry (stage entry, decision maker, risk) or a new value was added.
    Added,
    /// An existing value was changed.
    Changed,
    /// It would change an existing record, which needs `--update`.
    Blocked,
}

/// Is a change of an existing record allowed (`--update`), and is the record new?
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    pub update: bool,
    pub new: bool,
}

/// Applies `op`; `process` is the stage ids in process order (pipeline.toml).
/// Each value it changes is logged in `changed` as `key: old → new`.
pub fn apply(
    doc: &mut DocumentMut,
    op: &Op,
    mode: Mode,
    process: &[String],
    changed: &mut Vec<String>,
) -> Effect {
    match op {
        Op::Set {
            path,
            value,
            only_new,
        } => {
            if *only_new && !mode.new {
                return Effect::Same;
            }
            let (key, parents) = path.split_last().expect("a path has a key");
            let mut table: &mut dyn TableLike = doc.as_table_mut();
            for p in parents {
                if table.get(p).and_then(Item::as_table_like).is_none() {
                    if !mode.new && !mode.update {
                        return Effect::Blocked;
                    }
                    let mut t = InlineTable::new();
                    t.set_dotted(false);
                    table.insert(p, Item::Value(Value::InlineTable(t)));
                }
                table = table
                    .get_mut(p)
                    .and_then(Item::as_table_like_mut)
                    .expect("inserted");
            }
            set(table, &path.join("."), key, value.clone(), mode, changed)
        }
        Op::Person { name, title } => {
            let people = array_of_tables(doc, "decision_makers");
            if let Some(p) = people
                .iter_mut()
                .find(|t| t.get("name").and_then(Item::as_str) == Some(name.as_str()))
            {
                return match title {
                    Some(title) => set(
                        p,
                        &format!("{name}.title"),
                        "title",
                        Value::from(title.as_str()),
                        mode,
                        changed,
                    ),
                    None => Effect::Same,
                };
            }
            if !mode.new && !mode.update {
                return Effect::Blocked;
            }
            let mut t = new_table();
            t.insert("name", Item::Value(Value::from(name.as_str())));
            if let Some(title) = title {
                t.insert("title", Item::Value(Value::from(title.as_str())));
            }
            people.push(t);
            Effect::Added
        }
        Op::Risk { kind, note } => {
            let risks = array_of_tables(doc, "risks");
            if risks
                .iter()
                .any(|t| t.get("note").and_then(Item::as_str) == Some(note.as_str()))
            {
                return Effect::Same;
            }
            if !mode.new && !mode.update {
                return Effect::Blocked;
            }
            let mut t = new_table();
            t.insert("kind", Item::Value(Value::from(*kind)));
            t.insert("note", Item::Value(Value::from(note.as_str())));
            risks.push(t);
            Effect::Added
        }
        Op::Stage { stage, fields } => {
            let stages = array_of_tables(doc, "stages");
            let stage_of = |t: &Table| t.get("stage").and_then(Item::as_str).map(String::from);
            if let Some(t) = stages
                .iter_mut()
                .find(|t| stage_of(t).as_deref() == Some(stage.as_str()))
            {
                // An existing entry is a record of its own: changed only with --update.
                let mut effect = Effect::Same;
                for (key, value) in fields {
                    let name = format!("{stage}.{key}");
                    effect = combine(effect, set(t, &name, key, value.clone(), mode, changed));
                }
                return effect;
            }
            let mut t = new_table();
            t.insert("stage", Item::Value(Value::from(stage.as_str())));
            for (key, value) in fields {
                t.insert(key, Item::Value(value.clone()));
            }
            // In process order: before the first entry of a later stage. (A new
            // table has no position of its own and is written right after the
            // entry before it.)
            let rank = |s: &str| process.iter().position(|p| p == s);
            let mine = rank(stage);
            let at =
                stages
                    .iter()
                    .position(|e| match (stage_of(e).as_deref().and_then(rank), mine) {
                        (Some(theirs), Some(mine)) => theirs > mine,
                        _ => false,
                    });
            match at {
                Some(i) => stages.insert(i, t),
                None => stages.push(t),
            }
            Effect::Added
        }
    }
}

/// The stronger of two effects: Blocked > Changed > Added > Same.
pub fn combine(a: Effect, b: Effect) -> Effect {
    let rank = |e| match e {
        Effect::Same => 0,
        Effect::Added => 1,
        Effect::Changed => 2,
        Effect::Blocked => 3,
    };
    if rank(b) > rank(a) { b } else { a }
}

/// A `[[table]]` entry, separated from what comes before by a blank line.
fn new_table() -> Table {
    let mut t = Table::new();
    t.decor_mut().set_prefix("\n");
    t
}

fn array_of_tables<'a>(doc: &'a mut DocumentMut, key: &str) -> &'a mut ArrayOfTables {
    if doc.get(key).and_then(Item::as_array_of_tables).is_none() {
        doc.insert(key, Item::ArrayOfTables(ArrayOfTables::new()));
    }
    doc.get_mut(key)
        .and_then(Item::as_array_of_tables_mut)
        .expect("inserted")
}

/// Sets `key` to `value` unless it already has that value; keeps the old value's
/// decoration (a trailing comment, spacing).
fn set(
    table: &mut dyn TableLike,
    name: &str,
    key: &str,
    mut value: Value,
    mode: Mode,
    changed: &mut Vec<String>,
) -> Effect {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            if same(old, &value) {
                return Effect::Same;
            }
            if !mode.new && !mode.update {
                return Effect::Blocked;
            }
            changed.push(format!(
                "{name}: {} → {}",
                old.to_string().trim(),
                value.to_string().trim()
            ));
            *value.decor_mut() = old.decor().clone();
            *old = value;
            Effect::Changed
        }
        Some(other) => {
            if !mode.new && !mode.update {
                return Effect::Blocked;
            }
            *other = Item::Value(value);
            Effect::Changed
        }
        None => {
            if !mode.new && !mode.update {
                return Effect::Blocked;
            }
            table.insert(key, Item::Value(value));
            Effect::Added
        }
    }
}

/// Equal as data: `100_000_000` is `100000000`, `1` is `1.0`, formatting aside.
pub fn same(a: &Value, b: &Value) -> bool {
    let num = |v: &Value| v.as_integer().map(|i| i as f64).or_else(|| v.as_float());
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Datetime(x), Value::Datetime(y)) => x.value() == y.value(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same(p, q))
        }
        (Value::InlineTable(x), Value::InlineTable(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// A number as TOML: an integer when it is whole.
pub fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        Value::from(n as i64)
    } else {
        Value::from(n)
    }
}

pub fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(String::as_str).collect())
}
