//! Complete JSON values of the spec's schemas, from the generator's sampler
//! (`generator::samples`) over the model of `spec/storefront.yaml`: every field present
//! (optional ones too), arrays of a chosen length.

use std::path::PathBuf;

use generator::model::Model;
use serde_json::Value;

/// The model of the project's spec.
pub struct Samples {
    model: Model,
}

impl Samples {
    /// Loads `spec/storefront.yaml` with the options of `codegen.toml`.
    pub fn load() -> Samples {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let config = generator::ConfigFile::read(&root.join("codegen.toml")).expect("codegen.toml");
        let spec = &config.specs[0];
        let loaded = generator::load::load(&root.join(&spec.path)).expect("the spec loads");
        Samples {
            model: Model::build(&loaded, &spec.options).expect("the model builds"),
        }
    }

    /// A value of the named type, with `items` elements in every array.
    pub fn json(&self, name: &str, items: usize) -> Value {
        generator::samples::Samples::complete(&self.model, items).named(name)
    }

    /// The same, parsed as its Rust type (panics when the sample does not parse: a bug here).
    pub fn typed<T: serde::de::DeserializeOwned>(&self, name: &str, items: usize) -> T {
        serde_json::from_value(self.json(name, items))
            .unwrap_or_else(|e| panic!("the sample of {name} does not parse: {e}"))
    }
}
