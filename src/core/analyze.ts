import picomatch from "picomatch";
import { decide } from "./verdict.js";
import { computeCoverage, skipReasonOf, type Coverage, type FileOutcome } from "./coverage.js";
import { DIAGNOSTICS } from "./diagnostics.js";
import { buildModel, modelReads, type Model, type ModelInput } from "./model/build.js";
import { sortAndDedupe, toFinding } from "./findings.js";
import { loadPolicy, type LoadedPolicy } from "./policy/load.js";
import { declaredEmissary, POLICY_PATH, type Policy } from "./policy/policy.js";
import { simulate, type Simulation } from "./resolve/simulate.js";
import { baseSummaryKey, carriedAt, routeViewsAt, summarizeBase, summaryHolds, type BaseSummary, type BaseSummaryStore } from "./base-summary.js";
import { watchCertificateDates } from "./certs/certificate.js";
import { RULES, RULES_BY_ID } from "./rules/index.js";
import type { Report, RuleContext } from "./rules/rule.js";
import { DEFAULT_LOAD_LIMITS, isManifestPath, kubernetesKind, parseManifestFile, type DocumentFilter, type LoadLimits, type SourceDiagnostic } from "./source/load.js";
import { FileParser } from "./source/file-parser.js";
import { readSuppressions, SUPPRESSION_OUTCOME_RULES, suppressionOutcomes, type Suppressions } from "./suppressions.js";
import { selectManifestFiles } from "./source/select.js";
import { hostViews, installationView, redirectViews, remapUpstreamTls, routeViews, type HostView, type InstallationView, type RedirectView, type RouteView } from "./views.js";
import { type Finding, type RouteMode, type SourceFile } from "./types.js";
import { remapFileLine, remapFindingText, remapLocation, type RenderedFile, type RenderedInput } from "./render/rendered.js";
import { isKustomizationPath } from "./environments/kustomization.js";
import { sameJson } from "./util/same-json.js";

export interface AnalysisOptions {
  /** The policy to apply. When absent, the tree's own `.github/mtls-gate.yml` is read (the CLI's behaviour). */
  policy?: Policy;
  /** The clock for certificate rules and suppression expiry, injected so results are reproducible. */
  now?: Date;
  limits?: LoadLimits;
  /**
   * With `policy` given (the app's trusted configuration): still validate the tree's own policy file and report its
   * problems as findings on its lines, so a change to the file is reviewed even though it does not decide the verdict.
   */
  validatePolicyFile?: boolean;
  /**
   * The policy file the caller read itself (the CLI's `--config`, or the one it found from the analysed directory up to
   * the repository root), with the path its findings are reported on; `text` undefined: none, the defaults apply. It
   * replaces the tree's own `.github/mtls-gate.yml`; `policy` still wins over it.
   */
  policyFile?: { path: string; text: string | undefined };
  /**
   * One environment's rendered output (src/render ran Kustomize or Helm): analysed with the plain files it names, its
   * locations moved back to the source lines; the files left unrendered are counted as skipped.
   */
  render?: RenderedInput;
  /** With `analyzeDiff`: the base tree's render of the same environment. */
  baseRender?: RenderedInput;
  /**
   * Parses manifest files, sharing one parse between files of the same path and content (base and head of a diff, or,
   * in the app, successive checks). Absent: every file is parsed; `analyzeDiff` then shares within its two trees.
   */
  parser?: FileParser;
  /**
   * Which documents are converted to values and kept with their parse trees: by default those the model reads
   * (`modelReads`); `null` converts and keeps every document, as the loader did before it classified them (the
   * equivalence test compares the two).
   */
  documentFilter?: DocumentFilter | null;
  /**
   * With `analyzeDiff`: where base summaries are kept between analyses (the app's analysis thread). A base analysed
   * before, with the same files, policy and settings, is reused while its certificates' and suppressions' dates allow
   * (base-summary.ts); the head is always analysed.
   */
  baseSummaries?: BaseSummaryStore;
}

export interface TreeAnalysis {
  findings: Finding[];
  routes: RouteView[];
  hosts: HostView[];
  /** Mappings answering with a redirect: no upstream route. */
  redirects: RedirectView[];
  /** The installation simulated, and where each setting came from (policy, repository, default). */
  installation: InstallationView;
  model: Model;
  simulation: Simulation;
  policy: Policy;
  stats: { files: number; documents: number; resources: number; rules: number };
  /** What was read: files parsed, skipped by reason, resources by kind (see coverage.ts). */
  coverage: Coverage;
  /** The environment analysed, when the tree was rendered (`AnalysisOptions.render`). */
  environment?: string;
}

export interface Summary {
  errors: number;
  warnings: number;
  notices: number;
  suppressed: number;
}

let processParser: FileParser | undefined;

/**
 * The parser every analysis without one of its own uses, for a long-lived process (the app's analysis thread): files
 * parsed by one check then serve the next. Undefined (the default): each analysis parses what it reads.
 */
export function useProcessParser(parser: FileParser | undefined): void {
  processParser = parser;
}

let processBaseSummaries: BaseSummaryStore | undefined;

/**
 * Where every `analyzeDiff` without a store of its own keeps base summaries, for a long-lived process (the app's
 * analysis thread): a re-check of a pull request whose base has not moved analyses its head alone. Undefined (the
 * default): each diff analyses its base.
 */
export function useProcessBaseSummaries(store: BaseSummaryStore | undefined): void {
  processBaseSummaries = store;
}

/** The policy to apply: the caller's, or the tree's own `.github/mtls-gate.yml` with its findings. */
function resolvePolicy(files: readonly SourceFile[], options: AnalysisOptions): LoadedPolicy {
  const own = () => (options.policyFile ? loadPolicy(options.policyFile.text, options.policyFile.path) : loadPolicy(files.find((f) => f.path === POLICY_PATH)?.text));
  if (!options.policy) return own();
  return { policy: options.policy, diagnostics: options.validatePolicyFile ? own().diagnostics : [] };
}

/**
 * Whether a path is a manifest file the analysis reads under `policy`: YAML under its `paths`, the policy file aside.
 * The app's reader asks it too, so that it keeps the text of these files only.
 */
export function manifestScope(policy: Policy): (path: string, explicit?: boolean) => boolean {
  const include = picomatch(policy.paths.include, { dot: true });
  const exclude = policy.paths.exclude.length > 0 ? picomatch(policy.paths.exclude, { dot: true }) : () => false;
  // A file the user named (`explicit`) is read whatever its name, as `kubectl apply -f` does; exclude still applies.
  return (path, explicit = false) => path !== POLICY_PATH && (explicit || (isManifestPath(path) && include(path))) && !exclude(path);
}

/** Analyses one tree: load, model, simulate, run every rule. Never throws on bad input. */
export function analyzeTree(files: readonly SourceFile[], options: AnalysisOptions = {}): TreeAnalysis {
  return analyzeWithPolicy(files, resolvePolicy(files, options), options, undefined, undefined, undefined, options.render).analysis;
}

/**
 * `carriedSuppressions`: with a base, the keys of the base's suppressions that count there; a head suppression outside
 * it was added by the change (see suppressions.ts). Undefined: every unexpired suppression counts.
 */
function analyzeWithPolicy(
  files: readonly SourceFile[],
  { policy, diagnostics: policyDiagnostics }: LoadedPolicy,
  options: AnalysisOptions,
  baseRouteModes: BaseSummary["routeModes"] | undefined,
  carriedSuppressions: ReadonlySet<string> | undefined,
  unchangedPaths: ReadonlySet<string> | undefined = undefined,
  render: RenderedInput | undefined = undefined,
): { analysis: TreeAnalysis; suppressions: Suppressions } {
  if (render) return analyzeRendered(files, { policy, diagnostics: policyDiagnostics }, options, baseRouteModes, carriedSuppressions, unchangedPaths, render);
  const scope = manifestScope(policy);
  const inScope = files.filter((f) => scope(f.path, f.explicit === true));
  return analyzeSelected(inScope, policy, policyDiagnostics, options, baseRouteModes, carriedSuppressions, unchangedPaths, []);
}

/**
 * One environment: its rendered output and the plain files beside it are analysed; then every location is moved back
 * to the source line it came from, and findings, routes and hosts carry the environment's name.
 */
function analyzeRendered(
  files: readonly SourceFile[],
  { policy, diagnostics: policyDiagnostics }: LoadedPolicy,
  options: AnalysisOptions,
  baseRouteModes: BaseSummary["routeModes"] | undefined,
  carriedSuppressions: ReadonlySet<string> | undefined,
  unchangedPaths: ReadonlySet<string> | undefined,
  render: RenderedInput,
): { analysis: TreeAnalysis; suppressions: Suppressions } {
  const include = picomatch(policy.paths.include, { dot: true });
  const exclude = policy.paths.exclude.length > 0 ? picomatch(policy.paths.exclude, { dot: true }) : () => false;
  const plain = new Set(render.plainFiles);
  const scope = manifestScope(policy);
  const inScope = files.filter((f) => plain.has(f.path) && scope(f.path, f.explicit === true));
  // Rendered output is what the cluster gets: the policy's paths decide which sources count, not the synthetic path. A
  // kustomization named `Kustomization` is YAML without the extension the globs are written for: matched as if it had one.
  const asYaml = (file: string) => (isKustomizationPath(file) && !isManifestPath(file) ? `${file}.yaml` : file);
  const rendered = render.files.filter((r) => include(asYaml(r.fallback.file)) && !exclude(asYaml(r.fallback.file)));
  const unrendered: FileOutcome[] = render.unrendered
    .filter((u) => include(u.path) && !exclude(u.path))
    .map((u): FileOutcome => ({ path: u.path, skipped: "not-rendered", parsed: false, kinds: [] }));
  const sources = [...inScope, ...rendered.map((r) => ({ path: r.path, text: r.text }))];
  const result = analyzeSelected(sources, policy, policyDiagnostics, options, baseRouteModes, carriedSuppressions, unchangedPaths, unrendered, render);
  const byPath = new Map<string, RenderedFile>(rendered.map((r) => [r.path, r]));
  const analysis = result.analysis;
  const environments = [render.environment];
  analysis.findings = sortAndDedupe(analysis.findings.map((f) => ({ ...remapFindingText(remapLocation(f, byPath), byPath), environments })));
  const move = (file: string, line: number) => remapFileLine(file, line, byPath);
  analysis.routes = analysis.routes.map((r) => ({
    ...r,
    ...move(r.file, r.line),
    ...(r.upstreamTls ? { upstreamTls: remapUpstreamTls(r.upstreamTls, move) } : {}),
    environment: render.environment,
  }));
  analysis.hosts = analysis.hosts.map((h) => ({ ...h, ...remapFileLine(h.file, h.line, byPath), environment: render.environment }));
  analysis.coverage.skippedFiles = analysis.coverage.skippedFiles.map((s) => ({ ...s, path: byPath.get(s.path)?.fallback.file ?? s.path }));
  analysis.environment = render.environment;
  return result;
}

function analyzeSelected(
  inScope: readonly SourceFile[],
  policy: Policy,
  policyDiagnostics: readonly SourceDiagnostic[],
  options: AnalysisOptions,
  baseRouteModes: BaseSummary["routeModes"] | undefined,
  carriedSuppressions: ReadonlySet<string> | undefined,
  unchangedPaths: ReadonlySet<string> | undefined,
  unrendered: readonly FileOutcome[],
  render?: RenderedInput,
): { analysis: TreeAnalysis; suppressions: Suppressions } {
  const limits = options.limits ?? DEFAULT_LOAD_LIMITS;
  // Symbolic links the reader did not follow: counted as skipped, never parsed.
  const fileOutcomes: FileOutcome[] = [...unrendered, ...inScope.filter((f) => f.symlink === true).map((f) => ({ path: f.path, skipped: "symlink" as const, parsed: false, kinds: [] }))];
  const candidates = inScope.filter((f) => f.symlink !== true);
  // The per-commit limits: the files left out are reported one by one (so many that they are not pushed as arguments).
  const selected = selectManifestFiles(candidates, limits);
  const diagnostics: SourceDiagnostic[] = [...policyDiagnostics, ...selected.diagnostics];
  for (const left of selected.diagnostics) fileOutcomes.push({ path: left.location.file, skipped: "too-large", parsed: false, kinds: [] });
  const inputs: ModelInput[] = [];
  let documents = 0;
  for (const file of selected.files) {
    const parser = options.parser ?? processParser;
    const reads = options.documentFilter === undefined ? modelReads : (options.documentFilter ?? undefined);
    const parsed = parser ? parser.parse(file, limits, reads) : parseManifestFile(file, limits, reads);
    diagnostics.push(...parsed.diagnostics);
    const count = parsed.summary?.documents ?? parsed.documents.length;
    documents += count;
    inputs.push({ path: file.path, text: file.text, documents: parsed.documents });
    const skipped = skipReasonOf(parsed.diagnostics, count);
    fileOutcomes.push({
      path: file.path,
      ...(skipped ? { skipped } : {}),
      parsed: skipped === undefined && parsed.notKubernetes === undefined,
      kinds: parsed.summary?.kinds ?? parsed.documents.flatMap((doc) => kubernetesKind(doc.value) ?? []),
    });
  }
  const coverage = computeCoverage(fileOutcomes);
  // With a base, only skipped files the change did not add or edit may soften an absence finding: otherwise a pull
  // request could add one templated file and turn every missing-Secret error into a notice.
  if (unchangedPaths) coverage.absenceDoubt = fileOutcomes.filter((o) => o.skipped !== undefined && unchangedPaths.has(o.path)).length;
  const model = buildModel(inputs, { defaultNamespace: policy.defaultNamespace, externalSecrets: policy.externalSecrets, emissary: declaredEmissary(policy) });
  diagnostics.push(...model.diagnostics);
  const now = options.now ?? new Date();
  const simulation = simulate(model, now);
  const suppressions: Suppressions = {
    ...readSuppressions([...model.allAmbassadorResources, ...model.secrets.values()], new Set(RULES_BY_ID.keys()), now),
    ...(carriedSuppressions ? { carried: carriedSuppressions } : {}),
  };
  diagnostics.push(...suppressions.diagnostics);

  const context: RuleContext = {
    model,
    simulation,
    policy,
    sourceDiagnostics: diagnostics,
    baseRouteModes,
    now,
    coverage,
    renderDiagnostics: render?.diagnostics ?? [],
  };
  const findings: Finding[] = [];
  const internalErrors: Report[] = [];
  for (const rule of RULES) {
    try {
      rule.check(context, (report) => {
        const finding = toFinding(rule, report, policy, suppressions);
        if (finding) findings.push(finding);
      });
    } catch (error) {
      // A rule that breaks on odd input must cost its own checks only, never the run.
      internalErrors.push({
        at: { file: inputs[0]?.path ?? ".", line: 1, column: 1, endLine: 1, endColumn: 2 },
        resource: null,
        messageId: DIAGNOSTICS["rule-failed"].messageId,
        identity: { rule: rule.meta.id, problem: error instanceof Error ? error.name : "unknown error" },
      });
    }
  }
  const internal = RULES_BY_ID.get(DIAGNOSTICS["rule-failed"].rule);
  for (const report of internal ? internalErrors : []) {
    const finding = internal && toFinding(internal, report, policy, suppressions);
    if (finding) findings.push(finding);
  }
  // What the ignore annotations did is known only now: the rules reporting it run last, on these diagnostics.
  const outcomes: RuleContext = { ...context, sourceDiagnostics: suppressionOutcomes(findings, policy, suppressions) };
  for (const rule of RULES.filter((r) => SUPPRESSION_OUTCOME_RULES.has(r.meta.id))) {
    rule.check(outcomes, (report) => {
      const finding = toFinding(rule, report, policy, suppressions);
      if (finding) findings.push(finding);
    });
  }

  const resources = model.mappings.length + model.tlsContexts.length + model.hosts.length + model.modules.length + model.secrets.size;
  const analysis: TreeAnalysis = {
    findings: sortAndDedupe(findings),
    routes: routeViews(simulation.routes, context.now),
    hosts: hostViews(simulation.hosts),
    redirects: redirectViews(simulation.redirects),
    installation: installationView(model.installation),
    model,
    simulation,
    policy,
    stats: { files: inputs.length, documents, resources, rules: RULES.length },
    coverage,
  };
  return { analysis, suppressions };
}


export interface DiffAnalysis extends TreeAnalysis {
  /** What was kept of the base tree: its findings and routes (its model and simulation are let go). */
  base: BaseSummary;
  /** Routes the base had and the head no longer has. */
  removedRoutes: RouteView[];
}

/**
 * Analyses base and head with one policy: a head finding is `introduced` when the base had no finding with its
 * fingerprint; each head route says whether it is new or changed from the base. A suppression the base does not carry
 * does not clear a blocking head finding unless the policy allows it (suppressions.ts).
 */
export function analyzeDiff(baseFiles: readonly SourceFile[], headFiles: readonly SourceFile[], given: AnalysisOptions = {}): DiffAnalysis {
  // One clock for both trees, so a suppression cannot expire between the two analyses. One parser for both, so a file
  // the change left alone is parsed once.
  const now = given.now ?? new Date();
  const options: AnalysisOptions = { ...given, now, parser: given.parser ?? processParser ?? new FileParser() };
  // One policy (the caller's, else the head's) for both trees.
  const headPolicy = resolvePolicy(headFiles, options);
  // Only a summary of the base outlives this line: the base's model and simulation are garbage before the head's exist.
  const base = baseSummary(baseFiles, headPolicy.policy, options, now);
  const baseText = new Map(baseFiles.map((f) => [f.path, f]));
  const unchanged = new Set(headFiles.filter((f) => sameFile(baseText.get(f.path), f)).map((f) => f.path));
  const head = analyzeWithPolicy(headFiles, headPolicy, options, base.routeModes, carriedAt(base, now), unchanged, options.render).analysis;
  const baseFingerprints = new Set(base.findings.map((f) => f.fingerprint));
  for (const finding of head.findings) finding.introduced = !baseFingerprints.has(finding.fingerprint);

  const baseRouteViews = routeViewsAt(base, now);
  const baseRoutes = new Map(baseRouteViews.map((r) => [routeKey(r), r]));
  for (const route of head.routes) {
    const before = baseRoutes.get(routeKey(route));
    route.baseMode = before ? before.mode : null;
    route.change = !before ? "added" : sameRoute(before, route) ? "unchanged" : "changed";
  }
  const headKeys = new Set(head.routes.map(routeKey));
  const removedRoutes = baseRouteViews.filter((r) => !headKeys.has(routeKey(r))).map((r) => ({ ...r, change: "removed" as const }));
  return { ...head, base, removedRoutes };
}

/**
 * The base tree analysed under the head's policy and reduced to what the diff needs; from `options.baseSummaries`
 * when the same base was analysed before and nothing dated in it has changed since (base-summary.ts).
 */
function baseSummary(baseFiles: readonly SourceFile[], policy: Policy, options: AnalysisOptions, now: Date): BaseSummary {
  const store = options.baseSummaries ?? processBaseSummaries;
  // A caller's own document filter is a function: no key can name it, so such analyses are never kept.
  const reads = options.documentFilter === undefined ? "model" : options.documentFilter === null ? "all" : undefined;
  const settings = {
    policy,
    limits: options.limits ?? DEFAULT_LOAD_LIMITS,
    validatePolicyFile: options.validatePolicyFile === true,
    policyFile: options.policyFile ?? null,
    render: options.baseRender ?? null,
    reads,
  };
  const key = store && reads ? baseSummaryKey(baseFiles, settings) : undefined;
  const known = key === undefined ? undefined : store?.get(key);
  if (known && summaryHolds(known, now)) return known;
  // With a trusted policy the base's own file is validated too, so its unchanged problems count as pre-existing.
  const diagnostics = options.policy && options.validatePolicyFile ? resolvePolicy(baseFiles, options).diagnostics : [];
  const { result, periods } = watchCertificateDates(() =>
    analyzeWithPolicy(baseFiles, { policy, diagnostics }, options, undefined, undefined, undefined, options.baseRender),
  );
  const summary = summarizeBase(result.analysis, result.suppressions, policy, periods, now);
  if (key !== undefined) store?.set(key, summary);
  return summary;
}

/** The same file in both trees: same text, or (for files the reader did not hold whole) same size and flags. */
function sameFile(base: SourceFile | undefined, head: SourceFile): boolean {
  return base !== undefined && base.text === head.text && base.size === head.size && base.binary === head.binary && base.symlink === head.symlink && base.unread === head.unread;
}

function routeKey(route: RouteView): string {
  return `${route.kind}/${route.mapping}`;
}

/** What a route's location and its comparison with the base are not part of: a route moved in its file is unchanged. */
const NOT_THE_ROUTE: ReadonlySet<string> = new Set(["file", "line", "change", "baseMode"]);

function sameRoute(a: RouteView, b: RouteView): boolean {
  return sameJson(a, b, NOT_THE_ROUTE);
}

export function summarize(findings: readonly Finding[]): Summary {
  const summary: Summary = { errors: 0, warnings: 0, notices: 0, suppressed: 0 };
  for (const finding of findings) {
    if (finding.suppressed) summary.suppressed++;
    else if (finding.severity === "error") summary.errors++;
    else if (finding.severity === "warning") summary.warnings++;
    else summary.notices++;
  }
  return summary;
}

/** The findings that block: `decide`'s, without acceptances (the CLI's and the core's tests' view). */
export function failingFindings(findings: readonly Finding[], policy: Policy, hasBase: boolean): Finding[] {
  return decide(findings, policy, { hasBase }).blocking;
}

export type { RouteMode };
