// Structured logs (pino). Every line goes through the secret redactor first, so a credential that
// slipped into an error message still never reaches a log.
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactSecrets } from './providers/engine/redact.js';

export type { Logger };

export function createLogger(secrets: () => readonly string[], destination?: DestinationStream, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      level,
      base: { service: 'rollcall' },
      redact: { paths: ['*.authorization', '*.credentials', '*.apiToken', '*.apiKey', '*.password'], censor: '[REDACTED]' },
      hooks: {
        streamWrite: (line) => redactSecrets(line, secrets()),
      },
    },
    destination ?? pino.destination(1),
  );
}
