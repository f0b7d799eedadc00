/**
 * What the CLI says about itself, from the installed package.json: its version, and where its documentation is for
 * that version (`<repository>/blob/v<version>/docs/rules/<id>.md`), so a link printed by the CLI matches the rules the
 * user runs. A package.json without `repository` falls back to the project's home.
 */
import { readFileSync } from "node:fs";

const FALLBACK_REPOSITORY = "https://github.com/mtls-gate/mtls-gate";

interface PackageJson {
  version?: string;
  repository?: string | { url?: string };
  homepage?: string;
}

function readPackageJson(): PackageJson {
  try {
    return JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as PackageJson;
  } catch {
    return {};
  }
}

const pkg = readPackageJson();

export function packageVersion(): string {
  return pkg.version ?? "0.0.0";
}

/** `repository` as a browsable https URL: `git+https://…/x.git`, `github:owner/name` and `owner/name` forms included. */
export function repositoryUrl(repository: PackageJson["repository"] = pkg.repository): string {
  const raw = (typeof repository === "string" ? repository : repository?.url)?.trim();
  if (!raw) return FALLBACK_REPOSITORY;
  const shorthand = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(raw);
  if (shorthand) return `https://github.com/${shorthand[1]}`;
  const url = raw
    .replace(/^git\+/, "")
    .replace(/^git:\/\//, "https://")
    .replace(/^git@([^:]+):/, "https://$1/")
    .replace(/\.git$/, "")
    .replace(/\/+$/, "");
  return /^https?:\/\//.test(url) ? url : FALLBACK_REPOSITORY;
}

/** The docs page of a rule at the installed version. */
export function ruleDocsUrlForCli(
  ruleId: string,
  version: string = packageVersion(),
  repository: PackageJson["repository"] = pkg.repository,
): string {
  return `${repositoryUrl(repository)}/blob/v${version}/docs/rules/${encodeURIComponent(ruleId)}.md`;
}
