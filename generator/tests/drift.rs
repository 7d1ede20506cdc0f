//! `cargo test` alone catches a stale `generated/`: this regenerates every configured crate in
//! memory and compares it with the files on disk (as `cargo xtask generate --check` does), and
//! checks that generation is deterministic.

use std::path::PathBuf;

use generator::ConfigFile;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn generated_crates_match_the_spec() {
    let root = root();
    let config = ConfigFile::read(&root.join("codegen.toml")).expect("codegen.toml");
    for spec in &config.specs {
        let generated = generator::generate(spec, &root).expect("the spec generates");
        let drift = generator::check(&generated).expect("generated/ is readable");
        assert!(
            drift.is_clean(),
            "generated/ is stale; run `cargo xtask generate`.\n{drift:#?}"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let root = root();
    let config = ConfigFile::read(&root.join("codegen.toml")).expect("codegen.toml");
    for spec in &config.specs {
        let first = generator::generate(spec, &root).expect("the spec generates");
        let second = generator::generate(spec, &root).expect("the spec generates");
        assert_eq!(first, second, "two runs gave different files");
    }
}
