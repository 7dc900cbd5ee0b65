/**
 * Pure helpers for PostgreSQL connection URLs: hide the password wherever a URL or a message may
 * be printed, and read the schema a URL selects with `?options=-c search_path=…`.
 */

/** The URL with its password (in the userinfo or a `password=` parameter) replaced by `***`. */
export function redactDatabaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Not a URL we can take apart: hide everything between "://" and the last "@".
    return url.replace(/\/\/[^/]*@/, '//***@');
  }
  if (u.password) u.password = '***';
  if (u.searchParams.has('password')) u.searchParams.set('password', '***');
  return u.toString();
}

/** `text` with every occurrence of the URL's password (raw and percent-decoded) replaced by `***`. */
export function redactPasswordIn(text: string, url: string): string {
  const secrets = new Set<string>();
  try {
    const u = new URL(url);
    if (u.password) {
      secrets.add(u.password);
      secrets.add(decodeURIComponent(u.password));
    }
    const p = u.searchParams.get('password');
    if (p) secrets.add(p);
  } catch {
    const m = /\/\/[^:/@]*:([^@/]*)@/.exec(url);
    if (m?.[1]) secrets.add(m[1]);
  }
  let out = text.split(url).join(redactDatabaseUrl(url));
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}

/** The schema a URL puts first on the search path (`?options=-c search_path=NAME`), if any. */
export function searchPathSchemaOf(url: string): string | undefined {
  let options: string | null;
  try {
    options = new URL(url).searchParams.get('options');
  } catch {
    return undefined;
  }
  const m = /(?:^|\s)-c\s*search_path\s*=\s*"?([A-Za-z_][A-Za-z0-9_]*)/.exec(options ?? '');
  return m?.[1];
}
