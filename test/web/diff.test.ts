import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffLines, stableJson } from '../../web/src/review/diff';

const render = (before: string, after: string) =>
  diffLines(before, after).map(
    (l) => `${l.kind === 'added' ? '+' : l.kind === 'removed' ? '-' : ' '}${l.text}`,
  );

void describe('correction diff', () => {
  void it('marks only the changed lines', () => {
    assert.deepEqual(render('{\n  "reply": "Monday"\n}', '{\n  "reply": "Tuesday"\n}'), [
      ' {',
      '-  "reply": "Monday"',
      '+  "reply": "Tuesday"',
      ' }',
    ]);
  });

  void it('handles insertions, deletions and identical texts', () => {
    assert.deepEqual(render('a\nb\nc', 'a\nx\nb\nc\nd'), [' a', '+x', ' b', ' c', '+d']);
    assert.deepEqual(render('a\nb\nc', 'c'), ['-a', '-b', ' c']);
    assert.deepEqual(render('same', 'same'), [' same']);
  });

  void it('falls back to remove-all/add-all for huge inputs instead of hanging', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join('\n');
    const lines = diffLines(before, after);
    assert.equal(lines.filter((l) => l.kind === 'removed').length, 3000);
    assert.equal(lines.filter((l) => l.kind === 'added').length, 3000);
  });

  void it('compares JSON regardless of key order', () => {
    assert.equal(
      stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }),
      stableJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    assert.notEqual(stableJson({ a: 1 }), stableJson({ a: '1' }));
  });
});
