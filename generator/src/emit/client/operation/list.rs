//! Pagination of a list operation: the builder's `into_pages`/`into_stream` and the private
//! functions that read a page's next page number, items and item count (the paths are the
//! model's, `model::pagination`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{names, ty};
use crate::emit::rust::{doc_attrs, ident};
use crate::emit::Paths;
use crate::model::pagination::{ListOperation, Step};
use crate::model::{Operation, Prim, TypeRef};

/// The builder's `into_pages` and `into_stream`.
pub(super) fn builder_methods(op: &Operation, list: &ListOperation, paths: &Paths) -> TokenStream {
    let runtime = &paths.runtime;
    let error = names(op).error;
    let response = ty(&TypeRef::Named(list.response.clone()), paths);
    let item = ty(&list.item_ty, paths);
    let page = ident(&list.page_param);
    let next_fn = format_ident!("{}_next_page", op.fn_name);
    let items_fn = format_ident!("{}_items", op.fn_name);
    let count_fn = format_ident!("{}_item_count", op.fn_name);
    let (first, set) = match list.page_ty {
        Prim::I64 => (quote!(self.#page.unwrap_or(1)), quote!(page)),
        _ => (
            quote!(self.#page.map(i64::from).unwrap_or(1)),
            quote!(i32::try_from(page).unwrap_or(i32::MAX)),
        ),
    };
    let pages_doc = doc_attrs(&format!(
        "The pages of the list, from this request's page (the first unless set) on,\n\
         following each page's next page number. Stops after the last page, a page\n\
         number that does not increase, an empty page, an error, or\n\
         [`max_pages`]({}::Pages::max_pages) pages.",
        paths.runtime_doc
    ));
    quote! {
        #pages_doc
        pub fn into_pages(self) -> #runtime::Pages<#response, #error> {
            let first = #first;
            #runtime::Pages::new(
                first,
                move |page| {
                    let mut request = self.clone();
                    request.#page = Some(#set);
                    Box::pin(request.send())
                },
                #next_fn,
                #count_fn,
            )
        }

        /// The items of the list, page after page (see [`into_pages`](Self::into_pages)).
        pub fn into_stream(self) -> #runtime::Items<#response, #item, #error> {
            self.into_pages().items(#items_fn)
        }
    }
}

/// Reads a value through `steps` from `r` in a function returning `Option`: borrowed
/// (`&T`) when `borrow`, moved out otherwise. Intermediate `Option`s use `?`.
fn access(steps: &[Step], borrow: bool) -> (TokenStream, bool) {
    let mut expr = quote!(r);
    let mut uses_question = false;
    let (last, init) = steps.split_last().expect("a path has at least one step");
    for s in init {
        let f = ident(&s.field);
        expr = quote!(#expr.#f);
        for _ in 0..s.options {
            uses_question = true;
            expr = if borrow {
                quote!(#expr.as_ref()?)
            } else {
                quote!(#expr?)
            };
        }
    }
    let f = ident(&last.field);
    let base = quote!(#expr.#f);
    let value = match (last.options, borrow) {
        (0, true) => quote!(Some(&#base)),
        (0, false) => quote!(Some(#base)),
        (1, true) => quote!(#base.as_ref()),
        (1, false) => base,
        (_, true) => quote!(#base.as_ref().and_then(Option::as_ref)),
        (_, false) => quote!(#base.flatten()),
    };
    (value, uses_question || last.options > 0)
}

/// Private functions that read a list's next page, items and item count.
pub(super) fn accessors(op: &Operation, list: &ListOperation, paths: &Paths) -> TokenStream {
    let response = ty(&TypeRef::Named(list.response.clone()), paths);
    let item = ty(&list.item_ty, paths);
    let next_fn = format_ident!("{}_next_page", op.fn_name);
    let items_fn = format_ident!("{}_items", op.fn_name);
    let count_fn = format_ident!("{}_item_count", op.fn_name);
    // the next page: a copied integer
    let (last, init) = list.next_page.split_last().expect("non-empty");
    let mut expr = quote!(r);
    for s in init {
        let f = ident(&s.field);
        expr = quote!(#expr.#f);
        for _ in 0..s.options {
            expr = quote!(#expr.as_ref()?);
        }
    }
    let f = ident(&last.field);
    let base = quote!(#expr.#f);
    let next = match (last.options, list.next_page_ty) {
        (0, Prim::I64) => quote!(Some(#base)),
        (0, _) => quote!(Some(i64::from(#base))),
        (1, Prim::I64) => base,
        (1, _) => quote!(#base.map(i64::from)),
        (_, Prim::I64) => quote!(#base.flatten()),
        (_, _) => quote!(#base.flatten().map(i64::from)),
    };
    let all_plain = list.items.iter().all(|s| s.options == 0);
    let (items, count) = if all_plain {
        let fields = list.items.iter().map(|s| ident(&s.field));
        let fields2 = fields.clone();
        (quote!(r #(.#fields)*), quote!(r #(.#fields2)*.len()))
    } else {
        let (owned, _) = access(&list.items, false);
        let (borrowed, _) = access(&list.items, true);
        (
            quote! {
                fn get(r: #response) -> Option<Vec<#item>> { #owned }
                get(r).unwrap_or_default()
            },
            quote! {
                fn get(r: &#response) -> Option<&Vec<#item>> { #borrowed }
                get(r).map_or(0, Vec::len)
            },
        )
    };
    quote! {
        fn #next_fn(r: &#response) -> Option<i64> { #next }

        fn #items_fn(r: #response) -> Vec<#item> { #items }

        fn #count_fn(r: &#response) -> usize { #count }
    }
}
