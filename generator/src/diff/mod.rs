//! What a spec change does to the people who depend on it: two [`Model`]s in, a [`Report`] of
//! classified changes out. Changes are found on the generator's model (the same types and
//! operations the crates are made of), not on the text; a change to a shared schema is reported
//! once, naming every operation it reaches.

mod compare;
pub mod render;
pub mod rules;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

pub use rules::{rule, Bump, Impact, Rule, RuleId, RULES};

use crate::model::{Model, TypeRef};

/// One classified change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The rule it falls under (its id and classifications).
    pub rule: &'static Rule,
    /// Where: `POST /carts`, `Cart.items`, `server 1`.
    pub location: String,
    /// What, in a few words (`integer -> number`).
    pub detail: String,
    /// The operations it reaches, by operationId, in spec order.
    pub operations: Vec<String>,
}

/// Every change between two versions of a spec.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// The changes: operations (spec order), servers, then schemas (by name).
    pub changes: Vec<Change>,
}

impl Report {
    /// The bump the generated crates need, `None` when nothing changed.
    pub fn bump(&self) -> Option<Bump> {
        self.changes.iter().map(|c| c.rule.rust).max()
    }

    /// Changes that break HTTP clients.
    pub fn breaking_http(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.rule.http == Impact::Breaking)
            .count()
    }

    /// Changes that break implementors of the server traits.
    pub fn breaking_server(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.rule.server == Impact::Breaking)
            .count()
    }

    /// The ids of the rules that fired, in report order, without repeats.
    pub fn rule_ids(&self) -> Vec<&'static str> {
        let mut seen = BTreeSet::new();
        self.changes
            .iter()
            .map(|c| c.rule.id)
            .filter(|id| seen.insert(*id))
            .collect()
    }
}

/// Compares two models of a spec.
pub fn diff(old: &Model, new: &Model) -> Report {
    let mut changes = compare::operations(old, new);
    changes.extend(compare::servers(old, new));
    changes.extend(compare::types(old, new, &Reach::of(old), &Reach::of(new)));
    Report { changes }
}

/// For every named type: which operations reach it, sending it or receiving it.
#[derive(Debug, Default)]
pub(crate) struct Reach {
    /// Type -> operations that send it (parameters, request bodies).
    pub input: BTreeMap<String, BTreeSet<usize>>,
    /// Type -> operations that receive it (responses).
    pub output: BTreeMap<String, BTreeSet<usize>>,
    /// Operation ids by index.
    pub ids: Vec<String>,
}

impl Reach {
    fn of(model: &Model) -> Reach {
        let mut reach = Reach {
            ids: model.operations.iter().map(|o| o.id.clone()).collect(),
            ..Reach::default()
        };
        for (i, op) in model.operations.iter().enumerate() {
            let inputs = op
                .params
                .iter()
                .map(|p| &p.ty)
                .chain(op.body.iter().map(|b| &b.ty));
            for t in inputs {
                mark(model, t, i, &mut reach.input);
            }
            for r in &op.responses {
                if let Some((_, t)) = &r.body {
                    mark(model, t, i, &mut reach.output);
                }
            }
        }
        reach
    }

    /// Operation ids reaching `name` in the given direction(s), in spec order.
    pub fn operations(&self, name: &str, input: bool, output: bool) -> Vec<String> {
        let mut idx: BTreeSet<usize> = BTreeSet::new();
        if input {
            idx.extend(self.input.get(name).into_iter().flatten());
        }
        if output {
            idx.extend(self.output.get(name).into_iter().flatten());
        }
        idx.into_iter().map(|i| self.ids[i].clone()).collect()
    }
}

fn mark(model: &Model, t: &TypeRef, op: usize, into: &mut BTreeMap<String, BTreeSet<usize>>) {
    let mut stack: Vec<String> = t.named().map(str::to_owned).into_iter().collect();
    while let Some(name) = stack.pop() {
        if !into.entry(name.clone()).or_default().insert(op) {
            continue;
        }
        if let Some(def) = model.types.get(&name) {
            stack.extend(
                crate::model::children(&def.kind)
                    .into_iter()
                    .filter_map(|c| c.named().map(str::to_owned)),
            );
        }
    }
}
