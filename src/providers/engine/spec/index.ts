// The provider spec vocabulary: what an adapter imports. A provider is `defineProvider(spec)`: data
// validated by zod at start, plus a few named hooks (a mapper, a value function) where data cannot say it.
export { compileProvider, defineProvider, compileAuth, compileErrors, compilePaginator, DEFAULT_MESSAGE_LOCATORS } from './compile.js';
export { ProviderSpecDataSchema, ProviderSpecError, ProviderSpecSchema, describeIssues, validateSpec, type SpecMode } from './schema.js';
export { placeholders, renderHeaders, renderJson, renderPath, renderQuery, renderText, renderUrl, type TemplateValues } from './template.js';
export { bodyReader, firstString, locate } from './locator.js';
export { QUOTES, QUOTE_NAMES, jql, ldap, lucene, odata, okta, scim, type QuoteName } from './quote.js';
export { compileValue } from './values.js';
export { compileDeclarativeMap, mapRecords } from './declarative.js';
export { FIELD_KINDS, UNIFIED_FIELDS, coerceField } from './fields.js';
export { getPath, setPath } from '../paths.js';
export { isSet, refuse } from '../filters.js';
export type * from './types.js';
