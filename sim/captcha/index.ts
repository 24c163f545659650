import { handleClassicApi } from './classic-api';
import { startSimServer } from './http';
import { handleJsonApi, JSON_API_ENDPOINTS } from './json-api';
import { CaptchaService, type CaptchaSimOptions, type SimReport, type SimTask } from './service';

export { MAX_IMAGE_BYTES, misreadingOf } from './image';
export {
  type CaptchaOracle,
  type CaptchaSimMode,
  type CaptchaSimOptions,
  DEFAULT_SIM_ANSWER,
  type SimReport,
  type SimTask,
  TASK_COST,
} from './service';

/** A running stand-in for 2captcha (JSON API and classic in.php/res.php). */
export interface CaptchaSim {
  /** http://127.0.0.1:<port>, for TWOCAPTCHA_URL. */
  readonly url: string;
  /** Changes behaviour from now on; tasks already created keep the outcome they were given. */
  configure(options: CaptchaSimOptions): void;
  /** Every task in creation order, with its status as of now. */
  tasks(): SimTask[];
  /** reportIncorrect/reportCorrect (and the classic reportbad/reportgood) in arrival order. */
  reports(): SimReport[];
  /** Requests per endpoint ('createTask', 'getTaskResult', 'in.php', …), refused ones included. */
  requests(): Record<string, number>;
  close(): Promise<void>;
}

export async function startCaptchaSim(options: CaptchaSimOptions = {}): Promise<CaptchaSim> {
  const service = new CaptchaService(options);
  const server = await startSimServer(async (request) => {
    service.countRequest(request.endpoint);
    if (service.mode === 'down') {
      return service.downAs === 'reset' ? 'reset' : { status: 503, text: 'Service Temporarily Unavailable' };
    }
    if (request.endpoint === 'in.php' || request.endpoint === 'res.php')
      return handleClassicApi(service, request);
    if (JSON_API_ENDPOINTS.includes(request.endpoint)) {
      if (request.method !== 'POST') return { status: 405, text: 'method not allowed' };
      return handleJsonApi(service, request);
    }
    return { status: 404, text: 'not found' };
  });
  return {
    url: server.url,
    configure: (changes) => service.configure(changes),
    tasks: () => service.tasks(),
    reports: () => service.reports(),
    requests: () => service.requests(),
    close: () => server.close(),
  };
}
