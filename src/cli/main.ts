import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { analyzeDiff, analyzeTree, summarize, type TreeAnalysis } from "../core/analyze.js";
import { decide } from "../core/verdict.js";
import { foundNoManifests, noManifestsMessage } from "../core/coverage.js";
import { POLICY_PATH } from "../core/policy/policy.js";
import { RULES } from "../core/rules/index.js";
import { loadLimitsFromEnv } from "../core/limits.js";
import type { RouteView } from "../core/views.js";
import { renderCompact } from "../report/compact.js";
import { renderJson, type ReportInput } from "../report/json.js";
import { renderGitLabCodeQuality } from "../report/gitlab.js";
import { renderRuleList, renderRuleListJson } from "../report/rule-list.js";
import { renderSarif } from "../report/sarif.js";
import { renderFindingsByEnvironment, renderInstallation, renderRoutes, renderText, reportEnvironments, verdictLine } from "../report/text.js";
import { terminalSafe } from "../report/terminal.js";
import { useColor } from "./color.js";
import { discoverEnvironments, REPOSITORY_ENVIRONMENT } from "../core/environments/discover.js";
import { loadPolicy } from "../core/policy/load.js";
import { renderEnvironmentsJson, renderEnvironmentsText } from "../report/environments.js";
import { GitError, readRepoTreeAtRef, readTreeAtRef } from "./git.js";
import { classifyInputs, readInputs, singleDirectory, UsageError } from "./inputs.js";
import { findPolicyFile, type PolicyFile } from "./policy-file.js";
import { packageInfo, repositoryRuleDocs } from "../package-info.js";

const packageVersion = (): string => packageInfo().version;
import { analyzeDiffRendered, analyzeTreeRendered, discoveryPolicy, environmentsOf, needsRendering } from "../render/analyze.js";
import { DEFAULT_RENDER_OPTIONS } from "../render/render.js";
import { readRepoTree, type RepoTree } from "../render/repo.js";
import { locateTools } from "../render/tools.js";
import { isKustomizationPath } from "../render/discover-local.js";

/** Exit codes: the contract scripts rely on. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const ANALYZE_FORMATS = ["text", "json", "sarif", "gitlab", "compact"] as const;
const ROUTES_FORMATS = ["text", "json"] as const;
const RULES_FORMATS = ["text", "json"] as const;
type Format = (typeof ANALYZE_FORMATS)[number];

/** What `analyze` and `routes` share: the inputs, git revisions, the policy file and the output's form. */
interface InputOptions {
  format?: Format;
  /** `-o/--output`, the alias of `--format` kubectl and istioctl users type. */
  output?: Format;
  base?: string;
  head?: string;
  config?: string;
  /** False with `--no-color`. */
  color?: boolean;
  /** `--env NAME`, repeatable: only these environments are analysed. */
  env?: string[];
}

interface AnalyzeOptions extends InputOptions {
  exitZero?: boolean;
  allowEmpty?: boolean;
  now?: Date;
  quiet?: boolean;
  /** False with --no-render: analyse the files as written, no kustomize or helm. */
  render?: boolean;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTty: boolean;
  /** Where the analysis limits are read from (`MTLS_GATE_MAX_*`, see the README's Limits section); `process.env` if absent. */
  env?: Readonly<Record<string, string | undefined>>;
  /** All of stdin, for the `-` argument; fd 0 if absent. */
  readStdin?: () => Buffer;
}

function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError("expected an ISO date, e.g. 2026-01-31T00:00:00Z");
  return date;
}

/** `--format` or its alias `-o/--output` (the same when both are given), else text. */
function formatOf(options: InputOptions): Format {
  if (options.format !== undefined && options.output !== undefined && options.format !== options.output) {
    throw new UsageError(`--format ${options.format} and --output ${options.output} disagree: give one`);
  }
  return options.output ?? options.format ?? "text";
}

/** `--env` is repeatable: each one adds a name. */
function collectNames(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * The environments `--env` names, checked against those discovered: a name that is not one of them is a usage error
 * that lists the known names (printed safely: they come from the repository's directory and object names).
 */
function selectEnvironments(names: readonly string[] | undefined, known: readonly string[]): string[] | undefined {
  if (names === undefined) return undefined;
  const unknown = [...new Set(names.filter((name) => !known.includes(name)))];
  if (unknown.length > 0) {
    const quoted = unknown.map((name) => `"${terminalSafe(name)}"`).join(", ");
    const list = known.length > 0 ? known.map(terminalSafe).join(", ") : "none";
    throw new UsageError(`--env: no environment named ${quoted}; known environments: ${list}`);
  }
  return [...new Set(names)];
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

/**
 * The policy file as the output names it (and its findings' paths): `--config` as the user wrote it; a file found
 * relative to the analysed root, like the manifests' paths, when that is short.
 */
function policyDisplayPath(policy: PolicyFile, root: string, config: string | undefined): string | null {
  if (policy.absolute === null) return null;
  if (config !== undefined) return toPosix(config);
  const rel = toPosix(relative(root, policy.absolute));
  return rel.startsWith("../../") ? toPosix(policy.absolute) : rel;
}

interface Analysed {
  analysis: TreeAnalysis;
  report: ReportInput;
  policyPath: string | null;
}

async function run(paths: readonly string[], options: AnalyzeOptions, format: Format, io: CliIo): Promise<Analysed> {
  // Checked before anything is read, for every command that takes revisions.
  if (options.head !== undefined && options.base === undefined) throw new UsageError("--head needs --base");
  const env = io.env ?? process.env;
  const progress = (text: string) => {
    if (io.isTty && format === "text" && !options.quiet) io.stderr(`\r\u001b[2K${text}`);
  };
  // A limit set to something that is not a limit is a usage error, not a silent default.
  const { limits, problems } = loadLimitsFromEnv(env);
  if (problems.length > 0) throw new UsageError(problems.join("; "));
  const cwd = process.cwd();
  const inputs = classifyInputs(paths, cwd);
  const single = singleDirectory(inputs);
  if (options.base !== undefined && !single) throw new UsageError("--base and --head read one directory from git, not files or stdin");
  const root = single?.absolute ?? cwd;
  const policy = findPolicyFile({ ...(options.config !== undefined ? { config: options.config } : {}), start: root, cwd, ...(options.head !== undefined ? { ref: options.head } : {}) });
  const policyPath = policyDisplayPath(policy, root, options.config);
  const readStdin = io.readStdin ?? (() => readFileSync(0));
  // The tree's own policy file is not a manifest; the policy applied is the one found above.
  const atRef = (ref: string) => readTreeAtRef(root, ref, limits.maxFileBytes).filter((f) => f.path !== POLICY_PATH);
  progress("reading files…");
  const head = options.head !== undefined ? atRef(options.head) : readInputs(inputs, cwd, limits.maxFileBytes, readStdin);
  progress(`read ${head.length} files; analysing…`);
  const analysisOptions = { ...(options.now ? { now: options.now } : {}), limits, policyFile: { path: policyPath ?? POLICY_PATH, text: policy.text } };
  let analysis: TreeAnalysis;
  let removedRoutes: RouteView[] | undefined;
  // Kustomize overlays and Helm charts are analysed as rendered (src/render), unless --no-render; files and stdin are
  // analysed as given. The whole tree (templates, _helpers.tpl) is read only when there is something to render.
  const renderable = options.render !== false && single !== undefined && head.some((f) => isKustomizationPath(f.path) || f.path === "Chart.yaml" || f.path.endsWith("/Chart.yaml"));
  // A revision's whole tree, not its YAML alone: a render reads templates, _helpers.tpl and generator inputs too.
  const headTree: RepoTree | undefined = !renderable ? undefined : options.head !== undefined ? readRepoTreeAtRef(root, options.head) : readRepoTree(root);
  const discovered = headTree !== undefined ? environmentsOf(headTree, discoveryPolicy(analysisOptions)) : [];
  const rendering = headTree !== undefined && needsRendering(discovered);
  // Without rendering the files are one environment: the repository as written.
  const only = selectEnvironments(options.env, rendering ? discovered.map((e) => e.name) : [REPOSITORY_ENVIRONMENT]);
  const analysedEnvironments = rendering ? discovered.map((e) => e.name).filter((name) => !only || only.includes(name)) : [];
  const renderOptions = { ...DEFAULT_RENDER_OPTIONS, tools: locateTools(env) };
  if (rendering) progress("rendering…");
  if (options.base !== undefined) {
    const base = atRef(options.base);
    const diff = rendering
      ? await analyzeDiffRendered({ tree: readRepoTreeAtRef(root, options.base), files: base }, { tree: headTree as RepoTree, files: head }, analysisOptions, renderOptions, only)
      : analyzeDiff(base, head, analysisOptions);
    analysis = diff;
    removedRoutes = diff.removedRoutes;
  } else {
    analysis = rendering ? await analyzeTreeRendered(headTree as RepoTree, head, analysisOptions, renderOptions, only) : analyzeTree(head, analysisOptions);
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
    policy: { path: policyPath },
    redirects: analysis.redirects,
    installation: analysis.installation,
    ...(removedRoutes ? { removedRoutes } : {}),
    // The README's top-level list: every environment analysed, those with no route or finding too.
    ...(analysedEnvironments.length > 1 ? { environments: analysedEnvironments } : {}),
  };
  return { analysis, report, policyPath };
}

/** Which policy decided the verdict (the app reads the repository root's), for the text output. */
function policyLine(policyPath: string | null, options: InputOptions): string {
  if (policyPath === null) return `Policy: defaults (no ${POLICY_PATH} here or above, up to the repository root)\n`;
  return `Policy: ${policyPath}${options.config !== undefined ? " (--config)" : ""}\n`;
}

/** The policy line goes just above the closing PASS/FAIL line, which stays last (the Coverage line stays first). */
function withPolicyLine(text: string, line: string): string {
  const lastLine = text.lastIndexOf("\n", text.length - 2) + 1;
  return text.slice(0, lastLine) + line + text.slice(lastLine);
}

/** `--quiet`: only what reaches failOn (the findings that block), and the FAIL line when it fails; nothing on a pass. */
function quietReport(report: ReportInput): ReportInput {
  const blocking = report.verdict?.blocking ?? [];
  return { ...report, findings: blocking };
}

function renderAnalysis({ analysis, report, policyPath }: Analysed, format: Format, options: AnalyzeOptions, color: boolean): string {
  const shown = options.quiet ? quietReport(report) : report;
  switch (format) {
    case "json":
      return renderJson(shown);
    case "sarif":
      return renderSarif(shown.findings, { rules: RULES, toolVersion: packageVersion(), coverage: analysis.coverage, docs: repositoryRuleDocs() });
    case "gitlab":
      return renderGitLabCodeQuality(shown.findings);
    case "compact":
      return renderCompact(shown.findings);
    case "text":
      if (options.quiet) return (shown.findings.length > 0 ? renderFindingsByEnvironment(shown.findings, { color }, reportEnvironments(report)) : "") + (report.failed ? verdictLine(report, { color }) : "");
      return withPolicyLine(renderText(report, { color, ruleDocsUrl: repositoryRuleDocs().url }), policyLine(policyPath, options));
  }
}

/** `--format`/`-o`, `--base`/`--head`, `--config` and `--no-color`: the options `analyze` and `routes` share. */
function addInputOptions(command: Command, formats: readonly string[], formatHelp: string): Command {
  return command
    .addOption(new Option("-f, --format <format>", `${formatHelp} (default: text)`).choices(formats))
    .addOption(new Option("-o, --output <format>", "alias of --format").choices(formats))
    .option("--base <ref>", "git revision to compare against (DIR must be one directory in a git repository)")
    .option("--head <ref>", "git revision to analyse instead of the working tree (with --base)")
    .option("--config <path>", `policy file to apply (default: ${POLICY_PATH} in DIR or the nearest directory above it, up to the git repository's root)`)
    .option("--no-color", "no colours, also when stdout is a terminal (NO_COLOR does the same; FORCE_COLOR forces them)")
    .option("--no-render", "analyse Kustomize and Helm sources as written instead of rendering them with kustomize and helm")
    .option("--env <name>", "analyse only this environment (repeatable; `mtls-gate environments` lists them)", collectNames);
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name("mtls-gate")
    .description("Simulates Emissary-ingress upstream TLS/mTLS routing from Kubernetes manifests and reports what breaks.")
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  // One function per command, so that commands can be added beside them.
  addAnalyzeCommand(program, io, setExit);
  addRoutesCommand(program, io, setExit);
  addRulesCommand(program, io, setExit);
  addEnvironmentsCommand(program, io, setExit);
  return program;
}

const PATHS_HELP = "directories, YAML files, or - for stdin, analysed together as one tree (default: .)";

function addAnalyzeCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command("analyze")
    .description("analyse the manifests under DIR (default .), files, or stdin (-): findings, then the route table")
    .argument("[paths...]", PATHS_HELP);
  addInputOptions(command, ANALYZE_FORMATS, "output format (gitlab: GitLab's Code Quality report; compact: file:line:col: severity rule-id message)")
    .option("--exit-zero", "exit 0 even when findings reach failOn (for demos and reports)")
    .option("--now <date>", "evaluate certificate dates at this time instead of now", parseDate)
    .option("--allow-empty", "pass when no Kubernetes manifest is found (default: \"no manifests found\" and exit 2)")
    .option("-q, --quiet", "print only the findings that reach failOn (and the FAIL line); nothing when it passes")
    .action(async (paths: string[], options: AnalyzeOptions) => {
      const format = formatOf(options);
      const analysed = await run(paths, options, format, io);
      // Nothing analysed is not a pass: a wrong path, an empty directory, a chart whose every template was skipped.
      if (!options.allowEmpty && foundNoManifests(analysed.analysis.coverage)) {
        // Why, when it was a render (a tool missing, a refused chart): the coverage counts alone do not say.
        const renders = analysed.analysis.findings.filter((f) => f.ruleId.startsWith("render-"));
        const why = renders.map((f) => `\n  ${terminalSafe(f.file)}:${f.line}: ${f.ruleId}: ${terminalSafe(f.message)}`).join("");
        throw new UsageError(noManifestsMessage(paths.length > 0 ? paths.join(" ") : ".", analysed.analysis.coverage) + why);
      }
      const color = useColor({ ...(options.color !== undefined ? { color: options.color } : {}), isTty: io.isTty, env: io.env ?? process.env });
      io.stdout(renderAnalysis(analysed, format, options, color));
      setExit(analysed.report.failed && !options.exitZero ? EXIT_FINDINGS : EXIT_OK);
    });
}

function addRoutesCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program.command("routes").description("print the resolved routing table for DIR (default .), files, or stdin (-)").argument("[paths...]", PATHS_HELP);
  addInputOptions(command, ROUTES_FORMATS, "output format").action(async (paths: string[], options: InputOptions) => {
    const format = formatOf(options);
    const { report } = await run(paths, options, format, io);
    const color = useColor({ ...(options.color !== undefined ? { color: options.color } : {}), isTty: io.isTty, env: io.env ?? process.env });
    const { redirects, installation } = report;
    if (format === "json") io.stdout(`${JSON.stringify({ routes: report.routes, hosts: report.hosts, redirects, installation }, null, 2)}\n`);
    else io.stdout(`${installation ? renderInstallation(installation) : ""}${renderRoutes(report.routes, { color })}`);
    setExit(EXIT_OK);
  });
}

function addRulesCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("rules")
    .description("list every rule: id, default severity, what it catches, and its documentation for this version")
    .addOption(new Option("-f, --format <format>", "output format (default: text)").choices(RULES_FORMATS))
    .addOption(new Option("-o, --output <format>", "alias of --format").choices(RULES_FORMATS))
    .action((options: InputOptions) => {
      const entries = RULES.map((rule) => ({ id: rule.meta.id, severity: rule.meta.severity, description: rule.meta.description, docsUrl: repositoryRuleDocs().url(rule.meta.id) }));
      io.stdout(formatOf(options) === "json" ? renderRuleListJson(entries) : renderRuleList(entries));
      setExit(EXIT_OK);
    });
}

function addEnvironmentsCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("environments")
    .description("list the environments discovered under DIR (default .): kustomizations, charts, Argo CD and Flux objects, the policy's")
    .argument("[dir]", "directory to read", ".")
    .addOption(new Option("-f, --format <format>", "output format (default: text)").choices(["text", "json"]))
    .addOption(new Option("-o, --output <format>", "alias of --format").choices(["text", "json"]))
    .option("--config <path>", "the policy file (default: .github/mtls-gate.yml in DIR or above it, up to the git root)")
    .option("--env <name>", "list only this environment (repeatable)", collectNames)
    .action((dir: string, options: { format?: string; output?: string; config?: string; env?: string[] }) => {
      const { limits, problems } = loadLimitsFromEnv(io.env ?? process.env);
      if (problems.length > 0) throw new UsageError(problems.join("; "));
      const cwd = process.cwd();
      const inputs = classifyInputs([dir], cwd);
      const single = singleDirectory(inputs);
      if (!single) throw new UsageError(`${dir} is not a directory`);
      const files = readInputs(inputs, cwd, limits.maxFileBytes, () => Buffer.alloc(0)).filter((f) => f.path !== POLICY_PATH);
      const policyFile = findPolicyFile({ ...(options.config !== undefined ? { config: options.config } : {}), start: single.absolute, cwd });
      const policy = loadPolicy(policyFile.text).policy;
      const discovered = discoverEnvironments(files, policy);
      const only = selectEnvironments(options.env, discovered.environments.map((e) => e.name));
      const discovery = only ? { ...discovered, environments: discovered.environments.filter((e) => only.includes(e.name)) } : discovered;
      const json = (options.output ?? options.format) === "json";
      io.stdout(json ? renderEnvironmentsJson(discovery) : renderEnvironmentsText(discovery));
      setExit(EXIT_OK);
    });
}

/** Runs the CLI and returns its exit code; every failure is a message and exit 2, never a stack trace. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => (code = c));
  // Nothing asked: the help, on stderr, and a usage error (a script that forgot its arguments must not pass).
  if (argv.length === 0) {
    io.stderr(program.helpInformation());
    return EXIT_USAGE;
  }
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
