import type { SimEphemeral, SimMessage, SlackSim } from '../../../sim/slack';
import { CHANNEL } from './bot-harness';

/** Everything a person sees in a message: its text and its blocks, as one string. */
export function visible(message: { text: string; blocks?: unknown } | undefined): string {
  return message ? `${message.text}\n${JSON.stringify(message.blocks ?? [])}` : '';
}

/** Action ids of the buttons a message shows now. */
export function buttons(message: SimMessage | SimEphemeral | undefined): string[] {
  return (message?.blocks ?? []).flatMap((block) =>
    block.type === 'actions' && Array.isArray(block.elements)
      ? block.elements.map((e) => String((e as { action_id?: string }).action_id))
      : [],
  );
}

export function requestMessage(sim: SlackSim, channel = CHANNEL): SimMessage | undefined {
  return sim.messages(channel)[0];
}

/** The ephemeral answers a user got, newest last. */
export function answersTo(sim: SlackSim, user: string, channel = CHANNEL): SimEphemeral[] {
  return sim.ephemerals(channel, user);
}

export function lastAnswer(sim: SlackSim, user: string, channel = CHANNEL): string {
  return visible(answersTo(sim, user, channel).at(-1));
}
