/**
 * The simulator ships a copy of the shared real-device corpus (plugins/simulator/recordings), so a
 * fresh clone runs the demo and the tests on its own. Where the shared corpus sits next to the
 * repository, the copy must hold the same files with the same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { recordingsDir } from '../../plugins/simulator/index.js';
import { SHARED_SNMPREC_DIR } from '../setup/corpus.js';

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const recordings = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.snmprec')).sort();

describe('the simulator’s copy of the recording corpus', function () {
  it('holds recordings and their provenance README', () => {
    expect(recordings(recordingsDir()).length).to.be.greaterThan(10);
    expect(existsSync(join(recordingsDir(), 'README.md')), 'provenance README').to.equal(true);
  });

  it('is byte-identical to ../shared/snmprec when that corpus is present', function () {
    if (!existsSync(SHARED_SNMPREC_DIR)) {
      console.warn(`SKIPPED: no shared corpus at ${SHARED_SNMPREC_DIR} to compare with (the copy is then the only source)`);
      this.skip();
    }
    expect(recordings(recordingsDir())).to.deep.equal(recordings(SHARED_SNMPREC_DIR));
    for (const f of recordings(SHARED_SNMPREC_DIR)) {
      expect(sha(join(recordingsDir(), f)), f).to.equal(sha(join(SHARED_SNMPREC_DIR, f)));
    }
  });
});
