/** The check run's buttons; identifiers are GitHub's `requested_action.identifier` (at most 20 characters). */
export const ACTIONS = {
  recheck: { label: "Re-check", description: "Run the mtls-gate check again", identifier: "recheck" },
  routes: { label: "Show routes", description: "Post the changed routes on the PR", identifier: "routes" },
  explainFailures: {
    label: "Explain failures",
    description: "Explain each failing route on the PR",
    identifier: "explain-failures",
  },
} as const;
