/**
 * The envelope of every message on every socket. Request `{id, method,
 * params}`; reply `{id, ok: true, result}` or `{id, ok: false, error}`; a
 * streaming method sends `{id, event, data}` lines before (or instead of) its
 * reply. Envelopes are checked by hand here, not with a schema library, so the
 * CLI can read replies without paying for one at start-up.
 */
import { isErrorCode, type ErrorPayload } from './errors';

export type RequestId = number | string;

export interface RequestMessage {
  id: RequestId;
  method: string;
  params: unknown;
}

export type ReplyMessage =
  { id: RequestId | null; ok: true; result: unknown } | { id: RequestId | null; ok: false; error: ErrorPayload };

export interface EventMessage {
  id: RequestId;
  event: string;
  data: unknown;
}

/** A JSON object (not null, not an array): what every message and state file must be. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is RequestId {
  return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= 128);
}

export type ParsedRequest =
  { ok: true; request: RequestMessage } | { ok: false; id: RequestId | null; message: string };

export function parseRequest(value: unknown): ParsedRequest {
  if (!isRecord(value)) return { ok: false, id: null, message: 'a request must be a JSON object' };
  const id = isId(value.id) ? value.id : null;
  if (id === null) return { ok: false, id: null, message: 'a request needs an "id" (number or short string)' };
  if (typeof value.method !== 'string' || value.method === '') {
    return { ok: false, id, message: 'a request needs a "method" string' };
  }
  return { ok: true, request: { id, method: value.method, params: value.params === undefined ? {} : value.params } };
}

export type ParsedIncoming =
  | { kind: 'reply'; reply: ReplyMessage }
  | { kind: 'event'; event: EventMessage }
  | { kind: 'invalid'; message: string };

/** What a client receives: a reply or an event. */
export function parseIncoming(value: unknown): ParsedIncoming {
  if (!isRecord(value)) return { kind: 'invalid', message: 'message is not a JSON object' };
  const id = value.id === null ? null : isId(value.id) ? value.id : undefined;
  if (id === undefined) return { kind: 'invalid', message: 'message has no valid "id"' };
  if (typeof value.event === 'string' && id !== null) {
    return { kind: 'event', event: { id, event: value.event, data: value.data } };
  }
  if (value.ok === true) return { kind: 'reply', reply: { id, ok: true, result: value.result } };
  if (value.ok === false && isRecord(value.error)) {
    const { code, message } = value.error;
    if (isErrorCode(code) && typeof message === 'string') {
      return { kind: 'reply', reply: { id, ok: false, error: { code, message } } };
    }
    return {
      kind: 'reply',
      reply: {
        id,
        ok: false,
        error: {
          code: 'E_PROTOCOL',
          message: `peer sent an unknown error: ${JSON.stringify(value.error).slice(0, 200)}`,
        },
      },
    };
  }
  return { kind: 'invalid', message: 'message is neither a reply nor an event' };
}
