/**
 * GitHub's published OpenAPI description (@octokit/openapi), read once per process: matching request paths to its
 * path templates, and validating requests (and, for the fake's own tests, responses) against it. Schemas are compiled
 * lazily, only for the operations actually hit, and cached.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Json;
  "x-multi-segment"?: boolean;
}

export interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> } | { $ref: string };
  responses?: Record<string, Json>;
  externalDocs?: { url?: string };
}

interface Spec {
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
}

interface Segment {
  literal?: string;
  param?: string;
  multi?: boolean;
}

interface Template {
  template: string;
  segments: Segment[];
  literals: number;
  multis: number;
}

export interface PathMatch {
  /** The OpenAPI path template, e.g. "/repos/{owner}/{repo}/check-runs/{check_run_id}". */
  template: string;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

let spec: Spec | undefined;
let templates: Template[] | undefined;
const warnings: string[] = [];

function loadSpec(): Spec {
  if (!spec) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/openapi/generated/api.github.com.json");
    spec = JSON.parse(readFileSync(file, "utf8")) as Spec;
  }
  return spec;
}

/** Problems met while compiling GitHub's schemas (skipped or simplified ones); empty when every schema compiled as is. */
export function schemaWarnings(): readonly string[] {
  return warnings;
}

function warn(message: string): void {
  if (!warnings.includes(message)) warnings.push(message);
}

function resolveRef<T>(value: T | { $ref: string }): T {
  let current: unknown = value;
  for (let depth = 0; depth < 10 && isRef(current); depth++) {
    const match = /^#\/components\/([^/]+)\/(.+)$/.exec(current.$ref);
    if (!match) throw new Error(`fake-github: unsupported $ref ${current.$ref}`);
    current = loadSpec().components[match[1] as string]?.[match[2] as string];
  }
  return current as T;
}

function isRef(value: unknown): value is { $ref: string } {
  return typeof value === "object" && value !== null && typeof (value as { $ref?: unknown }).$ref === "string";
}

function operationsOf(template: string): Record<string, Operation> {
  const item = loadSpec().paths[template] ?? {};
  const out: Record<string, Operation> = {};
  for (const [method, op] of Object.entries(item)) if (HTTP_METHODS.includes(method)) out[method] = op as Operation;
  return out;
}

export function parametersOf(template: string, method: string): Parameter[] {
  const item = loadSpec().paths[template] ?? {};
  const shared = (item.parameters as (Parameter | { $ref: string })[] | undefined) ?? [];
  const own = operationsOf(template)[method.toLowerCase()]?.parameters ?? [];
  const byKey = new Map<string, Parameter>();
  for (const raw of [...shared, ...own]) {
    const p = resolveRef<Parameter>(raw);
    byKey.set(`${p.in}:${p.name}`, p);
  }
  return [...byKey.values()];
}

function allTemplates(): Template[] {
  if (!templates) {
    templates = Object.keys(loadSpec().paths).map((template) => {
      const multi = new Set<string>();
      for (const method of Object.keys(operationsOf(template))) {
        for (const p of parametersOf(template, method)) if (p.in === "path" && p["x-multi-segment"]) multi.add(p.name);
      }
      const segments: Segment[] = template
        .split("/")
        .slice(1)
        .map((part) => {
          const m = /^\{([^}]+)\}$/.exec(part);
          return m ? { param: m[1] as string, multi: multi.has(m[1] as string) } : { literal: part };
        });
      return {
        template,
        segments,
        literals: segments.filter((s) => s.literal !== undefined).length,
        multis: segments.filter((s) => s.multi).length,
      };
    });
  }
  return templates;
}

function matchSegments(segments: Segment[], parts: string[], params: Record<string, string>): boolean {
  const [head, ...rest] = segments;
  if (!head) return parts.length === 0;
  if (parts.length === 0) return false;
  if (head.literal !== undefined) {
    return parts[0]?.toLowerCase() === head.literal.toLowerCase() && matchSegments(rest, parts.slice(1), params);
  }
  const name = head.param as string;
  const maxTake = head.multi ? parts.length - rest.filter((s) => !s.multi).length : 1;
  for (let take = maxTake; take >= 1; take--) {
    const value = parts.slice(0, take);
    if (value.some((v) => v === "")) continue;
    if (matchSegments(rest, parts.slice(take), params)) {
      params[name] = value.join("/");
      return true;
    }
  }
  return false;
}

/**
 * The most specific OpenAPI path template matching a request path (split on "/" and then percent-decoded, so an
 * encoded "/" stays inside its parameter). Literal segments win over parameters ("/pulls/comments" is not a pull
 * request number). Null when GitHub has no such path.
 */
export function matchPath(rawPath: string, method?: string): PathMatch | null {
  const parts = rawPath.split("/").slice(1).map(decodeSegment);
  let best: { template: Template; params: Record<string, string> } | null = null;
  for (const template of allTemplates()) {
    if (method && !operationsOf(template.template)[method.toLowerCase()]) continue;
    const params: Record<string, string> = {};
    if (!matchSegments(template.segments, parts, params)) continue;
    if (
      !best ||
      template.literals > best.template.literals ||
      (template.literals === best.template.literals && template.multis < best.template.multis)
    ) {
      best = { template, params };
    }
  }
  return best ? { template: best.template.template, params: best.params } : null;
}

export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Every operation of the description, as template and lower-case method. */
export function allOperations(): { template: string; method: string }[] {
  return Object.keys(loadSpec().paths).flatMap((template) => Object.keys(operationsOf(template)).map((method) => ({ template, method })));
}

export function operation(template: string, method: string): Operation | undefined {
  return operationsOf(template)[method.toLowerCase()];
}

// ---------------------------------------------------------------------------------------------------------------------
// Schema compilation

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

function newAjv(coerceTypes: boolean): Ajv {
  return new Ajv({
    strict: false,
    allErrors: true,
    coerceTypes,
    logger: { log: () => undefined, warn: (...args: unknown[]) => warn(args.map(String).join(" ")), error: (...args: unknown[]) => warn(args.map(String).join(" ")) },
    formats: {
      "date-time": { type: "string", validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)) },
      date: /^\d{4}-\d{2}-\d{2}$/,
      uri: { type: "string", validate: (s: string) => URL.canParse(s) },
      email: /^[^\s@]+@[^\s@]+$/,
      "uri-template": true,
      binary: true,
      "repo.nwo": true,
      int32: { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
      int64: { type: "number", validate: (n: number) => Number.isInteger(n) },
      double: { type: "number", validate: () => true },
    },
  });
}

const bodyAjv = newAjv(false);
const paramAjv = newAjv(true);

/** A schema made self-contained: the components it references (transitively) are copied in, under their own paths. */
function selfContained(schema: unknown): Json {
  const components: Record<string, Record<string, unknown>> = {};
  const visit = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === "string") {
      const m = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
      if (m) {
        const kind = m[1] as string;
        const name = m[2] as string;
        const bucket = (components[kind] ??= {});
        if (!(name in bucket)) {
          const target = loadSpec().components[kind]?.[name];
          bucket[name] = target;
          visit(target);
        }
      }
    }
    for (const value of Object.values(node)) visit(value);
  };
  visit(schema);
  // allOf: the operation's schema may itself be a bare $ref, whose siblings JSON Schema draft 7 would ignore.
  return { allOf: [schema], components };
}

/**
 * OpenAPI 3.0 schemas as JSON Schema says them: `nullable` admits null even where an `enum` lists the values (Ajv would
 * still refuse null there), and `nullable` without `type` (which Ajv refuses to compile) becomes "anyOf [..., null]".
 */
function fromOpenApi(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fromOpenApi);
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === "enum" || key === "example" || key === "examples" ? value : fromOpenApi(value);
  if (out.nullable !== true) return out;
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  if (out.type === undefined && out.$ref === undefined) {
    delete out.nullable;
    return { anyOf: [out, { type: "null" }] };
  }
  return out;
}

const compiled = new Map<string, ValidateFunction | null>();

function compile(ajv: Ajv, key: string, schema: unknown): ValidateFunction | null {
  if (compiled.has(key)) return compiled.get(key) ?? null;
  let fn: ValidateFunction | null = null;
  try {
    fn = ajv.compile(fromOpenApi(selfContained(schema)) as Json);
  } catch (error) {
    warn(`${key}: schema does not compile, not validated (${(error as Error).message})`);
  }
  compiled.set(key, fn);
  return fn;
}

/** Ajv's errors as lines; the failed branches of an anyOf/oneOf are folded into the line about it. */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined, root: string): string[] {
  const all = errors ?? [];
  const describe = (e: ErrorObject) => {
    let detail = e.message ?? "is invalid";
    if (e.keyword === "enum") detail += ` (${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(", ")})`;
    if (e.keyword === "additionalProperties") detail += ` (${String((e.params as { additionalProperty: unknown }).additionalProperty)})`;
    return `${root}${e.instancePath} ${detail}`;
  };
  const combos = all.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf");
  const outermost = (e: ErrorObject) => combos.find((c) => c !== e && e.schemaPath.startsWith(`${c.schemaPath}/`));
  const branches = new Map<ErrorObject, string[]>();
  for (const e of all) {
    const parent = outermost(e);
    if (parent) branches.set(parent, [...(branches.get(parent) ?? []), describe(e)]);
  }
  const lines = new Set<string>();
  for (const e of all) {
    if (outermost(e)) continue;
    const folded = branches.get(e);
    lines.add(folded ? `${describe(e)} (${[...new Set(folded)].join("; ")})` : describe(e));
  }
  return [...lines];
}

export interface RequestProblems {
  /** What the OpenAPI description does not allow (each without method and path). */
  problems: string[];
  /** The body does not match the requestBody schema: GitHub rejects such requests with 422 "Invalid request.". */
  invalidBody: string[];
}

/** Checks a request against its operation: query parameter names, required parameters, parameter values, body. */
export function validateRequest(
  template: string,
  method: string,
  params: Record<string, string>,
  query: Record<string, string>,
  body: unknown,
  hasBody: boolean,
): RequestProblems {
  const op = operation(template, method);
  if (!op) return { problems: [`unknown endpoint: GitHub's OpenAPI description has no ${method.toUpperCase()} ${template}`], invalidBody: [] };
  const problems: string[] = [];
  const declared = parametersOf(template, method);
  const queryParams = declared.filter((p) => p.in === "query");
  for (const name of Object.keys(query)) {
    if (!queryParams.some((p) => p.name === name)) problems.push(`unknown query parameter "${name}"`);
  }
  for (const p of declared) {
    if (!p.required) continue;
    if (p.in === "query" && !(p.name in query)) problems.push(`missing required query parameter "${p.name}"`);
  }
  const values: Record<string, string> = {};
  const properties: Record<string, unknown> = {};
  for (const p of declared) {
    if (p.in !== "query" && p.in !== "path") continue;
    if (!p.schema) continue;
    // Every declared parameter is in the (cached) schema, whether this request has it or not.
    properties[`${p.in}.${p.name}`] = p.schema;
    const value = p.in === "query" ? query[p.name] : params[p.name];
    if (value !== undefined) values[`${p.in}.${p.name}`] = value;
  }
  const paramKey = `params ${method.toUpperCase()} ${template}`;
  const validateParams = compile(paramAjv, paramKey, { type: "object", properties });
  if (validateParams && !validateParams({ ...values })) {
    for (const line of formatAjvErrors(validateParams.errors, "")) problems.push(`parameter ${line.replace(/^\//, "")}`);
  }

  const invalidBody: string[] = [];
  const requestBody = op.requestBody ? resolveRef(op.requestBody) : undefined;
  const schema = requestBody?.content?.["application/json"]?.schema;
  if (!hasBody) {
    if (requestBody?.required) problems.push("missing request body");
  } else if (!requestBody) {
    if (!(typeof body === "object" && body !== null && Object.keys(body).length === 0)) problems.push("request body sent to an operation that takes none");
  } else if (schema) {
    const validateBody = compile(bodyAjv, `body ${method.toUpperCase()} ${template}`, schema);
    if (validateBody && !validateBody(body)) invalidBody.push(...formatAjvErrors(validateBody.errors, "body"));
    // GitHub ignores properties its schema does not name, but a misspelt one is a bug in the caller: flag it.
    const top = resolveRef(schema) as Json;
    if (top.type === "object" && typeof top.properties === "object" && top.additionalProperties === undefined && typeof body === "object" && body !== null) {
      for (const key of Object.keys(body)) {
        if (!(key in (top.properties as Json))) problems.push(`body property "${key}" is not in the requestBody schema`);
      }
    }
  }
  return { problems: [...problems, ...invalidBody.map((p) => `request ${p}`)], invalidBody };
}

/** Checks a response body against the operation's documented response schema (used by the fake's own tests). */
export function validateResponse(template: string, method: string, status: number, body: unknown): string[] {
  const op = operation(template, method);
  if (!op) return [`no operation ${method.toUpperCase()} ${template}`];
  const response = op.responses?.[String(status)];
  if (!response) return [`${method.toUpperCase()} ${template} documents no ${status} response`];
  const content = (resolveRef(response) as { content?: Record<string, { schema?: unknown }> }).content;
  const schema = content?.["application/json"]?.schema;
  if (!schema) return [];
  const validate = compile(bodyAjv, `response ${status} ${method.toUpperCase()} ${template}`, schema);
  if (!validate) return [`response schema of ${method.toUpperCase()} ${template} does not compile`];
  return validate(body) ? [] : formatAjvErrors(validate.errors, "response");
}
