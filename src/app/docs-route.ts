/**
 * `GET /docs/rules` (the index) and `GET /docs/rules/<id>` (one rule's page), served by the app itself so that every
 * link it writes resolves (see links.ts). The pages come from the package's own `docs/rules/<id>.md` and the rule
 * registry only: no repository data, no configuration, no secrets. An id is looked up in the registry before anything
 * else, so an unknown or hostile one (`..%2F`, `%00`, a long string) is a 404 that never reaches the file system.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { RULES, RULES_BY_ID } from "../core/rules/index.js";
import { packageInfo, ruleDocsMarkdown } from "../package-info.js";
import { renderRuleIndex, renderRulePage, type RulePageOptions } from "../report/rule-page.js";

export const DOCS_INDEX_PATH = "/docs/rules";

/** Pages change only with the installed version: an hour in caches, revalidated by ETag after that. */
const CACHE_CONTROL = "public, max-age=3600";
/** Nothing but the page's own inline stylesheet: no script, no frame, no form, no other origin. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Rendered {
  body: Buffer;
  etag: string;
}

function rendered(html: string): Rendered {
  const body = Buffer.from(html, "utf8");
  return { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
}

/** A Probot server handler (`addHandler`): true when it answered. Pages are rendered on first request and kept. */
export function docsHandler(): (req: IncomingMessage, res: ServerResponse) => boolean {
  const cache = new Map<string, Rendered | null>();
  const { repository, version } = packageInfo();
  const options: RulePageOptions = {
    ruleIds: new Set(RULES.map((rule) => rule.meta.id)),
    repositoryDocsFolder: `${repository}/blob/v${encodeURIComponent(version)}/docs/rules/`,
  };
  const index = (): Rendered => {
    let page = cache.get("");
    if (!page) {
      page = rendered(
        renderRuleIndex(
          RULES.map(({ meta }) => ({ id: meta.id, severity: meta.severity, description: meta.description })),
          version,
        ),
      );
      cache.set("", page);
    }
    return page;
  };
  const rulePage = (id: string): Rendered | null => {
    if (cache.has(id)) return cache.get(id) ?? null;
    const rule = RULES_BY_ID.get(id);
    const markdown = rule ? ruleDocsMarkdown(id) : undefined;
    const page = rule && markdown !== undefined ? rendered(renderRulePage(rule.meta, markdown, options)) : null;
    // Only registered ids are cached (a bounded set): hostile ids must not grow the map.
    if (rule) cache.set(id, page);
    return page;
  };

  return (req, res) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (path !== DOCS_INDEX_PATH && !path.startsWith(`${DOCS_INDEX_PATH}/`)) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res
        .writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" })
        .end("Method not allowed\n");
      return true;
    }
    if (path === `${DOCS_INDEX_PATH}/`) {
      res.writeHead(301, { location: "../rules", "cache-control": CACHE_CONTROL }).end();
      return true;
    }
    const id = path === DOCS_INDEX_PATH ? "" : path.slice(DOCS_INDEX_PATH.length + 1);
    // The raw segment must already be a rule id: percent-encodings, dots and slashes are never one.
    const page = id === "" ? index() : /^[a-z0-9-]{1,100}$/.test(id) ? rulePage(id) : null;
    if (!page) {
      res
        .writeHead(404, {
          "content-type": "text/plain; charset=utf-8",
          "cache-control": "no-store",
          "x-content-type-options": "nosniff",
        })
        .end(req.method === "HEAD" ? undefined : "No such rule. The index is at /docs/rules.\n");
      return true;
    }
    const headers = {
      "cache-control": CACHE_CONTROL,
      etag: page.etag,
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    };
    if (req.headers["if-none-match"] === page.etag) {
      res.writeHead(304, headers).end();
      return true;
    }
    res
      .writeHead(200, {
        ...headers,
        "content-type": "text/html; charset=utf-8",
        "content-length": String(page.body.length),
      })
      .end(req.method === "HEAD" ? undefined : page.body);
    return true;
  };
}
