/**
 * A chart's `file://` dependencies (`dependencies[].repository: file://../common`): what `helm dependency build` would
 * copy into `charts/<name>`, resolved from the repository's own files so that no helm repository call and no network
 * is needed. A dependency is followed only when it is a chart inside the repository tree after normalisation: a path
 * that climbs out, an absolute path, or a symbolic link leaving the tree is refused, as are chains deeper than
 * MAX_DEPENDENCY_DEPTH, more than MAX_DEPENDENCY_CHARTS charts and cycles (each of which helm itself would either
 * reject or copy without end). Dependencies vendored under `charts/` (a directory or a `.tgz`) are used as they are.
 */
import { parse } from "yaml";
import { directoryOf, joinRelative } from "./discover-local.js";
import { textOf, type RepoTree } from "./repo.js";
import { asRecord } from "./yaml-lines.js";

/** How many `file://` levels are followed (a dependency's dependency is level 2). */
export const MAX_DEPENDENCY_DEPTH = 5;
/** How many `file://` charts one environment may copy in all. */
export const MAX_DEPENDENCY_CHARTS = 20;

const FILE_SCHEME = "file://";

export interface LocalDependency {
  /** Where helm finds it, relative to the environment's chart directory: `charts/common`, `charts/a/charts/b`. */
  into: string;
  /** `into` of the chart that depends on it ("" for the environment's chart). */
  parent: string;
  /** The names helm's `# Source:` markers give it: the dependency's name, and its alias when it has one. */
  names: string[];
  /** The dependency chart's directory in the repository. */
  source: string;
}

export type DependencyRefusalId =
  "chart-dependency-not-vendored" | "chart-dependency-not-found" | "chart-dependency-limit" | "outside-repository";

export interface DependencyRefusal {
  messageId: DependencyRefusalId;
  reference: string;
  file: string;
  line: number;
  /** For chart-dependency-limit: which limit. */
  limit?: string;
}

export interface DependencyPlan {
  /** Parents before their own dependencies, in the order Chart.yaml lists them. */
  dependencies: LocalDependency[];
  refusal?: DependencyRefusal;
}

function lineOf(text: string, needle: string): number {
  const index = text.split(/\r?\n/).findIndex((line) => line.includes(needle));
  return index < 0 ? 1 : index + 1;
}

const prefixOf = (dir: string) => (dir === "" ? "" : `${dir}/`);

function outsideUnder(tree: RepoTree, dir: string): string | undefined {
  for (const path of tree.outside) if (dir === "" || path.startsWith(`${dir}/`)) return path;
  return undefined;
}

/** Vendored the way helm finds it: `charts/<name>/Chart.yaml` or `charts/<name>-<version>.tgz` in the chart's directory. */
function vendored(tree: RepoTree, chartDir: string, name: string): boolean {
  const charts = `${prefixOf(chartDir)}charts`;
  if (tree.files.has(`${charts}/${name}/Chart.yaml`)) return true;
  return [...tree.files.keys()].some(
    (p) => p.startsWith(`${charts}/${name}-`) && p.endsWith(".tgz") && directoryOf(p) === charts,
  );
}

/**
 * The `file://` dependencies of the chart at `chartRoot`, recursively, or the first reason not to render it (a
 * dependency neither vendored nor local is refused here too, as before `file://` was followed).
 */
export function localDependencies(tree: RepoTree, chartRoot: string): DependencyPlan {
  const plan: DependencyPlan = { dependencies: [] };
  const visit = (
    chartDir: string,
    into: string,
    depth: number,
    chain: readonly string[],
  ): DependencyRefusal | undefined => {
    const chartFile = `${prefixOf(chartDir)}Chart.yaml`;
    const text = textOf(tree, chartFile) ?? "";
    let chart: unknown;
    try {
      chart = parse(text);
    } catch {
      return undefined; // helm reports the syntax error itself
    }
    // Where helm reads them: Chart.yaml's `dependencies`, and for an `apiVersion: v1` chart its requirements.yaml
    // (helm still loads those; bevel's charts, for one, declare their file:// dependencies there).
    const declared = (file: string, source: string, value: unknown) =>
      (Array.isArray(value) ? value : []).map((dependency: unknown) => ({ dependency, file, source }));
    const entries = declared(chartFile, text, asRecord(chart).dependencies);
    if (asRecord(chart).apiVersion === "v1") {
      const requirementsFile = `${prefixOf(chartDir)}requirements.yaml`;
      const requirementsText = textOf(tree, requirementsFile);
      if (requirementsText !== undefined) {
        try {
          entries.push(...declared(requirementsFile, requirementsText, asRecord(parse(requirementsText)).dependencies));
        } catch {
          // helm reports the syntax error itself
        }
      }
    }
    for (const { dependency, file: declaredIn, source } of entries) {
      const record = asRecord(dependency);
      const name = record.name;
      if (typeof name !== "string" || name === "") continue;
      if (vendored(tree, chartDir, name)) continue;
      const repository = typeof record.repository === "string" ? record.repository.trim() : "";
      const line = lineOf(source, repository.startsWith(FILE_SCHEME) ? repository : name);
      const refuse = (messageId: DependencyRefusalId, reference: string, limit?: string): DependencyRefusal => ({
        messageId,
        reference,
        file: declaredIn,
        line,
        ...(limit !== undefined ? { limit } : {}),
      });
      if (!repository.startsWith(FILE_SCHEME)) return refuse("chart-dependency-not-vendored", name);
      const written = repository.slice(FILE_SCHEME.length);
      // An absolute path names the machine's file system, not the repository; `..` past the root leaves it.
      const target = written.startsWith("/") ? undefined : joinRelative(chartDir, written);
      if (target === undefined) return refuse("outside-repository", repository);
      const link = tree.outside.has(`${prefixOf(target)}Chart.yaml`)
        ? `${prefixOf(target)}Chart.yaml`
        : outsideUnder(tree, target);
      if (link !== undefined) return refuse("outside-repository", link);
      if (!tree.files.has(`${prefixOf(target)}Chart.yaml`)) return refuse("chart-dependency-not-found", repository);
      // A chart that depends on itself or on a directory holding it would be copied into itself without end.
      if ([...chain, chartDir].some((dir) => dir === target || dir.startsWith(prefixOf(target))))
        return refuse("chart-dependency-limit", repository, "a cycle");
      if (depth + 1 > MAX_DEPENDENCY_DEPTH)
        return refuse("chart-dependency-limit", repository, `${MAX_DEPENDENCY_DEPTH} levels of file:// dependencies`);
      if (plan.dependencies.length >= MAX_DEPENDENCY_CHARTS)
        return refuse("chart-dependency-limit", repository, `${MAX_DEPENDENCY_CHARTS} file:// dependency charts`);
      const alias = typeof record.alias === "string" && record.alias !== "" ? record.alias : undefined;
      const dependencyInto = `${into === "" ? "" : `${into}/`}charts/${name}`;
      plan.dependencies.push({
        into: dependencyInto,
        parent: into,
        names: alias !== undefined && alias !== name ? [name, alias] : [name],
        source: target,
      });
      const refused = visit(target, dependencyInto, depth + 1, [...chain, chartDir]);
      if (refused) return refused;
    }
    return undefined;
  };
  const refusal = visit(chartRoot, "", 0, []);
  if (refusal) plan.refusal = refusal;
  return plan;
}

/** The files to write for the dependencies: path relative to the chart's copy, and the repository file it is. */
export function dependencyFiles(tree: RepoTree, plan: DependencyPlan): { path: string; from: string }[] {
  const files: { path: string; from: string }[] = [];
  for (const dependency of plan.dependencies) {
    const prefix = prefixOf(dependency.source);
    for (const path of tree.files.keys())
      if (path.startsWith(prefix)) files.push({ path: `${dependency.into}/${path.slice(prefix.length)}`, from: path });
  }
  return files;
}

export interface SourceChart {
  /** The repository path of the template (or other chart file). */
  file: string;
  /**
   * The charts from the environment's chart down to the one holding the file, each with its directory in the
   * repository and the values keys leading to it from the environment's chart (`["common"]` for a dependency).
   */
  chain: { dir: string; keys: string[] }[];
}

/**
 * Where a path inside the rendered chart (`charts/common/templates/x.yaml`, from a `# Source:` marker without the
 * chart's name) is in the repository: through the `file://` dependencies to their source directories, and through
 * charts vendored under `charts/` as they are.
 */
export function sourceOfChartPath(
  chartRoot: string,
  dependencies: readonly LocalDependency[],
  rest: string,
): SourceChart {
  let dir = chartRoot;
  let into = "";
  let remaining = rest;
  const keys: string[] = [];
  const chain = [{ dir, keys: [] as string[] }];
  for (;;) {
    const match = /^charts\/([^/]+)\/(.+)$/.exec(remaining);
    if (!match) break;
    const [, segment = "", after = ""] = match;
    const dependency = dependencies.find((d) => d.parent === into && d.names.includes(segment));
    dir = dependency ? dependency.source : `${prefixOf(dir)}charts/${segment}`;
    into = dependency ? dependency.into : `${into === "" ? "" : `${into}/`}charts/${segment}`;
    keys.push(segment);
    chain.push({ dir, keys: [...keys] });
    remaining = after;
  }
  return { file: `${prefixOf(dir)}${remaining}`, chain };
}
