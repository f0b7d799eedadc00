/**
 * Whether the CLI paints its output: the conventions of https://no-color.org and of Node's own tools. `--no-color` and
 * a non-empty NO_COLOR always win; then FORCE_COLOR (`0` or `false`: no colour, anything else: colour, even in a pipe);
 * else only when stdout is a terminal.
 */
export function useColor(options: {
  color?: boolean;
  isTty: boolean;
  env: Readonly<Record<string, string | undefined>>;
}): boolean {
  if (options.color === false) return false;
  if (options.env.NO_COLOR) return false;
  const force = options.env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  return options.isTty;
}
