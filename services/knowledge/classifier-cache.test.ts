import path from 'node:path';
import { classifierFromSnapshot } from './classifier';
import { rmSync } from 'node:fs';
import { cacheFile, classifierCacheKey, readCachedClassifier, writeCachedClassifier } from './classifier-cache';
import { loadSnapshotFromFiles } from './load-files';

const DIR = path.resolve(__dirname, '../../test/fixtures/kb-valid');

describe('classifier cache', () => {
  it('restores a classifier that answers exactly like the one it was built from', () => {
    const built = classifierFromSnapshot(loadSnapshotFromFiles(DIR));
    const key = `test-${process.pid}-${Date.now()}`;
    writeCachedClassifier(key, built);
    const restored = readCachedClassifier(key);
    expect(restored).not.toBeNull();
    try {
      for (const text of ['blue card salary', 'kakaya zarplata dlya goluboy karty', 'nha tre o Rostock', 'hola']) {
        expect(restored!.classifyDetailed(text, 'en')).toEqual(built.classifyDetailed(text, 'en'));
      }
    } finally {
      rmSync(cacheFile(key), { force: true });
    }
  });

  it('keys on the content: the same tree gives the same key', () => {
    expect(classifierCacheKey(DIR)).toBe(classifierCacheKey(DIR));
    expect(classifierCacheKey(DIR)).not.toBe(classifierCacheKey(path.resolve(__dirname, '../../test/fixtures/kb-broken')));
  });

  it('returns null for an unknown key', () => {
    expect(readCachedClassifier('no-such-key')).toBeNull();
  });
});
