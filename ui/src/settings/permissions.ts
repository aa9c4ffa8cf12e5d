//! What an Entra app registration needs for Flowguard, per API, with the exact permission names
//! (from Microsoft's pages on the Defender for Endpoint API and Microsoft Graph security, linked below).
//! Settings shows this list; the node kinds' own `permission` (in their spec) names the one each
//! step needs.

export interface Permission {
  name: string;
  /** What Flowguard does with it, in plain words. */
  use: string;
}

export interface ApiPermissions {
  /** The API's name as the "Request API permissions" pane lists it. */
  api: string;
  /** Where to find it in that pane. */
  where: string;
  permissions: Permission[];
}

export const PERMISSIONS: readonly ApiPermissions[] = [
  {
    api: "WindowsDefenderATP",
    where: "APIs my organization uses → search “WindowsDefenderATP” → Application permissions",
    permissions: [
      { name: "Alert.Read.All", use: "read alerts (new-alert trigger, Get alert)" },
      { name: "Alert.ReadWrite.All", use: "update alerts: status, assignment, classification, comments" },
      { name: "Machine.Read.All", use: "read machines and the status of machine actions" },
      { name: "Machine.ReadWrite.All", use: "update machine tags and details" },
      { name: "Machine.Isolate", use: "isolate a machine and release it from isolation" },
      { name: "Machine.Scan", use: "run an antivirus scan" },
      { name: "Machine.CollectForensics", use: "collect an investigation package" },
      { name: "Machine.RestrictExecution", use: "restrict app execution and remove the restriction" },
      { name: "Machine.LiveResponse", use: "run live response actions" },
      { name: "Ti.ReadWrite.All", use: "submit and update indicators" },
      { name: "AdvancedQuery.Read.All", use: "run advanced hunting queries" },
    ],
  },
  {
    api: "Microsoft Graph",
    where: "Microsoft APIs → Microsoft Graph → Application permissions",
    permissions: [
      { name: "SecurityAlert.Read.All", use: "read alerts through Microsoft Graph security" },
      { name: "SecurityIncident.Read.All", use: "read incidents" },
      { name: "ThreatHunting.Read.All", use: "run hunting queries through Graph" },
      { name: "Mail.Send", use: "send email as the Graph sender mailbox" },
    ],
  },
];

export const PERMISSIONS_GUIDE_URL = "https://learn.microsoft.com/en-us/defender-endpoint/api/exposed-apis-create-app-webapp";
