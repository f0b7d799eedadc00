import type { CheckRunReport } from "./check-run.js";

export interface TarballTooLargeInput {
  /** The download limit in bytes (`MTLS_GATE_MAX_TARBALL_BYTES`). */
  limit: number;
  /** The commit whose tarball was over it (the head, or the base it is compared with). */
  sha: string;
}

/**
 * The output of a run that could not read a commit whole: its tarball was over the download limit, and GitHub's tree
 * listing was truncated, so the files past the limit cannot even be named. It fails, since the app cannot vouch for the
 * change. Nothing in it comes from users but the SHA, which GitHub controls.
 */
export function renderTarballTooLarge(input: TarballTooLargeInput): CheckRunReport {
  const limit = input.limit.toLocaleString("en-US");
  const lines = [
    `❌ **mtls-gate could not read commit \`${input.sha}\` whole:** its tarball is over the download limit of ${limit} ` +
      "bytes (`MTLS_GATE_MAX_TARBALL_BYTES`), and the repository is too large for GitHub to list its files, so the " +
      "files past the limit cannot be named. It cannot vouch for this change, so the check fails.",
    "",
    "The app's operator can raise `MTLS_GATE_MAX_TARBALL_BYTES`; large files that are not manifests (binaries, " +
      "archives) kept out of the repository shrink its tarball. Then use the **Re-run** button of this check or " +
      "comment `/mtls-gate recheck`.",
  ];
  return {
    conclusion: "failure",
    title: `Repository over the tarball limit (MTLS_GATE_MAX_TARBALL_BYTES, ${limit} bytes)`,
    summary: lines.join("\n"),
    annotations: [],
  };
}
