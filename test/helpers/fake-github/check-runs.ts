/** The Checks API: check runs, their annotations, and GitHub's rules about both. */
import {
  intParam,
  json,
  notFound,
  paginate,
  repoOf,
  route,
  unprocessable,
  validationFailed,
  type Ctx,
  type FieldError,
  type Route,
} from "./http.js";
import { annotationObject, checkRunObject } from "./objects.js";
import type { FakeRepoImpl } from "./repo.js";
import type { StoredCheckRun } from "./types.js";

export const MAX_ANNOTATIONS_PER_REQUEST = 50;
export const MAX_OUTPUT_CHARS = 65535;
export const MAX_ANNOTATION_TITLE_CHARS = 255;
export const MAX_ANNOTATION_TEXT_BYTES = 64 * 1024;
export const MAX_ACTIONS = 3;
const ANNOTATION_LEVELS = ["notice", "warning", "failure"];
const CONCLUSIONS = ["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"];
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Characters as GitHub counts them (code points, not UTF-16 units). */
function chars(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function bodyOf(ctx: Ctx): Obj {
  return isObject(ctx.body) ? ctx.body : {};
}

/** GitHub's rules for a create (POST) or update (PATCH) body, beyond what its JSON schema says. */
function checkRunRules(ctx: Ctx, create: boolean): void {
  // An unknown repository or check run is a 404 before anything about the body.
  const repo = repoOf(ctx);
  if (!create) findRun(ctx, repo);
  const body = bodyOf(ctx);
  const errors: FieldError[] = [];
  const fail = (field: string, code: string, message: string) => errors.push({ resource: "CheckRun", field, code, message });

  if (create) {
    if (typeof body.name !== "string" || body.name.trim() === "") fail("name", "missing_field", "name wasn't supplied");
    if (typeof body.head_sha !== "string" || body.head_sha === "") fail("head_sha", "missing_field", "head_sha wasn't supplied");
  } else if ("name" in body && (typeof body.name !== "string" || body.name.trim() === "")) {
    fail("name", "invalid", "name can't be blank");
  }
  const statuses = create ? ["queued", "in_progress", "completed"] : ["queued", "in_progress", "completed", "waiting", "requested", "pending"];
  if (body.status !== undefined && !statuses.includes(body.status as string)) fail("status", "invalid", `status must be one of ${statuses.join(", ")}`);
  if (body.conclusion !== undefined && !CONCLUSIONS.includes(body.conclusion as string)) {
    fail("conclusion", "invalid", `conclusion must be one of ${CONCLUSIONS.join(", ")}`);
  }
  if (body.conclusion === "stale") fail("conclusion", "invalid", "only GitHub can set a conclusion of stale");
  if ((body.status === "completed" || body.completed_at !== undefined) && body.conclusion === undefined) {
    fail("conclusion", "missing_field", "conclusion is required when status is completed or completed_at is given");
  }
  for (const field of ["started_at", "completed_at"]) {
    const value = body[field];
    if (value !== undefined && (typeof value !== "string" || !DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
      fail(field, "invalid", `${field} must be an ISO 8601 timestamp (YYYY-MM-DDTHH:MM:SSZ)`);
    }
  }
  for (const field of ["details_url", "external_id"]) {
    if (body[field] !== undefined && typeof body[field] !== "string") fail(field, "invalid", `${field} must be a string`);
  }

  if (body.output !== undefined) {
    const output = body.output;
    if (!isObject(output)) {
      fail("output", "invalid", "output must be an object");
    } else {
      if (typeof output.title !== "string") fail("output.title", "missing_field", "output.title is required");
      if (typeof output.summary !== "string") fail("output.summary", "missing_field", "output.summary is required");
      for (const field of ["summary", "text"]) {
        const value = output[field];
        if (value !== undefined && typeof value !== "string") fail(`output.${field}`, "invalid", `output.${field} must be a string`);
        if (typeof value === "string" && chars(value) > MAX_OUTPUT_CHARS) {
          fail(`output.${field}`, "too_long", `output.${field} is too long (maximum is ${MAX_OUTPUT_CHARS} characters)`);
        }
      }
      if (output.annotations !== undefined) annotationRules(output.annotations, fail);
    }
  }

  if (body.actions !== undefined) {
    if (!Array.isArray(body.actions)) {
      fail("actions", "invalid", "actions must be an array");
    } else {
      if (body.actions.length > MAX_ACTIONS) fail("actions", "too_many", `Only ${MAX_ACTIONS} actions are allowed per request`);
      body.actions.forEach((action: unknown, i) => {
        const limits: [string, number][] = [
          ["label", 20],
          ["description", 40],
          ["identifier", 20],
        ];
        for (const [key, max] of limits) {
          const value = isObject(action) ? action[key] : undefined;
          if (typeof value !== "string") fail(`actions[${i}].${key}`, "missing_field", `actions[${i}].${key} is required`);
          else if (chars(value) > max) fail(`actions[${i}].${key}`, "too_long", `actions[${i}].${key} is too long (maximum is ${max} characters)`);
        }
      });
    }
  }
  if (errors.length > 0) throw validationFailed(ctx, errors);
}

function annotationRules(annotations: unknown, fail: (field: string, code: string, message: string) => void): void {
  if (!Array.isArray(annotations)) {
    fail("output.annotations", "invalid", "output.annotations must be an array");
    return;
  }
  if (annotations.length > MAX_ANNOTATIONS_PER_REQUEST) {
    fail("output.annotations", "too_many", `Only ${MAX_ANNOTATIONS_PER_REQUEST} annotations are allowed per request`);
    return;
  }
  annotations.forEach((annotation: unknown, i) => {
    const at = `output.annotations[${i}]`;
    if (!isObject(annotation)) {
      fail(at, "invalid", `${at} must be an object`);
      return;
    }
    if (typeof annotation.path !== "string" || annotation.path === "") fail(`${at}.path`, "missing_field", `${at}.path is required`);
    for (const key of ["start_line", "end_line"]) {
      const value = annotation[key];
      if (value === undefined) fail(`${at}.${key}`, "missing_field", `${at}.${key} is required`);
      else if (!Number.isInteger(value) || (value as number) < 1) fail(`${at}.${key}`, "invalid", `${at}.${key} must be a line number (from 1)`);
    }
    const start = annotation.start_line as number;
    const end = annotation.end_line as number;
    if (Number.isInteger(start) && Number.isInteger(end) && end < start) fail(`${at}.end_line`, "invalid", `${at}.end_line is before start_line`);
    for (const key of ["start_column", "end_column"]) {
      const value = annotation[key];
      if (value === undefined) continue;
      if (!Number.isInteger(value) || (value as number) < 1) fail(`${at}.${key}`, "invalid", `${at}.${key} must be a column number (from 1)`);
      if (start !== end) {
        fail(`${at}.${key}`, "invalid", `${at}.${key}: start_column and end_column are only allowed when start_line equals end_line`);
      }
    }
    if (annotation.annotation_level === undefined) fail(`${at}.annotation_level`, "missing_field", `${at}.annotation_level is required`);
    else if (!ANNOTATION_LEVELS.includes(annotation.annotation_level as string)) {
      fail(`${at}.annotation_level`, "invalid", `${at}.annotation_level must be one of ${ANNOTATION_LEVELS.join(", ")}`);
    }
    if (typeof annotation.message !== "string" || annotation.message === "") fail(`${at}.message`, "missing_field", `${at}.message is required`);
    if (annotation.title !== undefined) {
      if (typeof annotation.title !== "string") fail(`${at}.title`, "invalid", `${at}.title must be a string`);
      else if (chars(annotation.title) > MAX_ANNOTATION_TITLE_CHARS) {
        fail(`${at}.title`, "too_long", `${at}.title is too long (maximum is ${MAX_ANNOTATION_TITLE_CHARS} characters)`);
      }
    }
    for (const key of ["message", "raw_details"]) {
      const value = annotation[key];
      if (key === "raw_details" && value !== undefined && typeof value !== "string") fail(`${at}.${key}`, "invalid", `${at}.${key} must be a string`);
      if (typeof value === "string" && Buffer.byteLength(value) > MAX_ANNOTATION_TEXT_BYTES) {
        fail(`${at}.${key}`, "too_long", `${at}.${key} is too long (maximum is 64 KB)`);
      }
    }
  });
}

const suites = new WeakMap<FakeRepoImpl, Map<string, number>>();

function suiteId(ctx: Ctx, repo: FakeRepoImpl, headSha: string): number {
  let byHead = suites.get(repo);
  if (!byHead) {
    byHead = new Map();
    suites.set(repo, byHead);
  }
  let id = byHead.get(headSha);
  if (id === undefined) {
    id = ctx.fake.nextId("checkSuite");
    byHead.set(headSha, id);
  }
  return id;
}

function render(ctx: Ctx, repo: FakeRepoImpl, run: StoredCheckRun): Obj {
  return checkRunObject(ctx.fake, repo, run, suiteId(ctx, repo, run.head_sha));
}

function findRun(ctx: Ctx, repo: FakeRepoImpl): StoredCheckRun {
  const id = intParam(ctx, "check_run_id");
  const run = repo.checkRuns.find((r) => r.id === id);
  if (!run) throw notFound(ctx);
  return run;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function applyOutput(run: StoredCheckRun, output: unknown): void {
  if (!isObject(output)) return;
  if (typeof output.title === "string") run.output.title = output.title;
  if (typeof output.summary === "string") run.output.summary = output.summary;
  if (typeof output.text === "string") run.output.text = output.text;
  if (Array.isArray(output.annotations)) run.annotations.push(...(clone(output.annotations) as Obj[]));
}

function create(ctx: Ctx) {
  const repo = repoOf(ctx);
  const body = bodyOf(ctx);
  const headSha = String(body.head_sha);
  if (repo.store.get(headSha)?.type !== "commit") throw unprocessable(ctx, `No commit found for SHA: ${headSha}`);
  const now = ctx.fake.now();
  const conclusion = typeof body.conclusion === "string" ? body.conclusion : null;
  const status = conclusion !== null ? "completed" : typeof body.status === "string" ? body.status : "queued";
  const run: StoredCheckRun = {
    id: ctx.fake.nextId("checkRun"),
    name: String(body.name),
    head_sha: headSha,
    status,
    conclusion,
    external_id: typeof body.external_id === "string" ? body.external_id : null,
    details_url: typeof body.details_url === "string" ? body.details_url : null,
    output: { title: null, summary: null, text: null },
    annotations: [],
    actions: Array.isArray(body.actions) ? (clone(body.actions) as Obj[]) : [],
    started_at: typeof body.started_at === "string" ? body.started_at : now,
    completed_at: status === "completed" ? (typeof body.completed_at === "string" ? body.completed_at : now) : null,
    updates: 0,
  };
  applyOutput(run, body.output);
  repo.checkRuns.push(run);
  return json(201, render(ctx, repo, run));
}

function update(ctx: Ctx) {
  const repo = repoOf(ctx);
  const run = findRun(ctx, repo);
  const body = bodyOf(ctx);
  if (typeof body.name === "string") run.name = body.name;
  if (typeof body.details_url === "string") run.details_url = body.details_url;
  if (typeof body.external_id === "string") run.external_id = body.external_id;
  if (typeof body.started_at === "string") run.started_at = body.started_at;
  if (typeof body.conclusion === "string") {
    run.status = "completed";
    run.conclusion = body.conclusion;
    run.completed_at = typeof body.completed_at === "string" ? body.completed_at : ctx.fake.now();
  } else if (typeof body.status === "string") {
    run.status = body.status;
    run.conclusion = null;
    run.completed_at = null;
  }
  applyOutput(run, body.output);
  if (Array.isArray(body.actions)) run.actions = clone(body.actions) as Obj[];
  run.updates++;
  return json(200, render(ctx, repo, run));
}

function get(ctx: Ctx) {
  const repo = repoOf(ctx);
  return json(200, render(ctx, repo, findRun(ctx, repo)));
}

function listAnnotations(ctx: Ctx) {
  const repo = repoOf(ctx);
  const run = findRun(ctx, repo);
  const page = paginate(
    ctx,
    run.annotations.map((a) => annotationObject(repo, run, a)),
  );
  return json(200, page.items, page.headers);
}

function listForRef(ctx: Ctx) {
  const repo = repoOf(ctx);
  const ref = ctx.params.ref ?? "";
  const sha = repo.resolveCommit(ref);
  if (!sha) throw unprocessable(ctx, `No commit found for SHA: ${ref}`);
  let runs = repo.checkRuns.filter((r) => r.head_sha === sha).sort((a, b) => b.id - a.id);
  if (ctx.query.check_name !== undefined) runs = runs.filter((r) => r.name === ctx.query.check_name);
  if (ctx.query.status !== undefined) runs = runs.filter((r) => r.status === ctx.query.status);
  if (ctx.query.app_id !== undefined && Number(ctx.query.app_id) !== ctx.fake.appId) runs = [];
  if ((ctx.query.filter ?? "latest") === "latest") {
    // Newest first, so the first run of each name is its latest.
    const seen = new Set<string>();
    runs = runs.filter((r) => {
      if (seen.has(r.name)) return false;
      seen.add(r.name);
      return true;
    });
  }
  const page = paginate(ctx, runs);
  return json(200, { total_count: runs.length, check_runs: page.items.map((r) => render(ctx, repo, r)) }, page.headers);
}

export const checkRunRoutes: Route[] = [
  route("POST", "/repos/{owner}/{repo}/check-runs", create, (ctx) => checkRunRules(ctx, true)),
  route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}", get),
  route("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}", update, (ctx) => checkRunRules(ctx, false)),
  route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", listAnnotations),
  route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs", listForRef),
];
