// The admin API's own Pothos builder: nothing here is ever part of the tenant schema (src/schema).
import SchemaBuilder from '@pothos/core';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { AdminContext } from '../context.js';

export const builder = new SchemaBuilder<{
  Context: AdminContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
  };
}>({ defaultFieldNullability: false });

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', JSONResolver);
builder.queryType({ description: 'Tenants, API tokens, integrated accounts and the audit log of this gateway.' });
builder.mutationType({ description: 'Changes take effect on the next tenant request, on every gateway process sharing the database.' });
