import type { AnswerFault } from './faults';
import type { Reply, TestRequest } from './route-module';
import { isJsonNumber } from './synthetic/usage';

/** Applies a body-changing fault to a normal 2xx JSON answer (others pass unchanged). */
export function transformAnswer(
  fault: AnswerFault,
  reply: Reply,
  request: TestRequest,
): Reply {
  if (reply.status < 200 || reply.status >= 300) return reply;
  if (typeof reply.body !== 'object' || reply.body === null) return reply;
  switch (fault.kind) {
    case 'slow':
      return reply;
    case 'repeat_cursor': {
      const body = reply.body as Record<string, unknown>;
      const sent = request.url.searchParams.get('page');
      const cursor = sent ?? (typeof body['next_page'] === 'string' ? body['next_page'] : null);
      if (cursor === null) return reply;
      return { ...reply, body: { ...body, has_more: true, next_page: cursor } };
    }
    case 'rename_field':
      return { ...reply, body: mapTree(reply.body, (key, value) => [key === fault.from ? fault.to : key, value]) };
    case 'wrong_type':
      return {
        ...reply,
        body: mapTree(reply.body, (key, value) => [key, key === fault.field ? flipType(value) : value]),
      };
    case 'extra_fields':
      return { ...reply, body: addExtraFields(reply.body, true) };
  }
}

function flipType(value: unknown): unknown {
  if (isJsonNumber(value)) return value.rawJSON;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

function mapTree(
  value: unknown,
  map: (key: string, value: unknown) => [string, unknown],
): unknown {
  if (isJsonNumber(value) || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => mapTree(item, map));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const [name, mapped] = map(key, inner);
    out[name] = mapTree(mapped, map);
  }
  return out;
}

function addExtraFields(value: unknown, top: boolean): unknown {
  if (isJsonNumber(value) || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    return value.map((item) => {
      const inner = addExtraFields(item, false);
      return inner !== null && typeof inner === 'object' && !Array.isArray(inner) && !isJsonNumber(inner)
        ? { ...inner, x_test_new_metric: 7, x_test_new_object: { note: 'a field this client has never seen' } }
        : inner;
    });
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = addExtraFields(inner, false);
  if (top) out['x_test_envelope_note'] = 'added by the extra_fields fault';
  return out;
}
