import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { type SlackSim, startSlackSim } from '../../sim/slack';
import { Authorizer } from '../../src/bot/authorize';
import { NotAuthorizedError } from '../../src/common/errors';
import { silentLogger } from '../sim/slack/helpers';

let sim: SlackSim;
afterEach(async () => sim?.close());

const principals = {
  requesters: { users: ['UREQ'], groups: ['SREQS'] },
  approvers: { users: ['UAPP'], groups: ['SAPPS'] },
};

async function authorizer(clock: () => number) {
  sim = await startSlackSim({
    botToken: 'xoxb-auth',
    usergroups: { SREQS: ['UGREQ'], SAPPS: ['UGAPP', 'UREQ'] },
  });
  const client = new WebClient('xoxb-auth', {
    slackApiUrl: sim.apiUrl,
    retryConfig: { retries: 0 },
    logger: silentLogger,
  });
  return new Authorizer(
    principals,
    async (usergroup) => (await client.usergroups.users.list({ usergroup })).users ?? [],
    {
      clock,
      ttlMs: 60_000,
    },
  );
}

describe('Authorizer', () => {
  it('knows requesters and approvers by id and by user group, and never lets a requester decide their own request', async () => {
    const auth = await authorizer(Date.now);
    expect(await auth.isRequester('UREQ')).toBe(true);
    expect(await auth.isRequester('UGREQ')).toBe(true);
    expect(await auth.isRequester('UAPP')).toBe(false);
    expect(await auth.isApprover('UGAPP')).toBe(true);
    await expect(auth.assertCanDecide('UGAPP', { requester: 'UREQ' })).resolves.toBeUndefined();
    // UREQ is an approver through the group, but not for their own request.
    await expect(auth.assertCanDecide('UREQ', { requester: 'UREQ' })).rejects.toThrow(
      'You asked for this teardown; someone else has to approve or deny it.',
    );
    await expect(auth.assertCanDecide('UGREQ', { requester: 'UREQ' })).rejects.toBeInstanceOf(
      NotAuthorizedError,
    );
    await expect(auth.assertCanCancel('UREQ', { requester: 'UREQ' })).resolves.toBeUndefined();
    await expect(auth.assertCanCancel('UGREQ', { requester: 'UREQ' })).rejects.toThrow(
      'Only the requester of this teardown or an approver may cancel it.',
    );
  });

  it('asks Slack for a group once per minute, even for clicks at the same moment', async () => {
    let now = 1_000_000;
    const auth = await authorizer(() => now);
    await Promise.all(Array.from({ length: 5 }, () => auth.isApprover('UGAPP')));
    await auth.isApprover('UNOBODY');
    expect(sim.callsTo('usergroups.users.list')).toHaveLength(1);
    now += 60_001;
    await auth.isApprover('UGAPP');
    expect(sim.callsTo('usergroups.users.list')).toHaveLength(2);
  });

  it('keeps the last known members when Slack fails, and refuses when it never knew them', async () => {
    let now = 1_000_000;
    const auth = await authorizer(() => now);
    expect(await auth.isApprover('UGAPP')).toBe(true);
    await sim.close();
    now += 120_000;
    expect(await auth.isApprover('UGAPP')).toBe(true);
    await expect(auth.isRequester('UGREQ')).rejects.toThrow(/Could not check membership of user group SREQS/);
  });
});
