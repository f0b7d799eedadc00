/**
 * What the installed package says about itself (package.json's version and repository) and its rule pages
 * (`docs/rules/<id>.md`, shipped in the package: see `files`). Read from the package's own directory, never from the
 * working directory, so that the CLI run anywhere and the app started from any folder find the same files.
 */
import { readFileSync } from "node:fs";
import { RULES_BY_ID } from "./core/rules/index.js";
import { repositoryDocsUrl, repositoryWebUrl, type RuleDocs } from "./report/rule-docs.js";

/** The project's repository, used when package.json has none (a copy whose package.json was edited). */
const FALLBACK_REPOSITORY = "https://github.com/mtls-gate/mtls-gate";

export interface PackageInfo {
  name: string;
  version: string;
  description: string;
  /** The project's home page (package.json `homepage`; the repository when absent). */
  homepage: string;
  /** The repository's web address, e.g. https://github.com/mtls-gate/mtls-gate. */
  repository: string;
}

/**
 * The package root: two folders up from dist/src/package-info.js once built, one folder up from the Action's bundle
 * (dist-action/index.js), where this module is inlined. The first that holds this package's package.json wins.
 */
const PACKAGE_ROOT = [new URL("../../", import.meta.url), new URL("../", import.meta.url)].find(isPackageRoot) ?? new URL("../../", import.meta.url);

function isPackageRoot(root: URL): boolean {
  try {
    return (JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { name?: unknown }).name === "mtls-gate";
  } catch {
    return false;
  }
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  let pkg: Record<string, unknown> = {};
  try {
    pkg = JSON.parse(readFileSync(new URL("package.json", PACKAGE_ROOT), "utf8")) as Record<string, unknown>;
  } catch {
    // A package without its package.json still reports, with the fallbacks below.
  }
  const repository = repositoryWebUrl(pkg.repository) ?? FALLBACK_REPOSITORY;
  const text = (value: unknown, fallback: string) => (typeof value === "string" && value !== "" ? value : fallback);
  cached = {
    name: text(pkg.name, "mtls-gate"),
    version: text(pkg.version, "0.0.0"),
    description: text(pkg.description, ""),
    homepage: text(pkg.homepage, repository),
    repository,
  };
  return cached;
}

/** Where the package's files are, e.g. `app.yml` (for the registration manifest). */
export function packageFile(path: string): URL {
  return new URL(path, PACKAGE_ROOT);
}

/**
 * The Markdown of a registered rule's page; undefined for an id that is not a registered rule (the id never reaches
 * the file system otherwise) or a page that is missing.
 */
export function ruleDocsMarkdown(ruleId: string): string | undefined {
  if (!RULES_BY_ID.has(ruleId)) return undefined;
  try {
    return readFileSync(new URL(`docs/rules/${ruleId}.md`, PACKAGE_ROOT), "utf8");
  } catch {
    return undefined;
  }
}

/** The CLI's and the Action's links: the project's repository at the installed version, pages embedded where asked. */
export function repositoryRuleDocs(info: PackageInfo = packageInfo()): RuleDocs {
  return {
    url: (ruleId) => repositoryDocsUrl(info.repository, info.version, ruleId),
    markdown: ruleDocsMarkdown,
  };
}
