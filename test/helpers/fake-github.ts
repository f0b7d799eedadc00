/**
 * A local HTTP fake of the GitHub REST API for the app's tests: real git objects, GitHub's response shapes, status
 * codes and limits, and every request checked against GitHub's published OpenAPI description.
 */
export { startFakeGitHub } from "./fake-github/server.js";
export { schemaWarnings, validateResponse } from "./fake-github/openapi.js";
export type {
  FakeGitHub,
  FakeGitHubOptions,
  FakeRepo,
  Permission,
  RecordedRequest,
  StoredCheckRun,
  StoredComment,
} from "./fake-github/types.js";
