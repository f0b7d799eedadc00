import type { CheckRunReport } from "./check-run.js";

/**
 * The output of a run the sweeper completed: it was still in progress long after its analysis should have ended (the
 * process working on it was killed, lost its connection to GitHub or Redis, or could not publish), so nobody will
 * finish it. It fails, as an internal error does, and says how to run the check again. Nothing in it comes from
 * users.
 */
export function renderSweptRun(input: { staleMs: number }): CheckRunReport {
  const lines = [
    `❌ **mtls-gate's analysis of this commit did not finish.** The run was still in progress after ` +
      `${duration(input.staleMs)}, so the process working on it stopped (a restart, a crash, or a lost connection ` +
      "to GitHub or Redis). It cannot vouch for this change, so the check fails until a run completes.",
    "",
    "To run it again, use the **Re-run** button of this check, or comment `/mtls-gate recheck` on the pull request " +
      "(a merge queue runs it again when the pull request is queued again). If it keeps happening, the app's logs have " +
      "the details.",
  ];
  return {
    conclusion: "failure",
    title: "Abandoned: the analysis did not finish; use Re-run or comment /mtls-gate recheck",
    summary: lines.join("\n"),
    annotations: [],
  };
}

function duration(ms: number): string {
  if (ms < 120_000) {
    const seconds = Math.max(1, Math.round(ms / 1000));
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  }
  return `${Math.round(ms / 60_000)} minutes`;
}
