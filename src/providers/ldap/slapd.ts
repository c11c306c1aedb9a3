// A private OpenLDAP server for the ldap provider's tests and the demo: Debian's `slapd` run in the foreground
// on 127.0.0.1 and a free port, with its own cn=config and mdb database in a temporary directory (never the
// system instance), loaded by slapadd with a deterministic directory. The server's size limit (100) is below
// the directory's size, so only a client that pages (RFC 2696) sees every user.
//
// slapadd restores operational attributes as slapcat writes them, so entryUUID, createTimestamp,
// modifyTimestamp, memberOf (the memberof overlay's attribute) and pwdAccountLockedTime (ppolicy's) are
// given here: the dataset, and so every expectation, is the same on every run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { people } from '../engine/sandbox-kit.js';

export const SLAPD_SUFFIX = 'dc=rollcall,dc=test';
export const SLAPD_PEOPLE = `ou=people,${SLAPD_SUFFIX}`;
/** A plain directory user (the root DN ignores size limits, so the gateway binds as this one). */
export const SLAPD_READER = { bindDn: `cn=reader,${SLAPD_SUFFIX}`, password: 'slapd-reader-pw-5e2a91' };
/** The server's size limit: below the directory's size. */
export const SLAPD_SIZE_LIMIT = 100;
export const SLAPD_USERS = 320;
/** The root DN: not subject to size limits, so only tests that change the directory bind as it. */
export const SLAPD_ADMIN = { bindDn: `cn=admin,${SLAPD_SUFFIX}`, password: 'slapd-root-pw-c47d02' };
const ROOT_PW = SLAPD_ADMIN.password;

/** Binaries and paths of Debian's slapd package. */
const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
const MODULES = '/usr/lib/ldap';
const SCHEMA = '/etc/ldap/schema';

export const GROUPS = [
  { cn: 'Engineering', every: 3, at: 0 },
  { cn: 'Sales, EMEA', every: 4, at: 1 }, // a comma: the DN escapes it (cn=Sales\2C EMEA)
  { cn: 'Support', every: 5, at: 2 },
].map((g) => ({ ...g, dn: `cn=${g.cn.replace(/,/g, '\\2C')},ou=groups,${SLAPD_SUFFIX}` }));

export interface LdapEntry { dn: string; attrs: Record<string, string[]> }

/** Deterministic entryUUID-shaped ids. */
const uuidOf = (i: number) => {
  const h = createHash('sha256').update(`rollcall-ldap-${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
/** GeneralizedTime (RFC 4517 §3.3.13) in UTC, as OpenLDAP stores timestamps. */
export const generalizedTime = (iso: string) => `${iso.replace(/[-:T]/g, '').slice(0, 14)}Z`;

/**
 * The directory's users, in slapadd order (which is OpenLDAP's search order). Edge cases: 0 has no name (cn and
 * sn are its uid), 1 only a given name, 2–4 unicode, every 7th from 5 a second `mail`, 12 `*`, `(`, `)` and `\`
 * in its cn (filter escaping), every 9th from 4 locked (pwdAccountLockedTime), every 3rd a title, every 10th a
 * telephoneNumber and every 10th from 5 a mobile; group memberships by index (GROUPS).
 */
export function ldapDataset(count = SLAPD_USERS): LdapEntry[] {
  return people(count, 0x1dab, 'rollcall.test').map((p, i) => {
    const uid = p.email.split('@')[0]!;
    const cn = i === 12 ? 'Star (*) Back\\slash' : (p.name ?? uid);
    const attrs: Record<string, string[]> = {
      objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
      uid: [uid],
      cn: [cn],
      sn: [p.lastName ?? uid],
      ...(p.firstName ? { givenName: [p.firstName] } : {}),
      ...(i % 5 === 1 ? { displayName: [`${cn} (display)`] } : {}),
      mail: [p.email, ...(p.secondEmail ? [p.secondEmail] : [])],
      ...(i % 3 === 0 ? { title: ['Engineer'] } : {}),
      ...(i % 10 === 0 ? { telephoneNumber: ['+1 555 0100'] } : {}),
      ...(i % 10 === 5 ? { mobile: ['+1 555 0199'] } : {}),
      userPassword: [`pw-${i}`],
      entryUUID: [uuidOf(i)],
      createTimestamp: [generalizedTime(p.createdAt)],
      modifyTimestamp: [generalizedTime(p.updatedAt)],
      ...(i % 9 === 4 ? { pwdAccountLockedTime: ['000001010000Z'] } : {}),
    };
    const groups = GROUPS.filter((g) => i % g.every === g.at).map((g) => g.dn);
    if (groups.length) attrs.memberOf = groups;
    return { dn: `uid=${uid},${SLAPD_PEOPLE}`, attrs };
  });
}

/** LDIF (RFC 2849): values that are not SAFE-STRINGs are base64. */
function ldif(entries: LdapEntry[]): string {
  const line = (k: string, v: string) => (/^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(v) && !v.endsWith(' ') ? `${k}: ${v}` : `${k}:: ${Buffer.from(v).toString('base64')}`);
  return entries.map((e) => [line('dn', e.dn), ...Object.entries(e.attrs).flatMap(([k, vs]) => vs.map((v) => line(k, v)))].join('\n')).join('\n\n') + '\n';
}

function directory(users: LdapEntry[]): LdapEntry[] {
  const ts = (n: number) => ({ entryUUID: [uuidOf(100_000 + n)], createTimestamp: ['20230101000000Z'], modifyTimestamp: ['20230101000000Z'] });
  return [
    { dn: SLAPD_SUFFIX, attrs: { objectClass: ['top', 'dcObject', 'organization'], dc: ['rollcall'], o: ['Rollcall test directory'], ...ts(0) } },
    { dn: SLAPD_PEOPLE, attrs: { objectClass: ['top', 'organizationalUnit'], ou: ['people'], ...ts(1) } },
    { dn: `ou=groups,${SLAPD_SUFFIX}`, attrs: { objectClass: ['top', 'organizationalUnit'], ou: ['groups'], ...ts(2) } },
    { dn: SLAPD_READER.bindDn, attrs: { objectClass: ['top', 'organizationalRole', 'simpleSecurityObject'], cn: ['reader'], userPassword: [SLAPD_READER.password], ...ts(3) } },
    ...users,
    ...GROUPS.map((g, n) => ({
      dn: g.dn,
      attrs: { objectClass: ['top', 'groupOfNames'], cn: [g.cn], member: users.filter((u) => u.attrs.memberOf?.includes(g.dn)).map((u) => u.dn), ...ts(10 + n) },
    })),
  ];
}

function configLdif(dir: string): string {
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${dir}/slapd.pid

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: ${MODULES}
olcModuleLoad: back_mdb
olcModuleLoad: memberof
olcModuleLoad: ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file://${SCHEMA}/core.ldif
include: file://${SCHEMA}/cosine.ldif
include: file://${SCHEMA}/inetorgperson.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcSizeLimit: ${SLAPD_SIZE_LIMIT}

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${SLAPD_SUFFIX}
olcRootDN: cn=admin,${SLAPD_SUFFIX}
olcRootPW: ${ROOT_PW}
olcDbDirectory: ${dir}/data
olcDbMaxSize: 67108864
olcSizeLimit: ${SLAPD_SIZE_LIMIT}
olcLimits: * size.soft=${SLAPD_SIZE_LIMIT} size.hard=${SLAPD_SIZE_LIMIT} size.prtotal=unlimited
olcAccess: {0}to attrs=userPassword by anonymous auth by * none
olcAccess: {1}to * by users read by * none
olcDbIndex: objectClass eq
olcDbIndex: uid,mail,entryUUID eq

dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcMemberOf
olcOverlay: {0}memberof

dn: olcOverlay={1}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {1}ppolicy
`;
}

export interface Slapd {
  url: string;
  port: number;
  users: LdapEntry[];
  /** The account keys that reach this server. */
  account(): { context: Record<string, unknown>; credentials: Record<string, string> };
  close(): Promise<void>;
}

/** Why slapd cannot run here, or null when it can. */
export function slapdMissing(): string | null {
  const missing = [SLAPD, SLAPADD, `${MODULES}/back_mdb.so`, `${SCHEMA}/inetorgperson.ldif`].filter((p) => !existsSync(p));
  return missing.length
    ? `OpenLDAP's slapd is not installed (missing ${missing.join(', ')}). Install it without a system instance: echo "slapd slapd/no_configuration boolean true" | debconf-set-selections && apt-get install -y --no-install-recommends slapd ldap-utils`
    : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Starts a private slapd; throws with the reason (and how to install it) when it cannot. */
export async function startSlapd(count = SLAPD_USERS): Promise<Slapd> {
  const why = slapdMissing();
  if (why) throw new Error(why);
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-slapd-'));
  const users = ldapDataset(count);
  try {
    mkdirSync(join(dir, 'slapd.d'));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'config.ldif'), configLdif(dir));
    writeFileSync(join(dir, 'data.ldif'), ldif(directory(users)));
    for (const args of [['-n', '0', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'config.ldif')], ['-q', '-n', '1', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'data.ldif')]]) {
      const r = spawnSync(SLAPADD, args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`slapadd ${args.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error)).trim().slice(-800)}`);
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    // -d keeps slapd in the foreground, so the child is slapd itself and killing it stops the server.
    const child: ChildProcess = spawn(SLAPD, ['-d', '0', '-h', `${url}/`, '-F', join(dir, 'slapd.d')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let up = false;
    for (let i = 0; i < 200 && child.exitCode === null; i++) {
      if (await accepting(port)) { up = true; break; }
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!up) {
      child.kill('SIGKILL');
      await exited;
      lastError = new Error(`slapd did not start on ${url}: ${stderr.trim().slice(-600)}`);
      continue;
    }
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    return {
      url,
      port,
      users,
      account: () => ({ context: { url, baseDn: SLAPD_PEOPLE }, credentials: { ...SLAPD_READER } }),
      async close() {
        process.removeListener('exit', kill);
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
          await exited;
          clearTimeout(t);
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}
