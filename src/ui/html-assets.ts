import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageRoot } from '../config/package-root.js';
import type { HtmlAssets } from '../report/formats/html.js';

/**
 * uPlot's minified script, stylesheet and licence, for --format html to inline. The bundle step copies them into
 * the package (dist/bundle/vendor/uplot/); from the tsc output they are read where npm installed them.
 */
export async function htmlAssets(): Promise<HtmlAssets> {
  const root = packageRoot();
  const shipped = join(root, 'dist', 'bundle', 'vendor', 'uplot');
  const dir = existsSync(shipped) ? shipped : join(root, 'node_modules', 'uplot', 'dist');
  // npm keeps the licence beside dist/, the bundle step copies it beside the script.
  const licence = existsSync(join(dir, 'LICENSE')) ? join(dir, 'LICENSE') : join(dir, '..', 'LICENSE');
  const [chartScript, chartStyle, chartLicence] = await Promise.all([
    readFile(join(dir, 'uPlot.iife.min.js'), 'utf8'),
    readFile(join(dir, 'uPlot.min.css'), 'utf8'),
    readFile(licence, 'utf8'),
  ]);
  return { chartScript, chartStyle, chartLicence };
}
