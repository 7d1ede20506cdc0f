//! Shared pieces of Rust emission: type tokens, identifiers, doc attributes, pretty-printing.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::error::{Error, Result};
use crate::model::{External, Prim, TypeRef};

/// An identifier (names from [`crate::names`] are always valid identifiers).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type of a reference; named types are resolved in `path` (e.g. `crate::types`).
pub fn type_tokens(t: &TypeRef, path: &TokenStream) -> TokenStream {
    match t {
        TypeRef::Named(n) => {
            let n = format_ident!("{}", n);
            if path.is_empty() {
                quote!(#n)
            } else {
                quote!(#path::#n)
            }
        }
        TypeRef::Prim(p) => prim_tokens(*p),
        TypeRef::External(e) => external_tokens(e),
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner, path);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner, path);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = type_tokens(inner, path);
            quote!(Option<#inner>)
        }
        TypeRef::Bytes => quote!(bytes::Bytes),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
    }
}

/// The Rust type of a type override (its path was checked when the model was built).
pub fn external_tokens(e: &External) -> TokenStream {
    rust_type_tokens(&e.rust)
}

/// A Rust type written as text (`rust_decimal::Decimal`), as tokens.
pub fn rust_type_tokens(rust: &str) -> TokenStream {
    syn::parse_str::<syn::Type>(rust)
        .map(|t| quote!(#t))
        .unwrap_or_else(|e| e.to_compile_error())
}

/// The Rust type of a primitive.
pub fn prim_tokens(p: Prim) -> TokenStream {
    match p {
        Prim::String => quote!(String),
        Prim::Bool => quote!(bool),
        Prim::I32 => quote!(i32),
        Prim::I64 => quote!(i64),
        Prim::F32 => quote!(f32),
        Prim::F64 => quote!(f64),
        Prim::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        Prim::Date => quote!(chrono::NaiveDate),
        Prim::Uuid => quote!(uuid::Uuid),
        Prim::Binary => quote!(crate::support::FilePart),
    }
}

/// `#[doc = ...]` attributes for a doc text (one per line, so that prettyplease prints `///`).
pub fn doc_attrs(doc: &str) -> TokenStream {
    // a carriage return is not allowed in a doc comment
    let doc = doc.replace("\r\n", "\n").replace('\r', "\n");
    let lines = doc.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote!(#(#[doc = #lines])*)
}

/// When [`format_file`] runs rustfmt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rustfmt {
    /// On this file, now.
    Now,
    /// Later, by the caller, once over the whole crate with [`rustfmt_crate`] (one process
    /// instead of one per file): the files of a crate.
    Later,
}

/// Pretty-prints a file's tokens, with `header` (comment lines) on top: prettyplease prints the
/// syntax tree, blank lines go between items, and rustfmt gives the final layout (`rustfmt`
/// says when), so that the output is exactly what `cargo fmt` would leave.
pub fn format_file(
    header: &str,
    tokens: TokenStream,
    context: &str,
    rustfmt: Rustfmt,
) -> Result<String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Emit {
        context: context.to_owned(),
        message: e.to_string(),
    })?;
    let body = prettyplease::unparse(&file);
    let text = format!("{header}\n{}", spread_items(&body));
    match rustfmt {
        Rustfmt::Later => Ok(text),
        Rustfmt::Now => self::rustfmt(&text, context),
    }
}

/// Runs rustfmt over the `.rs` files of one crate (paths relative to the crate's folder), in
/// one process: the files are written to a scratch folder in their layout, rustfmt formats
/// `src/lib.rs` (and the modules it declares) and every `.rs` file outside `src/`, and the
/// results are read back.
pub fn rustfmt_crate(files: &mut [(std::path::PathBuf, String)], context: &str) -> Result<()> {
    use std::process::Command;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static SCRATCH: AtomicUsize = AtomicUsize::new(0);
    let failed = |message: String| Error::Emit {
        context: context.to_owned(),
        message,
    };
    let rust: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].0.extension().is_some_and(|e| e == "rs"))
        .collect();
    if rust.is_empty() {
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!(
        "generator-rustfmt-{}-{}",
        std::process::id(),
        SCRATCH.fetch_add(1, Ordering::Relaxed)
    ));
    let io = |e: std::io::Error| failed(format!("scratch folder {}: {e}", dir.display()));
    let mut roots = Vec::new();
    for &i in &rust {
        let path = dir.join(&files[i].0);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(&path, &files[i].1).map_err(io)?;
        let in_src = files[i].0.starts_with("src");
        if !in_src || files[i].0 == std::path::Path::new("src/lib.rs") {
            roots.push(path);
        }
    }
    let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let output = Command::new(rustfmt)
        .args(["--edition", "2021"])
        .args(&roots)
        .current_dir(&dir)
        .output()
        .map_err(|e| {
            failed(format!(
                "cannot run rustfmt ({e}); install it with `rustup component add rustfmt`"
            ))
        });
    let result = output.and_then(|output| {
        if !output.status.success() {
            return Err(failed(format!(
                "rustfmt failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        for &i in &rust {
            files[i].1 = std::fs::read_to_string(dir.join(&files[i].0)).map_err(io)?;
        }
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Runs `rustfmt` (edition 2021, default configuration) over `source`.
fn rustfmt(source: &str, context: &str) -> Result<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let failed = |message: String| Error::Emit {
        context: context.to_owned(),
        message,
    };
    let rustfmt = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let mut child = Command::new(rustfmt)
        .args(["--edition", "2021", "--emit", "stdout"])
        // away from any rustfmt.toml of the caller: the output must not depend on where it runs
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            failed(format!(
                "cannot run rustfmt ({e}); install it with `rustup component add rustfmt`"
            ))
        })?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| failed(format!("rustfmt: {e}")))?;
    writer
        .join()
        .map_err(|_| failed("rustfmt input thread panicked".to_owned()))?
        .map_err(|e| failed(format!("writing to rustfmt: {e}")))?;
    if !output.status.success() {
        return Err(failed(format!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    String::from_utf8(output.stdout).map_err(|e| failed(format!("rustfmt output: {e}")))
}

/// Puts a blank line between items (top-level and inside `impl`, `trait` and `mod` blocks), which prettyplease
/// prints back to back, so that one changed item is one diff hunk.
fn spread_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev: Option<&str> = None;
    for line in text.lines() {
        if let Some(p) = prev {
            let indent = line.len() - line.trim_start().len();
            let body = line.trim_start();
            let starts_item = [
                "///",
                "#[",
                "pub ",
                "fn ",
                "impl",
                "mod ",
                "const ",
                "type ",
                "async fn ",
            ]
            .iter()
            .any(|s| body.starts_with(s));
            let same_indent = p.len() - p.trim_start().len() == indent;
            // an item ends with a `}` line, or is one line ending in `{}` or `;` (`impl X for Y {}`)
            let one_line_item = !p.trim_start().starts_with("//")
                && (p.ends_with("{}") || p.ends_with(';'))
                && !body.starts_with("use ");
            let closes_item = (p.trim_start() == "}" && same_indent)
                || (one_line_item && same_indent && indent == 0)
                || (p.starts_with("#![") && !body.starts_with("#!["));
            if starts_item && closes_item {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}
