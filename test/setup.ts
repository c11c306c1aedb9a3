// Runs in every test file: after its tests, no response body or log line it saw may contain a credential —
// neither one a test configured nor any sandbox's demo credential.
import { afterAll, expect } from 'vitest';
import { secretsOf } from '../src/providers/engine/redact.js';
import { SANDBOXES } from '../src/providers/sandboxes.js';
import { secretsInUse, transcript } from './helpers.js';

afterAll(() => {
  const demo = SANDBOXES.flatMap((s) => secretsOf(s.demoAccount('http://sandbox.test').credentials));
  const leaks = [...secretsInUse, ...demo].filter((s) => s.length >= 8 && transcript.some((t) => t.includes(s)));
  // Files share this module when tests run without isolation: start the next file with an empty record.
  transcript.length = 0;
  secretsInUse.clear();
  expect(leaks, 'credentials leaked into a response or a log line').toEqual([]);
});
