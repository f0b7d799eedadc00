/** The HTTP server: records and validates every request, injects failures, dispatches to the route table. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { HttpError, errorBody, invalidRequest, type Ctx, type FakeState, type ManifestConversion, type Reply } from "./http.js";
import { decodeSegment, matchPath, operation, validateRequest } from "./openapi.js";
import { FakeRepoImpl } from "./repo.js";
import { CODELOAD_PREFIX, CODELOAD_TEMPLATE, findRoute } from "./routes.js";
import type { FakeGitHub, FakeGitHubOptions, FakeRepo, RecordedRequest } from "./types.js";

const DEFAULT_DOCS = "https://docs.github.com/rest";
const GHES_PREFIX = "/api/v3";
const RATE_LIMIT = 5000;
const ACCESS_TOKEN_PATH = /^\/app\/installations\/[^/]+\/access_tokens$/;

interface Failure {
  method?: string;
  path: RegExp;
  status: number;
  remaining: number;
}

interface Delay {
  method?: string;
  path: RegExp;
  ms: number;
  remaining: number;
}

const ID_BASES: Record<Parameters<FakeState["nextId"]>[0], number> = {
  repo: 100_000,
  pull: 900_000_000,
  comment: 2_000_000_000,
  reaction: 300_000_000,
  // Check run ids are past 2^32 on github.com nowadays.
  checkRun: 20_000_000_000,
  checkSuite: 30_000_000_000,
  issue: 40_000_000,
};

/** A copy of a RegExp without the g and y flags, whose `test` would otherwise depend on the previous call. */
function stateless(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.replace(/[gy]/g, ""));
}

class FakeGitHubImpl implements FakeGitHub, FakeState {
  readonly appId: number;
  readonly appSlug: string;
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  treeEntryLimit = 100_000;
  private readonly server: Server;
  private readonly repos = new Map<string, FakeRepoImpl>();
  private readonly failures: Failure[] = [];
  private readonly delays: Delay[] = [];
  private readonly manifestCodes = new Map<string, Record<string, unknown>>();
  readonly conversions: ManifestConversion[] = [];
  private readonly counters = new Map<string, number>();
  private readonly tokens = new Map<string, number>();
  private rateUsed = 0;
  private readonly rateReset = Math.floor(Date.now() / 1000) + 3600;
  private port = 0;

  constructor(options: FakeGitHubOptions) {
    this.appId = options.appId ?? 4242;
    this.appSlug = options.appSlug ?? "mtls-gate";
    this.server = createServer((req, res) => {
      this.serve(req, res).catch((error: unknown) => {
        this.violations.push(`fake-github internal error: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  // --- FakeState ------------------------------------------------------------------------------------------------------

  nextId(kind: Parameters<FakeState["nextId"]>[0]): number {
    const next = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, next);
    return ID_BASES[kind] + next;
  }

  now(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  findRepo(owner: string, name: string): FakeRepoImpl | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  allRepos(): FakeRepoImpl[] {
    return [...this.repos.values()];
  }

  installationOfToken(token: string): number | undefined {
    return this.tokens.get(token);
  }

  rememberToken(token: string, installationId: number): void {
    this.tokens.set(token, installationId);
  }

  takeManifestCode(code: string): Record<string, unknown> | undefined {
    const manifest = this.manifestCodes.get(code);
    this.manifestCodes.delete(code);
    return manifest;
  }

  recordConversion(conversion: ManifestConversion): void {
    this.conversions.push(conversion);
  }

  manifestCode(manifest: Record<string, unknown>): string {
    const code = randomBytes(20).toString("hex");
    this.manifestCodes.set(code, manifest);
    return code;
  }

  // --- FakeGitHub -----------------------------------------------------------------------------------------------------

  createRepo(fullName: string, options: { defaultBranch?: string; installationId?: number } = {}): FakeRepo {
    const key = fullName.toLowerCase();
    if (this.repos.has(key)) throw new Error(`fake-github: repository ${fullName} already exists`);
    const repo = new FakeRepoImpl(fullName, options.defaultBranch ?? "main", options.installationId ?? 1, this);
    this.repos.set(key, repo);
    return repo;
  }

  repo(fullName: string): FakeRepo {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`fake-github: no repository ${fullName}`);
    return repo;
  }

  failNext(match: { method?: string; path: RegExp }, status: number, times = 1): void {
    const failure: Failure = { path: stateless(match.path), status, remaining: times };
    if (match.method !== undefined) failure.method = match.method.toUpperCase();
    this.failures.push(failure);
  }

  delayNext(match: { method?: string; path: RegExp }, ms: number, times = 1): void {
    const delay: Delay = { path: stateless(match.path), ms, remaining: times };
    if (match.method !== undefined) delay.method = match.method.toUpperCase();
    this.delays.push(delay);
  }

  clearFailures(): void {
    this.failures.length = 0;
    this.delays.length = 0;
  }

  apiCalls(filter: { method?: string; path?: RegExp } = {}): RecordedRequest[] {
    const pathFilter = filter.path && stateless(filter.path);
    return this.requests.filter(
      (r) =>
        !(r.method === "POST" && ACCESS_TOKEN_PATH.test(r.path)) &&
        !r.path.startsWith(CODELOAD_PREFIX) &&
        (filter.method === undefined || r.method === filter.method.toUpperCase()) &&
        (pathFilter === undefined || pathFilter.test(r.path)),
    );
  }

  reset(): void {
    this.requests.length = 0;
    this.violations.length = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  // --- HTTP -----------------------------------------------------------------------------------------------------------

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://fake");
    // GitHub Enterprise Server serves the same API under /api/v3 (Probot's GHE_HOST); answer both layouts.
    const apiPrefix = url.pathname.startsWith(GHES_PREFIX + "/") ? GHES_PREFIX : "";
    const rawPath = url.pathname.slice(apiPrefix.length);
    const path = rawPath.split("/").map(decodeSegment).join("/");
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = value;

    let body: unknown = undefined;
    let badJson = false;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        badJson = true;
        body = rawBody.toString("utf8");
      }
    }

    // Which endpoint: the fake's codeload stand-in, else the most specific OpenAPI path template.
    let template: string | null = null;
    let params: Record<string, string> = {};
    let operationId: string | null = null;
    const problems: string[] = [];
    let invalidBody: string[] = [];
    if (rawPath.startsWith(CODELOAD_PREFIX)) {
      const [owner, repo, kind, ...ref] = rawPath.slice(CODELOAD_PREFIX.length).split("/").map(decodeSegment);
      if (method === "GET" && owner && repo && kind === "legacy.tar.gz" && ref.length > 0) {
        template = CODELOAD_TEMPLATE;
        params = { owner, repo, ref: ref.join("/") };
      }
    } else {
      const match = matchPath(rawPath, method);
      if (match) {
        template = match.template;
        params = match.params;
        operationId = operation(template, method)?.operationId ?? null;
        if (badJson) {
          problems.push("request body is not valid JSON");
        } else {
          const checked = validateRequest(template, method, params, query, body, rawBody.length > 0);
          problems.push(...checked.problems);
          invalidBody = checked.invalidBody;
        }
      } else {
        const other = matchPath(rawPath);
        problems.push(
          other
            ? `unknown endpoint: GitHub's OpenAPI description has ${other.template} but no ${method} on it`
            : "unknown endpoint: no path of GitHub's OpenAPI description matches",
        );
      }
    }

    const recorded: RecordedRequest = { method, path, query, body, status: 0, operationId, apiPrefix, at: Date.now() };
    this.requests.push(recorded);
    const where = `${method} ${path}${operationId ? ` (${operationId})` : ""}`;
    for (const problem of problems) this.violations.push(`${where}: ${problem}`);

    const docsUrl = (template && operation(template, method)?.externalDocs?.url) || DEFAULT_DOCS;
    let reply: Reply;
    const delay = this.delays.find(
      (d) => d.remaining > 0 && (d.method === undefined || d.method === method) && d.path.test(path),
    );
    if (delay) {
      delay.remaining--;
      if (delay.remaining === 0) this.delays.splice(this.delays.indexOf(delay), 1);
      // Unref'd: a request held for a client that was killed must not keep the test process alive.
      await new Promise((resolve) => setTimeout(resolve, delay.ms).unref());
    }
    const failure = this.failures.find((f) => f.remaining > 0 && (f.method === undefined || f.method === method) && f.path.test(path));
    if (failure) {
      failure.remaining--;
      if (failure.remaining === 0) this.failures.splice(this.failures.indexOf(failure), 1);
      reply = { status: failure.status, json: errorBody(failure.status, docsUrl) };
    } else if (badJson) {
      reply = { status: 400, json: errorBody(400, docsUrl, "Problems parsing JSON") };
    } else {
      const route = template ? findRoute(method, template) : undefined;
      const ctx: Ctx = { fake: this, method, path, params, query, body, headers: req.headers, docsUrl, invalidBody };
      try {
        if (!route) throw new HttpError(404, errorBody(404, docsUrl));
        route.check?.(ctx);
        if (invalidBody.length > 0) throw invalidRequest(ctx, invalidBody);
        reply = await route.handle(ctx);
      } catch (error) {
        if (error instanceof HttpError) {
          reply = { status: error.status, json: error.body };
        } else {
          this.violations.push(`${where}: fake-github internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          reply = { status: 500, json: errorBody(500, docsUrl, `fake-github internal error: ${String(error)}`) };
        }
      }
    }
    recorded.status = reply.status;
    this.send(res, reply);
  }

  private send(res: ServerResponse, reply: Reply): void {
    this.rateUsed++;
    const headers: Record<string, string> = {
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `FAKE:${this.requests.length.toString(16).toUpperCase()}`,
      "x-ratelimit-limit": String(RATE_LIMIT),
      "x-ratelimit-remaining": String(Math.max(0, RATE_LIMIT - this.rateUsed)),
      "x-ratelimit-reset": String(this.rateReset),
      "x-ratelimit-used": String(this.rateUsed),
      "x-ratelimit-resource": "core",
      ...reply.headers,
    };
    let payload: Buffer;
    if (reply.raw !== undefined) {
      payload = reply.raw;
      if (reply.contentType) headers["content-type"] = reply.contentType;
      if (reply.contentType?.startsWith("application/vnd.github.raw")) headers["x-github-media-type"] = "github.v3; param=raw";
    } else if (reply.json !== undefined) {
      payload = Buffer.from(JSON.stringify(reply.json));
      headers["content-type"] = "application/json; charset=utf-8";
    } else {
      payload = Buffer.alloc(0);
    }
    if (reply.status !== 204 && reply.status !== 304) headers["content-length"] = String(payload.length);
    res.writeHead(reply.status, headers);
    res.end(reply.status === 204 ? undefined : payload);
  }
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const fake = new FakeGitHubImpl(options);
  await fake.listen();
  return fake;
}
