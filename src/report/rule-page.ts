/**
 * The rule documentation pages the app serves (`GET /docs/rules`, `GET /docs/rules/<id>`), rendered from the
 * repository's `docs/rules/<id>.md`. Pure: Markdown in, HTML out. Raw HTML in the Markdown is escaped, not passed
 * through (markdown-it with `html: false`), and markdown-it refuses `javascript:`, `vbscript:` and `data:` links except
 * images, so a page never carries script whatever its text.
 */
import MarkdownIt from "markdown-it";
import type Token from "markdown-it/lib/token.mjs";
import type { Severity } from "../core/types.js";

export interface RulePageRule {
  id: string;
  severity: Severity;
  description: string;
}

export interface RulePageOptions {
  /** Every registered rule id: a link to `<id>.md` becomes a link to that rule's served page. */
  ruleIds: ReadonlySet<string>;
  /**
   * The folder `docs/rules/` in the project's repository at the installed version, ending in `/`: other relative links
   * (the README, the policy section) resolve there, since the app serves only the rule pages.
   */
  repositoryDocsFolder: string;
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** A small stylesheet, inline so that a page is one response (the Content-Security-Policy allows only this). */
const STYLE = `
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; margin: 0; }
  main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
  nav { font-size: 0.9rem; margin-bottom: 1rem; }
  a { color: #0969da; }
  h1, h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: 0.3rem; }
  code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875rem; }
  code { background: #eff1f3; padding: 0.1rem 0.3rem; border-radius: 4px; }
  pre { background: #f6f8fa; padding: 0.8rem 1rem; overflow-x: auto; border-radius: 6px; }
  pre code { background: none; padding: 0; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 1px solid #d1d9e0; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; }
  td:first-child { white-space: nowrap; }
  .severity-error { color: #cf222e; font-weight: 600; }
  .severity-warning { color: #9a6700; font-weight: 600; }
  .severity-notice { color: #0969da; }
  @media (prefers-color-scheme: dark) {
    body { background: #0d1117; color: #e6edf3; }
    a { color: #4493f8; }
    code { background: #262c36; }
    pre, th { background: #161b22; }
    h1, h2, th, td { border-color: #3d444d; }
  }
`;

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function page(title: string, nav: string, body: string): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    nav,
    body,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * Where a link of a rule page goes once served. A page is at `<base>/docs/rules/<id>`: a sibling rule's `<id>.md` is
 * the relative `<id>`, `README.md` is the index (`../rules`), anything else relative is the repository's file.
 */
function servedHref(href: string, options: RulePageOptions): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("#") || href.startsWith("//")) return href;
  const [path = "", fragment] = href.split("#", 2);
  const suffix = fragment !== undefined ? `#${fragment}` : "";
  const sibling = /^(?:\.\/)?([a-z0-9-]+)\.md$/.exec(path)?.[1];
  if (sibling !== undefined && options.ruleIds.has(sibling)) return `${encodeURIComponent(sibling)}${suffix}`;
  if (/^(?:\.\/)?README\.md$/.test(path)) return `../rules${suffix}`;
  try {
    return new URL(href, options.repositoryDocsFolder).href;
  } catch {
    return href;
  }
}

function rewriteLinks(tokens: Token[], options: RulePageOptions): void {
  for (const token of tokens) {
    if (token.type === "link_open") {
      const href = token.attrGet("href");
      if (href !== null) token.attrSet("href", servedHref(href, options));
    }
    if (token.children) rewriteLinks(token.children, options);
  }
}

/** One rule's page: its Markdown rendered, with a link back to the index. */
export function renderRulePage(rule: RulePageRule, markdown: string, options: RulePageOptions): string {
  const tokens = md.parse(markdown, {});
  rewriteLinks(tokens, options);
  const body = md.renderer.render(tokens, md.options, {});
  const nav = `<nav><a href="../rules">All mtls-gate rules</a></nav>`;
  return page(`${rule.id} · mtls-gate rules`, nav, body);
}

/** The index: every registered rule with its default severity and one-line description, each linked to its page. */
export function renderRuleIndex(rules: readonly RulePageRule[], version: string): string {
  const rows = rules.map(
    (rule) =>
      `<tr><td><a href="rules/${encodeURIComponent(rule.id)}"><code>${escapeHtml(rule.id)}</code></a></td>` +
      `<td class="severity-${rule.severity}">${rule.severity}</td><td>${escapeHtml(rule.description)}</td></tr>`,
  );
  const body = [
    "<h1>mtls-gate rules</h1>",
    `<p>Every rule mtls-gate ${escapeHtml(version)} runs, with its default severity. A repository's policy ` +
      "(<code>.github/mtls-gate.yml</code>) changes a severity or turns a rule off.</p>",
    "<table>",
    "<thead><tr><th>Rule</th><th>Default severity</th><th>What it catches</th></tr></thead>",
    "<tbody>",
    ...rows,
    "</tbody>",
    "</table>",
  ].join("\n");
  return page("mtls-gate rules", "", body);
}
