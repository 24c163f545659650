import type { SimReply, SimRequest } from './http';
import { checkBase64Image } from './image';
import { type CaptchaService, ERROR_DESCRIPTIONS, ServiceRefusal, TASK_COST } from './service';

export const JSON_API_ENDPOINTS = [
  'createTask',
  'getTaskResult',
  'reportIncorrect',
  'reportCorrect',
  'getBalance',
];

function refused(code: string): SimReply {
  return {
    status: 200,
    json: { errorId: 1, errorCode: code, errorDescription: ERROR_DESCRIPTIONS[code] ?? code },
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** An optional non-negative whole number (min/maxLength), or a refusal. */
function optionalCount(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new ServiceRefusal('ERROR_BAD_PARAMETERS');
  return value;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** 2captcha's current API: JSON in, JSON out, HTTP 200 with `errorId` for every answer the service gives. */
export async function handleJsonApi(service: CaptchaService, request: SimRequest): Promise<SimReply> {
  const body = asObject(request.json);
  try {
    service.checkKey(body.clientKey);
    switch (request.endpoint) {
      case 'createTask': {
        if (body.task === undefined || body.task === null) throw new ServiceRefusal('ERROR_TASK_ABSENT');
        const task = asObject(body.task);
        if (task.type !== 'ImageToTextTask') throw new ServiceRefusal('ERROR_TASK_NOT_SUPPORTED');
        const minLength = optionalCount(task.minLength);
        const maxLength = optionalCount(task.maxLength);
        const created = await service.createTask({
          api: 'json',
          image: checkBase64Image(task.body),
          caseSensitive: task.case === true,
          ...(minLength ? { minLength } : {}),
          ...(maxLength ? { maxLength } : {}),
          ...(typeof task.comment === 'string' ? { comment: task.comment } : {}),
        });
        return { status: 200, json: { errorId: 0, taskId: Number(created.id) } };
      }
      case 'getTaskResult': {
        const outcome = service.outcome(body.taskId);
        if (outcome.status === 'processing')
          return { status: 200, json: { errorId: 0, status: 'processing' } };
        if (outcome.status === 'unsolvable') throw new ServiceRefusal('ERROR_CAPTCHA_UNSOLVABLE');
        const { task } = outcome;
        return {
          status: 200,
          json: {
            errorId: 0,
            status: 'ready',
            solution: { text: task.answer },
            cost: TASK_COST,
            ip: request.ip,
            createTime: seconds(task.createdAt),
            endTime: seconds(task.readyAt),
            solveCount: 1,
          },
        };
      }
      case 'reportIncorrect':
      case 'reportCorrect':
        service.report(body.taskId, request.endpoint === 'reportIncorrect' ? 'incorrect' : 'correct');
        return { status: 200, json: { errorId: 0, status: 'success' } };
      case 'getBalance':
        return { status: 200, json: { errorId: 0, balance: service.currentBalance() } };
      default:
        return { status: 404, text: 'not found' };
    }
  } catch (error) {
    if (error instanceof ServiceRefusal) return refused(error.code);
    throw error;
  }
}
