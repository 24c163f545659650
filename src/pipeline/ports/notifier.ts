import type { Teardown, TeardownEvent } from '../model';
import type { Screenshot } from '../step-handler';

/** What a notifier hears: the record after a transition and the event that explains it. */
export interface TeardownNotice {
  teardown: Teardown;
  previous: Teardown | undefined;
  event: TeardownEvent;
  /** The step's screenshot, when it ran in the browser or needs a person to look. */
  screenshot?: Screenshot;
}

/** Receives every transition (the Slack bot shows them; tests record them). */
export interface Notifier {
  notify(notice: TeardownNotice): Promise<void>;
}
