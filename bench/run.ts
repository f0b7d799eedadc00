/**
 * `npm run bench [-- --sizes 1000,10000 --reps 3 --app-sizes 1000,10000 --out FILE --cpu-prof DIR --heap-summary]`
 *
 * For each size, a synthetic repository (bench/generate.ts) is written to a temporary directory, then measured in
 * fresh child processes, so each peak RSS belongs to one size and one kind of work:
 *   floor      reading the files and parsing them with `yaml` alone (parseAllDocuments + LineCounter, as the loader);
 *   full       `mtls-gate analyze DIR --format json` through the CLI's own code (read, load, model, resolve, rules,
 *              report), then the same after a one-file edit (there is no incremental path: a full re-analysis), then
 *              analyzeDiff of the tree before and after the edit (what `--base` and the app run, minus git);
 *   app        the GitHub App against the local fake GitHub: a pull request's cold check, the check after a one-file
 *              push (API calls, writes, wall time), and a second app instance's first check after one more push (its
 *              own blob cache and analysis threads: what another replica pays). Like the CLI rows (`--no-render`), the
 *              app rows measure the parse and analysis path: the default branch's trusted policy
 *              (`.github/mtls-gate.yml`) says `render: {enabled: false}`, since `kubectl kustomize` of the generated
 *              repository's root kustomization (every team) takes minutes, and render time has its own table.
 *   heap       with --heap-summary, at the largest size: a heap snapshot after an analysis whose result is still
 *              held, summarised by constructor (bench/heap-summary.ts).
 * Prints one table and writes bench/results.json (with --sizes: a file in the temporary directory, unless --out).
 * Exits 1 when a seeded defect is missed: by the CLI's analysis at any size, or by an app check (each app check must
 * conclude `failure` with the pull request's misspelt `tls:` annotated on its file).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { LineCounter, parseAllDocuments } from "yaml";
import type { CheckMeasurement, CheckRunMeasurement } from "./api-calls.js";
import { formatHeapSummary, summarizeHeapSnapshot } from "./heap-summary.js";
import { BENCH_NOW, createCertPool } from "./cert-pool.js";
import { generateRenderedRepository, measureRendered, OVERLAYS, CHARTS, type RenderedResult } from "./rendered.js";
import { measureWorkerOverhead } from "./worker-overhead.js";
import { DEFECTS, editOneFile, generateRepository, MIN_RESOURCES, writeRepository, type DefectKind } from "./generate.js";

const DEFAULT_SIZES = [1000, 10_000, 50_000];
const HERE = fileURLToPath(new URL(".", import.meta.url));
const PROJECT = join(HERE, "..", "..");
const RESULTS = join(PROJECT, "bench", "results.json");

// --- child processes --------------------------------------------------------------------------------------------

interface FloorResult {
  ms: number[];
  files: number;
  documents: number;
  peakRssMb: number;
}

interface FullResult {
  ms: number[];
  reanalysisMs: number[];
  diffMs: number[];
  /** Peak RSS after the first analysis (what one `mtls-gate analyze` run costs). */
  peakRssMb: number;
  /** Peak RSS of the whole child, including the diff (two trees held at once). */
  peakRssWithDiffMb: number;
  reportBytes: number;
  findings: number;
  findingsByRule: Record<string, number>;
  routes: number;
  summary: Record<string, unknown>;
}

interface AppResult extends CheckMeasurement {
  peakRssMb: number;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024;

function yamlPaths(root: string): string[] {
  const result: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) result.push(full);
    }
  };
  walk(root);
  return result;
}

/**
 * The floor: read every YAML file and parse it with `yaml` as the loader does (parseAllDocuments with a LineCounter,
 * the loader's options), nothing else. With `retain`, every file's documents are kept until the end, as the analysis
 * keeps them (what holding the parsed trees costs in memory and garbage collection).
 */
function floorOnce(dir: string, retain: boolean): { files: number; documents: number } {
  const retained: unknown[] = [];
  let documents = 0;
  const paths = yamlPaths(dir);
  for (const path of paths) {
    const text = readFileSync(path, "utf8");
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
    documents += Array.isArray(docs) ? docs.length : 0;
    if (retain) retained.push(docs, lineCounter);
  }
  return { files: paths.length, documents };
}

function childFloor(dir: string, reps: number, retain: boolean): FloorResult {
  const ms: number[] = [];
  let counts = { files: 0, documents: 0 };
  for (let i = 0; i < reps; i++) {
    gc();
    const started = performance.now();
    counts = floorOnce(dir, retain);
    ms.push(performance.now() - started);
  }
  return { ms, ...counts, peakRssMb: maxRssMb() };
}

async function childFull(dir: string, editTarget: string, reps: number, slowReps: number): Promise<FullResult> {
  // Loaded here, not at the top: the floor's children never load the analyser.
  const { main } = await import("../src/cli/main.js");
  const { readDirectory } = await import("../src/cli/read-dir.js");
  const { analyzeDiff, failingFindings, summarize } = await import("../src/core/analyze.js");
  const { DEFAULT_LOAD_LIMITS } = await import("../src/core/source/load.js");
  const { renderJson } = await import("../src/report/json.js");

  const cli = async (): Promise<{ ms: number; output: string }> => {
    const chunks: string[] = [];
    const io = { stdout: (text: string) => void chunks.push(text), stderr: (text: string) => void process.stderr.write(text), isTty: false };
    gc();
    const started = performance.now();
    // The analysis as written: the repository's kustomizations would otherwise be rendered by kubectl, and render time
    // is measured on its own (the rendered repository's table), not against the parse floor.
    const code = await main(["analyze", dir, "--format", "json", "--now", BENCH_NOW.toISOString(), "--exit-zero", "--no-render"], io);
    const ms = performance.now() - started;
    if (code !== 0) throw new Error(`bench: mtls-gate analyze exited ${code}`);
    return { ms, output: chunks.join("") };
  };

  const ms: number[] = [];
  const first = await cli();
  ms.push(first.ms);
  const peakRssMb = maxRssMb();
  const report = JSON.parse(first.output) as { findings: { ruleId: string }[]; routes: unknown[]; summary: Record<string, unknown> };
  const findingsByRule: Record<string, number> = {};
  for (const finding of report.findings) findingsByRule[finding.ruleId] = (findingsByRule[finding.ruleId] ?? 0) + 1;
  for (let i = 1; i < reps; i++) ms.push((await cli()).ms);

  // A one-file edit on disk, then the same command again: no incremental path, so a full analysis.
  const targetPath = join(dir, editTarget);
  const original = readFileSync(targetPath, "utf8");
  const edited = editOneFile({ path: editTarget, text: original }, "timeout");
  const reanalysisMs: number[] = [];
  try {
    writeFileSync(targetPath, edited.text);
    for (let i = 0; i < slowReps; i++) reanalysisMs.push((await cli()).ms);
  } finally {
    writeFileSync(targetPath, original);
  }

  // analyzeDiff of the tree before and after the edit, rendered: what `--base` and the app run (minus git reading).
  const baseFiles = readDirectory(dir, DEFAULT_LOAD_LIMITS.maxFileBytes);
  const headFiles = baseFiles.map((f) => (f.path === editTarget ? { ...f, text: edited.text, size: Buffer.byteLength(edited.text) } : f));
  const diffMs: number[] = [];
  for (let i = 0; i < slowReps; i++) {
    gc();
    const started = performance.now();
    const diff = analyzeDiff(baseFiles, headFiles, { now: BENCH_NOW });
    renderJson({
      findings: diff.findings,
      routes: diff.routes,
      hosts: diff.hosts,
      summary: summarize(diff.findings),
      failed: failingFindings(diff.findings, diff.policy, true).length > 0,
      removedRoutes: diff.removedRoutes,
    });
    diffMs.push(performance.now() - started);
  }
  return {
    ms,
    reanalysisMs,
    diffMs,
    peakRssMb,
    peakRssWithDiffMb: maxRssMb(),
    reportBytes: Buffer.byteLength(first.output),
    findings: report.findings.length,
    findingsByRule,
    routes: report.routes.length,
    summary: report.summary,
  };
}

async function childApp(dir: string, editTarget: string): Promise<AppResult> {
  const { measureCheck } = await import("./api-calls.js");
  const { readDirectory } = await import("../src/cli/read-dir.js");
  const { DEFAULT_LOAD_LIMITS } = await import("../src/core/source/load.js");
  const files: Record<string, string> = {};
  for (const file of readDirectory(dir, DEFAULT_LOAD_LIMITS.maxFileBytes)) files[file.path] = file.text;
  // The parse and analysis path, as the CLI rows' --no-render: the trusted policy (the default branch's) turns rendering
  // off. With it on, kubectl kustomize of the root kustomization over every team outlasts the check's analysis limit.
  files[APP_POLICY] = `${files[APP_POLICY] ?? ""}render:\n  enabled: false\n`;
  const target = { path: editTarget, text: files[editTarget] ?? "" };
  // The pull request misspells a tls: (one new error, annotated); the push also changes a timeout in the same file,
  // and the push the second replica checks changes that timeout again.
  const head = editOneFile(target, "tls-typo");
  const push = editOneFile(target, "timeout-and-typo");
  const replicaText = push.text.replace("timeout_ms: 45000", "timeout_ms: 46000");
  const measured = await measureCheck({
    files,
    head: { [head.path]: head.text },
    push: { [push.path]: push.text },
    replicaPush: { [push.path]: replicaText },
  });
  return { ...measured, peakRssMb: maxRssMb() };
}

const APP_POLICY = ".github/mtls-gate.yml";

/**
 * The analysis of the CLI's path (readDirectory, analyzeTree without rendering), its result still held, then a heap
 * snapshot: what the analysis keeps alive at its end. The summary is made by the parent from the file.
 */
async function childHeap(dir: string, out: string): Promise<{ path: string; heapUsedMb: number; findings: number }> {
  const { writeHeapSnapshot } = await import("node:v8");
  const { readDirectory } = await import("../src/cli/read-dir.js");
  const { analyzeTree } = await import("../src/core/analyze.js");
  const { DEFAULT_LOAD_LIMITS } = await import("../src/core/source/load.js");
  const files = readDirectory(dir, DEFAULT_LOAD_LIMITS.maxFileBytes);
  const analysis = analyzeTree(files, { now: BENCH_NOW });
  gc();
  const path = writeHeapSnapshot(out);
  // Read after the snapshot, so the result is referenced until it is written.
  return { path, heapUsedMb: process.memoryUsage().heapUsed / 2 ** 20, findings: analysis.findings.length };
}

/** What an app check missed of the seeded pull-request defect (the misspelt tls:), or null when it was reported. */
function appMissed(name: string, run: CheckRunMeasurement | undefined, editTarget: string): string | null {
  if (!run) return null;
  const rule = DEFECTS["tls-typo"];
  const annotated = run.annotated.some((a) => a.title === rule && a.path === editTarget);
  if (run.conclusion === "failure" && annotated) return null;
  return `app ${name}: conclusion ${run.conclusion ?? "none"}, ${annotated ? "" : `no ${rule} annotation on ${editTarget}`}`.replace(/, $/, "");
}

// --- the parent ----------------------------------------------------------------------------------------------------

interface Options {
  sizes: number[];
  appSizes: number[];
  reps: number;
  out: string;
  cpuProf: string | undefined;
  heapSummary: boolean;
}

function parseSizes(value: string): number[] {
  const sizes = value.split(",").map((s) => Number(s.trim().replace(/_/g, "")));
  if (sizes.some((n) => !Number.isInteger(n) || n < MIN_RESOURCES)) throw new Error(`bench: --sizes takes integers >= ${MIN_RESOURCES}, got ${value}`);
  return sizes;
}

function parseOptions(argv: readonly string[]): Options {
  let sizes = DEFAULT_SIZES;
  let appSizes: number[] | undefined;
  let reps = 3;
  let out: string | undefined;
  let cpuProf: string | undefined;
  let heapSummary = false;
  let restricted = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`bench: ${flag} needs a value`);
      return v;
    };
    if (flag === "--sizes") {
      sizes = parseSizes(value());
      restricted = true;
    } else if (flag === "--app-sizes") {
      // One value read: `none` or a list (reading it twice took the next flag as the list).
      const given = value();
      appSizes = given === "none" ? [] : parseSizes(given);
    }
    else if (flag === "--reps") reps = Math.max(1, Number(value()));
    else if (flag === "--out") out = value();
    else if (flag === "--cpu-prof") cpuProf = value();
    else if (flag === "--heap-summary") heapSummary = true;
    else throw new Error(`bench: unknown option ${flag} (--sizes, --app-sizes, --reps, --out, --cpu-prof, --heap-summary)`);
  }
  return { sizes, appSizes: appSizes ?? sizes, reps, out: out ?? (restricted ? "" : RESULTS), cpuProf, heapSummary };
}

function runChild<T>(args: string[], cpuProf?: string): T {
  const flags = ["--expose-gc", ...(cpuProf ? ["--cpu-prof", "--cpu-prof-dir", cpuProf] : [])];
  const result = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), "--child", ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (result.status !== 0) throw new Error(`bench: child ${args.join(" ")} failed (${result.status ?? result.signal})`);
  const last = result.stdout.trim().split("\n").pop() ?? "";
  return JSON.parse(last) as T;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

interface SizeResult {
  resources: number;
  files: number;
  megabytes: number;
  kinds: Record<string, number>;
  generateMs: number;
  floor: { medianMs: number; runsMs: number[]; peakRssMb: number; documents: number; retainedMs: number; retainedPeakRssMb: number };
  full: {
    medianMs: number;
    runsMs: number[];
    ratio: number;
    peakRssMb: number;
    reanalysisMedianMs: number;
    diffMedianMs: number;
    /** diff / full: what the second tree of a diff costs on top of one analysis (goal <= 1.2 at 10,000). */
    diffRatio: number;
    peakRssWithDiffMb: number;
    reportBytes: number;
    findings: number;
    routes: number;
    findingsByRule: Record<string, number>;
  };
  defects: { seeded: Record<string, number>; missing: string[] };
  app: AppResult | null;
}

async function parent(options: Options): Promise<void> {
  const pool = createCertPool();
  const work = mkdtempSync(join(tmpdir(), "mtls-gate-bench-"));
  const results: SizeResult[] = [];
  let rendered: RenderedResult | undefined;
  let heapLines: string[] = [];
  try {
    for (const size of options.sizes) {
      const dir = join(work, String(size));
      const started = performance.now();
      const repo = generateRepository({ resources: size, pool });
      writeRepository(repo.files, dir);
      const generateMs = performance.now() - started;
      const { editTarget, kinds, bytes } = repo;
      const seeded: Record<string, number> = {};
      for (const defect of repo.defects) seeded[defect.kind] = (seeded[defect.kind] ?? 0) + 1;
      const files = repo.files.length;
      process.stderr.write(`bench: ${size} resources: ${files} files, ${(bytes / 2 ** 20).toFixed(1)} MiB; measuring floor, full analysis${options.appSizes.includes(size) ? ", app" : ""}...\n`);

      const floor = runChild<FloorResult>(["floor", dir, String(options.reps), "drop"]);
      const floorRetained = runChild<FloorResult>(["floor", dir, "1", "retain"]);
      // The resources plus the policy file, which the analysis reads too.
      if (floor.documents !== size + 1) throw new Error(`bench: the floor parsed ${floor.documents} documents, expected ${size + 1}`);
      // Re-analysis and diff repeat the full analysis (the diff twice): above 10,000 resources they run once.
      const slowReps = size > 10_000 ? 1 : options.reps;
      const full = runChild<FullResult>(["full", dir, editTarget, String(options.reps), String(slowReps)], options.cpuProf);
      const app = options.appSizes.includes(size) ? runChild<AppResult>(["app", dir, editTarget], options.cpuProf) : null;
      // Every seeded defect must be reported at least as often as it was seeded, or the generator measures nothing;
      // every app check must fail on the pull request's misspelt tls:, annotated on its file.
      const missing = [
        ...(Object.entries(seeded) as [DefectKind, number][])
          .filter(([kind, count]) => (full.findingsByRule[DEFECTS[kind]] ?? 0) < count)
          .map(([kind]) => `${kind} (${DEFECTS[kind]})`),
        ...(app
          ? [appMissed("cold", app.cold, editTarget), appMissed("push", app.afterPush, editTarget), appMissed("second replica", app.secondReplica, editTarget)]
          : []
        ).filter((m): m is string => m !== null),
      ];
      if (options.heapSummary && size === Math.max(...options.sizes)) {
        process.stderr.write(`bench: ${size} resources: heap snapshot after the analysis...\n`);
        const heap = runChild<{ path: string; heapUsedMb: number }>(["heap", dir, join(work, `analysis-${size}.heapsnapshot`)]);
        const snapshotMb = statSync(heap.path).size / 2 ** 20;
        heapLines = [
          `at ${size.toLocaleString("en-US")} resources (heap used ${round(heap.heapUsedMb)} MiB, snapshot file ${round(snapshotMb)} MiB)`,
          ...formatHeapSummary(summarizeHeapSnapshot(heap.path)),
        ];
        rmSync(heap.path, { force: true });
      }
      const floorMs = median(floor.ms);
      const fullMs = median(full.ms);
      results.push({
        resources: size,
        files,
        megabytes: round(bytes / 2 ** 20, 1),
        kinds,
        generateMs: round(generateMs),
        floor: {
          medianMs: round(floorMs),
          runsMs: floor.ms.map((n) => round(n)),
          peakRssMb: round(floor.peakRssMb),
          documents: floor.documents,
          retainedMs: round(median(floorRetained.ms)),
          retainedPeakRssMb: round(floorRetained.peakRssMb),
        },
        full: {
          medianMs: round(fullMs),
          runsMs: full.ms.map((n) => round(n)),
          ratio: round(fullMs / floorMs, 2),
          peakRssMb: round(full.peakRssMb),
          reanalysisMedianMs: round(median(full.reanalysisMs)),
          diffMedianMs: round(median(full.diffMs)),
          diffRatio: round(median(full.diffMs) / fullMs, 2),
          peakRssWithDiffMb: round(full.peakRssWithDiffMb),
          reportBytes: full.reportBytes,
          findings: full.findings,
          routes: full.routes,
          findingsByRule: full.findingsByRule,
        },
        defects: { seeded, missing },
        app: app && {
          ...app,
          cold: { ...app.cold, ms: round(app.cold.ms) },
          afterPush: { ...app.afterPush, ms: round(app.afterPush.ms) },
          ...(app.secondReplica ? { secondReplica: { ...app.secondReplica, ms: round(app.secondReplica.ms) } } : {}),
          peakRssMb: round(app.peakRssMb),
        },
      });
    }
    // The rendered repository: one size (rendering cost is per environment, not per resource).
    const renderedDir = join(work, "rendered");
    const renderedRepo = generateRenderedRepository();
    writeRepository(renderedRepo.files, renderedDir);
    process.stderr.write(`bench: rendered repository: ${OVERLAYS} overlays over one base, ${CHARTS} charts; measuring renders (cold, warm), analysis, diff...\n`);
    rendered = runChild<RenderedResult>(["rendered", renderedDir, renderedRepo.editTarget, String(options.reps)]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const table = renderTable(results);
  const targets = evaluateTargets(results);
  console.log(table);
  console.log("");
  for (const target of targets) console.log(`${target.holds === null ? "n/a " : target.holds ? "PASS" : "FAIL"}  ${target.name}: ${target.detail}`);
  // The app's analysis thread: the same check's analysis in this thread and in the pool, as a ratio (goal: under 10%).
  const worker = await measureWorkerOverhead(1000, Math.max(5, options.reps), pool);
  const overheadPct = round(worker.overhead * 100);
  console.log(
    `${overheadPct < 10 ? "PASS" : "FAIL"}  worker-thread overhead per check at ${worker.resources} resources: ` +
      `${worker.workerMs} ms in the analysis thread vs ${worker.inThreadMs} ms in-thread (+${overheadPct}%, goal under 10%)`,
  );
  if (heapLines.length > 0) {
    console.log("");
    for (const line of heapLines) console.log(line);
  }
  const renderedSummary = rendered && summarizeRendered(rendered);
  if (renderedSummary) {
    console.log("");
    for (const line of renderedSummary.lines) console.log(line);
  }

  const document = {
    machine: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryGiB: round(totalmem() / 2 ** 30, 1), platform: process.platform },
    date: new Date().toISOString().slice(0, 10),
    repetitions: options.reps,
    certificatePool: { certificates: 1 + pool.clients.length + pool.servers.length + 1, generationMs: round(pool.generationMs) },
    notes: [
      "floor: read every YAML file and parseAllDocuments with a LineCounter (the loader's options), nothing else: each file's documents are dropped after parsing; floor.retained* keeps them all, as the analysis does",
      "full: `mtls-gate analyze DIR --format json` through src/cli/main.ts (readDirectory, analyzeTree, renderJson)",
      "reanalysis: the same command after a one-file edit; there is no incremental path, so it is a full analysis",
      "diff: analyzeDiff(base, head) + renderJson for that edit, what `--base` and the app run (without git reading)",
      "times are medians of the repetitions in one process (re-analysis and diff: one run above 10,000 resources); peak RSS is process.resourceUsage().maxRSS of a fresh child after its first analysis",
      "rendered: a repository of 20 Kustomize overlays over one base and 5 Helm charts (values.yaml, values-prod.yaml), rendered by the pinned kubectl (kustomize) and helm; render cold: discovery and every render with an empty cache; warm: the same from the cache; analysis: every environment analysed and merged; diff: analyzeDiffRendered after a one-overlay edit with the warm cache",
      "app: one pull request check (cold blob cache) and the check after a one-file push, through Probot and the fake GitHub; throttling is off in the harness, on github.com each write is spaced about a second apart; the trusted policy sets render.enabled: false (the parse and analysis path, as the CLI rows' --no-render)",
      "app second replica: after the push, a second app instance (its own blob cache, render cache and analysis threads, so its own parsed-file cache; the same process and fake GitHub) checks one more one-file push: its first check",
    ],
    sizes: results,
    workerOverhead: worker,
    rendered: renderedSummary?.figures,
    heapSummary: heapLines.length > 0 ? heapLines : undefined,
    targets,
    table: table.split("\n"),
  };
  if (options.out) {
    writeFileSync(options.out, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`\nResults written to ${relative(process.cwd(), options.out) || options.out}`);
  } else {
    const path = join(tmpdir(), "mtls-gate-bench-results.json");
    writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`\n--sizes restricts the run: bench/results.json is left as is; results written to ${path} (--out FILE to choose)`);
  }
  if (rendered && rendered.missing.length > 0) {
    console.error(`bench: the rendered repository's analysis missed seeded defects: ${rendered.missing.join(", ")}`);
    process.exitCode = 1;
  }
  const broken = results.filter((r) => r.defects.missing.length > 0);
  if (broken.length > 0) {
    for (const r of broken) console.error(`bench: at ${r.resources} resources seeded defects were missed: ${r.defects.missing.join("; ")}`);
    process.exitCode = 1;
  }
}

function renderTable(results: readonly SizeResult[]): string {
  // The issue's columns: each ratio is of two figures measured in the same run (the machine's load cancels out).
  const header = [
    "resources",
    "files",
    "MiB",
    "floor ms",
    "full ms",
    "full/floor",
    "peak RSS MiB",
    "diff ms",
    "diff/full",
    "diff RSS MiB",
    "findings",
    "app cold: calls (writes) ms",
    "app push: calls (writes) ms",
    "push/cold",
    "2nd replica 1st check: calls ms",
  ];
  const rows = results.map((r) => [
    r.resources.toLocaleString("en-US"),
    String(r.files),
    r.megabytes.toFixed(1),
    String(r.floor.medianMs),
    String(r.full.medianMs),
    r.full.ratio.toFixed(2),
    String(r.full.peakRssMb),
    String(r.full.diffMedianMs),
    r.full.diffRatio.toFixed(2),
    String(r.full.peakRssWithDiffMb),
    String(r.full.findings),
    r.app ? `${r.app.cold.calls} (${r.app.cold.writes}) ${r.app.cold.ms}` : "skipped",
    r.app ? `${r.app.afterPush.calls} (${r.app.afterPush.writes}) ${r.app.afterPush.ms}` : "skipped",
    r.app ? (r.app.afterPush.ms / r.app.cold.ms).toFixed(2) : "-",
    r.app?.secondReplica ? `${r.app.secondReplica.calls} ${r.app.secondReplica.ms}` : "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** The rendered repository's lines (after the main table) and its figures for results.json. */
function summarizeRendered(r: RenderedResult): { lines: string[]; figures: Record<string, unknown> } {
  const figures = {
    environments: r.environments,
    files: r.files,
    renderColdMs: round(r.renderColdMs),
    renderColdToolRuns: r.renderColdRuns,
    renderWarmMedianMs: round(median(r.renderWarmMs)),
    renderWarmToolRuns: r.renderWarmRuns,
    analysisMedianMs: round(median(r.analysisMs)),
    diffAfterOneOverlayEditMs: round(r.diffMs),
    diffToolRuns: r.diffRuns,
    cacheKiB: round(r.cacheBytes / 1024),
    findings: r.findings,
    routes: r.routes,
    peakRssMb: round(r.peakRssMb),
  };
  const header = ["rendered repository", "environments", "render cold ms (runs)", "render warm ms (runs)", "analysis ms", "diff, 1 overlay edited: ms (runs)", "findings", "routes"];
  const row = [
    `${OVERLAYS} overlays + ${CHARTS} charts`,
    String(r.environments),
    `${figures.renderColdMs} (${r.renderColdRuns})`,
    `${figures.renderWarmMedianMs} (${r.renderWarmRuns})`,
    String(figures.analysisMedianMs),
    `${figures.diffAfterOneOverlayEditMs} (${r.diffRuns})`,
    String(r.findings),
    String(r.routes),
  ];
  const widths = header.map((h, i) => Math.max(h.length, (row[i] ?? "").length));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(" | ")} |`;
  return { lines: [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, line(row)], figures };
}

interface Target {
  name: string;
  holds: boolean | null;
  detail: string;
}

function evaluateTargets(results: readonly SizeResult[]): Target[] {
  const at = (n: number) => results.find((r) => r.resources === n);
  const targets: Target[] = [];
  const ten = at(10_000);
  targets.push({
    name: "full/floor <= 2.0 at 10,000 resources",
    holds: ten ? ten.full.ratio <= 2.0 : null,
    detail: ten ? `${ten.full.ratio.toFixed(2)} (${ten.full.medianMs} ms / ${ten.floor.medianMs} ms)` : "10,000 not measured",
  });
  targets.push({
    name: "full/floor <= 1.0 at 10,000 resources (issue 18)",
    holds: ten ? ten.full.ratio <= 1.0 : null,
    detail: ten ? `${ten.full.ratio.toFixed(2)}` : "10,000 not measured",
  });
  targets.push({
    name: "diff/full <= 1.2 at 10,000 resources (shared parsing)",
    holds: ten ? ten.full.diffRatio <= 1.2 : null,
    detail: ten ? `${ten.full.diffRatio.toFixed(2)} (${ten.full.diffMedianMs} ms / ${ten.full.medianMs} ms)` : "10,000 not measured",
  });
  for (const r of results.filter((s) => s.app && s.resources >= 10_000)) {
    const app = r.app as AppResult;
    targets.push({
      name: `app push/cold <= 0.25 at ${r.resources.toLocaleString("en-US")} resources (parsed-file cache)`,
      holds: app.afterPush.ms / app.cold.ms <= 0.25,
      detail: `${(app.afterPush.ms / app.cold.ms).toFixed(2)} (${app.afterPush.ms} ms / ${app.cold.ms} ms)`,
    });
  }
  const fifty = at(50_000);
  targets.push({
    name: "peak RSS < 400 MB at 50,000 resources",
    holds: fifty ? fifty.full.peakRssMb * 1.048576 < 400 : null,
    detail: fifty
      ? `${fifty.full.peakRssMb} MiB = ${round(fifty.full.peakRssMb * 1.048576)} MB; the floor keeping every parsed document: ${fifty.floor.retainedPeakRssMb} MiB, dropping them: ${fifty.floor.peakRssMb} MiB; analyzeDiff (two trees): ${fifty.full.peakRssWithDiffMb} MiB`
      : "50,000 not measured",
  });
  // Issue 18's memory goals, in MiB as the issue states them. The `--base` figure is the peak of the child that ran the
  // analysis and then analyzeDiff: the diff, holding two trees' inputs, is the larger of the two.
  targets.push({
    name: "peak RSS <= 256 MiB at 50,000 resources for analyze (issue 18)",
    holds: fifty ? fifty.full.peakRssMb <= 256 : null,
    detail: fifty ? `${fifty.full.peakRssMb} MiB` : "50,000 not measured",
  });
  targets.push({
    name: "peak RSS <= 400 MiB at 50,000 resources for analyze --base (issue 18)",
    holds: fifty ? fifty.full.peakRssWithDiffMb <= 400 : null,
    detail: fifty ? `${fifty.full.peakRssWithDiffMb} MiB` : "50,000 not measured",
  });
  // Growth as the exponent k of time ~ resources^k between consecutive sizes (1: linear, 2: quadratic). The step to the
  // largest size decides: small sizes are dominated by start-up and JIT warm-up.
  const sorted = [...results].sort((a, b) => a.resources - b.resources);
  const steps = sorted.slice(1).map((r, i) => {
    const previous = sorted[i] as SizeResult;
    return { from: previous.resources, to: r.resources, exponent: Math.log(r.full.medianMs / previous.full.medianMs) / Math.log(r.resources / previous.resources) };
  });
  const last = steps[steps.length - 1];
  const perK = sorted.map((r) => `${r.resources}: ${round(r.full.medianMs / (r.resources / 1000))}`).join(", ");
  targets.push({
    name: "growth close to linear (time ~ resources^k, k <= 1.2 up to the largest size)",
    holds: last ? last.exponent <= 1.2 : null,
    detail: last ? `k = ${steps.map((st) => `${st.exponent.toFixed(2)} (${st.from} -> ${st.to})`).join(", ")}; ms per 1,000 resources: ${perK}` : "needs two sizes",
  });
  const withApp = sorted.filter((r) => r.app);
  const coldCalls = new Set(withApp.map((r) => r.app?.cold.calls));
  // The endpoints whose counts differ between sizes: what makes a size's cold check cost more requests.
  const endpoints = [...new Set(withApp.flatMap((r) => Object.keys(r.app?.cold.byEndpoint ?? {})))].sort();
  const differing = endpoints
    .filter((e) => new Set(withApp.map((r) => r.app?.cold.byEndpoint[e] ?? 0)).size > 1)
    .map((e) => `${e}: ${withApp.map((r) => r.app?.cold.byEndpoint[e] ?? 0).join("/")}`);
  targets.push({
    name: "API calls per cold check independent of repository size",
    holds: withApp.length >= 2 ? coldCalls.size === 1 : null,
    detail:
      withApp.length > 0
        ? withApp.map((r) => `${r.resources}: ${r.app?.cold.calls}`).join(", ") +
          (differing.length > 0 ? ` (differing: ${differing.join(", ")})` : "") +
          // Why a size can differ: a check that ends early (the analysis limit) skips the requests after the analysis.
          ` (conclusions: ${withApp.map((r) => `${r.app?.cold.conclusion ?? "none"} with ${r.app?.cold.annotations ?? 0} annotations`).join(", ")}; ` +
          "GET apps/get-authenticated is once per process, so in each process's first check)"
        : "app not measured",
  });
  const fiftyApp = fifty?.app;
  targets.push({
    name: "app cold check under 10 s at 50,000 resources",
    holds: fiftyApp ? fiftyApp.cold.ms < 10_000 : null,
    detail: fiftyApp ? `${fiftyApp.cold.ms} ms, ${fiftyApp.cold.calls} API calls` : "50,000 not measured in the app",
  });
  for (const r of withApp.filter((s) => s.app?.secondReplica)) {
    const app = r.app as AppResult;
    const replica = app.secondReplica as CheckRunMeasurement;
    targets.push({
      name: `second replica's first check at ${r.resources.toLocaleString("en-US")} resources (information)`,
      holds: null,
      detail: `${replica.ms} ms, ${replica.calls} API calls (cold check ${app.cold.ms} ms, ${app.cold.calls} calls; push ${app.afterPush.ms} ms)`,
    });
  }
  return targets;
}

async function child(kind: string, args: string[]): Promise<void> {
  const [dir = "", a = "", b = ""] = args;
  let result: unknown;
  if (kind === "floor") result = childFloor(dir, Number(a), b === "retain");
  else if (kind === "full") result = await childFull(dir, a, Number(b), Number(args[3] ?? b));
  else if (kind === "app") result = await childApp(dir, a);
  else if (kind === "heap") result = await childHeap(dir, a);
  else if (kind === "rendered") result = await measureRendered(dir, a, Number(b), PROJECT);
  else throw new Error(`bench: unknown child ${kind}`);
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") await child(argv[1] ?? "", argv.slice(2));
  else await parent(parseOptions(argv));
}
