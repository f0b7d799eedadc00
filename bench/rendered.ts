/**
 * The rendered repository of `npm run bench`: 20 Kustomize overlays over one base and 5 Helm charts (each with
 * values.yaml and values-prod.yaml: 10 environments), rendered by the real kustomize (kubectl) and helm. Measured apart:
 *   render cold   discovery and every render, with an empty cache (what the first check of a repository costs);
 *   render warm   the same renders again from the cache (what a later check of an unchanged repository costs);
 *   analysis      the analysis of every environment and the merge into one report;
 *   diff          analyzeDiffRendered after a one-overlay edit with the warm cache: one render, not 2 x 30.
 * One overlay's patch misspells a `tls:` and one chart's prod values name a TLSContext that does not exist: the
 * analysis must find both, or the bench measures nothing.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { SourceFile } from "../src/core/types.js";
import { locateTools, HELM_VARIABLE, KUSTOMIZE_VARIABLE, type RenderTools } from "../src/render/tools.js";

export const OVERLAYS = 20;
export const CHARTS = 5;
/** Mappings in the base (each overlay renders all of them) and in each chart's template. */
const BASE_MAPPINGS = 10;
const CHART_MAPPINGS = 4;
/** The overlay whose patch misspells a tls: and the chart whose prod values name a missing TLSContext. */
const BROKEN_OVERLAY = 7;
const BROKEN_CHART = 3;

const pad = (n: number) => String(n).padStart(2, "0");

/** The rendered repository's files, and the overlay patch the diff edits. */
export function generateRenderedRepository(): { files: SourceFile[]; editTarget: string } {
  const files: SourceFile[] = [];
  const add = (path: string, text: string) => files.push({ path, text });
  const mappings = (count: number, name: (i: number) => string, tls: string) =>
    Array.from(
      { length: count },
      (_, i) =>
        `apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: ${name(i)}\nspec:\n  hostname: "*"\n  prefix: /${name(i)}/\n  service: https://${name(i)}:443\n  tls: ${tls}\n  timeout_ms: 3000\n`,
    ).join("---\n");
  const context = (name: string, secret: string, ca: string) =>
    `apiVersion: getambassador.io/v3alpha1\nkind: TLSContext\nmetadata:\n  name: ${name}\nspec:\n  secret: ${secret}\n  ca_secret: ${ca}\n`;

  add("base/kustomization.yaml", "resources:\n  - mappings.yaml\n  - tls.yaml\n");
  add(
    "base/mappings.yaml",
    mappings(BASE_MAPPINGS, (i) => `svc-${pad(i)}`, "upstream"),
  );
  add("base/tls.yaml", context("upstream", "upstream-client", "upstream-ca"));
  const externalSecrets: string[] = [];
  let editTarget = "";
  for (let o = 0; o < OVERLAYS; o++) {
    const dir = `overlays/env-${pad(o)}`;
    externalSecrets.push(`env-${pad(o)}/upstream-client`, `env-${pad(o)}/upstream-ca`);
    add(
      `${dir}/kustomization.yaml`,
      `namespace: env-${pad(o)}\nresources:\n  - ../../base\npatches:\n  - path: patch.yaml\n`,
    );
    const tls = o === BROKEN_OVERLAY ? "upstrem" : "upstream";
    add(
      `${dir}/patch.yaml`,
      `apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: svc-00\nspec:\n  tls: ${tls}\n  timeout_ms: ${1000 + o}\n`,
    );
    if (o === Math.floor(OVERLAYS / 2)) editTarget = `${dir}/patch.yaml`;
  }
  for (let c = 0; c < CHARTS; c++) {
    const dir = `charts/app-${c}`;
    add(`${dir}/Chart.yaml`, `apiVersion: v2\nname: app-${c}\nversion: 1.0.${c}\n`);
    add(`${dir}/values.yaml`, `context: app-${c}-upstream\nsecret: app-${c}-client\ntimeout: 3000\n`);
    add(
      `${dir}/values-prod.yaml`,
      `context: ${c === BROKEN_CHART ? `app-${c}-upstrem` : `app-${c}-upstream`}\ntimeout: 5000\n`,
    );
    const templates = Array.from(
      { length: CHART_MAPPINGS },
      (_, i) =>
        `apiVersion: getambassador.io/v3alpha1\nkind: Mapping\nmetadata:\n  name: app-${c}-m${i}\nspec:\n  hostname: "*"\n  prefix: /app-${c}/m${i}/\n  service: https://app-${c}-m${i}:443\n  tls: {{ .Values.context }}\n  timeout_ms: {{ .Values.timeout }}\n`,
    ).join("---\n");
    add(`${dir}/templates/mappings.yaml`, templates);
    add(
      `${dir}/templates/tls.yaml`,
      `apiVersion: getambassador.io/v3alpha1\nkind: TLSContext\nmetadata:\n  name: app-${c}-upstream\nspec:\n  secret: {{ .Values.secret }}\n  ca_secret: app-${c}-ca\n`,
    );
    externalSecrets.push(`default/app-${c}-client`, `default/app-${c}-ca`);
  }
  add(".github/mtls-gate.yml", `externalSecrets: [${externalSecrets.join(", ")}]\n`);
  return { files, editTarget };
}

/** The seeded defects, as rule id and file, that the analysis must report. */
export const RENDERED_DEFECTS = [
  { ruleId: "mapping-tls-context-not-found", file: `overlays/env-${pad(BROKEN_OVERLAY)}/patch.yaml` },
  { ruleId: "mapping-tls-context-not-found", file: `charts/app-${BROKEN_CHART}/values-prod.yaml` },
];

/**
 * kustomize (kubectl) and helm: MTLS_GATE_KUSTOMIZE / MTLS_GATE_HELM (.ci/run sets them from
 * scripts/install-render-tools.sh), else the script's .tools/bin, extracted first when absent. Never PATH: the bench
 * measures the pinned versions.
 */
export function benchRenderTools(project: string, env: NodeJS.ProcessEnv): Required<RenderTools> {
  let variables: Record<string, string | undefined> = {
    [KUSTOMIZE_VARIABLE]: env[KUSTOMIZE_VARIABLE],
    [HELM_VARIABLE]: env[HELM_VARIABLE],
  };
  if (!variables[KUSTOMIZE_VARIABLE] || !variables[HELM_VARIABLE]) {
    const bin = join(project, ".tools", "bin");
    if (!existsSync(join(bin, "kubectl")) || !existsSync(join(bin, "helm")))
      execFileSync(join(project, "scripts", "install-render-tools.sh"), { stdio: ["ignore", "ignore", "inherit"] });
    variables = { [KUSTOMIZE_VARIABLE]: join(bin, "kubectl"), [HELM_VARIABLE]: join(bin, "helm") };
  }
  const tools = locateTools(variables);
  if (!tools.kustomize || !tools.helm)
    throw new Error(
      `bench: the rendered repository needs ${KUSTOMIZE_VARIABLE} and ${HELM_VARIABLE} (scripts/install-render-tools.sh)`,
    );
  return tools as Required<RenderTools>;
}

export interface RenderedResult {
  environments: number;
  files: number;
  renderColdMs: number;
  renderColdRuns: number;
  renderWarmMs: number[];
  renderWarmRuns: number;
  analysisMs: number[];
  diffMs: number;
  diffRuns: number;
  findings: number;
  routes: number;
  cacheBytes: number;
  missing: string[];
  peakRssMb: number;
}

/** The child's measurement: `dir` holds generateRenderedRepository()'s files. */
export async function measureRendered(
  dir: string,
  editTarget: string,
  reps: number,
  project: string,
): Promise<RenderedResult> {
  const { readDirectory } = await import("../src/cli/read-dir.js");
  const { analyzeTree } = await import("../src/core/analyze.js");
  const { DEFAULT_LOAD_LIMITS } = await import("../src/core/source/load.js");
  const { analyzeDiffRendered, discoveryPolicy, environmentsOf } = await import("../src/render/analyze.js");
  const { RenderCache } = await import("../src/render/cache.js");
  const { mergeAnalyses } = await import("../src/render/merge.js");
  const { runTool } = await import("../src/render/process.js");
  const { DEFAULT_RENDER_OPTIONS, renderEnvironments } = await import("../src/render/render.js");
  const { readRepoTree } = await import("../src/render/repo.js");
  const { BENCH_NOW } = await import("./cert-pool.js");

  const tools = benchRenderTools(project, process.env);
  let runs = 0;
  const run: typeof runTool = (...args) => {
    runs++;
    return runTool(...args);
  };
  const cache = new RenderCache<import("../src/render/render.js").RenderResult>();
  const renderOptions = { ...DEFAULT_RENDER_OPTIONS, tools, run, cache };
  const files = readDirectory(dir, DEFAULT_LOAD_LIMITS.maxFileBytes);
  const options = { now: BENCH_NOW };
  const tree = readRepoTree(dir);

  const render = async () => {
    const started = performance.now();
    const inputs = await renderEnvironments(tree, environmentsOf(tree, discoveryPolicy(options)), renderOptions);
    return { inputs, ms: performance.now() - started };
  };
  const cold = await render();
  const renderColdRuns = runs;
  const renderWarmMs: number[] = [];
  for (let i = 0; i < reps; i++) renderWarmMs.push((await render()).ms);
  const renderWarmRuns = runs - renderColdRuns;

  const analysisMs: number[] = [];
  let merged: ReturnType<typeof mergeAnalyses> | undefined;
  for (let i = 0; i < reps; i++) {
    const started = performance.now();
    merged = mergeAnalyses(cold.inputs.map((input) => analyzeTree(files, { ...options, render: input })));
    analysisMs.push(performance.now() - started);
  }
  const report = merged as NonNullable<typeof merged>;
  const missing = RENDERED_DEFECTS.filter(
    (d) => !report.findings.some((f) => f.ruleId === d.ruleId && f.file === d.file),
  ).map((d) => `${d.ruleId} on ${d.file}`);

  // A pull request that edits one overlay's patch, with the cache the first check left: only that overlay renders.
  const edited = (tree.files.get(editTarget)?.toString("utf8") ?? "").replace(/timeout_ms: \d+/, "timeout_ms: 45000");
  const headFiles = files.map((f) =>
    f.path === editTarget ? { ...f, text: edited, size: Buffer.byteLength(edited) } : f,
  );
  const before = runs;
  const started = performance.now();
  await analyzeDiffRendered(
    { tree, files },
    {
      tree: { files: new Map([...tree.files, [editTarget, Buffer.from(edited)]]), outside: tree.outside },
      files: headFiles,
    },
    options,
    renderOptions,
  );
  const diffMs = performance.now() - started;

  return {
    environments: cold.inputs.length,
    files: files.length,
    renderColdMs: cold.ms,
    renderColdRuns,
    renderWarmMs,
    renderWarmRuns,
    analysisMs,
    diffMs,
    diffRuns: runs - before,
    findings: report.findings.length,
    routes: report.routes.length,
    cacheBytes: cache.stats().bytes,
    missing,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
