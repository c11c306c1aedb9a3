// Quoting helpers for the upstream query languages a filter value is spliced into. Each turns a raw
// value into a literal of that language, so a value can never change the query's structure.
import { escapeFilter } from 'ldapts';

/** SCIM 2.0 (RFC 7644 §3.4.2.2): a JSON string literal. */
export const scim = (v: string): string => JSON.stringify(v);

/** OData v4 (Microsoft Graph): a single-quoted literal, `'` doubled. */
export const odata = (v: string): string => `'${v.replace(/'/g, "''")}'`;

/** Okta's `search`/`filter` expressions: double-quoted, `\` and `"` escaped with a backslash. */
export const okta = (v: string): string => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** JQL: a double-quoted string, `\` and `"` escaped, line breaks as escapes. */
export const jql = (v: string): string => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;

/** Lucene query syntax: every special character (and whitespace) backslash-escaped, so the value is one term. */
export const lucene = (v: string): string => v.replace(/[+\-!(){}[\]^"~*?:\\/&|\s]/g, (c) => `\\${c}`);

/** A Lucene phrase (Auth0's `email:"…"` exact match): double-quoted, `\` and `"` backslash-escaped. */
export const lucenePhrase = (v: string): string => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

const TEMPLATE = Object.assign(['', ''], { raw: ['', ''] }) as unknown as TemplateStringsArray;
/** LDAP search filters (RFC 4515): `*`, `(`, `)`, `\` and NUL as `\2a`, `\28`, `\29`, `\5c`, `\00` (ldapts). */
export const ldap = (v: string): string => escapeFilter(TEMPLATE, v); // ldapts's escapeFilter is a template tag

export const QUOTES = { scim, odata, okta, jql, lucene, lucenePhrase, ldap } as const;
export type QuoteName = keyof typeof QUOTES;
export const QUOTE_NAMES = Object.keys(QUOTES) as QuoteName[];
