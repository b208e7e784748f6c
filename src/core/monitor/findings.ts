// monitor's findings are the monitor check family (core/checks/monitor.ts); the reports take the clock from here.
export { clockTime } from './clock.js';
