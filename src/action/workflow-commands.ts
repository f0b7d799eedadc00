/**
 * The Action's output when it cannot write a check run: GitHub Actions workflow commands for the annotations, and the
 * Markdown of the job summary. Pure: strings in, strings out; `main.ts` does the writing.
 */
import type { CheckAnnotation, CheckRunReport } from "../report/check-run.js";
import { escapeInline, flatten, link } from "../report/markdown.js";

/**
 * A workflow command's message: `%`, CR and LF percent-encoded, `%` first so that text which already reads `%0A` stays
 * text. This also keeps untrusted text (a resource name from the pull request) from starting a command line of its own.
 */
export function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** A workflow command's property value: as a message, plus `:` and `,`, which delimit the properties. */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

export type CommandProperties = Readonly<Record<string, string | number | undefined>>;

/** `::name key=value,key=value::message`; properties without a value are left out. */
export function workflowCommand(name: string, properties: CommandProperties, message: string): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(",");
  return `::${name}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}

const COMMAND_FOR_LEVEL: Readonly<Record<CheckAnnotation["annotation_level"], "error" | "warning" | "notice">> = {
  failure: "error",
  warning: "warning",
  notice: "notice",
};

/** A check-run annotation as the equivalent workflow command: same file, lines, columns, title and text. */
export function annotationCommand(annotation: CheckAnnotation): string {
  const message = annotation.raw_details ? `${annotation.message}\n\n${annotation.raw_details}` : annotation.message;
  return workflowCommand(
    COMMAND_FOR_LEVEL[annotation.annotation_level],
    {
      file: annotation.path,
      line: annotation.start_line,
      endLine: annotation.end_line,
      col: annotation.start_column,
      endColumn: annotation.end_column,
      title: annotation.title,
    },
    message,
  );
}

/**
 * What the Action prints instead of a check run: one command per annotation, then the verdict (an error when the check
 * fails, so the step's annotations say why it failed).
 */
export function reportCommands(report: CheckRunReport): string[] {
  const lines = report.annotations.map(annotationCommand);
  if (report.conclusion === "success") lines.push(workflowCommand("notice", { title: "mtls-gate" }, report.title));
  else lines.push(workflowCommand("error", { title: "mtls-gate" }, `${report.title} (details in the job summary)`));
  return lines;
}

export interface SummaryContext {
  /** Why no check run carries the result: the caller's own Markdown (sentences); absent when a check run does. */
  withoutCheckRun?: string;
  /** The check run that carries the result, when there is one. */
  checkRunUrl?: string | null;
}

/** The job summary: the title, summary and full list a check run shows. */
export function renderJobSummary(report: CheckRunReport, context: SummaryContext = {}): string {
  const icon = report.conclusion === "success" ? "✅" : "❌";
  const lines = [`## ${icon} mtls-gate: ${escapeInline(report.title)}`, ""];
  if (context.withoutCheckRun !== undefined) {
    lines.push(
      "> [!NOTE]",
      `> **No \`mtls-gate\` check run.** ${flatten(context.withoutCheckRun)} The result is reported here and as ` +
        "annotations of this step (GitHub shows only the first few of each level on the files), and the step fails " +
        "when the check fails.",
      "",
    );
  } else if (context.checkRunUrl) {
    lines.push(
      `Conclusion **${report.conclusion}**; the annotations are on ${link("the `mtls-gate` check run", context.checkRunUrl)}.`,
      "",
    );
  }
  lines.push(report.summary);
  if (report.text) lines.push("", report.text);
  return `${lines.join("\n")}\n`;
}

