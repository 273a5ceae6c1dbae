import type { AgentProvider } from '../providers/agent-provider.js';
import type { DoctorProviderReport, DoctorReport, ProviderStatus } from './doctor-report.js';

const statusWords: Record<ProviderStatus, string> = {
  ready: 'ready',
  auth_unknown: 'found, login not verified',
  not_authenticated: 'found, not logged in',
  not_found: 'not found',
  unavailable: 'unavailable',
};

/**
 * The report for a person: one block per provider, then the settings, then the verdict.
 * `warm` has, by provider id, its warm-process line (see `describeWarmProcesses`); the JSON
 * report keeps its fields as they are.
 */
export function formatDoctorReport(
  report: DoctorReport,
  warm: Readonly<Record<string, string | undefined>> = {},
): string {
  const lines = [`subagent-mcp ${report.version} doctor`, ''];
  for (const provider of report.providers) {
    lines.push(...formatProvider(provider, warm[provider.id]), '');
  }
  const { depth } = report;
  lines.push(
    ...alignLabels([
      ['config file', [report.config_file ?? 'none']],
      [
        'state dir',
        [`${report.state_dir.path}${report.state_dir.writable ? '' : ' (not writable)'}`],
      ],
      [
        'allowed roots',
        report.allowed_roots.map((root) => `${root.path}${root.exists ? '' : ' (missing)'}`),
      ],
      [
        'nesting depth',
        [
          `${depth.current} (${depth.variable}), maxDepth ${depth.max}: ` +
            (depth.refuses_runs ? 'runs are refused' : 'runs allowed'),
        ],
      ],
    ]),
    '',
  );
  if (report.ok) {
    lines.push(`OK: runs on the default provider ${report.default_provider} can start.`);
  } else {
    lines.push('Not OK:', ...report.problems.map((problem) => `- ${problem}`));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * How many agent processes the provider keeps warm now and its limits, e.g. `0 now, up to 2,
 * stopped after 300 s idle`; undefined for a provider that keeps none.
 */
export function describeWarmProcesses(provider: AgentProvider): string | undefined {
  const count = provider.warmProcesses?.() ?? 0;
  const { maxProcesses = 0, idleSeconds = 0 } = provider.warm ?? {};
  if (maxProcesses === 0 && count === 0) return provider.warm ? 'off' : undefined;
  return `${count} now, up to ${maxProcesses}, stopped after ${idleSeconds} s idle`;
}

function formatProvider(provider: DoctorProviderReport, warm: string | undefined): string[] {
  const title = `${provider.id}${provider.is_default ? ' (default)' : ''}`;
  const rows: Array<[string, string[]]> = [];
  if (provider.version !== null) rows.push(['version', [provider.version]]);
  if (provider.found) rows.push(['auth', [provider.auth]]);
  rows.push(['looked', provider.searched.length > 0 ? provider.searched : ['(not reported)']]);
  if (warm !== undefined) rows.push(['warm', [warm]]);
  if (provider.next_step !== null) rows.push(['next', [provider.next_step]]);
  return [
    `${title}  ${provider.name}: ${statusWords[provider.status]}`,
    ...alignLabels(rows).map((line) => `  ${line}`),
  ];
}

/** `label  value` rows with the values in one column; further values of a row go below. */
function alignLabels(rows: ReadonlyArray<[string, string[]]>): string[] {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.flatMap(([label, values]) =>
    values.map((value, index) => `${(index === 0 ? label : '').padEnd(width)}${value}`),
  );
}
