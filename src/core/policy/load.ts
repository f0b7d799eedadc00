import { Ajv, type ErrorObject } from "ajv";
import type { SourceDiagnostic } from "../source/load.js";
import { parseYamlText } from "../source/load.js";
import { identityMapper, type LocatedDocument } from "../source/yaml-document.js";
import { closest } from "../util/suggest.js";
import { isObject } from "../model/values.js";
import { defaultPolicy, POLICY_PATH, WATCH_SCHEDULES, type EmissaryKey, type Policy, type PolicyEnvironment, type RouteSelector, type WatchSchedule } from "./policy.js";
import { POLICY_SCHEMA } from "./schema.js";
import { RULES_BY_ID } from "../rules/index.js";

export interface LoadedPolicy {
  policy: Policy;
  diagnostics: SourceDiagnostic[];
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(POLICY_SCHEMA);

/**
 * Reads the policy file. A broken file never stops the analysis: each bad key or value is a `policy-invalid`
 * finding on its line, and the default stands in for it.
 */
export function loadPolicy(text: string | undefined, path: string = POLICY_PATH): LoadedPolicy {
  const policy = defaultPolicy();
  if (text === undefined) return { policy, diagnostics: [] };
  const parsed = parseYamlText(text, path, identityMapper);
  const diagnostics: SourceDiagnostic[] = parsed.diagnostics.map((d) => ({ ...d, kind: "policy-invalid", data: { path: "(file)", problem: `invalid YAML: ${String(d.data.problem)}`, suggestion: null } }));
  const doc = parsed.documents[0];
  if (!doc || doc.value === null || doc.value === undefined) return { policy, diagnostics };
  if (!isObject(doc.value)) {
    diagnostics.push(problem(doc, path, [], "the policy must be a mapping of keys", null));
    return { policy, diagnostics };
  }
  const value = structuredClone(doc.value) as Record<string, unknown>;
  const invalidPaths: (string | number)[][] = [];
  if (!validate(value)) {
    for (const error of validate.errors ?? []) {
      const at = pointerToPath(error.instancePath);
      const described = describe(error, at);
      if (!described) continue;
      invalidPaths.push(described.removePath);
      diagnostics.push(problem(doc, path, described.locatePath, described.message, described.suggestion));
    }
    for (const bad of invalidPaths.sort((a, b) => b.length - a.length)) removeAt(value, bad);
  }
  if (isObject(value.rules)) {
    for (const ruleId of Object.keys(value.rules)) {
      if (RULES_BY_ID.has(ruleId)) continue;
      diagnostics.push(problem(doc, path, ["rules", ruleId], `unknown rule "${ruleId}"`, closest(ruleId, RULES_BY_ID.keys()) ?? null));
      delete (value.rules as Record<string, unknown>)[ruleId];
    }
  }
  merge(policy, value);
  policy.render.environments = renderEnvironments(doc, path, invalidPaths, diagnostics);
  return { policy, diagnostics: dedupe(diagnostics) };
}

function problem(doc: LocatedDocument, file: string, path: (string | number)[], message: string, suggestion: string | null): SourceDiagnostic {
  return {
    kind: "policy-invalid",
    location: { file, ...doc.locate(path) },
    resource: null,
    data: { path: path.join(".") || "(root)", problem: message, suggestion },
  };
}

function pointerToPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function describe(error: ErrorObject, at: (string | number)[]) {
  if (error.keyword === "additionalProperties") {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const known = Object.keys(schemaAt(at)?.properties ?? {});
    return { locatePath: [...at, key], removePath: [...at, key], message: `unknown key "${key}"`, suggestion: closest(key, known) ?? null };
  }
  if (error.keyword === "if") return undefined;
  const allowed = error.keyword === "enum" ? ` (allowed: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")})` : "";
  return { locatePath: at, removePath: at, message: `${error.message ?? "invalid value"}${allowed}`, suggestion: null };
}

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
}

function schemaAt(path: (string | number)[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = POLICY_SCHEMA as SchemaNode;
  for (const segment of path) {
    if (!node) return undefined;
    const next: SchemaNode | boolean | undefined =
      typeof segment === "number" ? node.items : (node.properties?.[String(segment)] ?? node.additionalProperties);
    node = typeof next === "object" ? next : undefined;
  }
  return node;
}

function removeAt(target: Record<string, unknown>, path: (string | number)[]): void {
  if (path.length === 0) {
    for (const key of Object.keys(target)) delete target[key];
    return;
  }
  let node: unknown = target;
  for (const segment of path.slice(0, -1)) {
    if (!isObject(node) && !Array.isArray(node)) return;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
  else if (isObject(node)) delete (node as Record<string, unknown>)[String(last)];
}

function selector(into: RouteSelector, value: unknown): void {
  if (!isObject(value)) return;
  if (Array.isArray(value.namespaces)) into.namespaces = value.namespaces.map(String);
  if (Array.isArray(value.prefixes)) into.prefixes = value.prefixes.map(String);
  if (Array.isArray(value.services)) into.services = value.services.map(String);
}

/** Copies the validated keys over the defaults. */
function merge(policy: Policy, value: Record<string, unknown>): void {
  if (isObject(value.commands)) {
    const accept = value.commands.acceptErrors;
    if (accept === "write" || accept === "maintain" || accept === "admin") policy.commands.acceptErrors = accept;
  }
  if (isObject(value.suppressions)) {
    const added = value.suppressions.newInPullRequest;
    if (added === "require-accept" || added === "allow") policy.suppressions.newInPullRequest = added;
  }
  if (isObject(value.coverage) && typeof value.coverage.failOnSkipped === "boolean") {
    policy.coverage.failOnSkipped = value.coverage.failOnSkipped;
  }
  if (isObject(value.render) && typeof value.render.enabled === "boolean") policy.render.enabled = value.render.enabled;
  if (isObject(value.watch) && (WATCH_SCHEDULES as readonly unknown[]).includes(value.watch.schedule))
    policy.watch.schedule = value.watch.schedule as WatchSchedule;
  if (isObject(value.dashboard) && typeof value.dashboard.enabled === "boolean")
    policy.dashboard.enabled = value.dashboard.enabled;
  if (value.failOn === "error" || value.failOn === "warning") policy.failOn = value.failOn;
  if (value.scope === "introduced" || value.scope === "all") policy.scope = value.scope;
  if (isObject(value.paths)) {
    if (Array.isArray(value.paths.include)) policy.paths.include = value.paths.include.map(String);
    if (Array.isArray(value.paths.exclude)) policy.paths.exclude = value.paths.exclude.map(String);
  }
  if (isObject(value.emissary)) {
    // Which keys the file sets: the others are inferred from the repository (model/installation.ts).
    const declared: EmissaryKey[] = [];
    if (typeof value.emissary.namespace === "string") {
      policy.emissary.namespace = value.emissary.namespace;
      declared.push("namespace");
    }
    if (typeof value.emissary.ambassadorId === "string") {
      policy.emissary.ambassadorId = value.emissary.ambassadorId;
      declared.push("ambassadorId");
    }
    const integrations = value.emissary.integrations;
    if (isObject(integrations)) {
      if (typeof integrations.istio === "boolean") {
        policy.emissary.integrations.istio = integrations.istio;
        declared.push("istio");
      }
      if (typeof integrations.consul === "boolean") {
        policy.emissary.integrations.consul = integrations.consul;
        declared.push("consul");
      }
    }
    policy.emissary.declared = declared;
  }
  if (typeof value.defaultNamespace === "string") policy.defaultNamespace = value.defaultNamespace;
  if (Array.isArray(value.externalSecrets)) policy.externalSecrets = value.externalSecrets.map(String);
  if (isObject(value.require)) {
    selector(policy.require.mtls, value.require.mtls);
    selector(policy.require.verifiedUpstream, value.require.verifiedUpstream);
  }
  if (isObject(value.rules)) {
    for (const [rule, setting] of Object.entries(value.rules)) {
      if (setting === "error" || setting === "warning" || setting === "notice" || setting === "off") policy.rules[rule] = setting;
      else if (setting === false) policy.rules[rule] = "off";
    }
  }
  if (isObject(value.certificates)) {
    const certificates = policy.certificates;
    for (const key of ["expiryWarningDays", "minRsaBits", "preferredRsaBits", "minEcBits"] as const) {
      const item = value.certificates[key];
      if (typeof item === "number") certificates[key] = item;
    }
  }
}

/**
 * `render.environments`, after the schema: what the schema cannot say (exactly one of `kustomize` and `helm`, unique
 * names, paths inside the repository) is checked here; an entry with such a problem is dropped with a finding on its line.
 */
function renderEnvironments(doc: LocatedDocument, file: string, invalidPaths: readonly (string | number)[][], diagnostics: SourceDiagnostic[]): PolicyEnvironment[] {
  // Read from the file as written (entries with a schema error removed would shift the indexes, and so the lines).
  const render = isObject(doc.value) ? doc.value.render : undefined;
  const list = isObject(render) && Array.isArray(render.environments) ? render.environments : [];
  const invalid = (index: number) =>
    invalidPaths.some((p) => p[0] === "render" && (p.length === 1 || (p[1] === "environments" && (p.length === 2 || p[2] === index))));
  const result: PolicyEnvironment[] = [];
  const names = new Set<string>();
  list.forEach((item: unknown, index) => {
    // An entry with a schema error is already reported on its line; half of it is not an environment.
    if (!isObject(item) || typeof item.name !== "string" || invalid(index)) return;
    const at = ["render", "environments", index];
    const fail = (key: string | undefined, message: string) => diagnostics.push(problem(doc, file, key ? [...at, key] : at, message, null));
    const helm = isObject(item.helm) ? item.helm : undefined;
    const kustomize = typeof item.kustomize === "string" ? item.kustomize : undefined;
    if ((kustomize === undefined) === (helm === undefined)) {
      fail(undefined, `environment "${item.name}" must name exactly one of kustomize (a directory) and helm (a chart)`);
      return;
    }
    if (names.has(item.name)) {
      fail("name", `environment name "${item.name}" is used twice`);
      return;
    }
    const values = helm === undefined ? [] : typeof helm.values === "string" ? [helm.values] : Array.isArray(helm.values) ? helm.values.map(String) : [];
    const paths = Array.isArray(item.paths) ? item.paths.map(String) : undefined;
    const outside = [kustomize, typeof helm?.chart === "string" ? helm.chart : undefined, ...values].find((p) => p !== undefined && !insideRepository(p));
    if (outside !== undefined) {
      fail(kustomize !== undefined ? "kustomize" : "helm", `environment "${item.name}": "${outside}" is not a path inside the repository`);
      return;
    }
    names.add(item.name);
    const environment: PolicyEnvironment = { name: item.name, line: doc.locate(at).line };
    if (kustomize !== undefined) environment.kustomize = normalizePath(kustomize);
    if (helm !== undefined) {
      environment.helm = { chart: normalizePath(String(helm.chart)), values: values.map(normalizePath) };
      if (typeof helm.namespace === "string") environment.helm.namespace = helm.namespace;
      if (typeof helm.releaseName === "string") environment.helm.releaseName = helm.releaseName;
    }
    if (paths !== undefined) environment.paths = paths;
    result.push(environment);
  });
  return result;
}

/** A relative path that stays inside the repository (no leading `/`, no `..` segment, no URL). */
function insideRepository(path: string): boolean {
  return !path.startsWith("/") && !/^[a-z][a-z0-9+.-]*:/i.test(path) && !path.split("/").includes("..");
}

/** `./overlays/prod/` -> `overlays/prod`; `.` -> `` (the repository root). */
function normalizePath(path: string): string {
  return path
    .split("/")
    .filter((segment) => segment !== "" && segment !== ".")
    .join("/");
}

function dedupe(diagnostics: SourceDiagnostic[]): SourceDiagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.location.line}:${String(d.data.problem)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
