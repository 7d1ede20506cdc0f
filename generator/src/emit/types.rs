//! Named types -> Rust items: structs, string enums, unions and aliases.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::rust::{doc_attrs, ident, type_tokens};
use crate::model::{Field, FieldRepr, Model, StructDef, TypeDef, TypeKind, TypeRef, UnionDef};

/// The items of every named type, in name order.
pub fn types_module(model: &Model) -> TokenStream {
    let items = model.types.values().map(|def| type_item(def, model));
    quote! {
        //! Every type of the spec, in name order.
        #![allow(clippy::enum_variant_names)]
        #(#items)*
    }
}

fn type_doc(def: &TypeDef) -> TokenStream {
    let mut doc = def
        .doc
        .clone()
        .unwrap_or_else(|| format!("`{}`.", def.name));
    doc.push_str(&format!("\n\nSchema: `{}`", def.pointer));
    doc_attrs(&doc)
}

fn type_item(def: &TypeDef, model: &Model) -> TokenStream {
    let doc = type_doc(def);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Alias(t) => {
            let t = type_tokens(t, &TokenStream::new());
            quote! { #doc pub type #name = #t; }
        }
        TypeKind::Struct(s) => struct_item(def, s, doc, model),
        TypeKind::StringEnum(variants) => {
            let variant_docs = variants.iter().map(|v| format!(" `{}`", v.value));
            let variant_names: Vec<_> = variants.iter().map(|v| ident(&v.name)).collect();
            let values: Vec<_> = variants.iter().map(|v| v.value.as_str()).collect();
            let type_name = def.name.as_str();
            quote! {
                #doc
                #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
                pub enum #name {
                    #( #[doc = #variant_docs] #variant_names, )*
                    /// A value that this version of the crate does not know.
                    Unknown(String),
                }

                impl #name {
                    /// The value on the wire.
                    pub fn as_str(&self) -> &str {
                        match self {
                            #( Self::#variant_names => #values, )*
                            Self::Unknown(value) => value,
                        }
                    }

                    /// Whether the value is one the spec lists.
                    pub fn is_known(&self) -> bool {
                        !matches!(self, Self::Unknown(_))
                    }
                }

                impl From<&str> for #name {
                    fn from(value: &str) -> Self {
                        match value {
                            #( #values => Self::#variant_names, )*
                            other => Self::Unknown(other.to_owned()),
                        }
                    }
                }

                impl std::fmt::Display for #name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        crate::support::deserialize_enum(deserializer, #type_name, Self::is_known)
                    }
                }
            }
        }
        TypeKind::Union(u) => union_item(def, u, doc, model),
    }
}

fn field_type(f: &Field) -> TokenStream {
    let inner = type_tokens(&f.ty, &TokenStream::new());
    let inner = if f.boxed { quote!(Box<#inner>) } else { inner };
    match f.repr {
        FieldRepr::Plain | FieldRepr::Defaulted => inner,
        FieldRepr::Nullable | FieldRepr::Optional => quote!(Option<#inner>),
        FieldRepr::OptionalNullable => {
            quote!(Option<Option<#inner>>)
        }
    }
}

/// The serde `with` module of a field, if it needs one: a type override's wire form (its own
/// module, or the helpers of its `Option`s in `support`), or the absent / `null` / value of an
/// optional nullable field.
fn with_module(f: &Field) -> Option<String> {
    let external = match &f.ty {
        TypeRef::External(e) => e.with.as_deref(),
        _ => None,
    };
    let helpers = |with: &str| {
        format!(
            "crate::support::{}",
            crate::emit::support::with_module_name(with)
        )
    };
    match (external, f.repr) {
        (Some(with), FieldRepr::Plain | FieldRepr::Defaulted) => Some(with.to_owned()),
        (Some(with), FieldRepr::Nullable | FieldRepr::Optional) => {
            Some(format!("{}::option", helpers(with)))
        }
        (Some(with), FieldRepr::OptionalNullable) => {
            Some(format!("{}::double_option", helpers(with)))
        }
        (None, FieldRepr::OptionalNullable) => Some("serde_with::rust::double_option".to_owned()),
        (None, _) => None,
    }
}

fn field_doc(f: &Field) -> TokenStream {
    let mut parts = vec![f
        .doc
        .clone()
        .unwrap_or_else(|| format!("`{}`.", f.json_name))];
    let mut notes = Vec::new();
    if f.read_only {
        notes.push("Read-only: set by the server.".to_owned());
    }
    if f.write_only {
        notes.push("Write-only: never returned by the server.".to_owned());
    }
    match f.repr {
        FieldRepr::OptionalNullable => {
            notes.push("`None`: left out; `Some(None)`: sent as `null`.".to_owned())
        }
        FieldRepr::Nullable => notes.push("`None` is sent as `null`.".to_owned()),
        FieldRepr::Defaulted => {
            if let Some(d) = &f.default {
                notes.push(format!("Defaults to `{d}` when absent."));
            }
        }
        // a default the field cannot hold as a literal (an external type, an object)
        FieldRepr::Optional => {
            if let Some(d) = &f.default {
                notes.push(format!("`None` is left out, which the API reads as `{d}`."));
            }
        }
        _ => {}
    }
    if !notes.is_empty() {
        parts.push(notes.join(" "));
    }
    doc_attrs(&parts.join("\n\n"))
}

fn default_fn_name(f: &Field) -> String {
    format!("default_{}", f.name.trim_end_matches('_'))
}

fn default_value(f: &Field, model: &Model) -> TokenStream {
    let value = f.default.as_ref().expect("Defaulted fields have a default");
    match (&f.ty, value) {
        (TypeRef::Named(n), serde_json::Value::String(s)) => {
            let ty = ident(n);
            let variant = match model.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::StringEnum(vs)) => {
                    vs.iter().find(|v| v.value == *s).map(|v| ident(&v.name))
                }
                _ => None,
            };
            match variant {
                Some(v) => quote!(#ty::#v),
                None => quote!(#ty::from(#s)),
            }
        }
        (_, serde_json::Value::String(s)) => quote!(#s.to_owned()),
        (_, serde_json::Value::Bool(b)) => quote!(#b),
        (TypeRef::Prim(crate::model::Prim::I32), serde_json::Value::Number(n)) => {
            let v = n
                .as_i64()
                .and_then(|v| i32::try_from(v).ok())
                .unwrap_or_default();
            quote!(#v)
        }
        (TypeRef::Prim(crate::model::Prim::I64), serde_json::Value::Number(n)) => {
            let v = n.as_i64().unwrap_or_default();
            quote!(#v)
        }
        (TypeRef::Prim(crate::model::Prim::F32), serde_json::Value::Number(n)) => {
            let v = n.as_f64().unwrap_or_default() as f32;
            quote!(#v)
        }
        (_, serde_json::Value::Number(n)) => {
            let v = n.as_f64().unwrap_or_default();
            quote!(#v)
        }
        _ => quote!(Default::default()),
    }
}

fn struct_item(def: &TypeDef, s: &StructDef, doc: TokenStream, model: &Model) -> TokenStream {
    let name = ident(&def.name);
    // multipart bodies are built part by part; JSON types (also those inside a multipart body,
    // sent as a JSON part) need serde
    let is_multipart_body = model
        .multipart
        .iter()
        .any(|b| b.struct_name.as_deref() == Some(def.name.as_str()));
    let serde = def.usage.input || def.usage.output || !is_multipart_body;
    let redacted = s.fields.iter().any(|f| f.redact);
    let all_optional = s.flattened.is_empty()
        && s.fields
            .iter()
            .all(|f| matches!(f.repr, FieldRepr::Optional | FieldRepr::OptionalNullable));
    let mut derives = vec![quote!(Clone)];
    if !redacted {
        derives.push(quote!(Debug));
    }
    if all_optional {
        derives.push(quote!(Default));
    }
    derives.push(quote!(PartialEq));
    if serde {
        derives.push(quote!(serde::Serialize));
        derives.push(quote!(serde::Deserialize));
    }
    let fields = s.fields.iter().map(|f| {
        let fdoc = field_doc(f);
        let fname = ident(&f.name);
        let ty = field_type(f);
        let mut attrs = Vec::new();
        let is_file = match &f.ty {
            TypeRef::Prim(p) => *p == crate::model::Prim::Binary,
            TypeRef::Vec(inner) => **inner == TypeRef::Prim(crate::model::Prim::Binary),
            _ => false,
        };
        if serde && is_file {
            // a write-only file: sent only in multipart requests, never in JSON
            attrs.push(quote!(skip));
        } else if serde {
            if f.name != f.json_name {
                let json = &f.json_name;
                attrs.push(quote!(rename = #json));
            }
            match f.repr {
                FieldRepr::Optional | FieldRepr::OptionalNullable => {
                    attrs.push(quote!(default, skip_serializing_if = "Option::is_none"))
                }
                FieldRepr::Defaulted => {
                    let path = format!("{}::{}", def.name, default_fn_name(f));
                    attrs.push(quote!(default = #path));
                }
                FieldRepr::Plain | FieldRepr::Nullable => {}
            }
            if let Some(with) = with_module(f) {
                attrs.push(quote!(with = #with));
            }
        }
        let serde_attr = (!attrs.is_empty()).then(|| quote!(#[serde(#(#attrs),*)]));
        quote! { #fdoc #serde_attr pub #fname: #ty, }
    });
    let extra = s.extra.as_ref().map(|t| {
        let t = type_tokens(t, &TokenStream::new());
        let flatten = serde.then(|| quote!(#[serde(flatten)]));
        quote! {
            /// Properties beyond the named ones (`additionalProperties`).
            #flatten
            pub extra: std::collections::BTreeMap<String, #t>,
        }
    });
    let flattened = s.flattened.iter().map(|fl| {
        let fname = ident(&fl.name);
        let t = type_tokens(&fl.ty, &TokenStream::new());
        let doc = match &fl.ty {
            TypeRef::Named(n) => {
                format!(" The properties of the [`{n}`] alternative that applies.")
            }
            _ => " The alternative that applies.".to_owned(),
        };
        let attr = serde.then(|| quote!(#[serde(flatten)]));
        quote! { #[doc = #doc] #attr pub #fname: #t, }
    });
    let defaults: Vec<TokenStream> = s
        .fields
        .iter()
        .filter(|f| f.repr == FieldRepr::Defaulted)
        .map(|f| {
            let fn_name = format_ident!("{}", default_fn_name(f));
            let ty = field_type(f);
            let value = default_value(f, model);
            quote! { fn #fn_name() -> #ty { #value } }
        })
        .collect();
    let constructor = constructor(def, s, model);
    let defaults_impl = (!defaults.is_empty() || constructor.is_some()).then(|| {
        let new = constructor.as_ref().map(|c| &c.new);
        quote! { impl #name { #new #(#defaults)* } }
    });
    let default_impl = constructor
        .as_ref()
        .filter(|c| c.no_arguments && !all_optional)
        .map(|_| {
            quote! {
                impl Default for #name {
                    fn default() -> Self {
                        Self::new()
                    }
                }
            }
        });
    let debug_impl = redacted.then(|| {
        let type_name = def.name.as_str();
        let entries = s.fields.iter().map(|f| {
            let fname = ident(&f.name);
            let label = f.json_name.as_str();
            if !f.redact {
                return quote!(.field(#label, &self.#fname));
            }
            match f.repr {
                FieldRepr::Plain | FieldRepr::Defaulted => {
                    quote!(.field(#label, &crate::support::Redacted))
                }
                FieldRepr::Nullable | FieldRepr::Optional => {
                    quote!(.field(#label, &self.#fname.as_ref().map(|_| crate::support::Redacted)))
                }
                FieldRepr::OptionalNullable => quote!(.field(
                    #label,
                    &self.#fname.as_ref().map(|v| v.as_ref().map(|_| crate::support::Redacted))
                )),
            }
        });
        let extra_entry = s
            .extra
            .as_ref()
            .map(|_| quote!(.field("extra", &self.extra)));
        let flat_entries = s.flattened.iter().map(|fl| {
            let fname = ident(&fl.name);
            let label = fl.name.as_str();
            quote!(.field(#label, &self.#fname))
        });
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct(#type_name) #(#entries)* #(#flat_entries)* #extra_entry .finish()
                }
            }
        }
    });
    let non_exhaustive = s.non_exhaustive.then(|| quote!(#[non_exhaustive]));
    quote! {
        #doc
        #[derive(#(#derives),*)]
        #non_exhaustive
        pub struct #name {
            #(#fields)*
            #(#flattened)*
            #extra
        }
        #defaults_impl
        #default_impl
        #debug_impl
    }
}

/// The `new` of a struct, when it spares its caller something.
struct Constructor {
    /// `pub fn new(...) -> Self`.
    new: TokenStream,
    /// `new()` takes nothing (so the struct has a `Default` too).
    no_arguments: bool,
}

/// How `new` sets a field.
enum FieldInit {
    /// From an argument.
    Argument,
    /// `None`, the spec's default, or the one value of its enum.
    Value(TokenStream),
}

/// `new(required...)`: the fields that need a value as arguments; the optional ones `None`, those
/// with a spec default that default, and a required enum of one value that value. So a struct
/// literal never has to spell out what the spec already knows. `None` when every field is an
/// argument (the literal is as short).
fn constructor(def: &TypeDef, s: &StructDef, model: &Model) -> Option<Constructor> {
    let init = |f: &Field| match f.repr {
        FieldRepr::Optional | FieldRepr::OptionalNullable => FieldInit::Value(quote!(None)),
        FieldRepr::Defaulted => {
            let default = format_ident!("{}", default_fn_name(f));
            FieldInit::Value(quote!(Self::#default()))
        }
        _ if f.is_constructor_argument(&model.types) => FieldInit::Argument,
        // required on the wire, but the spec says what to send when in doubt
        FieldRepr::Plain if f.default.is_some() => FieldInit::Value(default_value(f, model)),
        // a string enum of one value
        _ => only_value(&f.ty, model).map_or(FieldInit::Argument, FieldInit::Value),
    };
    let inits: Vec<(&Field, FieldInit)> = s.fields.iter().map(|f| (f, init(f))).collect();
    // a struct literal does as well, unless the struct is `#[non_exhaustive]`
    if inits.iter().all(|(_, i)| matches!(i, FieldInit::Argument))
        && s.extra.is_none()
        && !s.non_exhaustive
    {
        return None;
    }
    // every field optional: the derived `Default` is that constructor already
    let all_optional = s.flattened.is_empty()
        && s.fields
            .iter()
            .all(|f| matches!(f.repr, FieldRepr::Optional | FieldRepr::OptionalNullable));
    if all_optional {
        return None;
    }
    let mut args = Vec::new();
    let mut sets = Vec::new();
    let mut documented = Vec::new();
    for (f, i) in &inits {
        let fname = ident(&f.name);
        match i {
            FieldInit::Argument => {
                let ty = field_type(f);
                args.push(quote!(#fname: impl Into<#ty>));
                sets.push(quote!(#fname: #fname.into(),));
            }
            FieldInit::Value(v) => {
                if !matches!(f.repr, FieldRepr::Optional | FieldRepr::OptionalNullable) {
                    documented.push(format!("`{}`", f.name));
                }
                sets.push(quote!(#fname: #v,));
            }
        }
    }
    for fl in &s.flattened {
        let fname = ident(&fl.name);
        let ty = type_tokens(&fl.ty, &TokenStream::new());
        args.push(quote!(#fname: impl Into<#ty>));
        sets.push(quote!(#fname: #fname.into(),));
    }
    if s.extra.is_some() {
        sets.push(quote!(extra: Default::default(),));
    }
    let mut doc = format!(
        " A `{}` with the given fields; the optional ones are `None`",
        def.name
    );
    if !documented.is_empty() {
        let verb = if documented.len() == 1 {
            "takes"
        } else {
            "take"
        };
        doc.push_str(&format!(
            ", and {} {verb} the spec's default or only value",
            documented.join(", ")
        ));
    }
    doc.push('.');
    let allow = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    Some(Constructor {
        no_arguments: args.is_empty(),
        new: quote! {
            #[doc = #doc]
            #allow
            pub fn new(#(#args),*) -> Self {
                Self { #(#sets)* }
            }
        },
    })
}

/// The one value of a string enum of one value.
fn only_value(ty: &TypeRef, model: &Model) -> Option<TokenStream> {
    let TypeRef::Named(n) = ty else {
        return None;
    };
    let Some(TypeKind::StringEnum(values)) = model.types.get(n).map(|d| &d.kind) else {
        return None;
    };
    let [value] = values.as_slice() else {
        return None;
    };
    let (ty, variant) = (ident(n), ident(&value.name));
    Some(quote!(#ty::#variant))
}

/// What an alternative of a union without a discriminator keeps of an object: the properties
/// its struct names, or every property (a map, a struct with `additionalProperties` or
/// flattened alternatives, any JSON); `None` for an alternative that is not an object.
fn keeps(ty: &TypeRef, model: &Model) -> TokenStream {
    let def = match ty {
        TypeRef::Named(n) => model.types.get(n),
        TypeRef::Map(_) | TypeRef::JsonObject | TypeRef::Json => None,
        _ => return quote!(crate::support::Keeps::Nothing),
    };
    match def.map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) if s.extra.is_none() && s.flattened.is_empty() => {
            let names = s.fields.iter().map(|f| f.json_name.as_str());
            quote!(crate::support::Keeps::Properties(&[#(#names),*]))
        }
        Some(TypeKind::Alias(t)) => keeps(t, model),
        Some(TypeKind::StringEnum(_)) => quote!(crate::support::Keeps::Nothing),
        _ => quote!(crate::support::Keeps::All),
    }
}

fn union_item(def: &TypeDef, u: &UnionDef, doc: TokenStream, model: &Model) -> TokenStream {
    let name = ident(&def.name);
    let keyword = if u.any_of { "anyOf" } else { "oneOf" };
    let variants: Vec<TokenStream> = u
        .variants
        .iter()
        .map(|v| {
            let vname = ident(&v.name);
            let ty = type_tokens(&v.ty, &TokenStream::new());
            let ty = if v.boxed { quote!(Box<#ty>) } else { ty };
            let vdoc = match &v.ty {
                TypeRef::Named(n) => format!(" A [`{n}`]."),
                _ => format!(" The `{}` alternative.", v.name),
            };
            quote! { #[doc = #vdoc] #vname(#ty), }
        })
        .collect();
    match &u.discriminator {
        None => {
            let how = format!(
                " Parsing tries every alternative ({keyword}) and keeps the one that fits the value best."
            );
            let type_name = def.name.as_str();
            let parsers = u.variants.iter().map(|v| {
                let vname = ident(&v.name);
                let keeps = keeps(&v.ty, model);
                quote!((|v| serde::Deserialize::deserialize(v).map(Self::#vname), #keeps),)
            });
            let (how, unknown, parse) = if u.unknown {
                (
                    format!("{how} A value that is none of them is kept as `Unknown`."),
                    quote! {
                        /// A value that is none of the alternatives (a shape this crate does not know).
                        Unknown(serde_json::Value),
                    },
                    quote! {
                        Ok(crate::support::best_alternative_or(value, #type_name, &[#(#parsers)*], Self::Unknown))
                    },
                )
            } else {
                (
                    how,
                    quote!(),
                    quote! {
                        crate::support::best_alternative(&value, #type_name, &[#(#parsers)*])
                            .map_err(serde::de::Error::custom)
                    },
                )
            };
            quote! {
                #doc
                #[doc = ""]
                #[doc = #how]
                #[derive(Clone, Debug, PartialEq, serde::Serialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variants)*
                    #unknown
                }

                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                        #parse
                    }
                }
            }
        }
        Some(d) => {
            let property = d.property.as_str();
            let how = format!(" The `{property}` property says which alternative a value is.");
            let arms = u.variants.iter().enumerate().map(|(i, v)| {
                let vname = ident(&v.name);
                let values: Vec<&str> =
                    d.mapping.iter().filter(|(_, idx)| *idx == i).map(|(value, _)| value.as_str()).collect();
                quote! {
                    #(Some(#values))|* => serde_json::from_value(value).map(Self::#vname).map_err(serde::de::Error::custom),
                }
            });
            let ser_arms = u.variants.iter().map(|v| {
                let vname = ident(&v.name);
                quote!(Self::#vname(v) => v.serialize(serializer),)
            });
            let unknown_doc = format!(" A value whose `{property}` is none of the known ones.");
            let not_object = format!("expected an object for {}", def.name);
            quote! {
                #doc
                #[doc = ""]
                #[doc = #how]
                #[derive(Clone, Debug, PartialEq)]
                pub enum #name {
                    #(#variants)*
                    #[doc = #unknown_doc]
                    Unknown(serde_json::Value),
                }

                impl serde::Serialize for #name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        match self {
                            #(#ser_arms)*
                            Self::Unknown(v) => v.serialize(serializer),
                        }
                    }
                }

                impl<'de> serde::Deserialize<'de> for #name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                        if !value.is_object() {
                            return Err(serde::de::Error::custom(#not_object));
                        }
                        let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                        match tag.as_deref() {
                            #(#arms)*
                            _ => Ok(Self::Unknown(value)),
                        }
                    }
                }
            }
        }
    }
}
