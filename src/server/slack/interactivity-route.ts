/**
 * `POST /slack/interactivity` (the Slack app's Interactivity Request URL), `POST /slack/commands`
 * (`/runwire`'s Request URL) and Socket Mode's `interactive` and `slash_commands` envelopes: on the shared Slack ingress (raw body kept, connection found, signature
 * verified before anything happens — 401 otherwise). Approval buttons go to `ApprovalInteractions`;
 * the request is acknowledged at once (an empty 200) and the decision, the message update and any
 * ephemeral answer follow through the Web API and the payload's response_url, as Slack asks.
 */
import type { Api } from '../app.js';
import { slackIngress } from './ingress.js';
import { isApprovalClick, type ApprovalInteractions } from './approval-clicks.js';
import type { SlashCommands } from './slash-commands.js';

export const INTERACTIVITY_PATH = '/slack/interactivity';
export const COMMANDS_PATH = '/slack/commands';

export function interactivityRoutes(app: Api, approvals: ApprovalInteractions, commands: SlashCommands): void {
  const take = (payload: Record<string, unknown>): void => {
    if (isApprovalClick(payload)) approvals.submit(payload);
  };
  slackIngress(app, {
    path: INTERACTIVITY_PATH,
    parse: 'form-payload',
    summary: "Slack's interactivity requests (approval buttons), signed by the app's signing secret",
    handle: async ({ body }) => {
      take(body);
      return undefined;
    },
  });
  app.slackSocket.on('interactive', async ({ payload }) => {
    take(payload);
    return undefined;
  });
  // /runwire: the reply is the ephemeral answer (within Slack's 3 s); a run reports in the channel after.
  slackIngress(app, {
    path: COMMANDS_PATH,
    parse: 'form',
    summary: "The /runwire slash command, signed by the app's signing secret",
    handle: async ({ body, connection }) => commands.handle(body, connection.name),
  });
  app.slackSocket.on('slash_commands', async ({ payload, connection }) => commands.handle(payload, connection.name));
}
