export const EXIT_CODES_HELP = `
Exit codes:
  0    ran; no finding at or above --fail-on
  1    ran; a finding at or above --fail-on (the gate failed)
  2    usage or input error: bad flag, bad value, unreadable or invalid file,
       an --output file that cannot be written
  3    could not reach or log in to the target database, or lost it mid-run
       (monitor still prints the summary of its samples)
  130  cancelled (Ctrl-C, or a cancelled prompt); 143 on SIGTERM. bench,
       monitor and health still print what they measured before they stopped
       (monitor --listen, a service, exits 0 when a signal stops it)

Environment:
  NO_COLOR     any non-empty value turns colour off (so does --no-color)
  FORCE_COLOR  turns colour on when output is not a terminal (0 turns it off)`;

/**
 * One way of writing a default in --help, `(default: 10s)`: commander quotes string values
 * (`default: "text"`, `choices: "text", "json"`) and some descriptions wrote `(default 10s)`.
 */
export function uniformDefaults(description: string): string {
  return description
    .replace(/\((default|choices):? /g, '($1: ')
    .replace(/"([^"\s]*)"/g, (quoted, word: string) => (/^[\w.@/-]+$/.test(word) ? word : quoted));
}
