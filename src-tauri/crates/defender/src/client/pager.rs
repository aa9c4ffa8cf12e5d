//! Paging through a list.

use super::*;

/// Pages through a list: follows `@odata.nextLink` (absolute, or relative to the request) when
/// the service gives one, otherwise advances `$skip` while pages come back full.
#[derive(Debug)]
pub struct Pager<T> {
    client: DefenderClient,
    operation: Operation,
    next: Option<Url>,
    base: Url,
    query: ListQuery,
    page_size: u32,
    skip: u32,
    _entity: std::marker::PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Pager<T> {
    pub(super) fn new(
        client: DefenderClient,
        operation: Operation,
        segments: &[&str],
        query: &ListQuery,
    ) -> Self {
        let page_size = query.top.unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
        let query = ListQuery {
            top: Some(page_size),
            ..query.clone()
        };
        let base = client.url(segments);
        let first = client.list_url(segments, &query);
        let skip = query.skip.unwrap_or(0);
        Self {
            client,
            operation,
            next: Some(first),
            base,
            query,
            page_size,
            skip,
            _entity: std::marker::PhantomData,
        }
    }

    /// The next page, or `None` after the last one.
    ///
    /// # Errors
    /// Any [`DefenderError`] of the page call; a nextLink to another host.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>, DefenderError> {
        let Some(url) = self.next.take() else {
            return Ok(None);
        };
        let page: ODataList<T> = self.client.get(self.operation, url.clone()).await?;
        let received = u32::try_from(page.value.len()).unwrap_or(u32::MAX);
        if let Some(link) = page.next_link.filter(|link| !link.is_empty()) {
            let Some(next) = resolve_next_link(&url, &self.client.inner.api, &link) else {
                return Err(DefenderError::ForeignNextLink {
                    operation: self.operation,
                    link,
                });
            };
            self.next = Some(next);
        } else if received >= self.page_size && received > 0 {
            self.skip = self.skip.saturating_add(received);
            let mut next = self.base.clone();
            ListQuery {
                skip: Some(self.skip),
                ..self.query.clone()
            }
            .apply(&mut next);
            self.next = Some(next);
        }
        if page.value.is_empty() {
            self.next = None;
            return Ok(None);
        }
        Ok(Some(page.value))
    }

    /// Every remaining item.
    ///
    /// # Errors
    /// The first failing page.
    pub async fn collect_all(mut self) -> Result<Vec<T>, DefenderError> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }
}

/// `@odata.nextLink` resolved against the page it came with: absolute, absolute-path (`/api/...`)
/// or query-only (`?$skip=...`). `None` when it is invalid or leaves the API's origin (the token is
/// never sent elsewhere).
pub(super) fn resolve_next_link(current: &Url, api: &Url, link: &str) -> Option<Url> {
    let next = current.join(link).ok()?;
    (next.origin() == api.origin()).then_some(next)
}
