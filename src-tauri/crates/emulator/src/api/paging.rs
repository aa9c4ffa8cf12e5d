//! OData paging and entity envelopes: `$top`, `$skip`, `$filter`, `$orderby`, `@odata.nextLink`.

use super::*;

pub(super) fn parse_query(raw: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
        .collect()
}

pub(super) struct Paging {
    pub(super) filter: Option<odata::Expr>,
    top: usize,
    skip: usize,
    /// `$orderby` clauses: property, kind, descending.
    order: Vec<(&'static str, Kind, bool)>,
    /// `$select`ed properties, if any.
    select: Option<Vec<String>>,
    /// `$count=true`.
    count: bool,
}

impl Paging {
    fn compare(&self, a: &Map<String, Value>, b: &Map<String, Value>) -> std::cmp::Ordering {
        for (field, kind, descending) in &self.order {
            let ordering = odata::compare_values(*kind, a.get(*field), b.get(*field));
            let ordering = if *descending {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering.is_ne() {
                return ordering;
            }
        }
        std::cmp::Ordering::Equal
    }

    /// Sorts (when `$orderby` is given), pages and projects the matching items.
    pub(super) fn window(
        &self,
        mut matching: Vec<&Map<String, Value>>,
        transform: impl Fn(Map<String, Value>) -> Map<String, Value>,
    ) -> (Vec<Value>, usize) {
        if !self.order.is_empty() {
            matching.sort_by(|a, b| self.compare(a, b));
        }
        let total = matching.len();
        let items = matching
            .into_iter()
            .skip(self.skip)
            .take(self.top)
            .map(|item| {
                let mut item = transform(item.clone());
                if let Some(select) = &self.select {
                    item.retain(|key, _| select.iter().any(|s| s == key));
                }
                Value::Object(item)
            })
            .collect();
        (items, total)
    }
}

pub(super) fn paging(
    query: &HashMap<String, String>,
    fields: &[(&'static str, Kind)],
) -> Result<Paging, ApiError> {
    let filter = match query.get("$filter") {
        Some(text) => Some(
            odata::parse(text, fields)
                .map_err(|e| ApiError::odata(format!("Invalid filter clause: {e}")))?,
        ),
        None => None,
    };
    let number = |name: &str| -> Result<Option<usize>, ApiError> {
        query
            .get(name)
            .map(|v| {
                v.trim().parse::<usize>().map_err(|_| {
                    ApiError::odata(format!(
                        "Invalid value '{v}' for {name}: expected a non-negative integer"
                    ))
                })
            })
            .transpose()
    };
    let top = number("$top")?.unwrap_or(MAX_TOP).min(MAX_TOP);
    let skip = number("$skip")?.unwrap_or(0);
    let mut order = Vec::new();
    if let Some(text) = query.get("$orderby") {
        for clause in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let mut words = clause.split_whitespace();
            let name = words.next().unwrap_or_default();
            let Some(&(field, kind)) = fields.iter().find(|(f, _)| f.eq_ignore_ascii_case(name))
            else {
                return Err(ApiError::odata(format!(
                    "Could not find a property named '{name}' to order by"
                )));
            };
            let descending = match words.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => {
                    return Err(ApiError::odata(format!(
                        "Invalid $orderby direction '{other}': use asc or desc"
                    )));
                }
            };
            order.push((field, kind, descending));
        }
    }
    let select = query.get("$select").map(|s| {
        s.split(',')
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty())
            .collect()
    });
    let count = query
        .get("$count")
        .is_some_and(|c| c.eq_ignore_ascii_case("true"));
    Ok(Paging {
        filter,
        top,
        skip,
        order,
        select,
        count,
    })
}

/// `http://host` as the caller sees it (the Host header), so that links work through any name.
pub(super) fn origin(shared: &Shared, headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map_or_else(|| shared.base_url.clone(), |host| format!("http://{host}"))
}

pub(super) fn context(shared: &Shared, headers: &HeaderMap, path: &str, entity: &str) -> String {
    let version = if path.starts_with("/api/v1.0") {
        "/api/v1.0"
    } else {
        "/api"
    };
    format!("{}{version}/$metadata#{entity}", origin(shared, headers))
}

/// A list page, with `@odata.nextLink` when more items remain.
#[allow(clippy::too_many_arguments)]
pub(super) fn page(
    shared: &Shared,
    headers: &HeaderMap,
    path: &str,
    query: &HashMap<String, String>,
    entity: &str,
    items: Vec<Value>,
    total: usize,
    paging: &Paging,
) -> Response {
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        json!(context(shared, headers, path, entity)),
    );
    if paging.count {
        body.insert("@odata.count".into(), json!(total));
    }
    body.insert("value".into(), Value::Array(items));
    let next_skip = paging.skip.saturating_add(paging.top);
    if paging.top > 0 && next_skip < total {
        let mut params: Vec<(String, String)> = query
            .iter()
            .filter(|(k, _)| k.as_str() != "$skip" && k.as_str() != "$top")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        params.sort();
        params.push(("$top".into(), paging.top.to_string()));
        params.push(("$skip".into(), next_skip.to_string()));
        let encoded: Vec<String> = params
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
                )
            })
            .collect();
        body.insert(
            "@odata.nextLink".into(),
            json!(format!(
                "{}{path}?{}",
                origin(shared, headers),
                encoded.join("&")
            )),
        );
    }
    json_response(StatusCode::OK, Value::Object(body))
}

pub(super) fn entity(
    shared: &Shared,
    headers: &HeaderMap,
    path: &str,
    entity_set: &str,
    mut object: Map<String, Value>,
) -> Value {
    let mut out = Map::new();
    out.insert(
        "@odata.context".into(),
        json!(context(shared, headers, path, entity_set)),
    );
    out.append(&mut object);
    Value::Object(out)
}
