//! Demo mode: the built-in Defender emulator in this process, and "Simulate alert".

use serde_json::json;

use flowguard_defender::{Cloud, DefenderConfig, Secret};
use flowguard_emulator::{Emulator, EmulatorConfig, EmulatorError, EmulatorHandle};
use flowguard_ipc::{AlertChoice, CommandError};

/// The severities Simulate alert offers.
pub const SEVERITIES: [&str; 4] = ["Informational", "Low", "Medium", "High"];

/// Starts the emulator for demo mode. The sample alert (Run now's "Sample alert") exists in the
/// demo tenant, machine included, so a run on it works end to end instead of failing with a 404.
pub async fn start() -> Result<EmulatorHandle, EmulatorError> {
    let handle = Emulator::start(EmulatorConfig::default()).await?;
    handle.create_alert(&flowguard_engine::service::sample_trigger()["alert"]);
    Ok(handle)
}

/// The Defender client's configuration for the emulator's tenant.
pub fn defender_config(handle: &EmulatorHandle) -> DefenderConfig {
    let cloud = Cloud::Custom {
        login_base: handle.base_url(),
        api_base: handle.base_url(),
    };
    DefenderConfig::new(
        &cloud,
        handle.tenant_id(),
        handle.client_id(),
        Secret::new(handle.client_secret()),
    )
}

/// An alert as the Run now dialog offers it.
pub fn alert_choice(alert: &serde_json::Value) -> AlertChoice {
    let text = |name: &str| alert[name].as_str().map(str::to_owned);
    AlertChoice {
        id: text("id").unwrap_or_default(),
        title: text("title").unwrap_or_default(),
        severity: text("severity").unwrap_or_default(),
        status: text("status").unwrap_or_default(),
        machine_id: text("machineId"),
        computer_dns_name: text("computerDnsName"),
        created_at: text("alertCreationTime"),
    }
}

/// "Simulate alert": creates an alert of `severity` in the demo emulator, as if Defender had
/// raised it. `emulator` is None when a real tenant is connected (then this is refused).
pub fn simulate_alert(
    emulator: Option<&EmulatorHandle>,
    severity: &str,
) -> Result<AlertChoice, CommandError> {
    let Some(severity) = SEVERITIES.iter().find(|known| **known == severity) else {
        return Err(CommandError::invalid(format!(
            "the severity {severity:?} is not one of {}",
            SEVERITIES.join(", ")
        )));
    };
    let Some(emulator) = emulator else {
        return Err(CommandError::invalid(
            "Simulate alert works in demo mode only: a real tenant is connected",
        ));
    };
    let title = match *severity {
        "High" => "Ransomware behavior detected on the endpoint",
        "Medium" => "Suspicious PowerShell command line",
        "Low" => "Unwanted software detected",
        _ => "A process reached out to a rare domain",
    };
    let alert = emulator.create_alert(json!({
        "severity": severity,
        "title": title,
        "category": "Execution",
    }));
    tracing::info!(alert = %alert["id"], %severity, "simulated an alert in the demo emulator");
    Ok(alert_choice(&alert))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowguard_ipc::CommandErrorKind;

    #[tokio::test]
    async fn a_simulated_alert_is_in_the_emulator_with_its_severity() {
        let handle = start().await.unwrap();
        let choice = simulate_alert(Some(&handle), "High").unwrap();
        assert_eq!(choice.severity, "High");
        assert_eq!(choice.title, "Ransomware behavior detected on the endpoint");
        // Over HTTP, as the engine sees it.
        let client = flowguard_defender::DefenderClient::new(&defender_config(&handle)).unwrap();
        let stored: serde_json::Value = client
            .request(&flowguard_defender::ApiRequest::get_alert(&choice.id))
            .await
            .unwrap();
        assert_eq!(stored["severity"], "High");
        handle.shutdown().await;
    }

    #[tokio::test]
    async fn simulate_refuses_an_unknown_severity_and_a_real_tenant() {
        let error = simulate_alert(None, "Critical").unwrap_err();
        assert_eq!(error.kind, CommandErrorKind::InvalidInput);
        assert!(error.message.contains("Critical"), "{}", error.message);
        let error = simulate_alert(None, "High").unwrap_err();
        assert!(
            error.message.contains("demo mode only"),
            "{}",
            error.message
        );
    }
}
