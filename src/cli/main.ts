import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { analyzeDiff, analyzeTree, summarize, type TreeAnalysis } from "../core/analyze.js";
import { decide } from "../core/verdict.js";
import { foundNoManifests, noManifestsMessage } from "../core/coverage.js";
import { RULES } from "../core/rules/index.js";
import { loadLimitsFromEnv, type LoadLimits } from "../core/limits.js";
import type { SourceFile } from "../core/types.js";
import type { RouteView } from "../core/views.js";
import { renderJson, type ReportInput } from "../report/json.js";
import { renderGitLabCodeQuality } from "../report/gitlab.js";
import { renderSarif } from "../report/sarif.js";
import { renderInstallation, renderRoutes, renderText } from "../report/text.js";
import { GitError, readTreeAtRef } from "./git.js";
import { readDirectory } from "./read-dir.js";

/** Exit codes: the contract scripts rely on. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

type Format = "text" | "json" | "sarif" | "gitlab";

interface AnalyzeOptions {
  base?: string;
  head?: string;
  format: Format;
  exitZero?: boolean;
  allowEmpty?: boolean;
  now?: Date;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTty: boolean;
  /** Where the analysis limits are read from (`MTLS_GATE_MAX_*`, see the README's Limits section); `process.env` if absent. */
  env?: Readonly<Record<string, string | undefined>>;
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError("expected an ISO date, e.g. 2026-01-31T00:00:00Z");
  return date;
}

class UsageError extends Error {}

function loadFiles(dir: string, ref: string | undefined, limits: LoadLimits): SourceFile[] {
  if (ref !== undefined) return readTreeAtRef(dir, ref, limits.maxFileBytes);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new UsageError(`${dir} is not a directory`);
  return readDirectory(dir, limits.maxFileBytes);
}

function run(dir: string, options: AnalyzeOptions, io: CliIo): { analysis: TreeAnalysis; report: ReportInput } {
  const progress = (text: string) => {
    if (io.isTty && options.format === "text") io.stderr(`\r\u001b[2K${text}`);
  };
  // A limit set to something that is not a limit is a usage error, not a silent default.
  const { limits, problems } = loadLimitsFromEnv(io.env ?? process.env);
  if (problems.length > 0) throw new UsageError(problems.join("; "));
  progress("reading files…");
  const head = loadFiles(dir, options.head, limits);
  progress(`read ${head.length} files; analysing…`);
  const analysisOptions = { ...(options.now ? { now: options.now } : {}), limits };
  let analysis: TreeAnalysis;
  let removedRoutes: RouteView[] | undefined;
  if (options.base !== undefined) {
    const base = loadFiles(dir, options.base, limits);
    const diff = analyzeDiff(base, head, analysisOptions);
    analysis = diff;
    removedRoutes = diff.removedRoutes;
  } else {
    analysis = analyzeTree(head, analysisOptions);
  }
  progress(`${analysis.stats.files} files, ${analysis.stats.resources} resources, ${analysis.stats.rules} rules\n`);
  const verdict = decide(analysis.findings, analysis.policy, { hasBase: options.base !== undefined, coverage: analysis.coverage });
  const report: ReportInput = {
    findings: analysis.findings,
    routes: analysis.routes,
    hosts: analysis.hosts,
    summary: summarize(analysis.findings),
    failed: verdict.conclusion === "failure",
    verdict,
    hasBase: options.base !== undefined,
    coverage: analysis.coverage,
    redirects: analysis.redirects,
    installation: analysis.installation,
    ...(removedRoutes ? { removedRoutes } : {}),
  };
  return { analysis, report };
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name("mtls-gate")
    .description("Simulates Emissary-ingress upstream TLS/mTLS routing from Kubernetes manifests and reports what breaks.")
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const formatOption = () => new Option("-f, --format <format>", "output format (gitlab: GitLab's Code Quality report)").choices(["text", "json", "sarif", "gitlab"]).default("text");

  program
    .command("analyze")
    .description("analyse the manifests under DIR (default .): findings, then the route table")
    .argument("[dir]", "directory to analyse", ".")
    .addOption(formatOption())
    .option("--base <ref>", "git revision to compare against: findings are marked introduced or pre-existing")
    .option("--head <ref>", "git revision to analyse instead of the working tree (with --base)")
    .option("--exit-zero", "exit 0 even when findings reach failOn (for demos and reports)")
    .option("--now <date>", "evaluate certificate dates at this time instead of now", parseDate)
    .option("--allow-empty", "pass when no Kubernetes manifest is found (default: \"no manifests found\" and exit 2)")
    .action((dir: string, options: AnalyzeOptions) => {
      if (options.head !== undefined && options.base === undefined) throw new UsageError("--head needs --base");
      const { analysis, report } = run(resolve(dir), options, io);
      // Nothing analysed is not a pass: a wrong path, an empty directory, a chart whose every template was skipped.
      if (!options.allowEmpty && foundNoManifests(analysis.coverage)) throw new UsageError(noManifestsMessage(dir, analysis.coverage));
      if (options.format === "json") io.stdout(renderJson(report));
      else if (options.format === "sarif") io.stdout(renderSarif(report.findings, { rules: RULES, toolVersion: packageVersion(), coverage: analysis.coverage }));
      else if (options.format === "gitlab") io.stdout(renderGitLabCodeQuality(report.findings));
      else io.stdout(renderText(report, { color: io.isTty }));
      setExit(report.failed && !options.exitZero ? EXIT_FINDINGS : EXIT_OK);
    });

  program
    .command("routes")
    .description("print the resolved routing table for DIR (default .)")
    .argument("[dir]", "directory to analyse", ".")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--base <ref>", "git revision to compare against: routes are marked added or changed")
    .option("--head <ref>", "git revision to analyse instead of the working tree (with --base)")
    .action((dir: string, options: AnalyzeOptions) => {
      const { report } = run(resolve(dir), { ...options }, io);
      const { redirects, installation } = report;
      if (options.format === "json") io.stdout(`${JSON.stringify({ routes: report.routes, hosts: report.hosts, redirects, installation }, null, 2)}\n`);
      else io.stdout(`${installation ? renderInstallation(installation) : ""}${renderRoutes(report.routes, { color: io.isTty })}`);
      setExit(EXIT_OK);
    });
  return program;
}

/** Runs the CLI and returns its exit code; every failure is a message and exit 2, never a stack trace. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    const commanderCode = (error as { code?: string }).code;
    if (commanderCode === "commander.helpDisplayed" || commanderCode === "commander.version" || commanderCode === "commander.help") return EXIT_OK;
    if (commanderCode?.startsWith("commander.")) return EXIT_USAGE;
    if (error instanceof UsageError || error instanceof GitError) {
      io.stderr(`mtls-gate: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`mtls-gate: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
}
