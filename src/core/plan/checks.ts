// The plan's findings are the plan check family (core/checks/plan.ts); the pipeline takes its types from here.
export { planServerFrom, type PlannedService, type PlanServer } from './server.js';
