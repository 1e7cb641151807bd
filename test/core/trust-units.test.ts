/** Unit tests of the pure trust pieces: address classification, depth, CSV cells, keyed chain. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { depthProblem } from '../../src/common/free-json';
import { safeCell } from '../../src/feedback/export-format';
import { AuditChain, legacyEventHash } from '../../src/items/event-chain';
import { blockedRange, urlFieldProblem, urlProblem } from '../../src/common/outbound-address';

describe('SSRF address classification', () => {
  it('refuses loopback, private, link-local, shared, unspecified, multicast and their IPv4-mapped forms', () => {
    for (const address of [
      '127.0.0.1',
      '127.9.9.9',
      '::1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      'fc00::1',
      'fd12:3456::1',
      '169.254.169.254',
      'fe80::1',
      '100.64.0.1',
      '100.127.255.254',
      '0.0.0.0',
      '::',
      '224.0.0.1',
      'ff02::1',
      '255.255.255.255',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '[::1]',
      '::127.0.0.1',
      '::a00:1',
    ])
      assert.ok(blockedRange(address), `${address} must be refused`);
  });

  it('allows public unicast addresses', () => {
    for (const address of ['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '100.128.0.1'])
      assert.equal(blockedRange(address), null, address);
  });

  it('refuses URLs whose host is or resolves to such an address, in every spelling', async () => {
    for (const url of [
      'http://127.0.0.1:8080/hook',
      'http://localhost:3000/',
      'http://sub.localhost/',
      'http://0.0.0.0/',
      'http://[::1]:9000/',
      'http://[::ffff:127.0.0.1]/',
      'http://0x7f000001/',
      'http://2130706433/',
      'http://127.1/',
      'https://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/',
    ])
      assert.ok(await urlProblem(url), `${url} must be refused`);
    assert.equal(await urlProblem('https://93.184.216.34/hook'), null);
  });

  it('refuses, naming the field, a URL Node cannot parse even when private networks are allowed', async () => {
    for (const allowPrivate of [false, true])
      assert.equal(
        await urlFieldProblem('webhookUrl', 'http://[fe80::1%25eth0]:8080/x', allowPrivate),
        'webhookUrl is not a valid URL',
      );
    assert.match(
      (await urlFieldProblem('callbackUrl', 'http://[::127.0.0.1]/hook', false)) ?? '',
      /^callbackUrl /,
    );
    assert.equal(await urlFieldProblem('webhookUrl', 'http://127.0.0.1:9/x', true), null);
  });
});

describe('JSON depth', () => {
  it('finds nesting deeper than 64 levels below a field without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.deepEqual(depthProblem({ output: deep }), {
      field: 'output',
      message: 'output is nested more than 64 levels deep',
    });
    let ok: unknown = 1;
    for (let i = 0; i < 64; i++) ok = { a: ok };
    assert.equal(depthProblem({ output: ok }), null);
    // One level more is refused: "deeper than 64 levels" is exact at the boundary.
    assert.equal(depthProblem({ output: { a: ok } })?.field, 'output');
    let arrays: unknown = [];
    for (let i = 1; i < 65; i++) arrays = [arrays];
    assert.equal(depthProblem({ output: arrays })?.field, 'output');
  });
});

describe('CSV cells', () => {
  it('prefixes =, +, -, @, tab and carriage return with an apostrophe, nothing else', () => {
    for (const cell of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      assert.equal(safeCell(cell), `'${cell}`);
    for (const cell of ['plain', '1', '{"a":"=b"}', ' =x', '', null])
      assert.equal(safeCell(cell), cell);
  });
});

describe('keyed audit chain', () => {
  const event = {
    itemId: '00000000-0000-4000-8000-000000000001',
    seq: 1,
    type: 'submitted',
    actor: 'system',
    details: { a: 1 },
    createdAt: new Date('2026-11-30T00:00:00Z'),
  };
  it('links depend on the key; a recomputed plain SHA-256 link is not accepted', () => {
    const a = new AuditChain('key-a');
    const b = new AuditChain('key-b');
    assert.notEqual(a.eventHash('', event), b.eventHash('', event));
    const plain = legacyEventHash('', event);
    assert.equal(a.firstBrokenLink([{ ...event, prevHash: '', hash: plain }]), 1);
    // …except for the leading events an item had before keying (vouched for by the head).
    assert.equal(a.firstBrokenLink([{ ...event, prevHash: '', hash: plain }], 1), null);
  });
  it('the head covers the newest link and the status, usability and final output', () => {
    const chain = new AuditChain('key');
    const last = { seq: 3, hash: 'abc' };
    const verdict = { status: 'approved', usable: true, finalOutput: { x: 1 } };
    const head = chain.head(event.itemId, last, 0, verdict);
    assert.ok(chain.headMatches(head, event.itemId, last, 0, verdict));
    for (const changed of [
      { ...verdict, status: 'rejected' },
      { ...verdict, usable: false },
      { ...verdict, finalOutput: { x: 2 } },
    ])
      assert.ok(!chain.headMatches(head, event.itemId, last, 0, changed));
    assert.ok(!chain.headMatches(head, event.itemId, { seq: 2, hash: 'abc' }, 0, verdict));
  });
});
