import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseComment, type ParsedComment } from "../../src/app/commands/parse.js";

const cases: { why: string; body: string; expected: ParsedComment["kind"]; command?: object; problem?: RegExp }[] = [
  { why: "plain text is no command", body: "LGTM, thanks", expected: "none" },
  { why: "the command must start a line", body: "please run /mtls-gate help", expected: "none" },
  { why: "a quoted command is someone else's", body: "> /mtls-gate recheck", expected: "none" },
  { why: "fenced code is not a command", body: "```\n/mtls-gate recheck\n```", expected: "none" },
  { why: "a longer word is not the prefix", body: "/mtls-gateway help", expected: "none" },
  { why: "help, among other lines", body: "hi\n/mtls-gate help\nbye", expected: "command", command: { name: "help" } },
  {
    why: "the app mention works like the prefix",
    body: "@MTLS-Gate recheck",
    expected: "command",
    command: { name: "recheck" },
  },
  { why: "routes", body: "/mtls-gate routes", expected: "command", command: { name: "routes", all: false } },
  { why: "routes --all", body: "/mtls-gate routes --all", expected: "command", command: { name: "routes", all: true } },
  {
    why: "routes with junk",
    body: "/mtls-gate routes everything",
    expected: "invalid",
    problem: /unexpected argument "everything"/,
  },
  {
    why: "explain by prefix",
    body: "/mtls-gate explain /upstream/",
    expected: "command",
    command: { name: "explain", target: "/upstream/" },
  },
  { why: "explain needs a target", body: "/mtls-gate explain", expected: "invalid", problem: /explain needs a route/ },
  {
    why: "accept with a reason that itself contains --",
    body: "/mtls-gate accept mtls-required Mapping/a/b -- tracked in INC-1 -- expires Friday",
    expected: "command",
    command: {
      name: "accept",
      ruleId: "mtls-required",
      resource: "Mapping/a/b",
      reason: "tracked in INC-1 -- expires Friday",
    },
  },
  {
    why: "accept without a reason",
    body: "/mtls-gate accept mtls-required Mapping/a/b --",
    expected: "invalid",
    problem: /needs a reason/,
  },
  {
    why: "accept without a resource",
    body: "/mtls-gate accept mtls-required -- because",
    expected: "invalid",
    problem: /needs a rule id and a resource/,
  },
  {
    why: "revoke",
    body: "/mtls-gate revoke mtls-required Mapping/a/b",
    expected: "command",
    command: { name: "revoke", ruleId: "mtls-required", resource: "Mapping/a/b" },
  },
  { why: "unknown command", body: "/mtls-gate deploy", expected: "invalid", problem: /unknown command "deploy"/ },
  { why: "the bare prefix", body: "/mtls-gate", expected: "invalid", problem: /no command given/ },
];

describe("parseComment", () => {
  for (const c of cases) {
    it(c.why, () => {
      const parsed = parseComment(c.body, "mtls-gate");
      assert.equal(parsed.kind, c.expected);
      if (parsed.kind === "command") assert.deepEqual(parsed.command, c.command);
      if (parsed.kind === "invalid") assert.match(parsed.problem, c.problem ?? /./);
    });
  }
});
