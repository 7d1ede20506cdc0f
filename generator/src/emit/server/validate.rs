//! Validation of requests beyond what serde checks: string enums must hold a value the spec
//! lists (the types crate keeps unknown values in `Unknown`, which a server refuses), unions
//! with a discriminator a known alternative, and fields and parameters their lengths, patterns,
//! item counts and ranges.
//!
//! Only the types that need it get an `impl Validate`: those the analysis marked
//! (`Usage::validate`: reachable from a request, with an enum, a discriminated union or a
//! checked constraint somewhere inside). Which check a constraint gives is the model's too
//! (`Constraints::check`); this module writes the checks.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::emit::rust::ident;
use crate::emit::Paths;
use crate::model::{
    Check, Constraints, FieldRepr, Model, Prim, StructDef, TypeDef, TypeKind, TypeRef, UnionDef,
};

/// Which named types need validation.
pub(super) struct Validation {
    needs: BTreeSet<String>,
}

fn usize_opt(v: Option<usize>) -> TokenStream {
    match v {
        Some(n) => {
            let n = Literal::usize_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

fn f64_opt(v: Option<f64>) -> TokenStream {
    match v.filter(|v| v.is_finite()) {
        Some(n) => {
            let n = Literal::f64_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

/// Checks of `constraints` on `value` (a `&T` of `ty`), recording problems under `name` in
/// `errors`; `None` when nothing applies.
pub(super) fn constraint_checks(
    c: &Constraints,
    ty: &TypeRef,
    name: TokenStream,
    errors: TokenStream,
    paths: &Paths,
) -> Option<TokenStream> {
    let rt = &paths.runtime;
    let check = match (c.check(ty)?, ty) {
        (Check::Text, _) => {
            let length = (c.min_length.is_some() || c.max_length.is_some()).then(|| {
                let (min, max) = (usize_opt(c.min_length), usize_opt(c.max_length));
                quote!(#rt::validate::length(value, #min, #max, #name, #errors);)
            });
            // the model has checked that the pattern compiles (`model::analysis`)
            let pattern = c.pattern.as_deref().map(|p| {
                quote! {{
                    static PATTERN: std::sync::LazyLock<#rt::Regex> =
                        std::sync::LazyLock::new(|| {
                            #rt::Regex::new(#p).expect("the generator checked the pattern")
                        });
                    #rt::validate::pattern(value, &PATTERN, #p, #name, #errors);
                }}
            });
            let email = (c.format.as_deref() == Some("email"))
                .then(|| quote!(#rt::validate::email(value, #name, #errors);));
            quote!(#length #pattern #email)
        }
        (Check::Range, TypeRef::External(_)) => {
            // a type of another crate: checked through the JSON number it is sent as
            let (min, max) = (f64_opt(c.minimum), f64_opt(c.maximum));
            let (emin, emax) = (c.exclusive_minimum, c.exclusive_maximum);
            quote!(
                if let Some(value) = #rt::validate::as_number(value) {
                    #rt::validate::range(value, #min, #max, #emin, #emax, #name, #errors);
                }
            )
        }
        (Check::Range, ty) => {
            let v = match ty {
                TypeRef::Prim(Prim::I32 | Prim::F32) => quote!(f64::from(*value)),
                TypeRef::Prim(Prim::I64) => quote!(*value as f64),
                _ => quote!(*value),
            };
            let (min, max) = (f64_opt(c.minimum), f64_opt(c.maximum));
            let (emin, emax) = (c.exclusive_minimum, c.exclusive_maximum);
            quote!(
                #rt::validate::range(#v, #min, #max, #emin, #emax, #name, #errors);
            )
        }
        (Check::Items, _) => {
            let (min, max) = (usize_opt(c.min_items), usize_opt(c.max_items));
            quote!(#rt::validate::items(value.len(), #min, #max, #name, #errors);)
        }
    };
    Some(check)
}

impl Validation {
    /// The types that need validation: those the analysis marked (`Usage::validate`).
    pub(super) fn of(model: &Model) -> Validation {
        Validation {
            needs: model
                .types
                .values()
                .filter(|d| d.usage.validate)
                .map(|d| d.name.clone())
                .collect(),
        }
    }

    /// Whether a value of `ty` needs validation.
    pub(super) fn needs(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(n) => self.needs.contains(n),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
                self.needs(inner)
            }
            _ => false,
        }
    }

    /// The `Validate` trait and its impls (nothing when no type needs validation).
    pub(super) fn items(&self, model: &Model, paths: &Paths) -> Vec<TokenStream> {
        let rt = &paths.runtime;
        if self.needs.is_empty() {
            return Vec::new();
        }
        let mut items = vec![quote! {
            /// Checks what the spec states beyond types, recording problems under the value's
            /// name (`items[0].kind`; `""` is the body as a whole).
            pub(crate) trait Validate {
                /// Records the problems of `self`, whose name is `name`.
                fn validate(&self, name: &str, errors: &mut #rt::Errors);
            }

            impl<T: Validate> Validate for Option<T> {
                fn validate(&self, name: &str, errors: &mut #rt::Errors) {
                    if let Some(value) = self {
                        value.validate(name, errors);
                    }
                }
            }

            impl<T: Validate> Validate for Vec<T> {
                fn validate(&self, name: &str, errors: &mut #rt::Errors) {
                    for (i, value) in self.iter().enumerate() {
                        value.validate(&#rt::validate::index(name, i), errors);
                    }
                }
            }

            impl<T: Validate + ?Sized> Validate for Box<T> {
                fn validate(&self, name: &str, errors: &mut #rt::Errors) {
                    (**self).validate(name, errors);
                }
            }

            impl<T: Validate> Validate for std::collections::BTreeMap<String, T> {
                fn validate(&self, name: &str, errors: &mut #rt::Errors) {
                    for (key, value) in self {
                        value.validate(&#rt::validate::key(name, key), errors);
                    }
                }
            }
        }];
        for name in &self.needs {
            let Some(def) = model.types.get(name) else {
                continue;
            };
            let body = match &def.kind {
                TypeKind::Alias(_) => continue,
                TypeKind::StringEnum(variants) => {
                    let values = variants.iter().map(|v| v.value.as_str());
                    quote! {
                        if let Self::Unknown(value) = self {
                            #rt::validate::unknown_value(value, &[#(#values),*], name, errors);
                        }
                    }
                }
                TypeKind::Union(u) => self.union_body(u, paths),
                TypeKind::Struct(s) => self.struct_body(s, paths),
            };
            items.push(impl_for(def, paths, body));
        }
        items
    }

    fn union_body(&self, u: &UnionDef, paths: &Paths) -> TokenStream {
        let rt = &paths.runtime;
        let mut arms: Vec<TokenStream> = u
            .variants
            .iter()
            .filter(|x| self.needs(&x.ty))
            .map(|x| {
                let v = ident(&x.name);
                quote!(Self::#v(value) => value.validate(name, errors),)
            })
            .collect();
        let covered = arms.len() == u.variants.len();
        // a request's value that is none of the alternatives: a 400
        let reject_unknown = u.unknown.then(|| match &u.discriminator {
            Some(d) => {
                let property = d.property.as_str();
                quote!(#rt::validate::unknown_alternative(#property, name, errors))
            }
            None => quote!(#rt::validate::no_alternative(name, errors)),
        });
        if let Some(reject) = &reject_unknown {
            arms.push(quote!(Self::Unknown(_) => #reject,));
        }
        if arms.len() == 1 && !covered {
            // one arm: `if let`, as clippy prefers
            let arm = u.variants.iter().find(|x| self.needs(&x.ty)).map(|x| {
                let v = ident(&x.name);
                quote! {
                    if let Self::#v(value) = self {
                        value.validate(name, errors);
                    }
                }
            });
            return match (arm, reject_unknown) {
                (Some(arm), _) => arm,
                (None, Some(reject)) => quote! {
                    if let Self::Unknown(_) = self {
                        #reject;
                    }
                },
                (None, None) => quote!(),
            };
        }
        let rest = (!covered).then(|| quote!(_ => {}));
        quote! {
            match self {
                #(#arms)*
                #rest
            }
        }
    }

    fn struct_body(&self, s: &StructDef, paths: &Paths) -> TokenStream {
        let rt = &paths.runtime;
        let mut statements = Vec::new();
        for f in &s.fields {
            let fname = ident(&f.name);
            let wire = f.json_name.as_str();
            let sub = quote!(&#rt::validate::field(name, #wire));
            if self.needs(&f.ty) {
                statements.push(quote!(self.#fname.validate(#sub, errors);));
            }
            if f.boxed {
                continue;
            }
            if let Some(c) = constraint_checks(&f.constraints, &f.ty, sub, quote!(errors), paths) {
                statements.push(match f.repr {
                    FieldRepr::Plain | FieldRepr::Defaulted => {
                        quote! { { let value = &self.#fname; #c } }
                    }
                    FieldRepr::Optional | FieldRepr::Nullable => {
                        quote! { if let Some(value) = &self.#fname { #c } }
                    }
                    FieldRepr::OptionalNullable => {
                        quote! { if let Some(Some(value)) = &self.#fname { #c } }
                    }
                });
            }
        }
        if s.extra.as_ref().is_some_and(|t| self.needs(t)) {
            statements.push(quote! {
                for (key, value) in &self.extra {
                    value.validate(&#rt::validate::key(name, key), errors);
                }
            });
        }
        for fl in &s.flattened {
            if self.needs(&fl.ty) {
                let f = ident(&fl.name);
                statements.push(quote!(self.#f.validate(name, errors);));
            }
        }
        quote!(#(#statements)*)
    }
}

fn impl_for(def: &TypeDef, paths: &Paths, body: TokenStream) -> TokenStream {
    let rt = &paths.runtime;
    let types = &paths.types;
    let name = ident(&def.name);
    quote! {
        impl Validate for #types::#name {
            fn validate(&self, name: &str, errors: &mut #rt::Errors) {
                #body
            }
        }
    }
}
