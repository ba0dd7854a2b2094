/** The email kinds with a template pair (shared/templates/<name>.txt and .html). */
export type NoticeTemplate = 'fta-notice' | 'correction' | 'identity' | 'digest' | 'hearing-reminder' | 'hearing-update' | 'hearing-digest';

/** Turns a view (plain data) into the text and HTML bodies of one email. Pure. */
export interface NoticeRenderer {
  render(template: NoticeTemplate, view: object): { readonly text: string; readonly html: string };
}
