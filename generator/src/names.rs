//! Rust names for spec names: types, fields, variants, modules. Deterministic and collision-free.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Names that generated types must not take because the generated code uses them unqualified.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Result", "Vec", "String", "Box", "Some", "None", "Ok", "Err", "Default", "Value",
    "From", "Into", "Send", "Sync", "Sized", "ToOwned", "ToString", "Iterator",
];

fn clean(raw: &str) -> String {
    // ASCII letters and digits only: anything else (`²`, `é`, `.`) separates words, so that
    // names stay plain identifiers
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// `UpperCamelCase` type name for a spec name.
pub fn type_name(raw: &str) -> String {
    let mut name = clean(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'T');
    }
    if KEYWORDS.contains(&name.as_str()) || RESERVED_TYPES.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `snake_case` field, function or module name for a spec name.
pub fn field_name(raw: &str) -> String {
    let mut name = clean(raw).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `UpperCamelCase` enum variant for a string value; `Empty` for the empty string.
pub fn variant_name(raw: &str) -> String {
    if raw.trim().is_empty() {
        return "Empty".to_owned();
    }
    let mut name = clean(raw).to_upper_camel_case();
    if name.is_empty() {
        // only punctuation: spell it out by code points
        name = raw.chars().map(|c| format!("U{:04X}", c as u32)).collect();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if KEYWORDS.contains(&name.as_str()) || name == "Unknown" {
        name.push('_');
    }
    name
}

/// Hands out unique names: the first taker of a name keeps it, later ones get `2`, `3`, ...
#[derive(Debug, Default, Clone)]
pub struct NameSet {
    taken: BTreeSet<String>,
}

impl NameSet {
    /// A set with `names` already taken.
    pub fn with_taken<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        NameSet {
            taken: names.into_iter().map(str::to_owned).collect(),
        }
    }

    /// Takes `name`, or the first free `name2`, `name3`, ... (with `_` before the number when
    /// `name` ends in a digit or is snake case).
    pub fn take(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_owned()) {
            return name.to_owned();
        }
        let snake = name.contains('_') || name.chars().all(|c| !c.is_uppercase());
        let sep = if snake || name.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let base = name.trim_end_matches('_');
        (2..)
            .map(|i| format!("{base}{sep}{i}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always has a free name")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(type_name("JusPayNewCard"), "JusPayNewCard");
        assert_eq!(type_name("list-products"), "ListProducts");
        assert_eq!(type_name("2fa"), "T2fa");
        assert_eq!(type_name("Option"), "Option_");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name(" playback"), "playback");
        assert_eq!(
            field_name("options.createMandate"),
            "options_create_mandate"
        );
        assert_eq!(field_name("userId"), "user_id");
        assert_eq!(field_name("2XX"), "n2xx");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("area_m²"), "area_m");
        assert_eq!(variant_name("m²"), "M");
        assert_eq!(variant_name("²"), "U00B2");
        assert_eq!(variant_name("collect-in-store"), "CollectInStore");
        assert_eq!(variant_name("unknown"), "Unknown_");
        assert_eq!(variant_name("+"), "U002B");
        assert_eq!(variant_name("1"), "V1");
    }

    #[test]
    fn name_set() {
        let mut set = NameSet::default();
        assert_eq!(set.take("Cart"), "Cart");
        assert_eq!(set.take("Cart"), "Cart2");
        assert_eq!(set.take("user_id"), "user_id");
        assert_eq!(set.take("user_id"), "user_id_2");
        assert_eq!(set.take("V1"), "V1");
        assert_eq!(set.take("V1"), "V1_2");
    }
}
