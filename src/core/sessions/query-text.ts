/** What stands for a secret wherever pooltune prints something that held one. */
export const SECRET_MASK = '********';

/** Masks each secret, also in its percent-encoded form as it would stand in a URL. */
export function redact(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(SECRET_MASK);
  }
  return out;
}

/** The longest query text shown; a report names sessions, it does not reproduce their SQL. */
export const QUERY_TEXT_MAX_CHARS = 200;

// PASSWORD 'secret' (CREATE/ALTER ROLE, dblink and FDW options), password=secret in a conninfo string,
// and user:secret@ in a URL.
const PASSWORD_LITERAL = /(\bpassword\s*(?:=\s*)?)(?:E?'(?:[^']|'')*'|\$\$[\s\S]*?\$\$)/gi;
const CONNINFO_PASSWORD = /(\bpassword\s*=\s*)(?!'|\*)[^\s'"]+/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/?#\s]+@/gi;

/** A session's query as a report may show it: one line, whitespace collapsed, cut short, passwords masked. */
export function queryForReport(query: string | null, maxChars = QUERY_TEXT_MAX_CHARS): string | null {
  if (query === null) return null;
  const masked = query
    .replace(PASSWORD_LITERAL, `$1'${SECRET_MASK}'`)
    .replace(CONNINFO_PASSWORD, `$1${SECRET_MASK}`)
    .replace(URL_PASSWORD, `$1${SECRET_MASK}@`);
  const line = masked.replace(/\s+/g, ' ').trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}
