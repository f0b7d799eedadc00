import type { Discovery, Environment } from "../core/environments/discover.js";

/** `mtls-gate environments --format json`: what was discovered, as discovered (paths relative to the analysed root). */
export function renderEnvironmentsJson(discovery: Discovery): string {
  return `${JSON.stringify(discovery, null, 2)}\n`;
}

function where(environment: Environment): string {
  const { file, line } = environment.discoveredBy;
  if (file === undefined) return environment.discoveredBy.how;
  return `${environment.discoveredBy.how} (${file}${line === undefined ? "" : `:${line}`})`;
}

function values(environment: Environment): string {
  const helm = environment.helm;
  if (!helm) return "-";
  const parts = [...helm.valuesFiles];
  if (helm.values !== undefined) parts.push("inline values");
  if (helm.set) parts.push(`--set ${Object.keys(helm.set).join(",")}`);
  return parts.length > 0 ? parts.join(", ") : "-";
}

function options(environment: Environment): string {
  const parts: string[] = [];
  if (environment.helm) parts.push(`release ${environment.helm.releaseName}`);
  const namespace = environment.helm?.namespace ?? environment.kustomize?.namespace ?? environment.defaultNamespace;
  if (namespace) parts.push(`namespace ${namespace}`);
  if (environment.kustomize?.namePrefix) parts.push(`namePrefix ${environment.kustomize.namePrefix}`);
  if (environment.kustomize?.nameSuffix) parts.push(`nameSuffix ${environment.kustomize.nameSuffix}`);
  return parts.join(", ") || "-";
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}

/** `mtls-gate environments`: one row per environment (how it was found, on which line), then what could not be followed. */
export function renderEnvironmentsText(discovery: Discovery): string {
  const lines: string[] = [];
  if (!discovery.rendering)
    lines.push("Rendering is off (policy render.enabled: false): every manifest is analysed as written.", "");
  const header = ["NAME", "KIND", "ROOT", "VALUES", "OPTIONS", "PLAIN FILES", "DISCOVERED BY"];
  const rows = discovery.environments.map((e) => [
    e.name,
    e.kind,
    e.root === "" ? "." : e.root,
    values(e),
    options(e),
    String(e.plainFiles.length),
    where(e),
  ]);
  lines.push(...(rows.length > 0 ? table([header, ...rows]) : ["No environments."]));
  if (discovery.renderedFiles.length > 0) {
    lines.push(
      "",
      `${discovery.renderedFiles.length} file(s) owned by a kustomization or chart (rendered, not analysed as written).`,
    );
  }
  if (discovery.diagnostics.length > 0) {
    lines.push("", "Not followed:");
    for (const d of discovery.diagnostics) lines.push(`  ${d.file}:${d.line}: ${d.message} [${d.code}]`);
  }
  return `${lines.join("\n")}\n`;
}
