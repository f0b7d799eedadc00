/** The text output with several environments: findings under a heading per environment, names printed safely. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Finding } from "../../src/core/types.js";
import { renderFindingsByEnvironment } from "../../src/report/text.js";
import { terminalSafe } from "../../src/report/terminal.js";

function finding(line: number, environments: string[] | undefined, file = "edge/mappings.yaml"): Finding {
  return {
    ruleId: "mapping-tls-context-not-found",
    messageId: "unknown",
    severity: "error",
    message: `finding on line ${line}`,
    file,
    line,
    column: 3,
    endLine: line,
    endColumn: 22,
    resource: "Mapping/edge/reports",
    data: {},
    fingerprint: `fp-${line}`,
    ...(environments ? { environments } : {}),
  };
}

test("findings of every environment first, then each environment's own in the environments' order, then those some share", () => {
  const text = renderFindingsByEnvironment(
    [
      finding(1, ["b", "c"]),
      finding(2, ["c"]),
      finding(3, ["a", "b", "c"]),
      finding(4, ["a"]),
      finding(5, ["a", "c"]),
      finding(6, ["a"], "edge/other.yaml"),
    ],
    { color: false },
    ["a", "b", "c"],
  );
  const headings = text.split("\n").filter((line) => line.startsWith("Findings in"));
  assert.deepEqual(headings, [
    "Findings in every environment",
    "Findings in a",
    "Findings in c",
    "Findings in a, c",
    "Findings in b, c",
  ]);
  // Within a group, by file as without environments, and no "(in …)" tag: the heading says it.
  assert.match(
    text,
    /^Findings in a\nedge\/mappings\.yaml\n +4:3 +error +finding on line 4 \[mapping-tls-context-not-found\]\n\nedge\/other\.yaml\n +6:3 /m,
  );
  assert.doesNotMatch(text, /\(in /);
});

test("one environment (or none): the findings by file, without headings", () => {
  const findings = [finding(1, undefined)];
  assert.equal(
    renderFindingsByEnvironment(findings, { color: false }, ["only"]),
    "edge/mappings.yaml\n     1:3   error   finding on line 1 [mapping-tls-context-not-found]\n",
  );
});

test("terminalSafe writes control and bidirectional characters as escapes and leaves other text alone", () => {
  assert.equal(terminalSafe("overlays/\u001b[31mprod\u0007"), "overlays/\\x1b[31mprod\\x07");
  assert.equal(terminalSafe("a\r\nb\u009bc\u202ed"), "a\\x0d\\x0ab\\x9bc\\u202ed");
  assert.equal(terminalSafe("charts/édge:prod ✓"), "charts/édge:prod ✓");
  // The headings use it.
  const text = renderFindingsByEnvironment([finding(1, ["\u001b]0;owned\u0007"])], { color: false }, [
    "\u001b]0;owned\u0007",
    "b",
  ]);
  assert.match(text, /^Findings in \\x1b\]0;owned\\x07$/m);
  assert.equal(text.includes("\u001b"), false);
});
