import { optString } from '../args';
import { isObject, validateModalView } from '../block-kit';
import type { SimConfig } from '../config';
import { SlackApiError } from '../errors';
import { newHash, newId } from '../ids';
import type { JsonObject, SimView } from '../types';
import type { MethodHandler } from './context';

export const open: MethodHandler = (args, { state, config }) => {
  const triggerId = optString(args, 'trigger_id');
  if (!triggerId)
    throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
  if (args.view === undefined)
    throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: view']);
  if (!isObject(args.view))
    throw new SlackApiError('invalid_arguments', ['[ERROR] view must be a JSON object']);
  const problems = validateModalView(args.view);
  if (problems.length) throw new SlackApiError('invalid_arguments', problems);

  const outcome = state.consumeTrigger(triggerId, config.triggerTtlMs);
  if (outcome !== 'ok') throw new SlackApiError(outcome);

  const simView = newSimView(args.view as JsonObject, triggerId, state.now());
  state.views.set(simView.id, simView);
  return { view: viewJson(simView, config) };
};

export function newSimView(view: JsonObject, triggerId: string, now: number): SimView {
  return {
    id: newId('V'),
    trigger_id: triggerId,
    view,
    callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
    private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
    hash: newHash(now),
    state: 'open',
    openedAt: now,
  };
}

/** A view as Slack returns it (views.open answer, view_submission payload). */
export function viewJson(simView: SimView, config: SimConfig, values: JsonObject = {}): JsonObject {
  const { view } = simView;
  return {
    id: simView.id,
    team_id: config.teamId,
    type: 'modal',
    blocks: view.blocks ?? [],
    private_metadata: simView.private_metadata,
    callback_id: simView.callback_id,
    state: { values },
    hash: simView.hash,
    title: view.title ?? null,
    clear_on_close: view.clear_on_close ?? false,
    notify_on_close: view.notify_on_close ?? false,
    close: view.close ?? null,
    submit: view.submit ?? null,
    previous_view_id: null,
    root_view_id: simView.id,
    app_id: config.apiAppId,
    external_id: view.external_id ?? '',
    app_installed_team_id: config.teamId,
    bot_id: config.botId,
  };
}
