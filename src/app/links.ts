import { packageInfo } from "../package-info.js";
import { instanceDocsUrl, publicBaseUrl, repositoryDocsUrl } from "../report/rule-docs.js";

/**
 * Where the app links a rule: its own `/docs/rules/<id>` under `MTLS_GATE_PUBLIC_URL` (which the registration flow
 * writes to `.env` as the base URL it registered with GitHub), else the project's repository at the installed version
 * (the Action, or an app configured by hand without a public URL): a link that resolves either way.
 */
export function ruleDocsUrlFor(env: Readonly<Record<string, string | undefined>>): (ruleId: string) => string {
  const base = publicBaseUrl(env.MTLS_GATE_PUBLIC_URL);
  if (base) return (ruleId) => instanceDocsUrl(base, ruleId);
  const { repository, version } = packageInfo();
  return (ruleId) => repositoryDocsUrl(repository, version, ruleId);
}

/** Read at each call, not at import: `.env` is applied by Probot after the modules load. */
export function ruleDocsUrl(ruleId: string): string {
  return ruleDocsUrlFor(process.env)(ruleId);
}
