import { verifySchema } from '../schema/verify.js';
import { defineFamily } from './registry.js';

/**
 * health --schema's family: the objects an application expects against the catalogs, and its migration
 * ledger. One check, because which objects are expected follows from which migrations the ledger records.
 */
export const schemaChecks = defineFamily('schema', [
  { id: 'schema-objects', run: ({ spec, catalog }) => verifySchema(spec, catalog) },
]);
