#!/usr/bin/env node
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { run } from "probot";
import { publicBaseUrl } from "../report/rule-docs.js";
import { docsHandler } from "./docs-route.js";
import mtlsGate from "./index.js";
import { appOctokit } from "./octokit.js";
import { hasCredentials, startRegistration } from "./registration.js";
import { forgeableConfiguration } from "./settings.js";

// `.env` in the working directory, applied over the environment as Probot's runner does (it does again, harmlessly):
// read here first so that the checks below and the choice between registering and running see what Probot will.
const dotEnv = join(process.cwd(), ".env");
if (existsSync(dotEnv)) Object.assign(process.env, parseEnv(readFileSync(dotEnv, "utf8")));

const refusal = forgeableConfiguration(process.env);
if (refusal) {
  process.stderr.write(`mtls-gate: ${refusal}\n`);
  process.exit(1);
}
if (process.env.MTLS_GATE_PUBLIC_URL && !publicBaseUrl(process.env.MTLS_GATE_PUBLIC_URL)) {
  process.stderr.write("mtls-gate: MTLS_GATE_PUBLIC_URL must be an http(s) URL without query, fragment or credentials\n");
  process.exit(1);
}

if (!hasCredentials(process.env)) {
  // A production instance never serves the registration page: whoever reached it first would choose its app.
  if (process.env.NODE_ENV === "production") {
    process.stderr.write("mtls-gate: APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required with NODE_ENV=production; register the app first (README: Install as a GitHub App)\n");
    process.exit(1);
  }
  await startRegistration({ env: process.env, cwd: process.cwd(), log: (line) => process.stdout.write(`${line}\n`) });
} else {
  // Probot's own runner, configured by its standard environment variables (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH,
  // WEBHOOK_SECRET, PORT, HOST, GHE_HOST, GHE_PROTOCOL, LOG_LEVEL, REDIS_URL) and mtls-gate's (see src/app/settings.ts).
  // The Octokit class keeps Probot's Redis-backed throttling working after a Redis restart (see octokit.ts), and
  // MTLS_GATE_THROTTLE=off turns Octokit's write spacing off: only for load tests against a local fake of GitHub.
  // The rule pages (`/docs/rules`) are served beside the webhooks: every link the app writes can point at them.
  await run(
    (app, options) => {
      options?.addHandler?.(docsHandler());
      return mtlsGate(app, options);
    },
    { Octokit: appOctokit(process.env) },
  );
}
