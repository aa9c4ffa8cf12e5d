//! Settings' client-side checks: quick messages next to the fields. The Rust side checks again.

export const CLOUDS: ReadonlyArray<{ value: string; label: string }> = [
  { value: "global", label: "Commercial (global)" },
  { value: "us", label: "United States" },
  { value: "eu", label: "Europe" },
  { value: "uk", label: "United Kingdom" },
  { value: "gcc", label: "US Government (GCC)" },
  { value: "gcc_high", label: "US Government (GCC High)" },
  { value: "dod", label: "US Government (DoD)" },
  { value: "custom", label: "Custom endpoints" },
];

export const SMTP_SECURITY: ReadonlyArray<{ value: string; label: string; port: number }> = [
  { value: "start_tls", label: "STARTTLS", port: 587 },
  { value: "tls", label: "TLS (implicit)", port: 465 },
  { value: "none", label: "None (unencrypted)", port: 25 },
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, "i");

/** A GUID or a domain-like name (letters, digits, hyphens and dots). */
export function looksLikeId(text: string): boolean {
  const clean = text.trim();
  return GUID.test(clean) || DOMAIN.test(clean);
}

/** A base URL Flowguard accepts: https, or http on the loopback interface. */
export function urlProblem(text: string): string | null {
  const clean = text.trim();
  if (!clean) return "Required for custom endpoints.";
  let url: URL;
  try {
    url = new URL(clean);
  } catch {
    return "Not a URL (e.g. https://api.security.microsoft.com).";
  }
  if (url.protocol === "https:") return null;
  const loopback = url.hostname === "localhost" || url.hostname === "[::1]" || /^127\./.test(url.hostname);
  if (url.protocol === "http:" && loopback) return null;
  return "Use https:// (plain http only for localhost).";
}

export function isEmailAddress(text: string): boolean {
  return /^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/.test(text.trim());
}

/** `Name <address>` or an address. */
export function isSender(text: string): boolean {
  const clean = text.trim();
  const angle = clean.match(/<([^<>]+)>$/);
  return isEmailAddress(angle ? (angle[1] ?? "") : clean);
}

export type Problems<K extends string> = Partial<Record<K, string>>;

export interface DefenderForm {
  tenantId: string;
  clientId: string;
  cloud: string;
  apiUrl: string;
  loginUrl: string;
  secret: string;
}

export function defenderProblems(form: DefenderForm, hasSecret: boolean): Problems<keyof DefenderForm> {
  const problems: Problems<keyof DefenderForm> = {};
  if (!form.tenantId.trim()) problems.tenantId = "Required: the directory (tenant) id or its domain.";
  else if (!looksLikeId(form.tenantId)) problems.tenantId = "A tenant id is a GUID (00000000-0000-…) or a domain such as contoso.onmicrosoft.com.";
  if (!form.clientId.trim()) problems.clientId = "Required: the app registration's application (client) id.";
  else if (!looksLikeId(form.clientId)) problems.clientId = "An application (client) id is a GUID (00000000-0000-…).";
  if (form.cloud === "custom") {
    const api = urlProblem(form.apiUrl);
    if (api) problems.apiUrl = api;
    const login = urlProblem(form.loginUrl);
    if (login) problems.loginUrl = login;
  }
  if (!hasSecret && !form.secret) problems.secret = "Required: no secret is stored yet.";
  return problems;
}

export interface SmtpForm {
  host: string;
  port: string;
  security: string;
  username: string;
  password: string;
  from: string;
}

export function smtpProblems(form: SmtpForm): Problems<keyof SmtpForm> {
  const problems: Problems<keyof SmtpForm> = {};
  if (!form.host.trim()) problems.host = "Required.";
  else if (!/^[a-z0-9.:[\]-]+$/i.test(form.host.trim())) problems.host = "A host name or address, without a scheme or port.";
  const port = Number(form.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.port = "A port between 1 and 65535.";
  if (!form.from.trim()) problems.from = "Required: the sender address.";
  else if (!isSender(form.from)) problems.from = "An address, or Name <address>.";
  return problems;
}
