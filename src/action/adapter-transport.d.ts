/**
 * The adapter's log destination (not in its type declarations): a stream that turns Probot's pino lines into GitHub
 * Actions output, errors and warnings as workflow-command annotations, debug lines visible with step debug logging.
 */
declare module "@probot/adapter-github-actions/pino-transport-github-actions.js" {
  import type { Writable } from "node:stream";
  export const transport: Writable;
}
