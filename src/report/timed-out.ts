import type { CheckRunReport } from "./check-run.js";

export interface TimedOutInput {
  /** The analysis limit, as the title states it (`60 s`). */
  limit: string;
  /** `owner/repo`. */
  repository: string;
  headSha: string;
  /** What the job was doing when the limit passed (reading, analysing N files, publishing), when known. */
  activity: string | null;
}

/**
 * The output of a run whose analysis passed the analysis limit (`MTLS_GATE_ANALYSIS_TIMEOUT_MS`): it fails, since the
 * app cannot vouch for the change, and says what was being analysed and what to do. Nothing in it comes from users
 * but the repository's name and the SHAs, which GitHub controls.
 */
export function renderTimedOut(input: TimedOutInput): CheckRunReport {
  const lines = [
    `❌ **mtls-gate stopped analysing ${input.repository} at \`${input.headSha}\` after ${input.limit}**, the ` +
      "analysis limit (`MTLS_GATE_ANALYSIS_TIMEOUT_MS`). It cannot vouch for this change, so the check fails.",
    "",
    ...(input.activity ? [`When the limit passed it was ${input.activity}.`, ""] : []),
    "A very large tree, or a slow GitHub, can take this long. Use the **Re-run** button of this check or comment " +
      "`/mtls-gate recheck` to try again; if it keeps happening, the app's operator can raise the limit.",
  ];
  return {
    conclusion: "failure",
    title: `Analysis exceeded ${input.limit}`,
    summary: lines.join("\n"),
    annotations: [],
  };
}
