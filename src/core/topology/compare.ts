/**
 * A standby against its primary, both read in one run: a hot standby must keep max_connections and its
 * kin at least as high as its primary's, or replay pauses (14+) or the standby shuts down (≤ 13). Only
 * both servers' own settings tell: a standby cannot read its primary's from SQL.
 */
import { serverSettingFix } from '../checks/fix.js';
import type { Finding } from '../findings.js';
import { numericSetting, type ServerFacts } from '../server-facts.js';
import { STANDBY_MUST_MATCH } from './order.js';

/**
 * `standby-below-primary` findings: a critical one per setting the standby has below the primary's, with the
 * fix on the standby and the order (raise the standby first, restart it, then change the primary), or one
 * ok finding when none is below. Nothing when the two are not a primary and a standby of one cluster (their
 * system identifiers differ, where both could be read).
 */
export function compareStandbyToPrimary(primary: ServerFacts, standby: ServerFacts): Finding[] {
  if (primary.topology.role !== 'primary' || standby.topology.role !== 'standby') return [];
  const [a, b] = [primary.topology.systemIdentifier, standby.topology.systemIdentifier];
  if (a !== null && b !== null && a !== b) return [];
  const below = STANDBY_MUST_MATCH.flatMap((name) => {
    const onPrimary = numericSetting(primary, name);
    const onStandby = numericSetting(standby, name);
    return onPrimary !== undefined && onStandby !== undefined && onStandby < onPrimary
      ? [{ name, onPrimary, onStandby }]
      : [];
  });
  if (below.length === 0)
    return [
      {
        id: 'standby-below-primary',
        severity: 'ok',
        title: `The standby's ${STANDBY_MUST_MATCH.join(', ')} are at least the primary's`,
        observed: STANDBY_MUST_MATCH.map(
          (name) =>
            `${name} ${numericSetting(standby, name) ?? '?'} (primary ${numericSetting(primary, name) ?? '?'})`,
        ).join(', '),
      },
    ];
  return below.map(({ name, onPrimary, onStandby }) => {
    const fix = serverSettingFix(standby, name, onPrimary);
    return {
      id: 'standby-below-primary',
      severity: 'critical',
      subject: name,
      title: `The standby's ${name} (${onStandby}) is below its primary's (${onPrimary}): replay pauses once the primary's value reaches it, and the standby will not start again`,
      observed: `${name} ${onStandby} on the standby, ${onPrimary} on the primary`,
      expected: `at least ${onPrimary}`,
      fix: {
        ...fix,
        order: `Raise ${name} on the standby first and restart it, then leave the primary as it is (or lower the primary first, then the standby, to go the other way); keep every standby equal.`,
      },
      setting: { name, current: String(onStandby), recommended: String(onPrimary) },
    };
  });
}
