import { PERMISSIONS, PERMISSIONS_GUIDE_URL } from "./permissions";

/** How to set up the Entra app registration: every permission per API, admin consent, where the ids are. */
export function PermissionGuide() {
  return (
    <details className="permission-guide" data-testid="permission-guide">
      <summary>What the app registration needs</summary>
      <ol className="permission-steps">
        <li>
          In the Microsoft Entra admin center, open <strong>App registrations → New registration</strong> (single tenant, no redirect URI).
        </li>
        <li>
          Under <strong>API permissions → Add a permission</strong>, add these <strong>application</strong> permissions (not delegated). Only the
          ones your flows use are required; Alert.Read.All and Machine.Read.All are needed for any flow.
          {PERMISSIONS.map((api) => (
            <div key={api.api} className="permission-api">
              <p className="permission-api-name">
                <strong>{api.api}</strong> <span className="field-help">({api.where})</span>
              </p>
              <ul className="permission-list" aria-label={`${api.api} permissions`}>
                {api.permissions.map((permission) => (
                  <li key={permission.name}>
                    <code>{permission.name}</code> — {permission.use}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </li>
        <li>
          Click <strong>Grant admin consent for your organization</strong>: application permissions do nothing until an administrator consents.
        </li>
        <li>
          Under <strong>Certificates &amp; secrets</strong>, create a client secret and copy its <em>Value</em> (shown once) into Client secret below.
        </li>
        <li>
          The ids: <strong>Tenant id</strong> is the <em>Directory (tenant) ID</em> and <strong>Client id</strong> the <em>Application (client) ID</em>,
          both on the app registration's <strong>Overview</strong> page.
        </li>
      </ol>
      <p className="field-help">
        Microsoft's guide:{" "}
        <a href={PERMISSIONS_GUIDE_URL} target="_blank" rel="noreferrer">
          Create an app to access Microsoft Defender for Endpoint without a user
        </a>{" "}
        (<code className="permission-url">{PERMISSIONS_GUIDE_URL}</code>)
      </p>
    </details>
  );
}
