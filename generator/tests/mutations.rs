//! No input makes the generator panic: every fixture spec, mutated many times at random (a
//! node replaced by a value of another type, a key removed, a `$ref` pointed elsewhere), either
//! generates all three crates or is rejected with an error. Seeded, so that a failure repeats.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use generator::emit::rust::Rustfmt;
use generator::Options;
use serde_json::{json, Value};

/// xorshift64*: small, seeded, enough to pick nodes and mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pointers (as key/index paths) of every node of `v`.
fn nodes(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                at.push(k.clone());
                nodes(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push(i.to_string());
                nodes(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut node = v;
    for token in path {
        node = match node {
            Value::Object(map) => map.get_mut(token)?,
            Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn mutate(doc: &mut Value, rng: &mut Rng) -> String {
    let mut all = Vec::new();
    nodes(doc, &mut Vec::new(), &mut all);
    let path = all[1 + rng.below(all.len() - 1)].clone();
    let replacements = [
        json!(null),
        json!(42),
        json!(-1.5),
        json!("x"),
        json!(true),
        json!([]),
        json!({}),
        json!({"$ref": "#/components/schemas/Nope"}),
        json!({"type": "object", "properties": {"a": {"$ref": "#/components/schemas/Nope"}}}),
        json!({"oneOf": []}),
        json!({"allOf": [{"type": "string"}, {"type": "object"}]}),
        json!({"type": "array"}),
        json!({"enum": []}),
    ];
    let choice = rng.below(replacements.len() + 1);
    let (parent, last) = path.split_at(path.len() - 1);
    if choice == replacements.len() {
        if let Some(Value::Object(map)) = get_mut(doc, parent) {
            map.remove(&last[0]);
            return format!("removed /{}", path.join("/"));
        }
    }
    let value = replacements[choice % replacements.len()].clone();
    let shown = value.to_string();
    if let Some(node) = get_mut(doc, &path) {
        *node = value;
    }
    format!("/{} = {shown}", path.join("/"))
}

/// The panic hook is process-wide: the tests that quiet it take turns.
static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Every emitter over the spec at `path` (rustfmt left out: it never sees a mutation).
fn run_all(path: &Path) {
    let Ok(model) = generator::load_model(path, &Options::default()) else {
        return;
    };
    let _ = generator::emit::types_source(&model, Rustfmt::Later);
    let _ = generator::emit::client::client_source(&model, Rustfmt::Later);
    if let Ok(paths) = generator::emit::Paths::server("crate::types", "crate::support") {
        let _ = generator::emit::server::source(&model, &paths, Rustfmt::Later);
    }
}

#[test]
fn mutated_specs_never_panic() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&cases)
        .expect("tests/cases")
        .map(|e| e.expect("entry").path().join("openapi.yaml"))
        .filter(|p| p.exists())
        .collect();
    specs.sort();
    // quiet the default hook while panics are caught; failures are reported below
    let _turn = HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut runs = 0;
    for (n, spec) in specs.iter().enumerate() {
        let text = std::fs::read_to_string(spec).expect("readable case");
        let original: Value = serde_yaml::from_str(&text).expect("cases are YAML");
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (n as u64 + 1));
        for round in 0..60 {
            let mut doc = original.clone();
            let mut what = Vec::new();
            for _ in 0..=rng.below(3) {
                what.push(mutate(&mut doc, &mut rng));
            }
            // beside the case, so that relative $refs still resolve
            let file = spec.with_file_name(format!(".mutated-{}-{round}.json", std::process::id()));
            std::fs::write(&file, doc.to_string()).expect("write the mutated spec");
            runs += 1;
            let outcome = catch_unwind(AssertUnwindSafe(|| run_all(&file)));
            let _ = std::fs::remove_file(&file);
            if let Err(panic) = outcome {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!(
                    "{} round {round} ({}): {message}",
                    spec.display(),
                    what.join("; ")
                ));
            }
        }
    }
    std::panic::set_hook(hook);
    assert!(runs >= 1000, "{runs} runs");
    assert!(
        failures.is_empty(),
        "{} of {runs} mutated specs panicked:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_project_spec_mutated_never_panics() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/storefront.yaml");
    let original: Value =
        serde_yaml::from_str(&std::fs::read_to_string(&spec).expect("the spec")).expect("YAML");
    let _turn = HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut rng = Rng(0x5eed_0f5e_ed0f_5eed);
    let rounds = 12;
    for round in 0..rounds {
        let mut doc = original.clone();
        let what: Vec<String> = (0..=rng.below(3))
            .map(|_| mutate(&mut doc, &mut rng))
            .collect();
        let file = std::env::temp_dir().join(format!(
            ".mutated-storefront-{}-{round}.json",
            std::process::id()
        ));
        std::fs::write(&file, doc.to_string()).expect("write the mutated spec");
        let outcome = catch_unwind(AssertUnwindSafe(|| run_all(&file)));
        let _ = std::fs::remove_file(&file);
        if outcome.is_err() {
            failures.push(format!("round {round}: {}", what.join("; ")));
        }
    }
    std::panic::set_hook(hook);
    assert!(
        failures.is_empty(),
        "{} of {rounds} mutated specs panicked:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
