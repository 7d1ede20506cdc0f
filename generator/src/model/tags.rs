//! Tags: the one decision of how operations are grouped and what the groups are called in
//! both crates. A tag is a module (and a Cargo feature) of the client and of the server crate,
//! a group type in the client (`client.carts()` gives `carts::Carts`) and a trait in the server.

use super::Operation;
use crate::names::{self, NameSet};

/// A tag and its operations.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// The tag as in the spec (`default` for operations without one).
    pub name: String,
    /// `snake_case` module and Cargo feature name, the same in both crates.
    pub module: String,
    /// `UpperCamelCase` name of the client's group type (in the tag's module).
    pub group: String,
    /// `UpperCamelCase` name of the server's trait (re-exported at the crate root).
    pub trait_name: String,
    /// Its operations (indices into `Model::operations`), in spec order.
    pub operations: Vec<usize>,
}

/// Names tag modules avoid: `default` (Cargo keeps the feature for itself); in the client,
/// the other modules and methods of `Client` (`types`, `support`, `runtime`); in the server,
/// the private module and the `prelude` of the crate, and the other methods of its `Routes`
/// builder (which has one method per tag module).
pub const RESERVED_MODULES: [&str; 10] = [
    "default",
    "types",
    "support",
    "runtime",
    "internal",
    "prelude",
    "new",
    "with_config",
    "merge",
    "build",
];

/// Names tag traits avoid: the other items at the root of a generated server crate.
pub const RESERVED_TRAITS: [&str; 12] = [
    "OperationInfo",
    "Routes",
    "ServerVariables",
    "AuthError",
    "AuthRequest",
    "Backend",
    "Config",
    "Credentials",
    "ErrorResponse",
    "IntoErrorResponse",
    "RequestContext",
    "Verified",
];

/// The tag operations without tags get.
pub const UNTAGGED: &str = "default";

/// Tags in order of first appearance, each with its operations in spec order.
pub fn build(operations: &[Operation]) -> Vec<Tag> {
    let mut tags: Vec<Tag> = Vec::new();
    let mut modules = NameSet::with_taken(RESERVED_MODULES);
    let mut traits = NameSet::with_taken(RESERVED_TRAITS);
    for (i, op) in operations.iter().enumerate() {
        if let Some(tag) = tags.iter_mut().find(|t| t.name == op.tag) {
            tag.operations.push(i);
            continue;
        }
        // operations without tags are in `default`, which Cargo keeps for itself
        let base = if op.tag == UNTAGGED {
            "untagged"
        } else {
            &op.tag
        };
        tags.push(Tag {
            name: op.tag.clone(),
            module: modules.take(&names::field_name(base)),
            group: names::type_name(base),
            trait_name: traits.take(&names::type_name(base)),
            operations: vec![i],
        });
    }
    for tag in &mut tags {
        // the group must not share a name with an operation's builder or error
        while tag.operations.iter().any(|&i| {
            let op = &operations[i].type_name;
            *op == tag.group || format!("{op}Error") == tag.group
        }) {
            tag.group.push_str("Operations");
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(tag: &str, type_name: &str) -> Operation {
        Operation {
            tag: tag.to_owned(),
            type_name: type_name.to_owned(),
            ..Operation::default()
        }
    }

    fn names(tags: &[Tag]) -> Vec<(&str, &str, &str, &[usize])> {
        tags.iter()
            .map(|t| {
                (
                    t.module.as_str(),
                    t.group.as_str(),
                    t.trait_name.as_str(),
                    t.operations.as_slice(),
                )
            })
            .collect()
    }

    #[test]
    fn grouped_in_order_of_first_appearance() {
        let tags = build(&[
            op("Carts", "GetCart"),
            op("user-accounts", "Login"),
            op("Carts", "AddItem"),
        ]);
        assert_eq!(
            names(&tags),
            [
                ("carts", "Carts", "Carts", &[0, 2][..]),
                ("user_accounts", "UserAccounts", "UserAccounts", &[1][..]),
            ]
        );
    }

    #[test]
    fn untagged_operations() {
        let tags = build(&[op(UNTAGGED, "Ping")]);
        assert_eq!(tags[0].name, "default");
        assert_eq!(
            names(&tags),
            [("untagged", "Untagged", "Untagged", &[0][..])]
        );
    }

    #[test]
    fn reserved_names() {
        let tags = build(&[
            op("types", "A"),
            op("prelude", "B"),
            op("Backend", "C"),
            op("build", "D"),
        ]);
        assert_eq!(
            names(&tags),
            [
                ("types_2", "Types", "Types", &[0][..]),
                ("prelude_2", "Prelude", "Prelude", &[1][..]),
                ("backend", "Backend", "Backend2", &[2][..]),
                ("build_2", "Build", "Build", &[3][..]),
            ]
        );
    }

    #[test]
    fn groups_avoid_the_operations_items() {
        let tags = build(&[op("search", "Search"), op("CartError", "Cart")]);
        assert_eq!(tags[0].group, "SearchOperations");
        assert_eq!(tags[1].group, "CartErrorOperations");
        // the server's items are `{Op}Request` and `{Op}Reply`: no clash with a trait `Search`
        assert_eq!(tags[0].trait_name, "Search");
    }

    #[test]
    fn distinct_tags_with_one_rust_name() {
        let tags = build(&[op("a-b", "X"), op("a_b", "Y")]);
        assert_eq!(
            names(&tags),
            [
                ("a_b", "AB", "AB", &[0][..]),
                ("a_b_2", "AB", "AB2", &[1][..])
            ]
        );
    }
}
