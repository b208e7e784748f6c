import { code, reached, type ReportDocument } from '../document.js';
import type { RecommendReport } from '../recommend-report.js';
import { rowCells, settingRows, traceEquation, type Row } from './pool-settings.js';
import { trafficInputRows, trafficSections } from './recommend-traffic.js';

/** The inputs the sizing used, each with its source. */
function inputRows(report: RecommendReport): Row[] {
  const { inputs } = report;
  const counted = (label: string, input: { value: number; source: string }): Row => ({
    label,
    value: String(input.value),
    source: input.source,
  });
  const rows: Row[] = [
    {
      label: 'workload',
      value: inputs.workload.value,
      source: [
        inputs.workload.source === 'default' || inputs.workload.source === 'prompt'
          ? inputs.workload.source
          : undefined,
        inputs.workloadOrigin === inputs.workload.value ? 'built-in preset' : inputs.workloadOrigin,
      ]
        .filter(Boolean)
        .join(', '),
    },
    ...(report.traffic
      ? trafficInputRows(report.traffic)
      : [
          inputs.concurrency
            ? counted('concurrency per instance', inputs.concurrency)
            : { label: 'concurrency per instance', value: 'not given', source: 'preset size stands' },
        ]),
    counted('instances', inputs.instances),
    counted('server max_connections', inputs.serverMaxConnections),
  ];
  const { reservedConnections: reserved, otherConnections: others } = inputs;
  if (reserved.value > 0 || reserved.source !== 'default') rows.push(counted('reserved slots', reserved));
  if (others.value > 0 || others.source !== 'default') rows.push(counted('held by others', others));
  if (inputs.deploySurge) {
    const { surge, instancesDuringDeploy } = inputs.deploySurge.value;
    rows.push({
      label: 'deploy surge',
      value: `${surge.kind === 'percent' ? `${surge.percent} %` : `${surge.count} more`}: ${instancesDuringDeploy} instances while a deploy runs`,
      source: inputs.deploySurge.source,
    });
  }
  if (inputs.behindPooler) {
    rows.push({
      label: 'behind a pooler',
      value: `${inputs.behindPooler.value} mode`,
      source: inputs.behindPooler.source,
    });
    const limit = report.recommendation.behindPooler?.maxClientConn ?? null;
    rows.push({
      label: 'pool sized against',
      value:
        limit === null
          ? "no cap: the pooler's server pool, not this one, takes the server's slots"
          : `the pooler's max_client_conn ${limit}`,
      source: limit === null ? 'max_client_conn not known' : 'pooler',
    });
  }
  return rows;
}

/** Inputs, the traffic sizing, the settings with sources, the formula trace, the code to paste. */
export function recommendDocument(report: RecommendReport): ReportDocument {
  const { recommendation, emitted } = report;
  return {
    envelope: report,
    header: {
      title: 'Recommendation',
      about: 'for',
      subject: recommendation.workload,
      facts: report.target === null ? [] : [report.target, ...reached(report)],
    },
    sections: [
      {
        heading: 'Inputs',
        blocks: [{ kind: 'table', head: ['input', 'value', 'source'], rows: rowCells(inputRows(report)) }],
      },
      ...(report.traffic ? trafficSections(report.traffic) : []),
      {
        heading: `Recommended pool (${recommendation.workload})`,
        blocks: [
          {
            kind: 'table',
            head: ['setting', 'value', 'source'],
            rows: rowCells(settingRows(recommendation)),
          },
        ],
      },
      {
        heading: 'How the pool size was computed',
        blocks: [
          {
            kind: 'steps',
            steps: recommendation.trace.map((s) => ({
              label: s.label,
              formula: s.formula,
              result: traceEquation(s),
            })),
          },
        ],
      },
      {
        heading: ['Configuration (', code(`--emit ${emitted.emitter}`), ')'],
        blocks: [
          { kind: 'code', language: emitted.language, code: emitted.code },
          { kind: 'notes', label: 'note', items: emitted.notes },
        ],
        keepWhenQuiet: true,
      },
    ],
    // Durations are milliseconds; null means none.
    json: {
      body: {
        inputs: report.inputs,
        recommendation,
        traffic: report.traffic ?? null,
        emitted,
      },
    },
    raw: emitted.code,
  };
}
