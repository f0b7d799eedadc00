import assert from "node:assert/strict";
import { test } from "node:test";
import { analyzeDiff, analyzeTree, type TreeAnalysis } from "../../src/core/analyze.js";
import { loadPolicy } from "../../src/core/policy/load.js";
import { RULES_BY_ID } from "../../src/core/rules/index.js";
import type { Rule } from "../../src/core/rules/rule.js";
import type { Finding, Severity, SourceFile } from "../../src/core/types.js";
import type { RenderedInput } from "../../src/core/render/rendered.js";

/** One expected finding of the rule under test. `file` defaults to the case's only (or first) file. */
export interface ExpectedFinding {
  line: number;
  severity: Severity;
  file?: string;
  column?: number;
  resource?: string;
  /** The message the finding must say: one of the rule's `meta.messages` (an id it does not declare fails the case). */
  messageId?: string;
  /** Message data the finding must carry (a subset). */
  data?: Record<string, string | number | boolean | null>;
}

export interface RuleCase {
  name: string;
  /** path -> YAML text. */
  files: Record<string, string>;
  /** The policy file's YAML text, if any. */
  policy?: string;
  /** The base tree (path -> YAML text): the case is analysed as a change from it (analyzeDiff), as in a pull request. */
  base?: Record<string, string>;
  now?: Date;
  /** What rendering (src/render) handed the core for this tree: its rendered output and its render problems. */
  render?: RenderedInput;
  /** Exactly the findings of this rule, in file/line order; [] for a clean case. */
  expect: ExpectedFinding[];
}

export const FIXED_NOW = new Date("2026-06-01T00:00:00Z");

export function analyzeFiles(files: Record<string, string>, policy?: string, now: Date = FIXED_NOW, base?: Record<string, string>, render?: RenderedInput): TreeAnalysis {
  const sources = (tree: Record<string, string>): SourceFile[] => Object.entries(tree).map(([path, text]) => ({ path, text }));
  const options = { policy: loadPolicy(policy).policy, now, ...(render ? { render } : {}) };
  return base ? analyzeDiff(sources(base), sources(files), options) : analyzeTree(sources(files), options);
}

/** Fails, as ESLint's RuleTester does, on a message id the rule does not declare in `meta.messages`. */
export function assertDeclaredMessage(rule: Rule, messageId: string, context = ""): void {
  const declared = Object.keys(rule.meta.messages);
  assert.ok(
    Object.hasOwn(rule.meta.messages, messageId),
    `${rule.meta.id}: unknown messageId "${messageId}"${context}; the rule declares ${declared.map((id) => `"${id}"`).join(", ")}`,
  );
}

/** Runs a literal table of cases for one rule: every case asserts the exact findings of that rule, no more, no fewer. */
export function ruleTester(ruleId: string, cases: readonly RuleCase[]): void {
  const rule = RULES_BY_ID.get(ruleId);
  assert.ok(rule, `rule ${ruleId} is registered`);
  assert.ok(Object.keys(rule.meta.messages).length > 0, `${ruleId} declares its messages`);
  assert.ok(cases.some((c) => c.expect.length === 0), `${ruleId} has a clean case`);
  assert.ok(cases.some((c) => c.expect.length > 0), `${ruleId} has a failing case`);
  for (const testCase of cases) {
    test(`${ruleId}: ${testCase.name}`, () => {
      const analysis = analyzeFiles(testCase.files, testCase.policy, testCase.now ?? FIXED_NOW, testCase.base, testCase.render);
      const actual = analysis.findings.filter((f) => f.ruleId === ruleId);
      const defaultFile = Object.keys(testCase.files)[0] ?? "";
      const describe = (f: Finding) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.message}`;
      assert.equal(
        actual.length,
        testCase.expect.length,
        `expected ${testCase.expect.length} finding(s) of ${ruleId}, got:\n${actual.map(describe).join("\n")}`,
      );
      for (const finding of actual) assertDeclaredMessage(rule, finding.messageId, ` reported: ${describe(finding)}`);
      testCase.expect.forEach((expected, index) => {
        const finding = actual[index] as Finding;
        if (expected.messageId !== undefined) {
          assertDeclaredMessage(rule, expected.messageId, " expected by the test");
          assert.equal(finding.messageId, expected.messageId, describe(finding));
        }
        assert.equal(finding.file, expected.file ?? defaultFile, describe(finding));
        assert.equal(finding.line, expected.line, describe(finding));
        assert.equal(finding.severity, expected.severity, describe(finding));
        if (expected.column !== undefined) assert.equal(finding.column, expected.column, describe(finding));
        if (expected.resource !== undefined) assert.equal(finding.resource, expected.resource, describe(finding));
        for (const [key, value] of Object.entries(expected.data ?? {})) assert.equal(finding.data[key], value, `data.${key}: ${describe(finding)}`);
        assert.ok(finding.message.length > 0);
        assert.equal(finding.fingerprint.length, 16);
      });
    });
  }
}
