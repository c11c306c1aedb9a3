// The README's error table, generated from the one table of error codes (src/providers/engine/errors.ts).
import { ERROR_CODES } from '../providers/engine/errors.js';

export function errorTable(): string {
  return ['| code | when |', '|---|---|', ...Object.entries(ERROR_CODES).map(([code, when]) => `| \`${code}\` | ${when.replace(/\|/g, '\\|')} |`)].join('\n');
}
