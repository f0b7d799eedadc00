/**
 * Registration: what `npm start` does without credentials. It serves GitHub's app-manifest flow itself (Probot's setup
 * page would post app.yml's values over the instance's own URLs, and reads package.json from the working directory):
 *
 * 1. `GET /probot`: a page whose form posts the manifest to GitHub (`<web>/settings/apps/new`, or an organisation's).
 *    The manifest is app.yml's name, description, permissions and events, with `url` = package.json `homepage`, the
 *    webhook `<base>/api/github/webhooks` and the redirect `<base>/probot/setup`; `<base>` is `MTLS_GATE_PUBLIC_URL`,
 *    else the address the browser used.
 * 2. GitHub creates the app and sends the browser to `/probot/setup?code=…&state=…`: the code is exchanged
 *    (`POST /app-manifests/{code}/conversions`, GitHub Enterprise Server's API with `GHE_HOST`) and the credentials are
 *    written to `.env` in the working directory (mode 0600, other keys kept), with `MTLS_GATE_PUBLIC_URL` = `<base>` so
 *    that the app's links point at its own docs pages. The browser goes on to the app's installation page.
 * 3. The next `npm start` reads `.env` (Probot does) and runs the app.
 *
 * The `state` is random per process and the exchange happens once: a code from somebody else's manifest flow is
 * refused, and so is a second registration once `.env` holds an app.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { parse as parseYaml } from "yaml";
import { packageFile, packageInfo, type PackageInfo } from "../package-info.js";
import { escapeHtml } from "../report/rule-page.js";
import { publicBaseUrl } from "../report/rule-docs.js";
import { docsHandler } from "./docs-route.js";

type Env = Readonly<Record<string, string | undefined>>;

export const SETUP_PATH = "/probot";
export const REDIRECT_PATH = "/probot/setup";
const DEFAULT_WEBHOOK_PATH = "/api/github/webhooks";

/** What the app needs to run as a GitHub App; without it `npm start` registers one. */
export function hasCredentials(env: Env): boolean {
  return Boolean(env.APP_ID) && Boolean(env.PRIVATE_KEY || env.PRIVATE_KEY_PATH);
}

/** GitHub's web address: github.com, or the Enterprise Server instance of `GHE_HOST` (`GHE_PROTOCOL`, default https). */
export function githubWebUrl(env: Env): string {
  return `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST || "github.com"}`;
}

/** The REST API's base: api.github.com, or `<GHE>/api/v3` (as Probot reads it). */
export function githubApiUrl(env: Env): string {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}/api/v3` : "https://api.github.com";
}

/** Where the form posts the manifest: the user's apps, or the organisation's of `GH_ORG`. */
export function createAppUrl(env: Env, state: string): string {
  const org = env.GH_ORG ? `/organizations/${encodeURIComponent(env.GH_ORG)}` : "";
  return `${githubWebUrl(env)}${org}/settings/apps/new?state=${encodeURIComponent(state)}`;
}

/** app.yml: the app's name, description, visibility, permissions and events (the URLs are the instance's). */
export function loadAppYml(path: URL = packageFile("app.yml")): Record<string, unknown> {
  const parsed: unknown = parseYaml(readFileSync(path, "utf8"));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error("app.yml is not a mapping");
  return parsed as Record<string, unknown>;
}

export interface AppManifest {
  name: string;
  url: string;
  description?: string;
  public: boolean;
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
  default_events: unknown;
  default_permissions: unknown;
}

/** GitHub's app manifest for an instance at `baseUrl` (no trailing slash). */
export function buildManifest(
  appYml: Record<string, unknown>,
  info: PackageInfo,
  baseUrl: string,
  env: Env,
): AppManifest {
  const webhookPath = env.WEBHOOK_PATH || DEFAULT_WEBHOOK_PATH;
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const description = text(appYml.description) ?? text(info.description);
  return {
    name: text(appYml.name) ?? info.name,
    url: info.homepage,
    ...(description ? { description } : {}),
    public: appYml.public === true,
    // With a webhook proxy (Probot's WEBHOOK_PROXY_URL) GitHub delivers there and Probot forwards to this instance.
    hook_attributes: { url: env.WEBHOOK_PROXY_URL || `${baseUrl}${webhookPath}`, active: true },
    redirect_url: `${baseUrl}${REDIRECT_PATH}`,
    default_events: appYml.default_events,
    default_permissions: appYml.default_permissions,
  };
}

/** A host header that can be put in a URL as it is: a DNS name or IP literal and an optional port. */
const HOST_HEADER = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** `MTLS_GATE_PUBLIC_URL`, else the address the browser used (behind a proxy, its X-Forwarded-Proto and -Host). */
export function instanceBaseUrl(req: IncomingMessage, env: Env): string | null {
  const configured = publicBaseUrl(env.MTLS_GATE_PUBLIC_URL);
  if (configured) return configured;
  const first = (value: string | string[] | undefined) =>
    (Array.isArray(value) ? value[0] : value)?.split(",")[0]?.trim();
  const proto =
    first(req.headers["x-forwarded-proto"]) ?? ((req.socket as { encrypted?: boolean }).encrypted ? "https" : "http");
  const host = first(req.headers["x-forwarded-host"]) ?? first(req.headers.host);
  if ((proto !== "http" && proto !== "https") || !host || !HOST_HEADER.test(host)) return null;
  return `${proto}://${host}`;
}

/** A value as `.env` holds it: bare when plain, else double-quoted with newlines as `\n` (how Probot writes the key). */
function envLine(key: string, value: string): string {
  if (/^[A-Za-z0-9_.:/@+=-]*$/.test(value)) return `${key}=${value}`;
  if (/["\\\r]/.test(value)) throw new Error(`${key}: a value with quotes or backslashes cannot be written to .env`);
  return `${key}="${value.replace(/\n/g, "\\n")}"`;
}

/**
 * Merges `values` into `<cwd>/.env` (other keys kept, in their order): written to a temporary file (mode 0600: the
 * private key is in it) and renamed over, after checking that it parses back to exactly what was meant.
 */
export function writeEnvFile(cwd: string, values: Record<string, string>): string {
  const path = join(cwd, ".env");
  const merged: Record<string, string> = {};
  if (existsSync(path))
    for (const [key, value] of Object.entries(parseEnv(readFileSync(path, "utf8"))))
      if (value !== undefined) merged[key] = value;
  Object.assign(merged, values);
  const text = `${Object.entries(merged)
    .map(([key, value]) => envLine(key, value))
    .join("\n")}\n`;
  const reread = parseEnv(text);
  for (const [key, value] of Object.entries(merged)) {
    if (reread[key] !== value) throw new Error(`${key} would not read back from .env as written`);
  }
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
  return path;
}

/** What GitHub answers a manifest code with (the app and its credentials). */
interface Conversion {
  id: number;
  slug?: string;
  html_url: string;
  client_id?: string;
  client_secret?: string;
  /** Null when GitHub generated none (then the app's settings must be given one, and WEBHOOK_SECRET the same). */
  webhook_secret: string | null;
  pem: string;
}

function asConversion(data: unknown): Conversion | null {
  if (typeof data !== "object" || data === null) return null;
  const d = data as Record<string, unknown>;
  if (
    typeof d.id !== "number" ||
    typeof d.pem !== "string" ||
    (typeof d.webhook_secret !== "string" && d.webhook_secret !== null) ||
    typeof d.html_url !== "string"
  )
    return null;
  if (!/^https?:\/\//.test(d.html_url)) return null;
  return d as unknown as Conversion;
}

export interface RegistrationOptions {
  env: Env;
  /** Where `.env` is written (Probot reads it from the working directory). */
  cwd: string;
  log: (line: string) => void;
  /** The random `state` of the manifest flow; tests may fix it. */
  state?: string;
}

function html(res: ServerResponse, status: number, title: string, body: string, formAction: string): void {
  const page = [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f2328}",
    "pre{background:#f6f8fa;padding:.8rem;overflow-x:auto;border-radius:6px}button{font-size:1rem;padding:.5rem 1rem}</style>",
    "</head><body>",
    body,
    "</body></html>",
    "",
  ].join("\n");
  res
    .writeHead(status, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      // The page's one form posts to GitHub; nothing else leaves it.
      "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
    })
    .end(page);
}

function text(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers })
    .end(`${body}\n`);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The registration server's request handler (setup page, GitHub's redirect, /ping, the docs pages). */
export function registrationHandler(
  options: RegistrationOptions,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { env, cwd, log } = options;
  const state = options.state ?? randomBytes(16).toString("hex");
  const info = packageInfo();
  const appYml = loadAppYml();
  const docs = docsHandler();
  let registered = false;

  const setupPage = (req: IncomingMessage, res: ServerResponse) => {
    const base = instanceBaseUrl(req, env);
    if (!base) return text(res, 400, "Cannot tell this instance's address from the request: set MTLS_GATE_PUBLIC_URL.");
    const manifest = JSON.stringify(buildManifest(appYml, info, base, env), null, 2);
    const target = createAppUrl(env, state);
    const local = /^https?:\/\/(?:localhost|127\.|\[::1\])/.test(base);
    html(
      res,
      200,
      "Register mtls-gate as a GitHub App",
      [
        "<h1>Register mtls-gate as a GitHub App</h1>",
        `<p>This instance has no credentials yet. The button sends this manifest to <code>${escapeHtml(new URL(target).origin)}</code>,`,
        "where you name the app and create it; GitHub then sends you back here, the app's credentials are written to",
        "<code>.env</code>, and you install the app on your repositories. Restart <code>npm start</code> afterwards.</p>",
        local
          ? `<p><strong>Webhooks will go to <code>${escapeHtml(base)}</code>.</strong> GitHub cannot reach a local address: set <code>MTLS_GATE_PUBLIC_URL</code> to this instance's public URL and restart, unless GitHub runs on this network.</p>`
          : "",
        `<form action="${escapeHtml(target)}" method="post">`,
        `<input type="hidden" name="manifest" value="${escapeHtml(manifest)}">`,
        '<button type="submit">Register a GitHub App</button>',
        "</form>",
        "<h2>Manifest</h2>",
        `<pre id="manifest">${escapeHtml(manifest)}</pre>`,
      ].join("\n"),
      new URL(target).origin,
    );
  };

  const redirect = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    const code = query.get("code") ?? "";
    const given = query.get("state") ?? "";
    if (
      registered ||
      (existsSync(join(cwd, ".env")) && hasCredentials(parseEnv(readFileSync(join(cwd, ".env"), "utf8"))))
    )
      return text(res, 409, "This instance is already registered: restart it (npm start) to run the app.");
    if (!/^[A-Za-z0-9_-]{1,200}$/.test(code)) return text(res, 400, "The code from GitHub is missing or malformed.");
    if (!sameSecret(given, state))
      return text(
        res,
        400,
        `This registration was not started from this instance's ${SETUP_PATH} page (state mismatch): start again there.`,
      );
    const response = await fetch(`${githubApiUrl(env)}/app-manifests/${encodeURIComponent(code)}/conversions`, {
      method: "POST",
      headers: {
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        "user-agent": `mtls-gate/${info.version}`,
      },
      signal: AbortSignal.timeout(30_000),
    }).catch((error: unknown) => error as Error);
    if (response instanceof Error) {
      log(`registration: GitHub could not be reached: ${response.message}`);
      return text(res, 502, "GitHub could not be reached to exchange the code: try again.");
    }
    const data: unknown = await response.json().catch(() => null);
    const conversion = response.status === 201 ? asConversion(data) : null;
    if (!conversion) {
      log(`registration: GitHub answered the code exchange with ${response.status}`);
      return text(
        res,
        502,
        `GitHub refused the code (HTTP ${response.status}): codes expire after an hour and work once. Start again at ${SETUP_PATH}.`,
      );
    }
    registered = true;
    const base = instanceBaseUrl(req, env);
    const values: Record<string, string> = {
      APP_ID: String(conversion.id),
      PRIVATE_KEY: conversion.pem,
      ...(conversion.webhook_secret ? { WEBHOOK_SECRET: conversion.webhook_secret } : {}),
      ...(conversion.client_id ? { GITHUB_CLIENT_ID: conversion.client_id } : {}),
      ...(conversion.client_secret ? { GITHUB_CLIENT_SECRET: conversion.client_secret } : {}),
      // The address GitHub was given (the browser came back through the manifest's redirect_url, `<base>/probot/setup`):
      // the app's rule links go to its own /docs/rules there.
      ...(base && !env.WEBHOOK_PROXY_URL ? { MTLS_GATE_PUBLIC_URL: base } : {}),
    };
    const path = writeEnvFile(cwd, values);
    log(
      `registration: GitHub App ${conversion.slug ?? conversion.id} (id ${conversion.id}) created; credentials written to ${path}.`,
    );
    if (!conversion.webhook_secret)
      log(
        "registration: GitHub returned no webhook secret: set one in the app's settings on GitHub and the same as WEBHOOK_SECRET in .env.",
      );
    log("registration: restart (npm start) to run the app, and install it on your repositories.");
    res.writeHead(302, { location: `${conversion.html_url}/installations/new`, "cache-control": "no-store" }).end();
  };

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://instance");
    const path = url.pathname;
    if (docs(req, res)) return;
    if (req.method !== "GET" && req.method !== "HEAD")
      return text(res, 405, "Method not allowed", { allow: "GET, HEAD" });
    if (path === "/ping") return text(res, 200, "PONG");
    if (path === "/") return text(res, 302, `Found. Redirecting to ${SETUP_PATH}`, { location: SETUP_PATH });
    if (path === SETUP_PATH) return setupPage(req, res);
    // Only a GET exchanges the code: a HEAD (a link preview, a prefetch) must not spend it.
    if (path === REDIRECT_PATH)
      return req.method === "GET"
        ? redirect(req, res, url.searchParams)
        : text(res, 405, "Method not allowed", { allow: "GET" });
    return text(res, 404, "Not found: this instance is waiting to be registered (see /probot).");
  };
}

/** Serves registration on `HOST`:`PORT` (Probot's defaults: localhost:3000) until the process is stopped. */
export async function startRegistration(options: RegistrationOptions): Promise<Server> {
  const handle = registrationHandler(options);
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.log(`registration: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) text(res, 500, "Registration failed: see the server's log.");
      else res.end();
    });
  });
  const host = options.env.HOST || "localhost";
  const port = Number(options.env.PORT) || 3000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  options.log(
    `mtls-gate has no GitHub App credentials (APP_ID, PRIVATE_KEY): open http://${host === "0.0.0.0" || host === "::" ? "localhost" : shown}:${address.port}${SETUP_PATH} to register it.`,
  );
  return server;
}
