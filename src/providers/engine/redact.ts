// Secrets never leave the process: every URL, message and log line built from upstream traffic goes
// through one of these.
const SECRET_PARAM = /(token|key|secret|password|passwd|signature|sig|code|auth|credential)/i;
export const REDACTED = '[REDACTED]';

/** Removes any occurrence of the account's secrets from a string. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length < 4) continue;
    // Every log line passes here with every secret the process holds: search first, copy only on a hit.
    for (const form of spellings(s)) if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  return out;
}

const SPELLINGS = new Map<string, readonly string[]>();
/** The secret as sent in a URL path, a query string or a form body (which also encodes `~` and spaces). */
function spellings(secret: string): readonly string[] {
  let forms = SPELLINGS.get(secret);
  if (!forms) {
    if (SPELLINGS.size >= 10_000) SPELLINGS.clear(); // rotated-away secrets don't accumulate
    forms = [...new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)])];
    SPELLINGS.set(secret, forms);
  }
  return forms;
}

/**
 * What an auth header derives from the credentials (a Basic pair, a minted OAuth token) is as secret as
 * they are: the whole header value and its token part, and a Basic pair decoded.
 */
export function secretsOfHeaders(headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!/^(authorization|proxy-authorization|x-api-key|api-key|cookie|x-ldap-bind-password)$/i.test(name)) continue;
    out.push(value);
    const [scheme, token] = value.split(/\s+/, 2);
    if (token) {
      out.push(token);
      if (/^basic$/i.test(scheme!)) out.push(Buffer.from(token, 'base64').toString('utf8'));
    }
  }
  return out.filter((s) => s.length >= 4);
}

/** True when a text holds one of the secrets, verbatim, URL-encoded or JSON-escaped. */
export function mentionsSecret(text: string, secrets: readonly string[]): boolean {
  // Each distinct spelling is searched once: most secrets read the same in all three (a page can be 100s of KB).
  return secrets.some((s) => {
    if (s.length < 4) return false;
    if (text.includes(s)) return true;
    const url = encodeURIComponent(s);
    if (url !== s && text.includes(url)) return true;
    const json = JSON.stringify(s).slice(1, -1);
    return json !== s && text.includes(json);
  });
}

/** A copy of a JSON value with every string redacted (keys kept as own properties, `__proto__` included). */
export function redactDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value, secrets);
  if (value === null || typeof value !== 'object' || depth > 200) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [redactSecrets(k, secrets), redactDeep(v, secrets, depth + 1)]));
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

/** Inside a credential document (a Google service-account key): the fields that are secret. Its e-mail,
 *  ids and URLs are not, and stay readable in messages. */
const SECRET_FIELD = /(private_?key$|secret|password|refresh_?token|access_?token)/i;

/** Every string credential value, and the secret fields of a credential document (a PEM key also by its lines). */
export function secretsOf(creds: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const v of Object.values(creds)) {
    if (typeof v === 'string') out.push(v);
    else if (v && typeof v === 'object' && !Array.isArray(v))
      for (const [k, inner] of Object.entries(v))
        if (typeof inner === 'string' && SECRET_FIELD.test(k)) out.push(inner, ...inner.split(/\r?\n|\\n/).filter((line) => line.length >= 16));
  }
  return out.filter((s) => s.length >= 4);
}
