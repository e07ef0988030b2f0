import { defaultSpec } from '../../src/config/defaults';
import { toAppInfo } from '../../src/daemon/app-info';
import { ChangeFeed } from '../../src/daemon/change-feed';
import { Registry } from '../../src/daemon/registry';
import type { AppInfo } from '../../src/protocol/types';

/** One turn of the event loop: the feed sends on setImmediate. */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ChangeFeed', () => {
  it('coalesces a burst of notifications into one event with the current apps', async () => {
    let built = 0;
    const feed = new ChangeFeed(() => {
      built++;
      return [];
    });
    const seen: AppInfo[][] = [];
    feed.subscribe((apps) => seen.push(apps));
    feed.notify();
    feed.notify();
    feed.notify();
    await tick();
    expect(seen).toHaveLength(1);
    expect(built).toBe(1);
    feed.notify();
    await tick();
    expect(seen).toHaveLength(2);
  });

  it('stops sending to a listener that unsubscribed, and builds nothing with no listener', async () => {
    let built = 0;
    const feed = new ChangeFeed(() => {
      built++;
      return [];
    });
    const seen: number[] = [];
    const off = feed.subscribe(() => seen.push(1));
    expect(feed.listenerCount).toBe(1);
    off();
    off();
    expect(feed.listenerCount).toBe(0);
    feed.notify();
    await tick();
    expect(seen).toEqual([]);
    expect(built).toBe(0);
  });

  it('keeps telling the other listeners when one throws, and reports the error', async () => {
    const errors: unknown[] = [];
    const feed = new ChangeFeed(
      () => [],
      (err) => errors.push(err),
    );
    const seen: string[] = [];
    feed.subscribe(() => {
      throw new Error('broken listener');
    });
    feed.subscribe(() => seen.push('second'));
    feed.notify();
    await tick();
    expect(seen).toEqual(['second']);
    expect(errors).toHaveLength(1);
  });

  it('hears every registry change: add, transition, pushed status, remove', async () => {
    const registry: Registry = new Registry('/nonexistent/state.json', undefined, undefined, () => feed.notify());
    const feed = new ChangeFeed(() => registry.all().map(toAppInfo));
    const seen: AppInfo[][] = [];
    feed.subscribe((apps) => seen.push(apps));
    const entry = registry.add(defaultSpec('/tmp', 'web', '/srv/app.js', '/srv', {}));
    await tick();
    expect(seen.at(-1)?.map((a) => [a.name, a.status])).toEqual([['web', 'stopped']]);
    registry.transition(entry, { type: 'launch', op: 'resume' });
    await tick();
    expect(seen.at(-1)?.map((a) => a.status)).toEqual(['launching']);
    registry.changed();
    await tick();
    expect(seen).toHaveLength(3);
    registry.remove('web');
    await tick();
    expect(seen.at(-1)).toEqual([]);
    expect(seen).toHaveLength(4);
  });
});
