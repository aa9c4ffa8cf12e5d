//! Deterministic generation of the emulated tenant: a splitmix64 PRNG, machines and alerts.

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde_json::{Map, Value, json};

/// splitmix64: tiny, fast, deterministic.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
        let index = usize::try_from(self.below(len)).unwrap_or(0);
        &items[index]
    }

    pub(crate) fn hex(&mut self, digits: usize) -> String {
        let mut out = String::with_capacity(digits);
        while out.len() < digits {
            out.push_str(&format!("{:016x}", self.next_u64()));
        }
        out.truncate(digits);
        out
    }

    pub(crate) fn guid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }

    pub(crate) fn digits(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| char::from(b'0' + u8::try_from(self.below(10)).unwrap_or(0)))
            .collect()
    }
}

/// Formats a time the way Defender does: UTC with 7 fractional digits.
pub(crate) fn fmt_time(time: DateTime<Utc>) -> String {
    format!(
        "{}.{:07}Z",
        time.format("%Y-%m-%dT%H:%M:%S"),
        time.timestamp_subsec_nanos() / 100
    )
}

/// Now, truncated to Defender's 100 ns precision so that formatted times round-trip.
pub(crate) fn now() -> DateTime<Utc> {
    truncate(Utc::now())
}

pub(crate) fn truncate(time: DateTime<Utc>) -> DateTime<Utc> {
    let extra = time.timestamp_subsec_nanos() % 100;
    time - ChronoDuration::nanoseconds(i64::from(extra))
}

/// Parses an OData / JSON time: RFC 3339, or a bare date (midnight UTC).
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.with_timezone(&Utc));
    }
    if let Ok(naive) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(naive.and_utc());
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc())
}

pub(crate) const SEVERITIES: [&str; 4] = ["Informational", "Low", "Medium", "High"];

struct PlatformSpec {
    platform: &'static str,
    version: &'static str,
    build: u64,
    prefixes: &'static [&'static str],
    group: &'static str,
}

const PLATFORMS: [PlatformSpec; 6] = [
    PlatformSpec {
        platform: "Windows10",
        version: "22H2",
        build: 19045,
        prefixes: &["finance-laptop", "hr-laptop", "sales-laptop"],
        group: "Workstations",
    },
    PlatformSpec {
        platform: "Windows11",
        version: "23H2",
        build: 22631,
        prefixes: &["dev-workstation", "exec-laptop", "marketing-laptop"],
        group: "Workstations",
    },
    PlatformSpec {
        platform: "WindowsServer2019",
        version: "1809",
        build: 17763,
        prefixes: &["dc", "file-srv", "exchange-srv"],
        group: "Servers",
    },
    PlatformSpec {
        platform: "WindowsServer2022",
        version: "21H2",
        build: 20348,
        prefixes: &["sql-srv", "app-srv", "rds-srv"],
        group: "Servers",
    },
    PlatformSpec {
        platform: "Linux",
        version: "Ubuntu 22.04",
        build: 0,
        prefixes: &["web-srv", "build-agent", "k8s-node"],
        group: "Linux servers",
    },
    PlatformSpec {
        platform: "macOS",
        version: "14.4",
        build: 0,
        prefixes: &["design-mac", "it-macbook", "ceo-macbook"],
        group: "Mac",
    },
];

/// A seeded machine (`Machine` entity, camelCase as the API returns it).
pub(crate) fn machine(
    rng: &mut Rng,
    index: usize,
    dns_name: Option<&str>,
    id: Option<&str>,
    now: DateTime<Utc>,
) -> Map<String, Value> {
    let spec = &PLATFORMS[index % PLATFORMS.len()];
    let prefix = rng.pick(spec.prefixes);
    let number = rng.below(40) + 1;
    let name = dns_name.map_or_else(
        || format!("{prefix}-{number:02}.contoso.com"),
        str::to_owned,
    );
    let id = id.map_or_else(|| rng.hex(40), str::to_owned);
    let health = if rng.below(10) < 8 {
        "Active"
    } else {
        *rng.pick(&["Inactive", "ImpairedCommunication"])
    };
    let risk = *rng.pick(&["None", "Informational", "Low", "Medium", "High"]);
    let exposure = *rng.pick(&["Low", "Medium", "High"]);
    let first_seen = now - ChronoDuration::days(i64::try_from(rng.below(300) + 30).unwrap_or(30));
    let last_seen = now - ChronoDuration::minutes(i64::try_from(rng.below(600)).unwrap_or(0));
    let ip = format!(
        "10.{}.{}.{}",
        rng.below(8) + 1,
        rng.below(250) + 1,
        rng.below(250) + 2
    );
    let external = format!("203.0.113.{}", rng.below(250) + 2);
    let mac = format!(
        "00{:02X}{:02X}{:02X}{:02X}{:02X}",
        rng.below(256),
        rng.below(256),
        rng.below(256),
        rng.below(256),
        rng.below(256)
    );
    let aad = rng.guid();
    let windows = spec.platform.starts_with("Windows");
    let os_build = if spec.build == 0 {
        Value::Null
    } else {
        json!(spec.build)
    };
    let value = json!({
        "id": id,
        "computerDnsName": name,
        "firstSeen": fmt_time(first_seen),
        "lastSeen": fmt_time(last_seen),
        "osPlatform": spec.platform,
        "osProcessor": "x64",
        "version": spec.version,
        "lastIpAddress": ip,
        "lastExternalIpAddress": external,
        "agentVersion": if windows { "10.8760.19041.4355" } else { "101.24022.0004" },
        "osBuild": os_build,
        "healthStatus": health,
        "deviceValue": "Normal",
        "rbacGroupId": PLATFORMS.iter().position(|p| p.group == spec.group).unwrap_or(0) + 1,
        "rbacGroupName": spec.group,
        "riskScore": risk,
        "exposureLevel": exposure,
        "isAadJoined": windows,
        "aadDeviceId": if windows { Value::String(aad) } else { Value::Null },
        "machineTags": [],
        "onboardingStatus": "Onboarded",
        "osArchitecture": "64-bit",
        "managedBy": if windows { "Intune" } else { "MicrosoftDefenderForEndpoint" },
        "managedByStatus": "Success",
        "ipAddresses": [
            { "ipAddress": ip, "macAddress": mac, "type": "Ethernet", "operationalStatus": "Up" }
        ]
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub(crate) fn machines(rng: &mut Rng, count: usize, now: DateTime<Utc>) -> Vec<Map<String, Value>> {
    let mut out: Vec<Map<String, Value>> = Vec::with_capacity(count);
    for index in 0..count {
        let mut machine = machine(rng, index, None, None, now);
        let name = machine
            .get("computerDnsName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if out
            .iter()
            .any(|m| m.get("computerDnsName").and_then(Value::as_str) == Some(&name))
        {
            let unique = name.replacen(".contoso.com", &format!("-{index}.contoso.com"), 1);
            machine.insert("computerDnsName".into(), Value::String(unique));
        }
        out.push(machine);
    }
    out
}

struct AlertTemplate {
    severity: &'static str,
    title: &'static str,
    category: &'static str,
    source: &'static str,
    mitre: &'static [&'static str],
    threat: Option<&'static str>,
    description: &'static str,
}

const TEMPLATES: [AlertTemplate; 16] = [
    AlertTemplate {
        severity: "Informational",
        title: "Suspicious PowerShell command line",
        category: "Execution",
        source: "WindowsDefenderAtp",
        mitre: &["T1059.001"],
        threat: None,
        description: "A PowerShell command line with unusual parameters was observed. It may be legitimate administration.",
    },
    AlertTemplate {
        severity: "Informational",
        title: "Unsanctioned cloud app access was blocked",
        category: "InitialAccess",
        source: "MCAS",
        mitre: &[],
        threat: None,
        description: "Access to a cloud application marked as unsanctioned was blocked.",
    },
    AlertTemplate {
        severity: "Informational",
        title: "Suspicious process discovery",
        category: "Discovery",
        source: "WindowsDefenderAtp",
        mitre: &["T1057"],
        threat: None,
        description: "A process enumerated running processes, which attackers do to find security tools.",
    },
    AlertTemplate {
        severity: "Informational",
        title: "'PUA:Win32/Presenoker' potentially unwanted application was detected",
        category: "UnwantedSoftware",
        source: "WindowsDefenderAv",
        mitre: &[],
        threat: Some("Presenoker"),
        description: "A potentially unwanted application was detected and blocked.",
    },
    AlertTemplate {
        severity: "Low",
        title: "Low-reputation arbitrary code executed by signed executable",
        category: "Execution",
        source: "WindowsDefenderAtp",
        mitre: &["T1064", "T1085", "T1220"],
        threat: None,
        description: "Binaries signed by Microsoft can be used to run low-reputation arbitrary code. This technique hides the execution of malicious code within a trusted process.",
    },
    AlertTemplate {
        severity: "Low",
        title: "Suspicious file dropped by Office application",
        category: "SuspiciousActivity",
        source: "WindowsDefenderAtp",
        mitre: &["T1204.002"],
        threat: None,
        description: "An Office application wrote an executable file to disk.",
    },
    AlertTemplate {
        severity: "Low",
        title: "Anomalous scheduled task created",
        category: "Persistence",
        source: "WindowsDefenderAtp",
        mitre: &["T1053.005"],
        threat: None,
        description: "A scheduled task with an unusual command line was created.",
    },
    AlertTemplate {
        severity: "Low",
        title: "Suspicious sign-in activity from a new location",
        category: "InitialAccess",
        source: "WindowsDefenderAtp",
        mitre: &["T1078"],
        threat: None,
        description: "The user signed in from a location never seen before for this account.",
    },
    AlertTemplate {
        severity: "Medium",
        title: "Suspicious credential dump from NTDS.dit",
        category: "CredentialAccess",
        source: "WindowsDefenderAtp",
        mitre: &["T1003.003"],
        threat: None,
        description: "A process accessed the Active Directory database, which attackers do to steal credentials.",
    },
    AlertTemplate {
        severity: "Medium",
        title: "'Mimikatz' hacktool was detected",
        category: "CredentialAccess",
        source: "WindowsDefenderAv",
        mitre: &["T1003.001"],
        threat: Some("Mimikatz"),
        description: "A credential theft tool was detected on the device.",
    },
    AlertTemplate {
        severity: "Medium",
        title: "Suspicious remote service installation",
        category: "LateralMovement",
        source: "WindowsDefenderAtp",
        mitre: &["T1021.002", "T1569.002"],
        threat: None,
        description: "A service was installed remotely, which is typical of lateral movement with PsExec-like tools.",
    },
    AlertTemplate {
        severity: "Medium",
        title: "Connection to a known command-and-control server",
        category: "CommandAndControl",
        source: "WindowsDefenderAtp",
        mitre: &["T1071.001"],
        threat: None,
        description: "The device connected to an IP address associated with a command-and-control server.",
    },
    AlertTemplate {
        severity: "High",
        title: "Ransomware behavior detected in the file system",
        category: "Ransomware",
        source: "WindowsDefenderAtp",
        mitre: &["T1486"],
        threat: Some("Ransom:Win32/LockBit"),
        description: "Many files were encrypted and renamed in a short time, which is typical of ransomware.",
    },
    AlertTemplate {
        severity: "High",
        title: "Human-operated ransomware activity",
        category: "Ransomware",
        source: "WindowsDefenderAtp",
        mitre: &["T1486", "T1490"],
        threat: None,
        description: "Shadow copies were deleted and backups disabled before mass encryption.",
    },
    AlertTemplate {
        severity: "High",
        title: "'Cobaltstrike' backdoor was prevented",
        category: "Malware",
        source: "WindowsDefenderAv",
        mitre: &["T1055"],
        threat: Some("Cobaltstrike"),
        description: "A Cobalt Strike beacon was detected and blocked in memory.",
    },
    AlertTemplate {
        severity: "High",
        title: "Possible exfiltration of sensitive data",
        category: "Exfiltration",
        source: "WindowsDefenderAtp",
        mitre: &["T1041"],
        threat: None,
        description: "A large volume of data was uploaded to an unusual external destination.",
    },
];

const USERS: [&str; 8] = [
    "adele.vance",
    "alex.wilber",
    "megan.bowen",
    "lynne.robbins",
    "diego.siciliani",
    "nestor.wilke",
    "svc-backup",
    "administrator",
];

fn template_for<'a>(rng: &mut Rng, severity: Option<&str>) -> &'a AlertTemplate {
    let candidates: Vec<&AlertTemplate> = match severity {
        Some(sev) => TEMPLATES
            .iter()
            .filter(|t| t.severity.eq_ignore_ascii_case(sev))
            .collect(),
        None => TEMPLATES.iter().collect(),
    };
    if candidates.is_empty() {
        return &TEMPLATES[8];
    }
    let index =
        usize::try_from(rng.below(u64::try_from(candidates.len()).unwrap_or(1))).unwrap_or(0);
    candidates[index]
}

pub(crate) fn alert_id(rng: &mut Rng) -> String {
    format!("da{}_{}", rng.digits(18), rng.digits(10))
}

/// An alert (`Alert` entity) on `machine`, created at `created`.
#[allow(clippy::too_many_lines)]
pub(crate) fn alert(
    rng: &mut Rng,
    machine: &Map<String, Value>,
    created: DateTime<Utc>,
    severity: Option<&str>,
    tenant_id: &str,
    with_evidence: bool,
) -> Map<String, Value> {
    let template = template_for(rng, severity);
    let severity = severity.map_or(template.severity, |s| {
        SEVERITIES
            .iter()
            .copied()
            .find(|known| known.eq_ignore_ascii_case(s))
            .unwrap_or(template.severity)
    });
    let first_event =
        created - ChronoDuration::seconds(i64::try_from(rng.below(600) + 30).unwrap_or(60));
    let last_event =
        created - ChronoDuration::seconds(i64::try_from(rng.below(25) + 1).unwrap_or(1));
    let user = *rng.pick(&USERS);
    let evidence = if with_evidence {
        evidence(rng, created, user, template)
    } else {
        Vec::new()
    };
    let value = json!({
        "id": alert_id(rng),
        "incidentId": 1_000_000 + rng.below(900_000),
        "investigationId": Value::Null,
        "assignedTo": Value::Null,
        "severity": severity,
        "status": "New",
        "classification": Value::Null,
        "determination": Value::Null,
        "investigationState": "Queued",
        "detectionSource": template.source,
        "detectorId": rng.guid(),
        "category": template.category,
        "threatFamilyName": template.threat,
        "title": template.title,
        "description": template.description,
        "alertCreationTime": fmt_time(created),
        "firstEventTime": fmt_time(first_event),
        "lastEventTime": fmt_time(last_event),
        "lastUpdateTime": fmt_time(created),
        "resolvedTime": Value::Null,
        "machineId": machine.get("id").cloned().unwrap_or(Value::Null),
        "computerDnsName": machine.get("computerDnsName").cloned().unwrap_or(Value::Null),
        "rbacGroupName": machine.get("rbacGroupName").cloned().unwrap_or(Value::Null),
        "aadTenantId": tenant_id,
        "threatName": template.threat,
        "mitreTechniques": template.mitre,
        "relatedUser": { "userName": user, "domainName": "CONTOSO" },
        "comments": [],
        "evidence": evidence,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

const EVIDENCE_KEYS: [&str; 25] = [
    "entityType",
    "evidenceCreationTime",
    "sha1",
    "sha256",
    "fileName",
    "filePath",
    "processId",
    "processCommandLine",
    "processCreationTime",
    "parentProcessId",
    "parentProcessCreationTime",
    "parentProcessFileName",
    "parentProcessFilePath",
    "ipAddress",
    "url",
    "registryKey",
    "registryHive",
    "registryValueType",
    "registryValue",
    "accountName",
    "domainName",
    "userSid",
    "aadUserId",
    "userPrincipalName",
    "detectionStatus",
];

fn evidence_item(pairs: &[(&str, Value)]) -> Value {
    let mut map = Map::new();
    for key in EVIDENCE_KEYS {
        map.insert(key.to_owned(), Value::Null);
    }
    for (key, value) in pairs {
        map.insert((*key).to_owned(), value.clone());
    }
    Value::Object(map)
}

fn evidence(
    rng: &mut Rng,
    created: DateTime<Utc>,
    user: &str,
    template: &AlertTemplate,
) -> Vec<Value> {
    let at = fmt_time(created);
    let file = *rng.pick(&[
        "invoice_2024.docm",
        "update.exe",
        "svchost32.exe",
        "payload.dll",
        "run.ps1",
    ]);
    let process = *rng.pick(&["powershell.exe", "rundll32.exe", "cmd.exe", "wscript.exe"]);
    let mut items = vec![
        evidence_item(&[
            ("entityType", json!("User")),
            ("evidenceCreationTime", json!(at)),
            ("accountName", json!(user)),
            ("domainName", json!("CONTOSO")),
            (
                "userSid",
                json!(format!(
                    "S-1-5-21-{}-{}-{}-{}",
                    rng.digits(9),
                    rng.digits(10),
                    rng.digits(9),
                    rng.below(9000) + 1000
                )),
            ),
            ("aadUserId", json!(rng.guid())),
            ("userPrincipalName", json!(format!("{user}@contoso.com"))),
        ]),
        evidence_item(&[
            ("entityType", json!("Process")),
            ("evidenceCreationTime", json!(at)),
            ("sha1", json!(rng.hex(40))),
            ("sha256", json!(rng.hex(64))),
            ("fileName", json!(process)),
            ("filePath", json!("C:\\Windows\\System32")),
            ("processId", json!(rng.below(30000) + 1000)),
            (
                "processCommandLine",
                json!(format!(
                    "{process} C:\\Users\\{user}\\AppData\\Local\\Temp\\{file}"
                )),
            ),
            ("processCreationTime", json!(at)),
            ("parentProcessId", json!(rng.below(30000) + 1000)),
            ("parentProcessCreationTime", json!(at)),
            ("parentProcessFileName", json!("explorer.exe")),
            ("parentProcessFilePath", json!("C:\\Windows")),
            ("detectionStatus", json!("Detected")),
        ]),
        evidence_item(&[
            ("entityType", json!("File")),
            ("evidenceCreationTime", json!(at)),
            ("sha1", json!(rng.hex(40))),
            ("sha256", json!(rng.hex(64))),
            ("fileName", json!(file)),
            (
                "filePath",
                json!(format!("C:\\Users\\{user}\\AppData\\Local\\Temp")),
            ),
            (
                "detectionStatus",
                json!(if template.source == "WindowsDefenderAv" {
                    "Prevented"
                } else {
                    "Detected"
                }),
            ),
        ]),
    ];
    if template.category == "CommandAndControl" || template.category == "Exfiltration" {
        items.push(evidence_item(&[
            ("entityType", json!("Ip")),
            ("evidenceCreationTime", json!(at)),
            (
                "ipAddress",
                json!(format!("198.51.100.{}", rng.below(250) + 2)),
            ),
        ]));
    }
    items
}

/// The seeded alerts, created within the last 24 hours, ordered by creation time.
pub(crate) fn alerts(
    rng: &mut Rng,
    machines: &[Map<String, Value>],
    count: usize,
    tenant_id: &str,
    now: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Map<String, Value>)> {
    let mut out = Vec::with_capacity(count);
    if machines.is_empty() {
        return out;
    }
    for index in 0..count {
        let machine = rng.pick(machines);
        let age = ChronoDuration::seconds(i64::try_from(rng.below(24 * 3600) + 60).unwrap_or(60));
        let created = truncate(
            now - age
                - ChronoDuration::nanoseconds(
                    i64::try_from(rng.below(10_000_000)).unwrap_or(0) * 100,
                ),
        );
        // The first four cover every severity.
        let severity = SEVERITIES.get(index).copied();
        let mut alert = alert(rng, machine, created, severity, tenant_id, true);
        match rng.below(10) {
            0..=5 => {}
            6..=7 => {
                alert.insert("status".into(), json!("InProgress"));
                alert.insert("assignedTo".into(), json!("secops@contoso.com"));
                alert.insert("investigationState".into(), json!("Running"));
            }
            _ => {
                let resolved = fmt_time(created + ChronoDuration::seconds(30));
                alert.insert("status".into(), json!("Resolved"));
                alert.insert("classification".into(), json!("FalsePositive"));
                alert.insert("determination".into(), json!("NotMalicious"));
                alert.insert("investigationState".into(), json!("Benign"));
                alert.insert("resolvedTime".into(), json!(resolved));
                alert.insert("lastUpdateTime".into(), json!(resolved));
            }
        }
        out.push((created, alert));
    }
    out.sort_by_key(|(created, _)| *created);
    out
}
