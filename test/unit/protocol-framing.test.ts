import { encodeLine, LineDecoder, MAX_LINE_BYTES } from '../../src/protocol/framing';

describe('NDJSON framing', () => {
  it('reassembles a message split across chunks, and several per chunk', () => {
    const d = new LineDecoder();
    const text = encodeLine({ id: 1, method: 'ping' }) + encodeLine({ id: 2, method: 'list', params: { a: 'é' } });
    const bytes = Buffer.from(text);
    const out = [];
    // One byte at a time splits the multi-byte 'é' too.
    for (let i = 0; i < bytes.length; i++) out.push(...d.push(bytes.subarray(i, i + 1)));
    expect(out).toEqual([
      { kind: 'message', value: { id: 1, method: 'ping' } },
      { kind: 'message', value: { id: 2, method: 'list', params: { a: 'é' } } },
    ]);
  });

  it('reports a malformed line and goes on with the next one', () => {
    const d = new LineDecoder();
    const out = d.push(Buffer.from('{not json\n\n{"id":3}\n'));
    expect(out[0]?.kind).toBe('malformed');
    expect(out[1]).toEqual({ kind: 'message', value: { id: 3 } });
    expect(out).toHaveLength(2);
  });

  it('refuses an oversized line without buffering it, then decodes the next', () => {
    const d = new LineDecoder(1024);
    const big = Buffer.alloc(5000, 'x');
    expect(d.push(big.subarray(0, 2000))).toEqual([]);
    expect(d.overflowing).toBe(true);
    const out = d.push(Buffer.concat([big.subarray(2000), Buffer.from('\n{"id":4}\n')]));
    expect(out).toEqual([
      { kind: 'oversized', bytes: 5000 },
      { kind: 'message', value: { id: 4 } },
    ]);
    expect(d.overflowing).toBe(false);
  });

  it('allows a line of exactly the limit', () => {
    const d = new LineDecoder(MAX_LINE_BYTES);
    const payload = 'y'.repeat(MAX_LINE_BYTES - 2);
    const out = d.push(Buffer.from(`"${payload}"\n`));
    expect(out).toEqual([{ kind: 'message', value: payload }]);
  });
});
