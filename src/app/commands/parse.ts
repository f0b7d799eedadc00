/** The comment commands (`/mtls-gate <command>` or `@<app-slug> <command>` at the start of a comment line). */
export type Command =
  | { name: "help" }
  | { name: "recheck" }
  | { name: "routes"; all: boolean }
  | { name: "explain"; target: string }
  | { name: "accept"; ruleId: string; resource: string; reason: string }
  | { name: "revoke"; ruleId: string; resource: string };

export type ParsedComment =
  | { kind: "none" }
  | { kind: "command"; command: Command; line: string }
  | { kind: "invalid"; line: string; problem: string; usage: string };

export const USAGE: Readonly<Record<Command["name"], string>> = {
  help: "/mtls-gate help",
  recheck: "/mtls-gate recheck",
  routes: "/mtls-gate routes [--all]",
  explain: "/mtls-gate explain <mapping name | namespace/name | prefix>",
  accept: "/mtls-gate accept <rule-id> <resource> -- <reason>",
  revoke: "/mtls-gate revoke <rule-id> <resource>",
};

const PREFIX = "/mtls-gate";

/**
 * The first command line of a comment. Quoted lines (`>`) and fenced code are someone else's words, never commands;
 * everything that is not a command line is ignored.
 */
export function parseComment(body: string, appSlug: string | null): ParsedComment {
  let fenced = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (/^(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (fenced || line.startsWith(">")) continue;
    const rest = commandText(line, appSlug);
    if (rest === null) continue;
    return parseCommand(rest, line);
  }
  return { kind: "none" };
}

function commandText(line: string, appSlug: string | null): string | null {
  const lower = line.toLowerCase();
  const prefixes = [PREFIX, ...(appSlug ? [`@${appSlug.toLowerCase()}`] : [])];
  for (const prefix of prefixes) {
    if (lower === prefix) return "";
    if (lower.startsWith(prefix) && /\s/.test(line.charAt(prefix.length))) return line.slice(prefix.length).trim();
  }
  return null;
}

function parseCommand(text: string, line: string): ParsedComment {
  const separator = text.search(/(^|\s)--(\s|$)/);
  const head = separator >= 0 ? text.slice(0, separator) : text;
  const reason =
    separator >= 0
      ? text
          .slice(separator)
          .replace(/^\s*--/, "")
          .trim()
      : "";
  const [name = "", ...args] = head.split(/\s+/).filter(Boolean);
  const invalid = (problem: string, usage: string): ParsedComment => ({ kind: "invalid", line, problem, usage });
  const command = (c: Command): ParsedComment => ({ kind: "command", command: c, line });

  switch (name.toLowerCase()) {
    case "":
      return invalid("no command given", allUsage());
    case "help":
      return command({ name: "help" });
    case "recheck":
      return args.length === 0 ? command({ name: "recheck" }) : invalid("recheck takes no arguments", USAGE.recheck);
    case "routes":
      if (args.length === 0) return command({ name: "routes", all: false });
      if (args.length === 1 && args[0] === "--all") return command({ name: "routes", all: true });
      return invalid(`unexpected argument ${JSON.stringify(args.join(" "))}`, USAGE.routes);
    case "explain": {
      const target = args.join(" ").trim();
      return target ? command({ name: "explain", target }) : invalid("explain needs a route to explain", USAGE.explain);
    }
    case "accept": {
      const [ruleId, resource, ...extra] = args;
      if (!ruleId || !resource || extra.length > 0)
        return invalid("accept needs a rule id and a resource", USAGE.accept);
      if (!reason) return invalid("accept needs a reason after --", USAGE.accept);
      return command({ name: "accept", ruleId, resource, reason });
    }
    case "revoke": {
      const [ruleId, resource, ...extra] = args;
      if (!ruleId || !resource || extra.length > 0)
        return invalid("revoke needs a rule id and a resource", USAGE.revoke);
      return command({ name: "revoke", ruleId, resource });
    }
    default:
      return invalid(`unknown command ${JSON.stringify(name)}`, allUsage());
  }
}

export function allUsage(): string {
  return Object.values(USAGE).join("\n");
}
