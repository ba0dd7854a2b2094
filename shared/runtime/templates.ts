import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Mustache from 'mustache';
import type { NoticeRenderer, NoticeTemplate } from '../ports/notice-renderer';

const TEMPLATES: readonly NoticeTemplate[] = ['fta-notice', 'correction', 'identity', 'digest', 'hearing-reminder', 'hearing-update', 'hearing-digest'];
const PARTIALS = ['details'] as const;

/**
 * Where the templates are: `templates/` beside the bundled handler in Lambda (the CDK
 * bundling copies shared/templates there), else shared/templates in the repository.
 */
export function defaultTemplatesDir(): string {
  if (process.env.LAMBDA_TASK_ROOT) return join(process.env.LAMBDA_TASK_ROOT, 'templates');
  return join(import.meta.dirname, '..', 'templates');
}

/**
 * Reads every template once (cold start) and renders with Mustache: HTML-escaped in the
 * .html files, verbatim in the .txt files. A missing file fails the cold start.
 */
export function loadNoticeRenderer(dir: string = defaultTemplatesDir()): NoticeRenderer {
  const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
  const files = new Map<string, string>();
  for (const name of [...TEMPLATES, ...PARTIALS]) {
    files.set(`${name}.txt`, read(`${name}.txt`));
    files.set(`${name}.html`, read(`${name}.html`));
  }
  const partials = (ext: 'txt' | 'html'): Record<string, string> =>
    Object.fromEntries(PARTIALS.map((p) => [p, files.get(`${p}.${ext}`) ?? '']));
  const plain = { escape: (s: unknown): string => String(s) };
  return {
    render(template, view) {
      return {
        text: Mustache.render(files.get(`${template}.txt`) ?? '', view, partials('txt'), plain)
          .replace(/\n{3,}/g, '\n\n'),
        html: Mustache.render(files.get(`${template}.html`) ?? '', view, partials('html')),
      };
    },
  };
}
