// The README's error tables, generated from the tables of error codes: the gateway's
// (src/providers/engine/errors.ts) and the account store's, which the admin API answers with (src/accounts/errors.ts).
import { STORE_ERROR_CODES } from '../accounts/errors.js';
import { ERROR_CODES, WARNING_CODES } from '../providers/engine/errors.js';

const table = (rows: [string, string][]) => ['| code | when |', '|---|---|', ...rows.map(([code, when]) => `| \`${code}\` | ${when.replace(/\|/g, '\\|')} |`)].join('\n');

export function errorTable(): string {
  return table(Object.entries(ERROR_CODES));
}

/** Warning codes (extensions.warnings): the field is answered, but the gateway refused something upstream. */
export function warningTable(): string {
  return table(Object.entries(WARNING_CODES));
}

/** Codes only the admin API answers with: the store's, less those the gateway table already lists. */
export function adminErrorTable(): string {
  return table(Object.entries(STORE_ERROR_CODES).filter(([code]) => !(code in ERROR_CODES)));
}
