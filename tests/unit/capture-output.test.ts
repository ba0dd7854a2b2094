import { describe, expect, it } from 'vitest';
import { captureLambdaOutput } from '../../infra/local/capture-output';
import { createObservability } from '../../shared/runtime/observability';

describe('captureLambdaOutput', () => {
  it('captures every Powertools log level, WARN and ERROR (stderr) as well as INFO (stdout)', () => {
    const lines: string[] = [];
    const restore = captureLambdaOutput({ onLog: (l) => lines.push(l), onMetrics: () => undefined });
    try {
      const { logger } = createObservability('capture-test');
      logger.info('an info line');
      logger.warn('a warn line');
      logger.error('an error line');
    } finally {
      restore();
    }
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['an info line', 'a warn line', 'an error line']);
  });
});
