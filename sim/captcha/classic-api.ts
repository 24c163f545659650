import type { SimReply, SimRequest } from './http';
import { checkBase64Image, checkImageBytes } from './image';
import { type CaptchaService, ERROR_DESCRIPTIONS, ServiceRefusal } from './service';

// The classic API names an unknown id differently from the JSON API.
const CLASSIC_CODES: Record<string, string> = { ERROR_NO_SUCH_CAPCHA_ID: 'ERROR_WRONG_CAPTCHA_ID' };

/** The plain text answer, or with json=1 the same text wrapped as {status, request}. */
function reply(fields: Record<string, string>, status: 0 | 1, text: string): SimReply {
  if (fields.json === '1') {
    const json: Record<string, unknown> = { status, request: text };
    if (status === 0 && text.startsWith('ERROR_')) json.error_text = ERROR_DESCRIPTIONS[text] ?? text;
    return { status: 200, json };
  }
  return { status: 200, text };
}

/** A classic length limit: 0 or absent means none. */
function classicLength(value: string | undefined): number | undefined {
  if (value === undefined || value === '' || value === '0') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ServiceRefusal('ERROR_BAD_PARAMETERS');
  return n;
}

/** The older form-encoded API: `in.php` takes a picture, `res.php` answers, reports and tells the balance. */
export async function handleClassicApi(service: CaptchaService, request: SimRequest): Promise<SimReply> {
  const fields = request.fields;
  try {
    service.checkKey(fields.key);
    if (request.endpoint === 'in.php') {
      let image: ReturnType<typeof checkImageBytes>;
      if (fields.method === 'base64') image = checkBase64Image(fields.body);
      else if (fields.method === 'post') image = checkImageBytes(request.files.file ?? Buffer.alloc(0));
      else throw new ServiceRefusal('ERROR_BAD_PARAMETERS');
      const minLength = classicLength(fields.min_len);
      const maxLength = classicLength(fields.max_len);
      const task = await service.createTask({
        api: 'classic',
        image,
        caseSensitive: fields.regsense === '1',
        ...(minLength ? { minLength } : {}),
        ...(maxLength ? { maxLength } : {}),
        ...(fields.textinstructions ? { comment: fields.textinstructions } : {}),
      });
      return fields.json === '1'
        ? { status: 200, json: { status: 1, request: task.id } }
        : { status: 200, text: `OK|${task.id}` };
    }
    switch (fields.action) {
      case 'get': {
        const outcome = service.outcome(fields.id);
        if (outcome.status === 'processing') return reply(fields, 0, 'CAPCHA_NOT_READY');
        if (outcome.status === 'unsolvable') throw new ServiceRefusal('ERROR_CAPTCHA_UNSOLVABLE');
        const answer = outcome.task.answer ?? '';
        return fields.json === '1'
          ? { status: 200, json: { status: 1, request: answer } }
          : { status: 200, text: `OK|${answer}` };
      }
      case 'reportbad':
      case 'reportgood':
        service.report(fields.id, fields.action === 'reportbad' ? 'incorrect' : 'correct');
        return reply(fields, 1, 'OK_REPORT_RECORDED');
      case 'getbalance':
        return reply(fields, 1, String(service.currentBalance()));
      default:
        throw new ServiceRefusal('ERROR_BAD_PARAMETERS');
    }
  } catch (error) {
    if (error instanceof ServiceRefusal) return reply(fields, 0, CLASSIC_CODES[error.code] ?? error.code);
    throw error;
  }
}
