// The ldap provider's sandbox is a real OpenLDAP (slapd.ts), not a simulation: what the demo and the
// cross-provider tests start. It speaks LDAP, not HTTP, so it records no requests and takes no injected faults.
import type { ProviderSandbox, Sandbox } from '../engine/sandbox-kit.js';
import { ldapDataset, SLAPD_PEOPLE, SLAPD_READER, startSlapd } from './slapd.js';

export const ldapSandbox: ProviderSandbox = {
  slug: 'ldap',
  async start(): Promise<Sandbox> {
    const slapd = await startSlapd();
    return {
      name: 'ldap',
      url: slapd.url,
      requests: [],
      inject: () => { throw new Error('the ldap sandbox is a real slapd: it takes no injected HTTP faults'); },
      clearFaults: () => {},
      close: () => slapd.close(),
    };
  },
  demoAccount: (url) => ({ context: { url, baseDn: SLAPD_PEOPLE }, credentials: { ...SLAPD_READER } }),
  // The entries as the LDAP transport answers them: one value as a string, several as an array; no passwords
  // (the reader may not read userPassword).
  expectedUsers: () =>
    ldapDataset().map((e) => ({
      dn: e.dn,
      ...Object.fromEntries(Object.entries(e.attrs).filter(([k]) => k !== 'userPassword').map(([k, v]) => [k, v.length === 1 ? v[0] : v])),
    })),
};
