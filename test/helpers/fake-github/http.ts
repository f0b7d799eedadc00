/** What route handlers see and answer with, and GitHub's ways of saying no. */
import type { IncomingHttpHeaders } from "node:http";
import type { FakeRepoImpl, RepoServices } from "./repo.js";

/** The fake as its route handlers see it. */
export interface FakeState extends RepoServices {
  readonly url: string;
  readonly appId: number;
  readonly appSlug: string;
  readonly treeEntryLimit: number;
  findRepo(owner: string, name: string): FakeRepoImpl | undefined;
  allRepos(): FakeRepoImpl[];
  /** The manifest a pending app-manifest code stands for, removed: a code converts once. */
  takeManifestCode(code: string): Record<string, unknown> | undefined;
  /** The installation an access token was created for (the fake's own tokens only). */
  installationOfToken(token: string): number | undefined;
  rememberToken(token: string, installationId: number): void;
  /** Records an app created from a manifest (see FakeGitHub.conversions). */
  recordConversion(conversion: ManifestConversion): void;
}

/** An app created through the manifest flow, with the credentials the fake handed out for it. */
export interface ManifestConversion {
  code: string;
  manifest: Record<string, unknown>;
  id: number;
  slug: string;
  pem: string;
  webhookSecret: string;
  clientId: string;
  clientSecret: string;
}

export interface Ctx {
  readonly fake: FakeState;
  readonly method: string;
  /** Percent-decoded path. */
  readonly path: string;
  readonly params: Record<string, string>;
  readonly query: Record<string, string>;
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  /** Where GitHub's error bodies point: the operation's documentation. */
  readonly docsUrl: string;
  /** The body's mismatches with the operation's requestBody schema. */
  readonly invalidBody: string[];
}

export interface Reply {
  status: number;
  /** Sent as JSON (application/json; charset=utf-8). */
  json?: unknown;
  /** Sent as is, with `contentType`. */
  raw?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** The OpenAPI path template (or, for the codeload hop, a template of the fake's own). */
  template: string;
  /** Rules with GitHub's own error messages, checked before a body that fails the schema is refused wholesale. */
  check?: (ctx: Ctx) => void;
  handle: (ctx: Ctx) => Reply | Promise<Reply>;
}

export function route(method: string, template: string, handle: Route["handle"], check?: Route["check"]): Route {
  return check ? { method, template, handle, check } : { method, template, handle };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

const MESSAGES: Record<number, string> = {
  400: "Bad Request",
  401: "Bad credentials",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  410: "Gone",
  422: "Validation Failed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Server Error",
  503: "Service Unavailable",
  504: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.",
};

export function errorBody(status: number, docsUrl: string, message = MESSAGES[status] ?? `HTTP ${status}`): Record<string, unknown> {
  return { message, documentation_url: docsUrl, status: String(status) };
}

export function notFound(ctx: Ctx, message = "Not Found"): HttpError {
  return new HttpError(404, errorBody(404, ctx.docsUrl, message));
}

export interface FieldError {
  resource: string;
  field?: string;
  code: string;
  message?: string;
}

/** 422 "Validation Failed" with GitHub's `errors` list. */
export function validationFailed(ctx: Ctx, errors: FieldError[]): HttpError {
  return new HttpError(422, { ...errorBody(422, ctx.docsUrl), errors });
}

/** 422 with a message of its own, as GitHub answers requests its JSON schema refuses ("Invalid request.\n\n..."). */
export function unprocessable(ctx: Ctx, message: string): HttpError {
  return new HttpError(422, errorBody(422, ctx.docsUrl, message));
}

export function invalidRequest(ctx: Ctx, details: string[]): HttpError {
  return unprocessable(ctx, `Invalid request.\n\n${details.join("\n")}`);
}

export function intParam(ctx: Ctx, name: string): number {
  const raw = ctx.params[name] ?? ctx.query[name];
  if (raw === undefined || !/^\d+$/.test(raw)) throw notFound(ctx);
  return Number(raw);
}

export function repoOf(ctx: Ctx): FakeRepoImpl {
  const repo = ctx.fake.findRepo(ctx.params.owner ?? "", ctx.params.repo ?? "");
  if (!repo) throw notFound(ctx);
  return repo;
}

/** `per_page` (default 30, at most 100) and `page` (from 1), as GitHub reads them. */
export function pageOf(ctx: Ctx): { perPage: number; page: number } {
  const perPage = Number.parseInt(ctx.query.per_page ?? "", 10);
  const page = Number.parseInt(ctx.query.page ?? "", 10);
  return {
    perPage: Number.isNaN(perPage) || perPage < 1 ? 30 : Math.min(perPage, 100),
    page: Number.isNaN(page) || page < 1 ? 1 : page,
  };
}

/** One page of `items`, with the RFC 5988 Link header GitHub sends when there is more than one page. */
export function paginate<T>(ctx: Ctx, items: readonly T[]): { items: T[]; headers: Record<string, string> } {
  const { perPage, page } = pageOf(ctx);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const pageItems = items.slice((page - 1) * perPage, page * perPage);
  if (last === 1) return { items: pageItems, headers: {} };
  const link = (n: number, rel: string) => {
    const query = new URLSearchParams(ctx.query);
    query.set("per_page", String(perPage));
    query.set("page", String(n));
    const encodedPath = ctx.path
      .split("/")
      .map((s) => encodeURIComponent(s))
      .join("/");
    return `<${ctx.fake.url}${encodedPath}?${query.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, last), "prev"));
  if (page < last) links.push(link(page + 1, "next"));
  if (page < last) links.push(link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  return { items: pageItems, headers: { link: links.join(", ") } };
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, json: body, headers } : { status, json: body };
}
