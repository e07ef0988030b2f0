/**
 * The slot table: one lifecycle per instance number, and the processes that
 * serve it. Statuses change only through `apply`, which runs the one
 * transition function; an illegal transition is a bug in the primary, so it
 * throws under test and, in production, is logged and refused (the slot keeps
 * its status rather than being corrupted).
 */
import { initialSlotState, IllegalTransition, transition, type SlotEvent, type SlotState } from './slot-status';

export interface Slot<P> {
  readonly instance: number;
  readonly state: SlotState;
  /** The process serving this instance (or starting to), null when none runs. */
  current: P | null;
  /** A replacement coming online during a reload or memory replacement. */
  pending: P | null;
  /** Replaced processes still draining after their replacement took over. */
  readonly retiring: Set<P>;
}

interface MutableSlot<P> extends Slot<P> {
  state: SlotState;
}

export type IllegalTransitionReport = (msg: string, fields: Record<string, unknown>) => void;

/** Under Jest (or NODE_ENV=test) an illegal transition fails the test that caused it. */
export function strictTransitions(): boolean {
  return process.env.JEST_WORKER_ID !== undefined || process.env.NODE_ENV === 'test';
}

export class SlotTable<P> {
  private readonly slots = new Map<number, MutableSlot<P>>();

  constructor(
    private readonly report: IllegalTransitionReport,
    private readonly onChange: () => void = () => undefined,
    private readonly strict: boolean = strictTransitions(),
  ) {}

  add(instance: number): Slot<P> {
    const slot: MutableSlot<P> = {
      instance,
      state: initialSlotState(),
      current: null,
      pending: null,
      retiring: new Set(),
    };
    this.slots.set(instance, slot);
    this.onChange();
    return slot;
  }

  remove(instance: number): void {
    this.slots.delete(instance);
    this.onChange();
  }

  get(instance: number): Slot<P> | undefined {
    return this.slots.get(instance);
  }

  has(slot: Slot<P>): boolean {
    return this.slots.get(slot.instance) === slot;
  }

  get size(): number {
    return this.slots.size;
  }

  /** Every slot, lowest instance first. */
  all(): Array<Slot<P>> {
    return [...this.slots.values()].sort((a, b) => a.instance - b.instance);
  }

  /** The lowest instance numbers not in use, `count` of them. */
  freeInstances(count: number): number[] {
    const out: number[] = [];
    for (let i = 0; out.length < count; i++) if (!this.slots.has(i)) out.push(i);
    return out;
  }

  /** Applies `event` to `slot`; false (and the slot unchanged) when it is illegal in production. */
  apply(slot: Slot<P>, event: SlotEvent, now = Date.now()): boolean {
    const s = this.slots.get(slot.instance);
    if (s !== slot) return false; // a slot scaled away: nothing to record
    try {
      s.state = transition(s.state, event, now);
    } catch (err) {
      if (!(err instanceof IllegalTransition) || this.strict) throw err;
      this.report('illegal worker transition refused', { instance: s.instance, from: err.from, event: err.event });
      return false;
    }
    this.onChange();
    return true;
  }
}
