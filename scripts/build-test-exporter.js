// Builds the vendored pgbouncer_exporter that the alert-rule tests run (test/vendor/pgbouncer_exporter),
// before any test starts: the first build on a machine takes both cores for up to a minute, which would
// otherwise land in the middle of the parallel test files and slow the timing-sensitive ones beside it.
// Cached by source and Go version (test/helpers/pgbouncer-exporter.ts), so it costs nothing afterwards.
// `npm test` runs it after the build.
import { pgbouncerExporterBinary } from '../dist/test/helpers/pgbouncer-exporter.js';

const started = performance.now();
const binary = await pgbouncerExporterBinary();
const seconds = (performance.now() - started) / 1000;
if (seconds > 1) console.log(`built the test pgbouncer_exporter in ${seconds.toFixed(1)}s: ${binary}`);
