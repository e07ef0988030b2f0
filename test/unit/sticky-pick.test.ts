import { hashAddress, instanceFor, sidOf } from '../../src/primary/sticky/pick';

describe('instanceFor', () => {
  test('the same address always maps to the same instance', () => {
    for (const addr of ['127.0.0.1', '::ffff:10.1.2.3', '2001:db8::1']) {
      expect(instanceFor(addr, [0, 1, 2])).toBe(instanceFor(addr, [0, 1, 2]));
    }
  });

  test('addresses spread over every instance', () => {
    const seen = new Set<number | null>();
    for (let i = 0; i < 200; i++) seen.add(instanceFor(`10.0.${i >> 8}.${i & 255}`, [0, 1, 2, 3]));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  test('no instance accepting: null', () => {
    expect(instanceFor('127.0.0.1', [])).toBeNull();
  });

  test('the hash is FNV-1a (stable across processes)', () => {
    expect(hashAddress('')).toBe(0x811c9dc5);
    expect(hashAddress('a')).toBe(0xe40c292c);
  });
});

describe('sidOf', () => {
  test('the sid of a socket.io polling request', () => {
    expect(sidOf('GET /socket.io/?EIO=4&transport=polling&t=abc&sid=Xy_12-z HTTP/1.1\r\nHost: h\r\n\r\n')).toBe(
      'Xy_12-z',
    );
    expect(sidOf('POST /socket.io/?EIO=4&transport=polling&sid=abc HTTP/1.1\r\n')).toBe('abc');
  });

  test('none: a handshake, another path, not HTTP, a partial line', () => {
    expect(sidOf('GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\n')).toBeNull();
    expect(sidOf('GET / HTTP/1.1\r\n')).toBeNull();
    expect(sidOf('\x16\x03\x01\x02\x00')).toBeNull();
    expect(sidOf('GET /socket.io/?sid=')).toBeNull();
  });
});
