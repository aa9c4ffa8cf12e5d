//! Typed entities of the Defender for Endpoint API, as Microsoft documents them.
//!
//! Every type both deserializes (the client reads responses) and serializes with Microsoft's own
//! names (the emulator serves them), so a value round-trips to the documented shape. Unknown
//! fields are tolerated everywhere; documented spelling variants are accepted through serde
//! aliases; enums Microsoft may extend keep unknown values in an `Other(String)` variant instead of
//! failing. Timestamps are `chrono::DateTime<Utc>`, which reads the 7 fractional digits Microsoft
//! sends.
//!
//! Left out: entities we do not call (investigations, indicators listing, remediation tasks).

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares a string enum with documented values, an `Other(String)` fallback for values Microsoft
/// adds later, and optional accepted aliases (older spellings).
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal $(| $alias:literal)* ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this client does not know yet, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The name Microsoft uses on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(text) => text,
                }
            }

            /// Parses a wire value; unknown values become `Other`.
            #[must_use]
            pub fn from_wire(text: &str) -> Self {
                match text {
                    $( $text $(| $alias)* => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(text))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Ok(Self::from_wire(&text))
            }
        }
    };
}

open_enum! {
    /// Alert severity.
    Severity {
        UnSpecified = "UnSpecified",
        Informational = "Informational",
        Low = "Low",
        Medium = "Medium",
        High = "High",
    }
}

open_enum! {
    /// Alert status. PATCH accepts New, InProgress and Resolved.
    AlertStatus {
        Unknown = "Unknown",
        New = "New",
        InProgress = "InProgress",
        Resolved = "Resolved",
    }
}

open_enum! {
    /// Alert classification (the PATCH spelling; the entity table's "Informational, expected
    /// activity" is accepted as an alias).
    Classification {
        TruePositive = "TruePositive",
        InformationalExpectedActivity = "InformationalExpectedActivity" | "Informational, expected activity",
        FalsePositive = "FalsePositive",
    }
}

open_enum! {
    /// Alert determination. The entity page's spellings (`ConfirmedUserActivity`, `Clean`) are
    /// accepted as aliases; retired and connector-only values land in `Other`.
    Determination {
        MultiStagedAttack = "MultiStagedAttack",
        MaliciousUserActivity = "MaliciousUserActivity",
        CompromisedUser = "CompromisedUser",
        Malware = "Malware",
        Phishing = "Phishing",
        UnwantedSoftware = "UnwantedSoftware",
        SecurityTesting = "SecurityTesting",
        LineOfBusinessApplication = "LineOfBusinessApplication",
        ConfirmedActivity = "ConfirmedActivity" | "ConfirmedUserActivity",
        NotMalicious = "NotMalicious" | "Clean",
        InsufficientData = "InsufficientData",
        NotAvailable = "NotAvailable",
        OtherDetermination = "Other",
    }
}

open_enum! {
    /// State of the automated investigation attached to an alert.
    InvestigationState {
        Unknown = "Unknown",
        Terminated = "Terminated",
        SuccessfullyRemediated = "SuccessfullyRemediated",
        Benign = "Benign",
        Failed = "Failed",
        PartiallyRemediated = "PartiallyRemediated",
        Running = "Running",
        PendingApproval = "PendingApproval",
        PendingResource = "PendingResource",
        PartiallyInvestigated = "PartiallyInvestigated",
        TerminatedByUser = "TerminatedByUser",
        TerminatedBySystem = "TerminatedBySystem",
        Queued = "Queued",
        InnerFailure = "InnerFailure",
        PreexistingAlert = "PreexistingAlert",
        UnsupportedOs = "UnsupportedOs",
        UnsupportedAlertType = "UnsupportedAlertType",
        SuppressedAlert = "SuppressedAlert",
    }
}

open_enum! {
    /// Machine health status.
    HealthStatus {
        Active = "Active",
        Inactive = "Inactive",
        ImpairedCommunication = "ImpairedCommunication",
        NoSensorData = "NoSensorData",
        NoSensorDataImpairedCommunication = "NoSensorDataImpairedCommunication",
        Unknown = "Unknown",
    }
}

open_enum! {
    /// Machine risk score.
    RiskScore {
        None = "None",
        Informational = "Informational",
        Low = "Low",
        Medium = "Medium",
        High = "High",
    }
}

open_enum! {
    /// Machine exposure level.
    ExposureLevel {
        None = "None",
        Low = "Low",
        Medium = "Medium",
        High = "High",
    }
}

open_enum! {
    /// Machine value.
    DeviceValue {
        Normal = "Normal",
        Low = "Low",
        High = "High",
    }
}

open_enum! {
    /// Kind of machine action.
    MachineActionType {
        RunAntiVirusScan = "RunAntiVirusScan",
        Offboard = "Offboard",
        LiveResponse = "LiveResponse",
        CollectInvestigationPackage = "CollectInvestigationPackage",
        Isolate = "Isolate",
        Unisolate = "Unisolate",
        StopAndQuarantineFile = "StopAndQuarantineFile",
        RestrictCodeExecution = "RestrictCodeExecution",
        UnrestrictCodeExecution = "UnrestrictCodeExecution",
    }
}

open_enum! {
    /// Machine action status. Older pages spell `Cancelled` as `Canceled`; both are accepted and
    /// `Cancelled` is written.
    MachineActionStatus {
        Pending = "Pending",
        InProgress = "InProgress",
        Succeeded = "Succeeded",
        Failed = "Failed",
        TimeOut = "TimeOut",
        Cancelled = "Cancelled" | "Canceled",
    }
}

impl MachineActionStatus {
    /// True once the action can no longer change (succeeded, failed, timed out or cancelled).
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::TimeOut | Self::Cancelled
        )
    }
}

open_enum! {
    /// Isolation type of the isolate request. The earlier page spelling `Unmanaged` is accepted.
    IsolationType {
        Full = "Full",
        Selective = "Selective",
        UnManagedDevice = "UnManagedDevice" | "Unmanaged",
    }
}

open_enum! {
    /// Antivirus scan type.
    ScanType {
        Quick = "Quick",
        Full = "Full",
    }
}

open_enum! {
    /// Indicator type of a submitted indicator.
    IndicatorType {
        FileSha1 = "FileSha1",
        FileMd5 = "FileMd5",
        CertificateThumbprint = "CertificateThumbprint",
        FileSha256 = "FileSha256",
        IpAddress = "IpAddress",
        DomainName = "DomainName",
        Url = "Url",
    }
}

open_enum! {
    /// Action taken when an indicator matches. Alert and AlertAndBlock are legacy values.
    IndicatorAction {
        Alert = "Alert",
        Warn = "Warn",
        Block = "Block",
        Audit = "Audit",
        BlockAndRemediate = "BlockAndRemediate",
        AlertAndBlock = "AlertAndBlock",
        Allowed = "Allowed",
    }
}

/// A Defender alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// Alert id, e.g. `da637472900382838869_1364969609`.
    pub id: String,
    pub incident_id: Option<i64>,
    pub investigation_id: Option<i64>,
    pub assigned_to: Option<String>,
    pub severity: Severity,
    pub status: AlertStatus,
    pub classification: Option<Classification>,
    pub determination: Option<Determination>,
    pub investigation_state: Option<InvestigationState>,
    pub detection_source: Option<String>,
    pub detector_id: Option<String>,
    pub category: Option<String>,
    pub threat_family_name: Option<String>,
    pub threat_name: Option<String>,
    #[serde(default)]
    pub title: String,
    pub description: Option<String>,
    pub alert_creation_time: Option<DateTime<Utc>>,
    pub first_event_time: Option<DateTime<Utc>>,
    pub last_event_time: Option<DateTime<Utc>>,
    pub last_update_time: Option<DateTime<Utc>>,
    pub resolved_time: Option<DateTime<Utc>>,
    pub machine_id: Option<String>,
    pub computer_dns_name: Option<String>,
    pub rbac_group_name: Option<String>,
    pub aad_tenant_id: Option<String>,
    /// An array in every sample although the table says String.
    #[serde(default, deserialize_with = "null_as_default")]
    pub mitre_techniques: Vec<String>,
    pub related_user: Option<RelatedUser>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub comments: Vec<AlertComment>,
    /// Empty unless the list was requested with `$expand=evidence` (get alert always has it).
    #[serde(default, deserialize_with = "null_as_default")]
    pub evidence: Vec<Evidence>,
}

/// The user an alert relates to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedUser {
    pub user_name: Option<String>,
    pub domain_name: Option<String>,
}

/// A comment on an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertComment {
    pub comment: Option<String>,
    pub created_by: Option<String>,
    pub created_time: Option<DateTime<Utc>>,
}

/// One piece of evidence of an alert (user, process, file, IP, URL, registry value...).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// User, Process, File, Ip, Url, RegistryValue, ...
    pub entity_type: String,
    pub evidence_creation_time: Option<DateTime<Utc>>,
    pub sha1: Option<String>,
    pub sha256: Option<String>,
    pub file_name: Option<String>,
    pub file_path: Option<String>,
    pub process_id: Option<i64>,
    pub process_command_line: Option<String>,
    pub process_creation_time: Option<DateTime<Utc>>,
    pub parent_process_id: Option<i64>,
    pub parent_process_creation_time: Option<DateTime<Utc>>,
    pub parent_process_file_name: Option<String>,
    pub parent_process_file_path: Option<String>,
    pub ip_address: Option<String>,
    pub url: Option<String>,
    pub registry_key: Option<String>,
    pub registry_hive: Option<String>,
    pub registry_value_type: Option<String>,
    pub registry_value: Option<String>,
    pub account_name: Option<String>,
    pub domain_name: Option<String>,
    pub user_sid: Option<String>,
    pub aad_user_id: Option<String>,
    pub user_principal_name: Option<String>,
    pub detection_status: Option<String>,
}

/// A device known to Defender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Machine {
    /// 40-hex device id.
    pub id: String,
    pub computer_dns_name: Option<String>,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// e.g. Windows10, Windows11, Linux, macOS.
    pub os_platform: Option<String>,
    /// Deprecated by Microsoft in favour of `osArchitecture`.
    pub os_processor: Option<String>,
    pub os_architecture: Option<String>,
    pub version: Option<String>,
    pub os_build: Option<i64>,
    pub last_ip_address: Option<String>,
    pub last_external_ip_address: Option<String>,
    pub health_status: Option<HealthStatus>,
    /// onboarded, CanBeOnboarded, Unsupported, InsufficientInfo.
    pub onboarding_status: Option<String>,
    /// A number in the samples; kept as raw JSON because the type is not documented.
    pub rbac_group_id: Option<serde_json::Value>,
    pub rbac_group_name: Option<String>,
    pub risk_score: Option<RiskScore>,
    pub exposure_level: Option<ExposureLevel>,
    pub device_value: Option<DeviceValue>,
    pub aad_device_id: Option<String>,
    pub is_aad_joined: Option<bool>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub machine_tags: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub ip_addresses: Vec<MachineIpAddress>,
    /// Connector model only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_version: Option<String>,
    /// Connector model only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
    /// Connector model only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_product_name: Option<String>,
}

/// One network address of a machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineIpAddress {
    pub ip_address: Option<String>,
    pub mac_address: Option<String>,
    pub operational_status: Option<String>,
}

/// A response action on a machine (isolate, scan, ...), created with 201 and then polled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MachineAction {
    /// GUID.
    pub id: String,
    #[serde(rename = "type")]
    pub action_type: MachineActionType,
    /// Full or Selective for isolation; Quick or Full for a scan; null otherwise.
    #[serde(default)]
    pub scope: Option<String>,
    pub requestor: Option<String>,
    pub requestor_comment: Option<String>,
    #[serde(default, rename = "externalID", alias = "externalId")]
    pub external_id: Option<String>,
    #[serde(default)]
    pub request_source: Option<String>,
    /// Live response only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commands: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub cancellation_requestor: Option<String>,
    #[serde(default)]
    pub cancellation_comment: Option<String>,
    #[serde(default)]
    pub cancellation_date_time_utc: Option<DateTime<Utc>>,
    pub status: MachineActionStatus,
    pub machine_id: Option<String>,
    #[serde(default)]
    pub computer_dns_name: Option<String>,
    pub creation_date_time_utc: Option<DateTime<Utc>>,
    /// Written as `lastUpdateDateTimeUtc`; `lastUpdateTimeUtc` (list and older samples) accepted.
    #[serde(default, alias = "lastUpdateTimeUtc")]
    pub last_update_date_time_utc: Option<DateTime<Utc>>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub related_file_info: Option<RelatedFileInfo>,
}

/// The file a machine action is about (e.g. stop and quarantine).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelatedFileInfo {
    pub file_identifier: Option<String>,
    /// Sha1, Sha256 or Md5.
    pub file_identifier_type: Option<String>,
}

/// The API's error body: `{"error":{"code","message","target"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// The inside of [`ErrorBody`]. `target` is a per-request tracking id, not a field name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// An OData collection: `value` plus the optional annotations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ODataList<T> {
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<u64>,
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
}

/// A single entity with its `@odata.context` (e.g. a machine action's `$entity` context).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OData<T> {
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
    #[serde(flatten)]
    pub entity: T,
}

/// The body of PATCH /api/alerts/{id}. Only the set fields are sent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AlertStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classification: Option<Classification>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub determination: Option<Determination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl AlertUpdate {
    /// True when no field is set (nothing to send).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// The body of isolate: `{"Comment", "IsolationType"}` (case-sensitive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IsolateRequest {
    pub comment: String,
    pub isolation_type: IsolationType,
}

/// The body of every action that only takes `{"Comment"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CommentRequest {
    pub comment: String,
}

/// The body of runAntiVirusScan: `{"Comment", "ScanType"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScanRequest {
    pub comment: String,
    pub scan_type: ScanType,
}

/// The body of advanced hunting: `{"Query"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HuntingRequest {
    pub query: String,
}

/// One column of a hunting result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HuntingColumn {
    pub name: String,
    #[serde(rename = "Type")]
    pub column_type: String,
}

/// The result of `POST /api/advancedqueries/run` (same type as [`HuntingResponse`]).
pub type AdvancedQueryResult = HuntingResponse;

/// The response of advanced hunting: `{"Schema", "Results"}` (and `Stats` in the connector model).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HuntingResponse {
    #[serde(default)]
    pub schema: Vec<HuntingColumn>,
    #[serde(default)]
    pub results: Vec<serde_json::Map<String, serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<serde_json::Value>,
}

/// The body of POST /api/indicators (submit or update an indicator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IndicatorRequest {
    pub indicator_value: String,
    pub indicator_type: IndicatorType,
    pub action: IndicatorAction,
    pub title: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiration_time: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommended_actions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rbac_group_names: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub educate_url: Option<String>,
    /// Must be true when `action` is Audit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_alert: Option<bool>,
}

/// An indicator as returned by POST /api/indicators. Only the commonly used fields are typed;
/// the rest is tolerated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Indicator {
    #[serde(default, deserialize_with = "id_as_string")]
    pub id: String,
    pub indicator_value: Option<String>,
    pub indicator_type: Option<IndicatorType>,
    pub action: Option<IndicatorAction>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub creation_time_date_time_utc: Option<DateTime<Utc>>,
    #[serde(default)]
    pub expiration_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub generate_alert: Option<bool>,
}

/// The Entra ID token response (`expires_in` in seconds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub token_type: String,
    pub expires_in: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_expires_in: Option<u64>,
    pub access_token: String,
}

/// The Entra ID token error (400/401): `error`, `error_description` (starts with the AADSTS code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenErrorBody {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
    #[serde(default)]
    pub error_codes: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// `null` or absent both give the default (arrays Microsoft sometimes sends as null).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Indicator ids are numbers in some samples and strings in others.
fn id_as_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::String(text) => text,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_enums_accept_aliases_and_keep_unknown_values() {
        let status: MachineActionStatus = serde_json::from_str("\"Canceled\"").unwrap();
        assert_eq!(status, MachineActionStatus::Cancelled);
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"Cancelled\"");
        let new: Severity = serde_json::from_str("\"Critical\"").unwrap();
        assert_eq!(new, Severity::Other("Critical".to_owned()));
        assert_eq!(serde_json::to_string(&new).unwrap(), "\"Critical\"");
        assert_eq!(
            IsolationType::from_wire("Unmanaged"),
            IsolationType::UnManagedDevice
        );
        assert_eq!(
            Determination::from_wire("Other"),
            Determination::OtherDetermination
        );
    }

    #[test]
    fn machine_action_accepts_both_last_update_spellings() {
        let old = r#"{"id":"a","type":"Isolate","status":"Pending","lastUpdateTimeUtc":"2019-01-02T14:40:44.6596267Z"}"#;
        let new = r#"{"id":"a","type":"Isolate","status":"Pending","lastUpdateDateTimeUtc":"2019-01-02T14:40:44.6596267Z"}"#;
        let old: MachineAction = serde_json::from_str(old).unwrap();
        let new: MachineAction = serde_json::from_str(new).unwrap();
        assert!(old.last_update_date_time_utc.is_some());
        assert_eq!(old, new);
        let written = serde_json::to_value(&new).unwrap();
        assert!(written.get("lastUpdateDateTimeUtc").is_some());
        assert_eq!(written["type"], "Isolate");
    }

    #[test]
    fn request_bodies_use_the_documented_case_sensitive_names() {
        let body = serde_json::to_value(IsolateRequest {
            comment: "c".to_owned(),
            isolation_type: IsolationType::Selective,
        })
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"Comment": "c", "IsolationType": "Selective"})
        );
        let scan = serde_json::to_value(ScanRequest {
            comment: "c".to_owned(),
            scan_type: ScanType::Quick,
        })
        .unwrap();
        assert_eq!(
            scan,
            serde_json::json!({"Comment": "c", "ScanType": "Quick"})
        );
        let update = AlertUpdate {
            status: Some(AlertStatus::Resolved),
            ..AlertUpdate::default()
        };
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            serde_json::json!({"status": "Resolved"})
        );
    }
}
