/**
 * Renders the environments of one tree: the refusal checks, then each render in a sandbox (a temporary directory
 * holding only the repository's files, an allowlisted environment, time and output limits, a cap on renders), then the
 * mapping of the output to source lines. What comes out is plain data for the core (`RenderedInput`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import type {
  RenderDiagnostic,
  RenderedFile,
  RenderedInput,
  SourcePoint,
  UnrenderedFile,
} from "../core/render/rendered.js";
import { isManifestPath } from "../core/source/load.js";
import type { Environment } from "./discover-local.js";
import { dependencyFiles, localDependencies } from "./chart-dependencies.js";
import { mapHelmOutput } from "./helm.js";
import { mapKustomizeOutput, patchesWithoutTarget, withBuildMetadata } from "./kustomize.js";
import { childEnvironment, runTool, scrubToolMessage, type RunLimits, type RunResult } from "./process.js";
import { checkChart, walkKustomization, type Refusal } from "./refuse.js";
import { renderKey, renderRoots, type RenderCache } from "./cache.js";
import { materialize, textOf, type RepoTree } from "./repo.js";
import { HELM_VARIABLE, KUSTOMIZE_VARIABLE, type RenderTools } from "./tools.js";

export interface RenderOptions {
  tools: RenderTools;
  limits: RunLimits;
  /** Most renders one check runs; the environments past it end as a finding. */
  maxRenders: number;
  /** Where the sandbox directories go (the system's temporary directory by default). */
  tmpRoot?: string;
  /**
   * Outcomes of earlier renders by a hash of what they read (see cache.ts). Without one every environment is rendered;
   * with one, an environment whose files did not change (the base and head of a pull request) runs no tool.
   */
  cache?: RenderCache<RenderResult>;
  /**
   * Whose renders these are (the app: the repository): part of every cache key, so a cache shared by several
   * repositories never answers one with a render of another's files.
   */
  cacheScope?: string;
  /** What starts a tool (runTool); a test counts the renders through it. */
  run?: typeof runTool;
  /**
   * The app's job signal: once aborted (its analysis limit passed) no further render starts, the running tool is ended,
   * and renderEnvironments rejects with the signal's reason, so nothing half-rendered is cached or analysed.
   */
  signal?: AbortSignal;
  /**
   * The time all renders of one check may take together (the app: see AppRenderSettings.budgetMs), as the moment it
   * ends (`Date.now()`) and its length for messages. A render is cut at the deadline (the sooner of it and its own
   * `limits.timeoutMs`), and one due after it does not start: either ends as a `render-failed` finding on the
   * environment, so the check still analyses the rest and concludes, rather than reaching the job's analysis limit.
   */
  budget?: { deadline: number; budgetMs: number };
}

/** What one render gives, as cached: the rendered file, or the finding that replaces it, and notes on the render. */
export interface RenderResult {
  file?: RenderedFile;
  diagnostic?: RenderDiagnostic;
  /** Findings about a render that still produced output (a patch whose target selects nothing). */
  notes?: RenderDiagnostic[];
}

export const DEFAULT_RENDER_OPTIONS: Omit<RenderOptions, "tools"> = {
  limits: { timeoutMs: 30_000, maxOutputBytes: 20 * 1024 * 1024 },
  maxRenders: 50,
};

const under = (path: string, dir: string) => dir === "" || path.startsWith(`${dir}/`);

function at(file: string, line: number) {
  return { file, line, column: 1, endLine: line, endColumn: 2 };
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

interface Outcome {
  env: Environment;
  file?: RenderedFile;
  diagnostic?: RenderDiagnostic;
  /** Findings about a render that still produced output (a patch whose target selects nothing). */
  notes?: RenderDiagnostic[];
  /** The repository directories the render read (to tell rendered files from unrendered ones). */
  dirs: string[];
}

/**
 * One RenderedInput per environment that rendered; the problems of the others (and the files they would have
 * rendered, as unrendered) are carried by each. When none rendered, one input for the plain YAML alone.
 */
export async function renderEnvironments(
  tree: RepoTree,
  environments: readonly Environment[],
  options: RenderOptions,
): Promise<RenderedInput[]> {
  const sandbox = mkdtempSync(join(options.tmpRoot ?? tmpdir(), "mtls-gate-render-"));
  try {
    const repo = join(sandbox, "repo");
    mkdirSync(repo);
    let materialized = false;
    let renders = 0;
    const run = options.run ?? runTool;
    const outcomes: Outcome[] = [];
    for (const env of environments.filter((e) => e.kind !== "plain")) {
      options.signal?.throwIfAborted();
      const identity = { environment: env.name };
      const where = at(env.discoveredBy.file ?? (env.root === "" ? "." : env.root), env.discoveredBy.line ?? 1);
      const refused = (r: Refusal, dirs: string[]): Outcome => ({
        env,
        dirs,
        diagnostic: {
          rule: "render-refused",
          messageId: r.messageId,
          location: at(r.file, r.line),
          identity: { ...identity, reference: r.reference },
          display: r.limit !== undefined ? { limit: r.limit } : {},
        },
      });
      const tool = env.kind === "kustomize" ? options.tools.kustomize : options.tools.helm;
      const walk = env.kind === "kustomize" ? walkKustomization(tree, env.root) : undefined;
      const dirs = walk ? walk.dirs : [env.root];
      if (walk?.refusal) {
        outcomes.push(refused(walk.refusal, dirs));
        continue;
      }
      const chartRefusal = env.kind === "helm" ? checkChart(tree, env) : undefined;
      if (chartRefusal) {
        outcomes.push(refused(chartRefusal, dirs));
        continue;
      }
      if (!tool) {
        const files = [...tree.files.keys()].filter((p) => isManifestPath(p) && dirs.some((d) => under(p, d))).length;
        outcomes.push({
          env,
          dirs,
          diagnostic: {
            rule: "render-unavailable",
            messageId: "no-tool",
            location: where,
            identity: { ...identity, tool: env.kind === "kustomize" ? "kustomize" : "helm" },
            display: { variable: env.kind === "kustomize" ? KUSTOMIZE_VARIABLE : HELM_VARIABLE, files },
          },
        });
        continue;
      }
      if (renders >= options.maxRenders) {
        outcomes.push({
          env,
          dirs,
          diagnostic: {
            rule: "render-failed",
            messageId: "too-many-renders",
            location: where,
            identity,
            display: { value: options.maxRenders },
          },
        });
        continue;
      }
      renders++;
      const remainingMs = options.budget ? options.budget.deadline - Date.now() : Number.POSITIVE_INFINITY;
      const inputs =
        options.cache || options.budget ? renderKey(tree, env, renderRoots(tree, env, walk?.files), options.tools, options.limits) : "";
      const budgetFailure = (): RenderResult => ({
        diagnostic: {
          rule: "render-failed",
          messageId: "time-budget",
          location: where,
          // What the render would have read is part of the identity: an environment the change touched is not
          // "pre-existing" because the base's render ran out of time too; an untouched one is.
          identity: { ...identity, limit: "time-budget", inputs: inputs.slice(0, 16) },
          display: { value: formatMs(options.budget?.budgetMs ?? 0) },
        },
      });
      const key = options.cache ? `${options.cacheScope ?? ""}\0${inputs}` : undefined;
      const cached = key === undefined ? undefined : options.cache?.get(key);
      if (cached) {
        outcomes.push({ env, dirs, ...cached });
        continue;
      }
      // The check's renders used their time: this one is not started (a cached outcome above costs no time).
      if (remainingMs <= 0) {
        outcomes.push({ env, dirs, ...budgetFailure() });
        continue;
      }
      // Cut at the budget's end when that comes before the render's own limit (said so in the finding, below).
      const cutByBudget = remainingMs < options.limits.timeoutMs;
      const limits: RunLimits = cutByBudget ? { ...options.limits, timeoutMs: Math.max(1, Math.floor(remainingMs)) } : options.limits;
      const render = async (): Promise<RenderResult> => {
        if (!materialized) {
          materialize(tree, repo);
          materialized = true;
        }
        const home = join(sandbox, `home-${renders}`);
        mkdirSync(home);
        const childEnv = childEnvironment(home);
        const renderedPath = `${env.root === "" ? "" : `${env.root}/`}.mtls-gate-rendered/${env.name.replace(/[^A-Za-z0-9._-]+/g, "_")}.rendered.yaml`;
        let result: RunResult;
        let map: (stdout: string) => RenderedFile;
        if (env.kind === "kustomize" && options.tools.kustomize && walk) {
          const leaf = walk.files.get(env.root) as string;
          // The build metadata goes into the sandbox's copy only; it is removed from the output again.
          writeFileSync(join(repo, ...leaf.split("/")), withBuildMetadata(textOf(tree, leaf) ?? ""));
          const { command, args } = options.tools.kustomize;
          result = await run(
            command,
            [...args, join(repo, ...env.root.split("/").filter(Boolean))],
            repo,
            childEnv,
            limits,
            options.signal,
          );
          map = (stdout) => mapKustomizeOutput(stdout, tree, env.root, walk.files, walk.dirs, renderedPath);
          const restore = textOf(tree, leaf);
          if (restore !== undefined) writeFileSync(join(repo, ...leaf.split("/")), restore);
        } else {
          const helm = env.helm ?? { valuesFiles: [], releaseName: "release" };
          // file:// dependencies are copied into charts/ of a copy of the chart, as `helm dependency build` would
          // (the shared copy of the repository stays as the pull request has it, for the other environments).
          const plan = localDependencies(tree, env.root);
          const chartInRepo = join(repo, ...env.root.split("/").filter(Boolean));
          let chartDir = chartInRepo;
          if (plan.dependencies.length > 0) {
            chartDir = join(sandbox, `chart-${renders}`);
            const prefix = env.root === "" ? "" : `${env.root}/`;
            const write = (path: string, from: string) => {
              const target = join(chartDir, ...path.split("/"));
              mkdirSync(dirname(target), { recursive: true });
              writeFileSync(target, tree.files.get(from) as Buffer, { mode: 0o644 });
            };
            for (const path of tree.files.keys()) if (path.startsWith(prefix)) write(path.slice(prefix.length), path);
            for (const file of dependencyFiles(tree, plan)) write(file.path, file.from);
          }
          const args = ["template", helm.releaseName, chartDir];
          for (const values of helm.valuesFiles) args.push("-f", join(repo, ...values.split("/")));
          if (helm.values !== undefined) {
            const inline = join(home, "inline-values.yaml");
            writeFileSync(inline, stringify(helm.values));
            args.push("-f", inline);
          }
          if (helm.namespace) args.push("--namespace", helm.namespace);
          result = await run(tool as string, args, repo, childEnv, limits, options.signal);
          // The chart's copy named as the chart's directory in messages, like the repository's own paths.
          if (result.status === "failed" && chartDir !== chartInRepo)
            result = { ...result, stderr: result.stderr.split(chartDir).join(chartInRepo) };
          map = (stdout) => mapHelmOutput(stdout, tree, env.root, helm.valuesFiles, renderedPath, plan.dependencies);
        }
        options.signal?.throwIfAborted();
        status = result.status;
        const noTarget =
          env.kind === "kustomize" && walk && (result.status === "ok" || result.status === "failed")
            ? patchesWithoutTarget(
                tree,
                walk.files,
                walk.dirs,
                result.status === "ok" ? result.stdout : undefined,
                result.status === "failed" ? result.stderr : undefined,
              ).map((p): RenderDiagnostic => ({
                rule: "kustomize-patch-no-target",
                messageId: "no-target",
                location: at(p.file, p.line),
                identity: { ...identity, target: p.target },
                display: {},
              }))
            : [];
        if (result.status === "ok") return { file: withColumns(map(result.stdout), tree), notes: noTarget };
        // Kustomize stops on a strategic-merge patch that matches nothing: that is the finding, not a generic failure.
        const [first] = noTarget;
        if (first) return { diagnostic: first };
        const tooling = env.kind === "kustomize" ? "kustomize build" : "helm template";
        if (result.status === "timeout" && cutByBudget) return budgetFailure();
        const diagnostic: RenderDiagnostic =
          result.status === "timeout"
            ? {
                rule: "render-failed",
                messageId: "timeout",
                location: where,
                identity: { ...identity, limit: "time" },
                display: { value: formatMs(options.limits.timeoutMs) },
              }
            : result.status === "output-too-large"
              ? {
                  rule: "render-failed",
                  messageId: "output-too-large",
                  location: where,
                  identity: { ...identity, limit: "output" },
                  display: { value: formatBytes(options.limits.maxOutputBytes) },
                }
              : {
                  rule: "render-failed",
                  messageId: "tool-error",
                  location: where,
                  identity: { ...identity, tool: tooling },
                  display: {
                    message:
                      result.status === "failed"
                        ? scrubToolMessage(result.stderr, repo)
                        : result.status === "spawn-error"
                          ? scrubToolMessage(result.message, repo)
                          : "ended before it finished",
                  },
                };
        return { diagnostic };
      };
      let status: RunResult["status"] | undefined;
      const rendered = await render();
      // A wall-clock limit or a tool that did not start says nothing about the files: only settled outcomes are kept.
      if (key !== undefined && status !== "timeout" && status !== "spawn-error" && status !== "aborted")
        options.cache?.set(key, rendered, JSON.stringify(rendered).length);
      outcomes.push({ env, dirs, ...rendered });
    }
    return inputsFrom(outcomes, tree, environments);
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
}

function inputsFrom(
  outcomes: readonly Outcome[],
  tree: RepoTree,
  environments: readonly Environment[],
): RenderedInput[] {
  const diagnostics = outcomes.flatMap((o) => [...(o.diagnostic ? [o.diagnostic] : []), ...(o.notes ?? [])]);
  const renderedDirs = outcomes.filter((o) => o.file).flatMap((o) => o.dirs);
  const unrendered: UnrenderedFile[] = [];
  const listed = new Set<string>();
  for (const outcome of outcomes.filter((o) => o.diagnostic)) {
    const why =
      outcome.diagnostic?.rule === "render-unavailable"
        ? "tool not installed"
        : outcome.diagnostic?.rule === "render-refused"
          ? "render refused"
          : "render failed";
    for (const path of tree.files.keys()) {
      if (
        !isManifestPath(path) ||
        listed.has(path) ||
        !outcome.dirs.some((d) => under(path, d)) ||
        renderedDirs.some((d) => under(path, d))
      )
        continue;
      if (outcome.env.plainFiles.includes(path)) continue;
      listed.add(path);
      unrendered.push({ path, why });
    }
  }
  unrendered.sort((a, b) => (a.path < b.path ? -1 : 1));
  const plainFiles = environments.find((e) => e.kind === "plain")?.plainFiles ?? environments[0]?.plainFiles ?? [];
  const rendered = outcomes.filter((o) => o.file);
  if (rendered.length === 0) return [{ environment: "repository", files: [], plainFiles, diagnostics, unrendered }];
  return rendered.map((o) => ({
    environment: o.env.name,
    files: [o.file as RenderedFile],
    plainFiles: o.env.plainFiles,
    diagnostics,
    unrendered,
  }));
}

/**
 * Each mapped line's columns from the source text: from its first written character (after a list dash) to its end,
 * and any line past the end of its file moved to the file's first line, so an annotation always lands on a real line.
 */
function withColumns(file: RenderedFile, tree: RepoTree): RenderedFile {
  const cache = new Map<string, string[]>();
  const fix = (point: SourcePoint): SourcePoint => {
    if (!cache.has(point.file)) cache.set(point.file, (textOf(tree, point.file) ?? "").split(/\r?\n/));
    const lines = cache.get(point.file) as string[];
    const line = point.line >= 1 && point.line <= lines.length ? point.line : 1;
    const text = lines[line - 1] ?? "";
    const start = /^\s*(?:-\s+)?/.exec(text)?.[0].length ?? 0;
    const end = text.trimEnd().length;
    return { file: point.file, line, column: start + 1, endColumn: Math.max(start + 2, end + 1) };
  };
  return { ...file, lines: file.lines.map((p) => (p ? fix(p) : null)), fallback: fix(file.fallback) };
}
