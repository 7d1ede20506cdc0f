//! The generator's error type: every error names where in the spec it comes from.

use std::path::PathBuf;

/// Everything that can go wrong while turning a spec into crates.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The document is not YAML/JSON, or does not have the shape of an OpenAPI 3.0 document.
    #[error("{file}: {pointer}: {message}")]
    Parse {
        /// The file that failed to parse.
        file: PathBuf,
        /// JSON pointer of the offending node (`#` when unknown).
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// A `$ref` that points nowhere.
    #[error("{pointer}: unresolved $ref `{reference}`")]
    UnresolvedRef {
        /// Where the reference is.
        pointer: String,
        /// The reference as written.
        reference: String,
    },
    /// A construct that the generator does not support (yet).
    #[error("{pointer}: unsupported: {construct}")]
    Unsupported {
        /// Where the construct is.
        pointer: String,
        /// What it is and, where useful, what to do instead.
        construct: String,
    },
    /// The spec is valid OpenAPI but contradicts itself (duplicate operationIds, ...).
    #[error("{pointer}: invalid: {message}")]
    Invalid {
        /// Where the problem is.
        pointer: String,
        /// What is wrong.
        message: String,
    },
    /// The generator configuration is wrong.
    #[error("configuration {path}: {message}")]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A template failed to render.
    #[error("template {name}: {message}")]
    Template {
        /// The template's name.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// Emitted code did not parse as Rust: a bug of the generator, reported with its context.
    #[error("internal: emitted code for {context} does not parse: {message}")]
    Emit {
        /// What was being emitted.
        context: String,
        /// The parser's message.
        message: String,
    },
}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something a spec gets wrong whose intent is clear: the generator goes on with a reasonable
/// reading and says which (printed by `cargo xtask generate`, listed in the generated types
/// crate's README; `--deny-warnings` makes them errors).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, thiserror::Error)]
#[error("{pointer}: {message}")]
pub struct Warning {
    /// The JSON pointer of the node.
    pub pointer: String,
    /// What is wrong, and what the generator made of it.
    pub message: String,
}

impl Warning {
    /// A warning at `pointer`.
    pub fn new(pointer: &str, message: impl Into<String>) -> Self {
        Warning {
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }
}

impl Error {
    /// An [`Error::Unsupported`] at `pointer`.
    pub fn unsupported(pointer: &str, construct: impl Into<String>) -> Self {
        Error::Unsupported {
            pointer: pointer.to_owned(),
            construct: construct.into(),
        }
    }

    /// An [`Error::Invalid`] at `pointer`.
    pub fn invalid(pointer: &str, message: impl Into<String>) -> Self {
        Error::Invalid {
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }
}
