import { optString } from '../args';
import { SlackApiError } from '../errors';
import type { MethodHandler } from './context';

export const authTest: MethodHandler = (_args, { config }) => ({
  url: `https://${config.teamDomain}.slack.com/`,
  team: config.teamDomain,
  user: 'sandbox-teardown',
  team_id: config.teamId,
  user_id: config.botUserId,
  bot_id: config.botId,
  is_enterprise_install: false,
});

export const usergroupsUsersList: MethodHandler = (args, { config }) => {
  const users = config.usergroups.get(optString(args, 'usergroup') ?? '');
  if (!users) throw new SlackApiError('no_such_subteam');
  return { users: [...users] };
};

export const usersInfo: MethodHandler = (args, { config }) => {
  const user = config.users.get(optString(args, 'user') ?? '');
  if (!user) throw new SlackApiError('user_not_found');
  const realName = user.realName ?? user.name;
  return {
    user: {
      id: user.id,
      team_id: config.teamId,
      name: user.name,
      deleted: false,
      real_name: realName,
      tz: user.tz ?? 'Etc/UTC',
      is_bot: user.isBot ?? false,
      profile: { display_name: user.displayName ?? user.name, real_name: realName },
    },
  };
};
