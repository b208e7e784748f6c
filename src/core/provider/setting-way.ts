import { parseDuration, parseSize } from '../units.js';
import type { ProviderId } from './catalogue.js';
import type { ProviderSighting } from './detect.js';

/** How a provider's customer changes a server-wide setting: shell commands where there is a standard CLI. */
export interface ProviderWay {
  readonly commands: readonly string[];
  /** Who or where applies it, and what to know first (a group to create, flags to keep). */
  readonly where: string;
}

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  us: 0.001,
  ms: 1,
  s: 1000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const BYTES_PER_UNIT: Readonly<Record<string, number>> = {
  B: 1,
  kB: 1024,
  '8kB': 8192,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
};

/**
 * A value as the provider's parameter APIs take it: a number in the setting's own unit (pg_settings.unit),
 * because RDS parameter groups, Cloud SQL flags and Azure parameters want `65536`, not `'64MB'`.
 * A value pooltune cannot convert is passed on as written.
 */
export function inSettingUnit(value: string | number, unit: string | null): string {
  if (typeof value === 'number' || unit === null) return String(value);
  const ms = MS_PER_UNIT[unit];
  const bytes = BYTES_PER_UNIT[unit];
  const parsed = ms !== undefined ? parseDuration(value) : bytes !== undefined ? parseSize(value) : undefined;
  const per = ms ?? bytes;
  return parsed === undefined || per === undefined ? value : String(Math.round(parsed / per));
}

type Way = (name: string, value: string, restart: boolean) => ProviderWay;

const WAYS: Readonly<Partial<Record<ProviderId, Way>>> = {
  rds: (name, value, restart) => ({
    commands: [
      `aws rds modify-db-parameter-group --db-parameter-group-name <custom-parameter-group> --parameters "ParameterName=${name},ParameterValue=${value},ApplyMethod=${restart ? 'pending-reboot' : 'immediate'}"`,
      ...(restart ? ['aws rds reboot-db-instance --db-instance-identifier <instance>'] : []),
    ],
    where:
      "in the instance's custom DB parameter group, by an AWS user allowed to modify it (the default group is read-only: create one and attach it first)",
  }),
  aurora: (name, value, restart) => ({
    commands: [
      `aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name <cluster-parameter-group> --parameters "ParameterName=${name},ParameterValue=${value},ApplyMethod=${restart ? 'pending-reboot' : 'immediate'}"`,
      ...(restart
        ? ['aws rds reboot-db-instance --db-instance-identifier <each instance of the cluster>']
        : []),
    ],
    where:
      "in the cluster's DB cluster parameter group, by an AWS user allowed to modify it (an instance's own DB parameter group overrides it where both set the parameter)",
  }),
  cloudsql: (name, value) => ({
    commands: [
      `gcloud sql instances describe <instance> --format="value(settings.databaseFlags)"`,
      `gcloud sql instances patch <instance> --database-flags=${name}=${value},<every flag shown above to keep>`,
    ],
    where:
      'as a database flag, by a Google Cloud user allowed to edit the instance: --database-flags replaces all of its flags, so list the ones to keep; the change may restart the instance and its replicas',
  }),
  azure: (name, value, restart) => ({
    commands: [
      `az postgres flexible-server parameter set --resource-group <resource-group> --server-name <server> --name ${name} --value ${value}`,
      ...(restart
        ? ['az postgres flexible-server restart --resource-group <resource-group> --name <server>']
        : []),
    ],
    where: 'as a server parameter, by an Azure user allowed to change the server (portal or az CLI)',
  }),
  supabase: (name, value) => ({
    commands: [`supabase postgres-config update --config ${name}=${value}`],
    where: 'with the Supabase CLI linked to the project; the change restarts the database',
  }),
  neon: (name) => ({
    commands: [],
    where:
      name === 'max_connections'
        ? 'in the Neon console or API: Neon sets max_connections from the compute size, so choose a larger compute'
        : `not by the customer role: Neon manages ${name} for its computes`,
  }),
  'crunchy-bridge': () => ({
    commands: [],
    where: 'as the postgres role, which is a superuser on Crunchy Bridge',
  }),
};

/**
 * The provider's own way to set a server-wide setting the role may not ALTER SYSTEM. Providers without a
 * standard CLI for it get their console named.
 */
export function providerSettingWay(
  provider: ProviderSighting,
  name: string,
  value: string,
  restart: boolean,
): ProviderWay {
  const way = WAYS[provider.id];
  if (way) return way(name, value, restart);
  return {
    commands: [],
    where: "in the provider's console or API (its customer role may not ALTER SYSTEM)",
  };
}
