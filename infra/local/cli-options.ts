import { loadConfig } from '../../shared/runtime/config';
import { ENV } from '../../shared/runtime/resources';

/**
 * The command-line options `npm start` and `npm run serve` share (the functions' settings),
 * in node:util parseArgs form, and their checking.
 */
export const PIPELINE_CLI_OPTIONS = {
  'nta-slots': { type: 'string' },
  'nta-slots-by-aor': { type: 'string' },
  'nta-priority': { type: 'string' },
  out: { type: 'string', default: 'out' },
  state: { type: 'string', default: '.local-state' },
  reset: { type: 'boolean', default: false },
  'orr-inbox': { type: 'string', default: 'orr-inbox@example.gov' },
  'mail-from': { type: 'string', default: 'docket-watch@example.gov' },
  'visibility-timeout': { type: 'string', default: '5' },
  fojc: { type: 'string', multiple: true },
  'digest-to': { type: 'string', multiple: true },
  'chunk-bytes': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export interface PipelineCliValues {
  'nta-slots'?: string;
  'nta-slots-by-aor'?: string;
  'nta-priority'?: string;
  'orr-inbox': string;
  'mail-from': string;
  'visibility-timeout': string;
  fojc?: string[];
  'digest-to'?: string[];
  'chunk-bytes'?: string;
}

export interface PipelineSettings {
  readonly planEnvironment: Record<string, string>;
  readonly visibilityTimeoutSeconds: number;
  readonly juvenileCoordinators: Record<string, string>;
  readonly chunkBytes?: number;
  readonly orrInbox: string;
  readonly mailFrom: string;
  readonly digestRecipients?: readonly string[];
}

/** The settings, or the message naming the first bad option (for exit code 2). */
export function pipelineSettings(values: PipelineCliValues): { ok: true; settings: PipelineSettings } | { ok: false; error: string } {
  const planEnvironment: Record<string, string> = {};
  if (values['nta-slots'] !== undefined) planEnvironment[ENV.ntaSlotsPerDay] = values['nta-slots'];
  if (values['nta-slots-by-aor'] !== undefined) planEnvironment[ENV.ntaSlotsByAor] = values['nta-slots-by-aor'];
  if (values['nta-priority'] !== undefined) planEnvironment[ENV.ntaPriorityOrder] = values['nta-priority'];
  try {
    loadConfig('planNta', { [ENV.casesTable]: 'check', [ENV.dropBucket]: 'check', ...planEnvironment });
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const visibility = Number(values['visibility-timeout']);
  if (!Number.isInteger(visibility) || visibility < 1) return { ok: false, error: '--visibility-timeout must be a whole number of seconds >= 1' };
  const juvenileCoordinators: Record<string, string> = {};
  for (const pair of values.fojc ?? []) {
    const [aor, address] = pair.split('=');
    if (!aor || !address) return { ok: false, error: `--fojc ${pair}: expected AOR=ADDRESS` };
    juvenileCoordinators[aor.trim().toUpperCase()] = address.trim();
  }
  const chunkBytes = values['chunk-bytes'] === undefined ? undefined : Number(values['chunk-bytes']);
  if (chunkBytes !== undefined && (!Number.isInteger(chunkBytes) || chunkBytes < 1024)) return { ok: false, error: '--chunk-bytes must be a whole number >= 1024' };
  return {
    ok: true,
    settings: {
      planEnvironment,
      visibilityTimeoutSeconds: visibility,
      juvenileCoordinators,
      chunkBytes,
      orrInbox: values['orr-inbox'],
      mailFrom: values['mail-from'],
      digestRecipients: values['digest-to'],
    },
  };
}
