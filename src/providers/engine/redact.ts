// Secrets never leave the process: every URL, message and log line built from upstream traffic goes
// through one of these.
const SECRET_PARAM = /(token|key|secret|password|passwd|signature|sig|code|auth|credential)/i;
export const REDACTED = '[REDACTED]';

/** Removes any occurrence of the account's secrets from a string. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    out = out.split(s).join(REDACTED);
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join(REDACTED);
  }
  return out;
}

/** Redacts secret-looking query parameters and known secrets from a URL. */
export function redactUrl(url: string, secrets: readonly string[]): string {
  try {
    const u = new URL(url);
    u.username = u.username ? REDACTED : '';
    u.password = u.password ? REDACTED : '';
    for (const key of [...u.searchParams.keys()]) if (SECRET_PARAM.test(key)) u.searchParams.set(key, REDACTED);
    return redactSecrets(u.toString(), secrets);
  } catch {
    return redactSecrets(url, secrets);
  }
}

/** Every string credential value plus the encodings a scheme may derive from it (Basic). */
export function secretsOf(creds: Record<string, string>): string[] {
  const values = Object.values(creds).filter((v): v is string => typeof v === 'string' && v.length >= 4);
  return values;
}
