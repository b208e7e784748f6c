import type { AlertsOptions } from '../commands/alerts.js';
import type { BenchOptions } from '../commands/bench.js';
import type { CheckServerOptions } from '../commands/check-server.js';
import type { HealthOptions } from '../commands/health.js';
import type { MonitorOptions } from '../commands/monitor.js';
import type { PreflightOptions } from '../commands/preflight.js';
import type { RecommendOptions } from '../commands/recommend.js';
import type { CommandDeclaration } from './declaration.js';

/** Each command's options, by name. */
export interface CommandOptions {
  readonly recommend: RecommendOptions;
  readonly 'check-server': CheckServerOptions;
  readonly health: HealthOptions;
  readonly preflight: PreflightOptions;
  readonly bench: BenchOptions;
  readonly monitor: MonitorOptions;
  readonly alerts: AlertsOptions;
}
export type CommandName = keyof CommandOptions;

interface CommandEntry<Name extends CommandName> {
  readonly name: Name;
  /** The line in the program's own help; the rest of the declaration loads only when the command runs. */
  readonly summary: string;
  readonly load: () => Promise<CommandDeclaration<CommandOptions[Name]>>;
}

/** The commands, in the order help lists them. */
export const COMMANDS: readonly { [N in CommandName]: CommandEntry<N> }[CommandName][] = [
  {
    name: 'recommend',
    summary: 'recommend a pool configuration for a workload',
    load: async () => (await import('../commands/recommend.js')).recommend,
  },
  {
    name: 'check-server',
    summary: "judge a server's connection settings against the guide",
    load: async () => (await import('../commands/check-server.js')).checkServer,
  },
  {
    name: 'health',
    summary: 'probe a live server: connections, pool acquisition, latency, utilisation',
    load: async () => (await import('../commands/health.js')).health,
  },
  {
    name: 'preflight',
    summary: 'gate a deploy: the server, its health and the pool plan, one exit code',
    load: async () => (await import('../commands/preflight.js')).preflight,
  },
  {
    name: 'bench',
    summary: 'drive a real pool with load and measure acquisition waits, latency and timeouts',
    load: async () => (await import('../commands/bench.js')).bench,
  },
  {
    name: 'monitor',
    summary: 'watch a live server over time: utilisation, churn, idle transactions, lock waits',
    load: async () => (await import('../commands/monitor.js')).monitor,
  },
  {
    name: 'alerts',
    summary: "print Prometheus alert rules with the guide's thresholds, for pooltune or the exporters",
    load: async () => (await import('../commands/alerts.js')).alerts,
  },
];

/** What a parsed command line asks for: the command, its typed options, and how to run them. */
export type Invocation = {
  [N in CommandName]: {
    readonly command: N;
    readonly options: CommandOptions[N];
    readonly run: () => Promise<number>;
  };
}[CommandName];
