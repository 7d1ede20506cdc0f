//! Streams of pages and of items of list operations, following the next page number of each
//! response.
//!
//! The streams cannot loop: they stop after a page whose next page number is `None`, is not
//! greater than its own number, or that has no items, after an error, and after
//! [`Pages::max_pages`] pages (1000 unless set).

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;

use crate::error::Error;
use crate::BoxFuture;

/// The future of one page.
pub type PageFuture<P, E> = BoxFuture<'static, Result<P, Error<E>>>;

/// Fetches a page by number.
pub type FetchPage<P, E> = Box<dyn FnMut(i64) -> PageFuture<P, E> + Send>;

/// The default maximum number of pages a stream fetches.
pub const DEFAULT_MAX_PAGES: usize = 1000;

/// A stream of the pages (whole responses) of a list operation.
pub struct Pages<P, E> {
    fetch: FetchPage<P, E>,
    next_page: fn(&P) -> Option<i64>,
    item_count: fn(&P) -> usize,
    next: Option<i64>,
    current: i64,
    in_flight: Option<PageFuture<P, E>>,
    fetched: usize,
    max_pages: usize,
}

impl<P, E> std::fmt::Debug for Pages<P, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("next", &self.next)
            .field("fetched", &self.fetched)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

impl<P, E> Pages<P, E> {
    /// Pages from `first_page` on: `fetch` gets a page by number, `next_page` reads the next
    /// page's number from a page, `item_count` counts its items.
    pub fn new(
        first_page: i64,
        fetch: impl FnMut(i64) -> PageFuture<P, E> + Send + 'static,
        next_page: fn(&P) -> Option<i64>,
        item_count: fn(&P) -> usize,
    ) -> Self {
        Pages {
            fetch: Box::new(fetch),
            next_page,
            item_count,
            next: Some(first_page),
            current: first_page,
            in_flight: None,
            fetched: 0,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// Stops after `n` pages (at least one).
    pub fn max_pages(mut self, n: usize) -> Self {
        self.max_pages = n.max(1);
        self
    }

    /// The items of the pages, one by one; `items` takes them out of a page.
    pub fn items<I>(self, items: fn(P) -> Vec<I>) -> Items<P, I, E> {
        Items {
            pages: self,
            items,
            buffer: VecDeque::new(),
        }
    }

    /// What comes after a page numbered `current` whose next page is `next`.
    fn after(&self, page: &P) -> Option<i64> {
        let next = (self.next_page)(page)?;
        if next <= self.current {
            tracing::warn!(
                page = self.current,
                next,
                "the next page number does not increase: stopping"
            );
            return None;
        }
        if (self.item_count)(page) == 0 {
            return None;
        }
        if self.fetched >= self.max_pages {
            tracing::warn!(
                max_pages = self.max_pages,
                "the maximum number of pages is reached: stopping"
            );
            return None;
        }
        Some(next)
    }
}

impl<P, E> Stream for Pages<P, E> {
    type Item = Result<P, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(fut) = this.in_flight.as_mut() {
                let result = match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(result) => result,
                };
                this.in_flight = None;
                this.fetched += 1;
                return Poll::Ready(Some(match result {
                    Ok(page) => {
                        this.next = this.after(&page);
                        Ok(page)
                    }
                    Err(e) => {
                        this.next = None;
                        Err(e)
                    }
                }));
            }
            match this.next.take() {
                None => return Poll::Ready(None),
                Some(page) => {
                    this.current = page;
                    this.in_flight = Some((this.fetch)(page));
                }
            }
        }
    }
}

/// A stream of the items of a list operation, page after page.
pub struct Items<P, I, E> {
    pages: Pages<P, E>,
    items: fn(P) -> Vec<I>,
    buffer: VecDeque<I>,
}

impl<P, I, E> std::fmt::Debug for Items<P, I, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<P, I, E> Items<P, I, E> {
    /// Stops after `n` pages (at least one).
    pub fn max_pages(mut self, n: usize) -> Self {
        self.pages = self.pages.max_pages(n);
        self
    }
}

impl<P, I: Unpin, E> Stream for Items<P, I, E> {
    type Item = Result<I, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => this.buffer.extend((this.items)(page)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// A page: its items and the next page number.
    type Page = (Vec<u32>, Option<i64>);

    fn pages(
        script: fn(i64) -> Page,
        calls: Arc<AtomicUsize>,
    ) -> Pages<Page, std::convert::Infallible> {
        Pages::new(
            1,
            move |n| {
                calls.fetch_add(1, Ordering::SeqCst);
                Box::pin(async move { Ok(script(n)) })
            },
            |p| p.1,
            |p| p.0.len(),
        )
    }

    async fn collect(p: Pages<Page, std::convert::Infallible>) -> Vec<u32> {
        p.items(|p| p.0)
            .map(|r| r.unwrap())
            .collect::<Vec<_>>()
            .await
    }

    #[tokio::test]
    async fn follows_next_page_until_null() {
        let calls = Arc::new(AtomicUsize::new(0));
        let p = pages(
            |n| {
                (
                    vec![n as u32 * 10, n as u32 * 10 + 1],
                    (n < 3).then_some(n + 1),
                )
            },
            calls.clone(),
        );
        assert_eq!(collect(p).await, [10, 11, 20, 21, 30, 31]);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn stops_on_a_non_increasing_page() {
        let calls = Arc::new(AtomicUsize::new(0));
        let p = pages(
            |n| (vec![n as u32], Some(if n < 2 { n + 1 } else { 1 })),
            calls.clone(),
        );
        assert_eq!(collect(p).await, [1, 2]);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn stops_on_an_empty_page() {
        let calls = Arc::new(AtomicUsize::new(0));
        let p = pages(
            |n| (if n < 2 { vec![1] } else { vec![] }, Some(n + 1)),
            calls.clone(),
        );
        assert_eq!(collect(p).await, [1]);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn stops_after_the_maximum() {
        let calls = Arc::new(AtomicUsize::new(0));
        let p = pages(|n| (vec![n as u32], Some(n + 1)), calls.clone()).max_pages(4);
        assert_eq!(collect(p).await, [1, 2, 3, 4]);
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn stops_after_an_error() {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let p: Pages<Page, ()> = Pages::new(
            1,
            move |_| {
                c.fetch_add(1, Ordering::SeqCst);
                Box::pin(async { Err(Error::InvalidRequest("boom".into())) })
            },
            |p| p.1,
            |p| p.0.len(),
        );
        let all: Vec<_> = p.collect().await;
        assert_eq!(all.len(), 1);
        assert!(all[0].is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
