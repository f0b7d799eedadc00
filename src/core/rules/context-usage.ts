import type { ResolvedContext } from "../resolve/contexts.js";
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
