import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, routeConsole } from '../src/logger.js';

describe('routeConsole', () => {
  it("turns a library's console output into scrubbed JSON lines (console.error at warn level)", () => {
    const lines: string[] = [];
    const logger = createLogger(() => ['s3cr3t-token'], new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }), 'debug');
    const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error };
    try {
      routeConsole(logger);
      console.error('a library says %s', 'Bearer s3cr3t-token');
      console.log('plain');
    } finally {
      Object.assign(console, saved);
    }
    const parsed = lines.join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(parsed).toHaveLength(2);
    expect(parsed[0]).toMatchObject({ source: 'console', level: 40 });
    expect(parsed[0].msg).toMatch(/^a library says /);
    expect(JSON.stringify(parsed)).not.toContain('s3cr3t-token');
    expect(parsed[1]).toMatchObject({ source: 'console', level: 30, msg: 'plain' });
  });
});
