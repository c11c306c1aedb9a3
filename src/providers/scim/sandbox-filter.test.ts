// The SCIM sandbox's filter language must be right before any adapter is tested against it: a lenient
// sandbox would let wrong quoting or precedence pass. Cases follow RFC 7644 §3.4.2.2.
import { describe, expect, it } from 'vitest';
import { compileFilter, FilterError } from './sandbox-filter.js';
import { ENTERPRISE_USER } from './map.js';

const users = [
  { id: 'a', userName: 'BJensen@example.com', active: true, name: { givenName: 'Barbara', familyName: 'Jensen' }, displayName: 'Say "hi" \\ bye',
    emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }, { value: 'babs@jensen.org', type: 'home' }],
    meta: { created: '2020-01-01T00:00:00Z', lastModified: '2024-05-01T10:00:00+02:00' }, [ENTERPRISE_USER]: { department: 'Tour Operations' } },
  { id: 'B', userName: 'jsmith', active: false, emails: [{ value: 'john@example.org', type: 'work' }], meta: { created: '2021-06-01T00:00:00Z', lastModified: '2021-06-02T00:00:00Z' } },
  { id: 'c', userName: 'nobody', meta: { created: '2022-01-01T00:00:00Z', lastModified: '2024-05-01T07:30:00Z' } },
];
const ids = (filter: string) => users.filter(compileFilter(filter)).map((u) => u.id);

describe('SCIM sandbox filters (RFC 7644 §3.4.2.2)', () => {
  it('compares userName and emails.value case-insensitively, but id exactly (caseExact)', () => {
    expect(ids('userName eq "bjensen@EXAMPLE.com"')).toEqual(['a']);
    expect(ids('emails[value eq "BABS@jensen.org"]')).toEqual(['a']);
    expect(ids('emails.value sw "JOHN@"')).toEqual(['B']);
    expect(ids('id eq "b"')).toEqual([]);
    expect(ids('id eq "a" or id eq "B"')).toEqual(['a', 'B']);
  });

  it('reads compValue as a JSON string: escaped quotes and backslashes match literally', () => {
    expect(ids(`displayName eq ${JSON.stringify('Say "hi" \\ bye')}`)).toEqual(['a']);
    expect(ids('displayName co "\\"hi\\""')).toEqual(['a']);
    expect(ids('displayName co "\\\\ b"')).toEqual(['a']);
    expect(() => compileFilter('displayName eq "unterminated')).toThrow(FilterError);
    expect(() => compileFilter('displayName eq "bad \\x escape"')).toThrow(FilterError);
  });

  it('gives not precedence over and, and over or; parentheses group', () => {
    expect(ids('userName eq "nobody" or active eq true and userName eq "jsmith"')).toEqual(['c']);
    expect(ids('(userName eq "nobody" or active eq true) and emails pr')).toEqual(['a']);
    expect(ids('not (active eq true)')).toEqual(['B', 'c']);
  });

  it('compares meta dateTimes chronologically, whatever their offset', () => {
    // 10:00+02:00 is 08:00Z, later than 07:30Z.
    expect(ids('meta.lastModified gt "2024-05-01T07:45:00Z"')).toEqual(['a']);
    expect(ids('meta.created ge "2021-06-01T00:00:00.000Z"')).toEqual(['B', 'c']);
  });

  it('resolves schema-qualified extension attributes and value paths with sub-filters', () => {
    expect(ids(`${ENTERPRISE_USER}:department eq "tour operations"`)).toEqual(['a']);
    expect(ids('emails[type eq "work" and value co "@example."]')).toEqual(['a', 'B']);
    expect(ids('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "JSMITH"')).toEqual(['B']);
  });

  it('refuses unknown operators and ordering comparisons on booleans (invalidFilter)', () => {
    expect(() => compileFilter('userName regex "x"')).toThrow(/regex/);
    expect(() => ids('active gt false')).toThrow(FilterError);
    expect(() => compileFilter('userName eq "x" and')).toThrow(FilterError);
  });
});
