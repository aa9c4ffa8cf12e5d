//! The OData options of a list call (`$filter`, `$top`, `$skip`, `$orderby`, `$expand`, `$count`).

use super::*;

/// The documented maximum of `$top`, also the page size of the "all" helpers.
pub const MAX_PAGE_SIZE: u32 = 10_000;

/// OData options of a list call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// `$filter`, e.g. `lastUpdateTime ge 2019-11-22T00:00:00Z and severity eq 'High'`.
    pub filter: Option<String>,
    /// `$top` (at most 10,000). For the paging helpers it is the page size.
    pub top: Option<u32>,
    /// `$skip`.
    pub skip: Option<u32>,
    /// `$orderby`.
    pub orderby: Option<String>,
    /// `$expand=evidence` (alerts only).
    pub expand_evidence: bool,
    /// `$count=true`: ask for `@odata.count` (the connector passes it; not every endpoint honours it).
    pub count: bool,
}

impl ListQuery {
    /// No options.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `$filter`.
    #[must_use]
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// Sets `$top`.
    #[must_use]
    pub fn top(mut self, top: u32) -> Self {
        self.top = Some(top);
        self
    }

    /// Sets `$skip`.
    #[must_use]
    pub fn skip(mut self, skip: u32) -> Self {
        self.skip = Some(skip);
        self
    }

    /// Sets `$orderby`.
    #[must_use]
    pub fn orderby(mut self, orderby: impl Into<String>) -> Self {
        self.orderby = Some(orderby.into());
        self
    }

    /// Adds `$expand=evidence`.
    #[must_use]
    pub fn expand_evidence(mut self) -> Self {
        self.expand_evidence = true;
        self
    }

    /// Asks for `@odata.count`.
    #[must_use]
    pub fn with_count(mut self) -> Self {
        self.count = true;
        self
    }

    pub(super) fn apply(&self, url: &mut Url) {
        let mut pairs = url.query_pairs_mut();
        if let Some(filter) = &self.filter {
            pairs.append_pair("$filter", filter);
        }
        if let Some(top) = self.top {
            pairs.append_pair("$top", &top.to_string());
        }
        if let Some(skip) = self.skip {
            pairs.append_pair("$skip", &skip.to_string());
        }
        if let Some(orderby) = &self.orderby {
            pairs.append_pair("$orderby", orderby);
        }
        if self.expand_evidence {
            pairs.append_pair("$expand", "evidence");
        }
        if self.count {
            pairs.append_pair("$count", "true");
        }
        drop(pairs);
        if url.query() == Some("") {
            url.set_query(None);
        }
    }
}
