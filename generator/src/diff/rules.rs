//! The rules of the change report: every kind of change, with its id and what it means for each
//! audience. This table is the one place where classifications are decided; `docs/diff-rules.md`
//! is printed from it (`cargo xtask diff --rules`).

use serde::Serialize;

/// What a change means for one audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Impact {
    /// Nothing to do.
    Info,
    /// Compatible: existing code keeps working.
    NonBreaking,
    /// Existing code or callers may fail.
    Breaking,
}

/// The semver bump the generated crates need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bump {
    /// Docs or behaviour behind an unchanged API.
    Patch,
    /// New public items only.
    Minor,
    /// A public item changed or went away.
    Major,
}

/// A kind of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id, used in reports and tests (`request-field-added-required`).
    pub id: &'static str,
    /// For HTTP clients of the API.
    pub http: Impact,
    /// For implementors of the generated server traits.
    pub server: Impact,
    /// For users of the generated Rust crates.
    pub rust: Bump,
    /// One line: what changed and why it is classified so.
    pub summary: &'static str,
}

use Bump::{Major, Minor, Patch};
use Impact::{Breaking, Info, NonBreaking};

macro_rules! rules {
    ($( $name:ident $id:literal => $http:ident, $server:ident, $rust:ident, $summary:literal; )*) => {
        /// The rules by name, in report order: a change names its rule with one of these, so
        /// that an unknown rule is a compile error.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum RuleId {
            $( #[doc = concat!("`", $id, "`")] $name, )*
        }

        /// Every rule, in report order (the order of [`RuleId`]).
        pub const RULES: &[Rule] = &[
            $( Rule { id: $id, http: $http, server: $server, rust: $rust, summary: $summary }, )*
        ];
    };
}

rules! {
    // operations
    OperationAdded "operation-added" => NonBreaking, NonBreaking, Minor, "A new operation: a new client method; the server trait method answers 501 until implemented.";
    OperationRemoved "operation-removed" => Breaking, Breaking, Major, "Callers get 404; the client method and the trait method are gone.";
    OperationMoved "operation-moved" => Breaking, NonBreaking, Patch, "Same operationId at another method or path: callers of the old URL get 404; generated names stay, the generated code follows.";
    OperationDeprecated "operation-deprecated" => Info, Info, Minor, "Still served; the generated method is marked deprecated.";
    OperationUndeprecated "operation-undeprecated" => Info, Info, Patch, "No longer deprecated.";
    OperationIdChanged "operation-id-changed" => NonBreaking, Breaking, Major, "Same HTTP operation under a new operationId: generated names change.";
    OperationTagChanged "operation-tag-changed" => NonBreaking, Breaking, Major, "The operation moves to another client group and server trait.";
    // parameters
    ParamAddedRequired "param-added-required" => Breaking, NonBreaking, Major, "Requests without the new parameter fail; the client method gains an argument.";
    ParamAddedOptional "param-added-optional" => NonBreaking, NonBreaking, Minor, "A new optional parameter: a new builder setter.";
    ParamRemoved "param-removed" => Info, Breaking, Major, "The server ignores or rejects it; generated fields and setters are gone.";
    ParamBecameRequired "param-became-required" => Breaking, NonBreaking, Major, "Requests without it now fail; it becomes a method argument.";
    ParamBecameOptional "param-became-optional" => NonBreaking, Breaking, Major, "It may now be absent: the server's request field becomes an Option.";
    ParamMoved "param-moved" => Breaking, NonBreaking, Patch, "Sent somewhere else (path, query, header, cookie); generated code follows.";
    PathParamRenamed "path-param-renamed" => Info, Breaking, Major, "Same URL, another name for a path parameter: the generated argument and request field are renamed.";
    ParamTypeChanged "param-type-changed" => Breaking, Breaking, Major, "Values of the old type are rejected; the Rust type changes.";
    ParamConstraintTightened "param-constraint-tightened" => Breaking, NonBreaking, Patch, "Values that were valid may now be rejected.";
    ParamConstraintLoosened "param-constraint-loosened" => NonBreaking, Info, Patch, "More values are valid; the server must accept them.";
    // request bodies
    RequestBodyAddedRequired "request-body-added-required" => Breaking, NonBreaking, Major, "Requests without a body now fail; the client method gains an argument.";
    RequestBodyAddedOptional "request-body-added-optional" => NonBreaking, NonBreaking, Minor, "An optional body can now be sent.";
    RequestBodyRemoved "request-body-removed" => Breaking, Breaking, Major, "The body is no longer read; generated body arguments are gone.";
    RequestBodyBecameRequired "request-body-became-required" => Breaking, NonBreaking, Major, "Requests without a body now fail.";
    RequestBodyBecameOptional "request-body-became-optional" => NonBreaking, Breaking, Major, "The body may be absent: the server's request body becomes an Option.";
    RequestContentTypeChanged "request-content-type-changed" => Breaking, Breaking, Major, "The body is encoded differently (JSON, multipart, form).";
    RequestBodyTypeChanged "request-body-type-changed" => Breaking, Breaking, Major, "The body is another schema.";
    // fields of types sent to the server
    RequestFieldAddedRequired "request-field-added-required" => Breaking, NonBreaking, Major, "Requests without the new field fail; struct literals need it.";
    RequestFieldAddedOptional "request-field-added-optional" => NonBreaking, NonBreaking, Major, "A new optional field; struct literals without `..Default::default()` need it.";
    RequestFieldAddedOptionalNonExhaustive "request-field-added-optional-non-exhaustive" => NonBreaking, NonBreaking, Minor, "A new optional field of a `#[non_exhaustive]` struct: built with `new()` or `Default`, no code breaks.";
    RequestFieldRemoved "request-field-removed" => Info, Breaking, Major, "The server ignores the field; generated fields are gone.";
    RequestFieldBecameRequired "request-field-became-required" => Breaking, NonBreaking, Major, "Requests without it now fail; its type loses the Option.";
    RequestFieldBecameOptional "request-field-became-optional" => NonBreaking, Breaking, Major, "It may now be absent: its type becomes an Option.";
    RequestFieldTypeChanged "request-field-type-changed" => Breaking, Breaking, Major, "Values of the old type are rejected; the Rust type changes.";
    RequestFieldNullableAdded "request-field-nullable-added" => NonBreaking, Breaking, Major, "null is now accepted: the server must handle it; the Rust type changes.";
    RequestFieldNullableRemoved "request-field-nullable-removed" => Breaking, NonBreaking, Major, "null is now rejected; the Rust type changes.";
    RequestEnumValueAdded "request-enum-value-added" => NonBreaking, Breaking, Major, "A new accepted value: the server must handle it; a new enum variant.";
    RequestEnumValueRemoved "request-enum-value-removed" => Breaking, NonBreaking, Major, "Requests with the value now fail; the variant is gone.";
    RequestConstraintTightened "request-constraint-tightened" => Breaking, NonBreaking, Patch, "Values that were valid may now be rejected.";
    RequestConstraintLoosened "request-constraint-loosened" => NonBreaking, Info, Patch, "More values are valid; the server must accept them.";
    RequestFieldBecameReadOnly "request-field-became-read-only" => Breaking, NonBreaking, Major, "Clients may no longer send it.";
    RequestFieldBecameWritable "request-field-became-writable" => NonBreaking, Info, Major, "Clients may now send it (readOnly removed).";
    // fields of types received from the server
    ResponseFieldAddedRequired "response-field-added-required" => NonBreaking, Breaking, Major, "A new field in every response: the server must fill it.";
    ResponseFieldAddedOptional "response-field-added-optional" => NonBreaking, NonBreaking, Major, "A new optional field; struct literals need it.";
    ResponseFieldAddedOptionalNonExhaustive "response-field-added-optional-non-exhaustive" => NonBreaking, NonBreaking, Minor, "A new optional field of a `#[non_exhaustive]` struct: built with `new()` or `Default`, no code breaks.";
    ResponseFieldRemoved "response-field-removed" => Breaking, NonBreaking, Major, "Clients reading it break; the Rust field is gone.";
    ResponseFieldBecameOptional "response-field-became-optional" => Breaking, NonBreaking, Major, "Clients relying on it may not get it; its type becomes an Option.";
    ResponseFieldBecameRequired "response-field-became-required" => NonBreaking, Breaking, Major, "Always sent now: the server must fill it.";
    ResponseFieldTypeChanged "response-field-type-changed" => Breaking, Breaking, Major, "Clients parsing the old type break; the Rust type changes.";
    ResponseFieldNullableAdded "response-field-nullable-added" => Breaking, NonBreaking, Major, "Clients may now get null; the Rust type changes.";
    ResponseFieldNullableRemoved "response-field-nullable-removed" => NonBreaking, Breaking, Major, "Never null now: the server must always fill it.";
    ResponseFieldBecameWriteOnly "response-field-became-write-only" => Breaking, NonBreaking, Major, "Responses no longer carry it (writeOnly): clients reading it break.";
    ResponseFieldBecameReadable "response-field-became-readable" => NonBreaking, Breaking, Major, "Responses now carry it (writeOnly removed): the server must fill it.";
    ResponseEnumValueAdded "response-enum-value-added" => Info, NonBreaking, Major, "Clients matching every value see a new one (the generated enums parse it as Unknown before the update).";
    ResponseEnumValueRemoved "response-enum-value-removed" => NonBreaking, Breaking, Major, "The server may no longer send it; the variant is gone.";
    ResponseConstraintChanged "response-constraint-changed" => Info, Info, Patch, "The documented bounds of a response value changed.";
    // unions and aliases
    UnionVariantAdded "union-variant-added" => Info, NonBreaking, Major, "A new alternative of a oneOf/anyOf: a new enum variant.";
    UnionVariantRemoved "union-variant-removed" => Breaking, Breaking, Major, "An alternative of a oneOf/anyOf is gone.";
    TypeKindChanged "type-kind-changed" => Breaking, Breaking, Major, "A schema changed kind (object, enum, union, alias).";
    // responses
    ResponseStatusAdded "response-status-added" => Info, NonBreaking, Minor, "A newly documented status: a new variant of the client's error enum and of the server's reply enum, both `#[non_exhaustive]`.";
    ResponseStatusRemoved "response-status-removed" => Info, Breaking, Major, "A status is no longer documented: variants are gone.";
    ResponseBodyTypeChanged "response-body-type-changed" => Breaking, Breaking, Major, "A response has another schema.";
    ResponseContentTypeChanged "response-content-type-changed" => Breaking, Breaking, Major, "A response is encoded differently or has no body.";
    // security
    SecurityAdded "security-added" => Breaking, Breaking, Major, "Calls now need credentials; the server method's typed credentials (`RequestContext<A>`) change.";
    SecurityRemoved "security-removed" => NonBreaking, Breaking, Major, "Calls no longer need credentials; the server method's typed credentials change (it must serve callers without them).";
    SecurityChanged "security-changed" => Breaking, Breaking, Major, "Calls need other credentials; the server method verifies other schemes and its typed credentials may change.";
    // servers
    ServerAdded "server-added" => NonBreaking, Info, Minor, "A new server to call.";
    ServerRemoved "server-removed" => Breaking, Info, Major, "A server is gone.";
    ServerChanged "server-changed" => Breaking, Info, Patch, "A server's URL or variables changed.";
    // schemas
    SchemaAdded "schema-added" => NonBreaking, NonBreaking, Minor, "A new named type.";
    SchemaRemoved "schema-removed" => Info, Info, Major, "A named type is gone.";
    SchemaBecameNonExhaustive "schema-became-non-exhaustive" => Info, Info, Major, "The struct is now `#[non_exhaustive]` (`codegen.toml`): struct literals in other crates must become `new()` or `Default`.";
    FieldRustTypeChanged "field-rust-type-changed" => Info, Breaking, Major, "The same JSON as another Rust type (a `codegen.toml` type override, `f64` -> `Decimal`): code that names the field's type changes.";
    DefaultChanged "default-changed" => Info, Info, Patch, "The value used when a field is absent changed.";
    DefaultAdded "default-added" => Info, Breaking, Major, "An optional field gets a default: absent now means that value; its Rust type loses the Option.";
    DefaultRemoved "default-removed" => Info, Breaking, Major, "An optional field loses its default: it may be absent; its Rust type becomes an Option.";
    DocChanged "doc-changed" => Info, Info, Patch, "Descriptions changed.";
}

/// The rule `id` names.
pub fn rule(id: RuleId) -> &'static Rule {
    &RULES[id as usize]
}

#[cfg(test)]
mod tests {
    use super::{rule, RuleId, RULES};

    #[test]
    fn a_rule_id_names_its_rule() {
        assert_eq!(rule(RuleId::OperationAdded).id, "operation-added");
        assert_eq!(rule(RuleId::DocChanged).id, "doc-changed");
        assert_eq!(RuleId::DocChanged as usize, RULES.len() - 1);
    }

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
        assert!(RULES.len() >= 40);
        for id in ids {
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
        }
    }
}
