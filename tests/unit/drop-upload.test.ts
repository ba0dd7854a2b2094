import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropObjects } from '../../infra/local/drop-upload';
import { tempDir } from '../helpers/temp-dir';

describe('the objects of a drop upload, in order', () => {
  it('a folder: every table first (sub-folders kept), its Count.txt last with the as-of', async () => {
    const dir = join(tempDir('upload'), 'release-1');
    mkdirSync(join(dir, 'EOIR Case Data'), { recursive: true });
    mkdirSync(join(dir, 'Lookup'), { recursive: true });
    for (const f of ['EOIR Case Data/tbl_schedule.csv', 'EOIR Case Data/COUNT.TXT', 'EOIR Case Data/A_TblCase.csv', 'Lookup/tblLookupBaseCity.csv']) writeFileSync(join(dir, f), 'x\n');
    const objects = await dropObjects(dir, { metadata: { 'as-of': '2026-11-20' } });
    expect(objects.map((o) => [o.key, o.metadata])).toEqual([
      ['drops/release-1/EOIR Case Data/A_TblCase.csv', undefined],
      ['drops/release-1/EOIR Case Data/tbl_schedule.csv', undefined],
      ['drops/release-1/Lookup/tblLookupBaseCity.csv', undefined],
      ['drops/release-1/EOIR Case Data/COUNT.TXT', { 'as-of': '2026-11-20' }],
    ]);
  });

  it('a folder without a marker: an empty READY last; --drop-id names the folder', async () => {
    const dir = tempDir('upload-ready');
    writeFileSync(join(dir, 'A_TblCase.csv'), 'x\n');
    const objects = await dropObjects(dir, { dropId: 'd-7' });
    expect(objects).toEqual([
      { key: 'drops/d-7/A_TblCase.csv', file: join(dir, 'A_TblCase.csv') },
      { key: 'drops/d-7/READY', file: null },
    ]);
  });

  it('a zip: one object under drops/ with the as-of; anything else is refused', async () => {
    const dir = tempDir('upload-zip');
    writeFileSync(join(dir, 'Drop-2026-11.ZIP'), 'PK');
    writeFileSync(join(dir, 'A_TblCase.csv'), 'x\n');
    expect(await dropObjects(join(dir, 'Drop-2026-11.ZIP'), { metadata: { 'as-of': '2026-11-01' } })).toEqual([
      { key: 'drops/Drop-2026-11.zip', file: join(dir, 'Drop-2026-11.ZIP'), metadata: { 'as-of': '2026-11-01' } },
    ]);
    await expect(dropObjects(join(dir, 'A_TblCase.csv'))).rejects.toThrow('not a folder or a .zip');
  });
});
