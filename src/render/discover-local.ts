/**
 * A stand-in for environment discovery (src/core/environments, written on another branch), kept to this one file so
 * it can be swapped for `discoverEnvironments` there: every leaf kustomization (one no other kustomization includes),
 * every chart with its values.yaml and each values-*.yaml beside it, and the plain YAML neither includes.
 */
import { parse } from "yaml";
import { isManifestPath } from "../core/source/load.js";
import type { SourceFile } from "../core/types.js";

export interface Environment {
  name: string;
  kind: "kustomize" | "helm" | "plain";
  /** The kustomization's or chart's directory; "" is the repository root. */
  root: string;
  helm?: { valuesFiles: string[]; values?: unknown; releaseName: string; namespace?: string };
  kustomize?: { namespace?: string };
  /** Plain YAML analysed with the render (or, for the plain environment, the files it applies). */
  plainFiles: string[];
  discoveredBy: { how: string; file?: string; line?: number };
}

const KUSTOMIZATION_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export function isKustomizationPath(path: string): boolean {
  return KUSTOMIZATION_NAMES.includes(path.slice(path.lastIndexOf("/") + 1));
}

export function directoryOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** `base/../x` relative to the repository root, or undefined when it climbs out of it. */
export function joinRelative(dir: string, reference: string): string | undefined {
  const parts = dir === "" ? [] : dir.split("/");
  for (const part of reference.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

/** The local references of a kustomization (resources, bases, components), as written. */
export function kustomizationReferences(text: string): string[] {
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    return [];
  }
  if (typeof value !== "object" || value === null) return [];
  const record = value as Record<string, unknown>;
  return ["resources", "bases", "components"].flatMap((key) =>
    Array.isArray(record[key]) ? record[key].filter((v): v is string => typeof v === "string") : [],
  );
}

const under = (path: string, dir: string) => dir === "" || path === dir || path.startsWith(`${dir}/`);

export function discoverEnvironments(files: readonly SourceFile[]): { environments: Environment[] } {
  const paths = new Set(files.map((f) => f.path));
  const kustomizations = files.filter((f) => isKustomizationPath(f.path));
  const kustomizeDirs = new Set(kustomizations.map((k) => directoryOf(k.path)));
  const charts = files
    .filter((f) => f.path === "Chart.yaml" || f.path.endsWith("/Chart.yaml"))
    .map((f) => directoryOf(f.path))
    // A subchart under a chart's charts/ is rendered with its parent.
    .filter(
      (dir, _, all) => !all.some((other) => other !== dir && under(dir, other === "" ? "charts" : `${other}/charts`)),
    );
  const included = new Set<string>();
  const consumed = new Set<string>();
  for (const k of kustomizations) {
    const dir = directoryOf(k.path);
    for (const reference of kustomizationReferences(k.text)) {
      const target = joinRelative(dir, reference);
      if (target === undefined) continue;
      if (kustomizeDirs.has(target)) included.add(target);
      else if (paths.has(target)) consumed.add(target);
    }
  }
  // What helm reads of a chart; any other YAML beside it (docs, CI fixtures) is plain YAML like the rest.
  const chartPart = (path: string, chart: string) => {
    const rest = chart === "" ? path : path.slice(chart.length + 1);
    return /^(Chart\.ya?ml|values[^/]*\.ya?ml|(templates|charts|crds|ci)\/.*)$/.test(rest);
  };
  const plainFiles = files
    .filter(
      (f) =>
        isManifestPath(f.path) &&
        !consumed.has(f.path) &&
        ![...kustomizeDirs].some((dir) => under(f.path, dir)) &&
        !charts.some((chart) => under(f.path, chart) && chartPart(f.path, chart)),
    )
    .map((f) => f.path)
    .sort();
  const environments: Environment[] = [];
  for (const k of [...kustomizations].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const dir = directoryOf(k.path);
    if (included.has(dir) || charts.some((chart) => under(dir, chart))) continue;
    environments.push({
      name: dir === "" ? "kustomization" : dir,
      kind: "kustomize",
      root: dir,
      kustomize: {},
      plainFiles,
      discoveredBy: { how: "leaf kustomization", file: k.path, line: 1 },
    });
  }
  for (const chart of [...charts].sort()) {
    const prefix = chart === "" ? "" : `${chart}/`;
    const releaseName = (chart.slice(chart.lastIndexOf("/") + 1) || "release").toLowerCase();
    const valuesFiles = files
      .map((f) => f.path)
      .filter((p) => new RegExp(`^${escape(prefix)}values-[^/]+\\.ya?ml$`).test(p))
      .sort();
    const chartFile = `${prefix}Chart.yaml`;
    environments.push({
      name: chart === "" ? "chart" : chart,
      kind: "helm",
      root: chart,
      helm: { valuesFiles: [], releaseName },
      plainFiles,
      discoveredBy: { how: "chart with its values.yaml", file: chartFile, line: 1 },
    });
    for (const values of valuesFiles) {
      const suffix = values
        .slice(prefix.length)
        .replace(/^values-/, "")
        .replace(/\.ya?ml$/, "");
      environments.push({
        name: `${chart === "" ? "chart" : chart}@${suffix}`,
        kind: "helm",
        root: chart,
        helm: { valuesFiles: [values], releaseName },
        plainFiles,
        discoveredBy: { how: `chart with ${values.slice(prefix.length)}`, file: values, line: 1 },
      });
    }
  }
  if (environments.length === 0 || plainFiles.length > 0)
    environments.push({
      name: "repository",
      kind: "plain",
      root: "",
      plainFiles,
      discoveredBy: { how: "plain YAML no kustomization or chart includes" },
    });
  return { environments };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
