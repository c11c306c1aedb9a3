// Runs in every test file: after its tests, no response body or log line may contain a credential.
import { afterAll, expect } from 'vitest';
import { secretsInUse, transcript } from './helpers.js';

afterAll(() => {
  const leaks = [...secretsInUse].filter((s) => s.length >= 8 && transcript.some((t) => t.includes(s)));
  expect(leaks, 'credentials leaked into a response or a log line').toEqual([]);
});
