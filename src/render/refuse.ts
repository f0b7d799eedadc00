/**
 * What a render is refused for, decided from the files before any tool runs: anything that would reach the network
 * (remote bases, git URLs, remote or OCI charts, chart dependencies not vendored under charts/), run code (KRM/exec
 * functions, plugins, generators and transformers that are not builtin), or read outside the analysed directory.
 */
import { parse } from "yaml";
import { localDependencies } from "./chart-dependencies.js";
import { joinRelative, type Environment } from "./discover-local.js";
import { textOf, type RepoTree } from "./repo.js";
import { asRecord } from "./yaml-lines.js";

export interface Refusal {
  messageId:
    | "remote-resource"
    | "remote-chart"
    | "chart-dependency-not-vendored"
    | "chart-dependency-not-found"
    | "chart-dependency-limit"
    | "exec-function"
    | "outside-repository";
  reference: string;
  file: string;
  line: number;
  /** For chart-dependency-limit: the limit reached. */
  limit?: string;
}

export interface KustomizeWalk {
  /** Every kustomization directory the leaf reads, the leaf first. */
  dirs: string[];
  /** Kustomization file of each directory. */
  files: Map<string, string>;
  refusal?: Refusal;
}

const KUSTOMIZATION_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/** A kustomize reference that names something remote: a URL, a git remote, a host/org/repo path. */
export function isRemoteReference(reference: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(reference) ||
    /^git@/i.test(reference) ||
    /^(ssh|git|https?|file|oci):/i.test(reference) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//i.test(reference) ||
    /\?(ref|version|timeout|submodules)=/.test(reference) ||
    /\.git(\/\/|$)/.test(reference)
  );
}

export function lineOfText(text: string, needle: string): number {
  const index = text.split(/\r?\n/).findIndex((line) => line.includes(needle));
  return index < 0 ? 1 : index + 1;
}

export function kustomizationFileIn(tree: RepoTree, dir: string): string | undefined {
  for (const name of KUSTOMIZATION_NAMES) {
    const path = dir === "" ? name : `${dir}/${name}`;
    if (tree.files.has(path) || tree.outside.has(path)) return path;
  }
  return undefined;
}

/** Builtin generators and transformers only: an entry with a function annotation, or not `apiVersion: builtin`, runs code. */
function runsCode(value: unknown): boolean {
  const record = asRecord(value);
  const annotations = asRecord(asRecord(record.metadata).annotations);
  if (Object.keys(annotations).some((key) => /config\.(kubernetes\.io|k8s\.io)\/function/.test(key))) return true;
  return record.apiVersion !== "builtin";
}

function outsideUnder(tree: RepoTree, dir: string): string | undefined {
  for (const path of tree.outside) if (dir === "" || path.startsWith(`${dir}/`)) return path;
  return undefined;
}

/** Walks a leaf kustomization and everything it includes, stopping at the first refusal. */
export function walkKustomization(tree: RepoTree, root: string): KustomizeWalk {
  const walk: KustomizeWalk = { dirs: [], files: new Map() };
  const visit = (dir: string): Refusal | undefined => {
    if (walk.dirs.includes(dir)) return undefined;
    const file = kustomizationFileIn(tree, dir);
    if (!file) return undefined;
    walk.dirs.push(dir);
    walk.files.set(dir, file);
    if (tree.outside.has(file)) return { messageId: "outside-repository", reference: file, file, line: 1 };
    const link = outsideUnder(tree, dir);
    if (link) return { messageId: "outside-repository", reference: link, file, line: 1 };
    const text = textOf(tree, file) ?? "";
    let value: unknown;
    try {
      value = parse(text);
    } catch {
      return undefined; // kustomize reports the syntax error itself
    }
    const record = asRecord(value);
    for (const key of ["resources", "bases", "components"]) {
      const list = Array.isArray(record[key]) ? (record[key] as unknown[]) : [];
      for (const entry of list) {
        if (typeof entry !== "string") continue;
        const line = lineOfText(text, entry);
        if (isRemoteReference(entry)) return { messageId: "remote-resource", reference: entry, file, line };
        const target = joinRelative(dir, entry);
        if (target === undefined) return { messageId: "outside-repository", reference: entry, file, line };
        if (tree.outside.has(target)) return { messageId: "outside-repository", reference: target, file, line };
        if (kustomizationFileIn(tree, target)) {
          const refused = visit(target);
          if (refused) return refused;
        }
      }
    }
    for (const key of ["generators", "transformers", "validators"]) {
      const list = Array.isArray(record[key]) ? (record[key] as unknown[]) : [];
      for (const entry of list) {
        // An entry is a file path or an inline configuration (a YAML string or, for some tools, an object).
        let config: unknown = entry;
        let reference = `${key} entry`;
        if (typeof entry === "string") {
          const target = joinRelative(dir, entry);
          const inline = target === undefined || (!tree.files.has(target) && !kustomizationFileIn(tree, target));
          if (!inline && target !== undefined && kustomizationFileIn(tree, target)) continue; // a kustomization of builtin configs: walked by kustomize
          reference = inline ? `inline ${key} entry` : (target as string);
          try {
            config = parse(inline ? entry : (textOf(tree, target as string) ?? ""));
          } catch {
            config = undefined;
          }
        }
        if (runsCode(config))
          return {
            messageId: "exec-function",
            reference,
            file,
            line:
              typeof entry === "string" ? lineOfText(text, entry.split("\n")[0] ?? entry) : lineOfText(text, `${key}:`),
          };
      }
    }
    if (record.helmCharts !== undefined || record.helmChartInflationGenerator !== undefined) {
      return {
        messageId: "exec-function",
        reference: "helmCharts (runs helm inside kustomize)",
        file,
        line: lineOfText(text, "helmCharts"),
      };
    }
    return undefined;
  };
  const refusal = visit(root);
  if (refusal) walk.refusal = refusal;
  return walk;
}

/**
 * A chart's refusals: a remote chart reference, links out of the tree, dependencies neither vendored under charts/ nor
 * `file://` charts of the repository (see chart-dependencies.ts).
 */
export function checkChart(tree: RepoTree, env: Environment): Refusal | undefined {
  const chartFile = env.root === "" ? "Chart.yaml" : `${env.root}/Chart.yaml`;
  if (isRemoteReference(env.root))
    return {
      messageId: "remote-chart",
      reference: env.root,
      file: env.discoveredBy.file ?? chartFile,
      line: env.discoveredBy.line ?? 1,
    };
  const link = outsideUnder(tree, env.root);
  if (link) return { messageId: "outside-repository", reference: link, file: chartFile, line: 1 };
  for (const values of env.helm?.valuesFiles ?? []) {
    if (isRemoteReference(values) || tree.outside.has(values))
      return {
        messageId: "outside-repository",
        reference: values,
        file: env.discoveredBy.file ?? chartFile,
        line: env.discoveredBy.line ?? 1,
      };
  }
  return localDependencies(tree, env.root).refusal;
}
