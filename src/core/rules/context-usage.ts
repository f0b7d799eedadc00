import { DIAGNOSTICS, type ContextDiagnosticKind } from "../diagnostics.js";
import type { ResolvedContext } from "../resolve/contexts.js";
import { contextField } from "./locations.js";
import type { Report } from "./rule.js";
import type { Simulation } from "../resolve/simulate.js";

/** The Mappings that ask for a context by name: they are what a broken context breaks. */
export function mappingsUsing(simulation: Simulation, context: ResolvedContext): string[] {
  return simulation.routes
    .filter((route) => route.requestedContext === context)
    .map((route) => `${route.mapping.namespace}/${route.mapping.name}`);
}

export function consequence(users: readonly string[]): string {
  if (users.length === 0) return "No Mapping uses it yet.";
  const shown = users.slice(0, 5).join(", ");
  const more = users.length > 5 ? ` and ${users.length - 5} more` : "";
  return `Mappings using it (${shown}${more}) see it as not defined.`;
}

/**
 * Reports each context refused for `code`, on the field at fault, with the message DIAGNOSTICS routes the code to. The
 * finding is about the context; the Mappings that lose it are display, so adding or removing one changes nothing.
 */
export function reportContextErrors<K extends ContextDiagnosticKind>(
  simulation: Simulation,
  code: K,
  report: (finding: Report<(typeof DIAGNOSTICS)[K]["messageId"]>) => void,
): void {
  for (const context of simulation.contexts.all) {
    const error = context.errors.find((e) => e.code === code);
    if (!error) continue;
    report({
      at: contextField(context, error.field),
      resource: context.definition.resource,
      messageId: DIAGNOSTICS[code].messageId,
      identity: { context: context.registeredName },
      display: { consequence: consequence(mappingsUsing(simulation, context)) },
    });
  }
}
