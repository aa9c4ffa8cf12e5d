//! The documented operations, grouped by entity: alerts, machines, machine actions, advanced
//! hunting, indicators.

use super::*;

/// One documented call (its operation, method, path, OData options and body), defined once and
/// sent with [`DefenderClient::request`], which decodes the answer into the entity type or into
/// `serde_json::Value` for the raw JSON a step records:
/// `client.request::<Value>(&ApiRequest::get_alert(id))`. The typed methods below
/// ([`DefenderClient::get_alert`], …) are the same requests decoded into their entity.
#[derive(Debug, Clone)]
pub struct ApiRequest {
    operation: Operation,
    method: Method,
    segments: Vec<String>,
    query: Option<ListQuery>,
    body: Option<Value>,
}

impl ApiRequest {
    fn new(operation: Operation, method: Method, segments: &[&str]) -> Self {
        Self {
            operation,
            method,
            segments: segments.iter().map(|s| (*s).to_owned()).collect(),
            query: None,
            body: None,
        }
    }

    fn with_query(mut self, query: &ListQuery) -> Self {
        self.query = Some(query.clone());
        self
    }

    fn with_body(mut self, body: &impl Serialize) -> Self {
        // Request bodies are structs of strings and enums: they always serialize.
        self.body = serde_json::to_value(body).ok();
        self
    }

    /// `GET /api/alerts` with OData options; one page.
    #[must_use]
    pub fn list_alerts(query: &ListQuery) -> Self {
        Self::new(Operation::ListAlerts, Method::GET, &["alerts"]).with_query(query)
    }

    /// `GET /api/alerts/{id}`.
    #[must_use]
    pub fn get_alert(alert_id: &str) -> Self {
        Self::new(Operation::GetAlert, Method::GET, &["alerts", alert_id])
    }

    /// `POST /api/machines/{id}/isolate` with `{"Comment","IsolationType"}`.
    #[must_use]
    pub fn isolate(machine_id: &str, comment: &str, isolation_type: IsolationType) -> Self {
        Self::new(
            Operation::Isolate,
            Method::POST,
            &["machines", machine_id, "isolate"],
        )
        .with_body(&IsolateRequest {
            comment: comment.to_owned(),
            isolation_type,
        })
    }

    /// `GET /api/machineactions` with OData options; one page.
    #[must_use]
    pub fn list_machine_actions(query: &ListQuery) -> Self {
        Self::new(
            Operation::ListMachineActions,
            Method::GET,
            &["machineactions"],
        )
        .with_query(query)
    }

    /// `GET /api/machineactions/{id}`.
    #[must_use]
    pub fn get_machine_action(action_id: &str) -> Self {
        Self::new(
            Operation::GetMachineAction,
            Method::GET,
            &["machineactions", action_id],
        )
    }
}

impl DefenderClient {
    /// Sends `request` and decodes the answer into `T`: the entity type, or `serde_json::Value`
    /// for the raw JSON.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn request<T: DeserializeOwned>(
        &self,
        request: &ApiRequest,
    ) -> Result<T, DefenderError> {
        let segments: Vec<&str> = request.segments.iter().map(String::as_str).collect();
        let url = match &request.query {
            Some(query) => self.list_url(&segments, query),
            None => self.url(&segments),
        };
        self.call(
            request.operation,
            request.method.clone(),
            url,
            request.body.as_ref(),
        )
        .await
    }

    // ---- Alerts ----

    /// `GET /api/alerts` with OData options; one page.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn list_alerts(&self, query: &ListQuery) -> Result<ODataList<Alert>, DefenderError> {
        self.request(&ApiRequest::list_alerts(query)).await
    }

    /// Every alert matching `query`, following `@odata.nextLink` or `$skip` (page size `$top`,
    /// default 10,000).
    ///
    /// # Errors
    /// The first failing page.
    pub async fn list_all_alerts(&self, query: &ListQuery) -> Result<Vec<Alert>, DefenderError> {
        self.alert_pages(query).collect_all().await
    }

    /// A pager over the alerts matching `query`, one page at a time.
    #[must_use]
    pub fn alert_pages(&self, query: &ListQuery) -> Pager<Alert> {
        Pager::new(self.clone(), Operation::ListAlerts, &["alerts"], query)
    }

    /// `GET /api/alerts/{id}`.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when unknown.
    pub async fn get_alert(&self, alert_id: &str) -> Result<Alert, DefenderError> {
        self.request(&ApiRequest::get_alert(alert_id)).await
    }

    /// `PATCH /api/alerts/{id}` with only the set fields.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when unknown.
    pub async fn update_alert(
        &self,
        alert_id: &str,
        update: &AlertUpdate,
    ) -> Result<Alert, DefenderError> {
        self.send(
            Operation::UpdateAlert,
            Method::PATCH,
            self.url(&["alerts", alert_id]),
            Some(update),
        )
        .await
    }

    /// `GET /api/alerts/{id}/machine`.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when the alert or machine is missing.
    pub async fn alert_machine(&self, alert_id: &str) -> Result<Machine, DefenderError> {
        self.get(
            Operation::AlertMachine,
            self.url(&["alerts", alert_id, "machine"]),
        )
        .await
    }

    // ---- Machines ----

    /// `GET /api/machines` with OData options; one page.
    ///
    /// # Errors
    /// Any [`DefenderError`] (documented: 404 when there are no recent machines).
    pub async fn list_machines(
        &self,
        query: &ListQuery,
    ) -> Result<ODataList<Machine>, DefenderError> {
        self.get(Operation::ListMachines, self.list_url(&["machines"], query))
            .await
    }

    /// Every machine matching `query`.
    ///
    /// # Errors
    /// The first failing page.
    pub async fn list_all_machines(
        &self,
        query: &ListQuery,
    ) -> Result<Vec<Machine>, DefenderError> {
        Pager::new(self.clone(), Operation::ListMachines, &["machines"], query)
            .collect_all()
            .await
    }

    /// `GET /api/machines/{id}` (device id or computer name).
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when unknown.
    pub async fn get_machine(&self, machine_id: &str) -> Result<Machine, DefenderError> {
        self.get(Operation::GetMachine, self.url(&["machines", machine_id]))
            .await
    }

    /// `POST /api/machines/{id}/isolate` with `{"Comment","IsolationType"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`]; see [`DefenderError::is_action_already_in_progress`].
    pub async fn isolate(
        &self,
        machine_id: &str,
        comment: &str,
        isolation_type: IsolationType,
    ) -> Result<MachineAction, DefenderError> {
        self.request(&ApiRequest::isolate(machine_id, comment, isolation_type))
            .await
    }

    /// `POST /api/machines/{id}/unisolate` with `{"Comment"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn unisolate(
        &self,
        machine_id: &str,
        comment: &str,
    ) -> Result<MachineAction, DefenderError> {
        let body = CommentRequest {
            comment: comment.to_owned(),
        };
        self.machine_action(Operation::Unisolate, machine_id, "unisolate", &body)
            .await
    }

    /// `POST /api/machines/{id}/runAntiVirusScan` with `{"Comment","ScanType"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn run_antivirus_scan(
        &self,
        machine_id: &str,
        comment: &str,
        scan_type: ScanType,
    ) -> Result<MachineAction, DefenderError> {
        let body = ScanRequest {
            comment: comment.to_owned(),
            scan_type,
        };
        self.machine_action(
            Operation::RunAntivirusScan,
            machine_id,
            "runAntiVirusScan",
            &body,
        )
        .await
    }

    /// `POST /api/machines/{id}/collectInvestigationPackage` with `{"Comment"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 400 when a collection is already running.
    pub async fn collect_investigation_package(
        &self,
        machine_id: &str,
        comment: &str,
    ) -> Result<MachineAction, DefenderError> {
        let body = CommentRequest {
            comment: comment.to_owned(),
        };
        self.machine_action(
            Operation::CollectInvestigationPackage,
            machine_id,
            "collectInvestigationPackage",
            &body,
        )
        .await
    }

    /// `POST /api/machines/{id}/restrictCodeExecution` with `{"Comment"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn restrict_code_execution(
        &self,
        machine_id: &str,
        comment: &str,
    ) -> Result<MachineAction, DefenderError> {
        let body = CommentRequest {
            comment: comment.to_owned(),
        };
        self.machine_action(
            Operation::RestrictCodeExecution,
            machine_id,
            "restrictCodeExecution",
            &body,
        )
        .await
    }

    /// `POST /api/machines/{id}/unrestrictCodeExecution` with `{"Comment"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn unrestrict_code_execution(
        &self,
        machine_id: &str,
        comment: &str,
    ) -> Result<MachineAction, DefenderError> {
        let body = CommentRequest {
            comment: comment.to_owned(),
        };
        self.machine_action(
            Operation::UnrestrictCodeExecution,
            machine_id,
            "unrestrictCodeExecution",
            &body,
        )
        .await
    }

    // ---- Machine actions ----

    /// `GET /api/machineactions` with OData options (e.g. `machineId eq '...'`); one page.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn list_machine_actions(
        &self,
        query: &ListQuery,
    ) -> Result<ODataList<MachineAction>, DefenderError> {
        self.request(&ApiRequest::list_machine_actions(query)).await
    }

    /// `GET /api/machineactions/{id}`.
    ///
    /// # Errors
    /// Any [`DefenderError`]; 404 when unknown.
    pub async fn get_machine_action(
        &self,
        action_id: &str,
    ) -> Result<MachineAction, DefenderError> {
        self.request(&ApiRequest::get_machine_action(action_id))
            .await
    }

    /// `POST /api/machineactions/{id}/cancel` with `{"Comment"}`.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn cancel_machine_action(
        &self,
        action_id: &str,
        comment: &str,
    ) -> Result<MachineAction, DefenderError> {
        let body = CommentRequest {
            comment: comment.to_owned(),
        };
        self.send(
            Operation::CancelMachineAction,
            Method::POST,
            self.url(&["machineactions", action_id, "cancel"]),
            Some(&body),
        )
        .await
    }

    // ---- Hunting and indicators ----

    /// `POST /api/advancedqueries/run` with `{"Query"}`; waits for the hunting quota too.
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn advanced_hunting(&self, query: &str) -> Result<HuntingResponse, DefenderError> {
        let body = HuntingRequest {
            query: query.to_owned(),
        };
        self.call(
            Operation::AdvancedHunting,
            Method::POST,
            self.url(&["advancedqueries", "run"]),
            Some(&body),
        )
        .await
    }

    /// Same as [`DefenderClient::advanced_hunting`] (the API calls it "advanced queries").
    ///
    /// # Errors
    /// Any [`DefenderError`].
    pub async fn advanced_query(&self, query: &str) -> Result<HuntingResponse, DefenderError> {
        self.advanced_hunting(query).await
    }

    /// `POST /api/indicators` (submit or update).
    ///
    /// # Errors
    /// Any [`DefenderError`]; 400 for a bad body.
    pub async fn submit_indicator(
        &self,
        indicator: &IndicatorRequest,
    ) -> Result<Indicator, DefenderError> {
        self.send(
            Operation::SubmitIndicator,
            Method::POST,
            self.url(&["indicators"]),
            Some(indicator),
        )
        .await
    }
}
