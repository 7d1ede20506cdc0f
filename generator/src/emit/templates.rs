//! Non-Rust files (Cargo.toml, README) and crate docs, rendered from `templates/` with minijinja.
//! The templates are compiled into the generator, so that it runs from anywhere.

use minijinja::Environment;

use crate::error::{Error, Result};

const TEMPLATES: &[(&str, &str)] = &[
    (
        "client/Cargo.toml",
        include_str!("../../../templates/client/Cargo.toml.j2"),
    ),
    (
        "client/README.md",
        include_str!("../../../templates/client/README.md.j2"),
    ),
    (
        "client/lib.md",
        include_str!("../../../templates/client/lib.md.j2"),
    ),
    (
        "server/Cargo.toml",
        include_str!("../../../templates/server/Cargo.toml.j2"),
    ),
    (
        "server/README.md",
        include_str!("../../../templates/server/README.md.j2"),
    ),
    (
        "server/lib.md",
        include_str!("../../../templates/server/lib.md.j2"),
    ),
    (
        "types/Cargo.toml",
        include_str!("../../../templates/types/Cargo.toml.j2"),
    ),
    (
        "types/README.md",
        include_str!("../../../templates/types/README.md.j2"),
    ),
    (
        "types/lib.md",
        include_str!("../../../templates/types/lib.md.j2"),
    ),
];

/// Renders the template `name` with `context`.
pub fn render(name: &str, context: &minijinja::Value) -> Result<String> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (n, source) in TEMPLATES {
        env.add_template(n, source).map_err(|e| Error::Template {
            name: (*n).to_owned(),
            message: e.to_string(),
        })?;
    }
    env.get_template(name)
        .and_then(|t| t.render(context))
        .map_err(|e| Error::Template {
            name: name.to_owned(),
            message: format!("{e:#}"),
        })
}

/// A crate doc rendered from the template `name`, as the lines of `#![doc = ...]` attributes
/// (each non-empty line with the leading space rustdoc's `//!` would give).
pub fn crate_doc_lines(name: &str, context: &minijinja::Value) -> Result<Vec<String>> {
    let doc = render(name, context)?;
    Ok(doc
        .trim_end()
        .lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        })
        .collect())
}
