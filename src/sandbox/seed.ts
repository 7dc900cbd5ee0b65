/**
 * The workspace seed: what a sandbox starts with. `defaultSeed()` is the built-in demo workspace;
 * a JSON or YAML file of the same shape replaces it (`runwire sandbox --workspace FILE`).
 * Ids, tokens and secrets left out of a seed are generated at random on every start.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EventsSeedSchema } from './events/seed-schema.js';

const SeedUser = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[UW][A-Z0-9]{2,}$' })),
    name: Type.String({ minLength: 1 }),
    real_name: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    is_admin: Type.Optional(Type.Boolean()),
    tz: Type.Optional(Type.String()),
    title: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const SeedMessage = Type.Object(
  {
    /** A user name or id. */
    user: Type.String(),
    text: Type.String(),
  },
  { additionalProperties: false },
);

const SeedChannel = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[CG][A-Z0-9]{8,}$' })),
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,79}$' }),
    private: Type.Optional(Type.Boolean()),
    archived: Type.Optional(Type.Boolean()),
    general: Type.Optional(Type.Boolean()),
    topic: Type.Optional(Type.String()),
    purpose: Type.Optional(Type.String()),
    /** User names or ids; `bot` stands for the app's bot user. */
    members: Type.Optional(Type.Array(Type.String())),
    messages: Type.Optional(Type.Array(SeedMessage)),
  },
  { additionalProperties: false },
);

const SeedUserGroup = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^S[A-Z0-9]{2,}$' })),
    /** The @handle people mention (`release-managers`). */
    handle: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,79}$' }),
    name: Type.Optional(Type.String()),
    /** User names or ids. */
    users: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

const SeedApp = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^A[A-Z0-9]{2,}$' })),
    name: Type.Optional(Type.String()),
    bot_name: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    client_secret: Type.Optional(Type.String()),
    signing_secret: Type.Optional(Type.String()),
    bot_token: Type.Optional(Type.String({ pattern: '^xoxb-' })),
    app_token: Type.Optional(Type.String({ pattern: '^xapp-' })),
    user_token: Type.Optional(Type.String({ pattern: '^xoxp-' })),
    /** The user the user token acts as (name or id); default: the first admin. */
    user_token_user: Type.Optional(Type.String()),
    bot_scopes: Type.Optional(Type.Array(Type.String())),
    user_scopes: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

/** JSON Schema (TypeBox) of a workspace seed file. */
export const WorkspaceSeedSchema = Type.Object(
  {
    team: Type.Optional(
      Type.Object(
        {
          id: Type.Optional(Type.String({ pattern: '^T[A-Z0-9]{2,}$' })),
          name: Type.Optional(Type.String()),
          domain: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+$' })),
        },
        { additionalProperties: false },
      ),
    ),
    app: Type.Optional(SeedApp),
    users: Type.Optional(Type.Array(SeedUser)),
    channels: Type.Optional(Type.Array(SeedChannel)),
    /** User groups (usergroups.list, usergroups.users.list). */
    usergroups: Type.Optional(Type.Array(SeedUserGroup)),
    /** The app's event subscription (Request URL, Socket Mode, event types); see events/seed-schema.ts. */
    events: Type.Optional(EventsSeedSchema),
  },
  { additionalProperties: false },
);

/** A workspace seed (all parts optional; missing parts come from the defaults). */
export type WorkspaceSeed = Static<typeof WorkspaceSeedSchema>;

/** The scopes Runwire asks a real workspace for; the default bot token holds exactly these. */
export const RUNWIRE_BOT_SCOPES: readonly string[] = [
  'chat:write',
  'chat:write.public',
  'channels:read',
  'groups:read',
  'channels:history',
  'groups:history',
  'im:history',
  'mpim:history',
  'im:write',
  'mpim:write',
  'users:read',
  'users:read.email',
  'usergroups:read',
];

/** The default user-token scopes (the seeded admin's token). */
export const DEFAULT_USER_SCOPES: readonly string[] = [
  'chat:write',
  'channels:read',
  'groups:read',
  'im:read',
  'mpim:read',
  'channels:history',
  'groups:history',
  'im:history',
  'mpim:history',
  'channels:write',
  'im:write',
  'mpim:write',
  'users:read',
  'users:read.email',
];

const PEOPLE: Array<[string, string, string]> = [
  ['alice', 'Alice Adams', 'Engineering Manager'],
  ['bob', 'Bob Baker', 'SRE'],
  ['carol', 'Carol Chen', 'SRE'],
  ['dave', 'Dave Diaz', 'Backend Engineer'],
  ['erin', 'Erin Evans', 'Release Manager'],
  ['frank', 'Frank Fischer', 'Security Engineer'],
  ['grace', 'Grace Gupta', 'Product Manager'],
  ['heidi', 'Heidi Hansen', 'Support Lead'],
  ['ivan', 'Ivan Ivanov', 'Database Administrator'],
  ['judy', 'Judy Jones', 'Frontend Engineer'],
  ['mallory', 'Mallory Moore', 'Contractor'],
  ['oscar', 'Oscar Olsen', 'On-call Engineer'],
];

/** The built-in demo workspace: team "Runwire Sandbox", twelve people, public/private/archived channels. */
export function defaultSeed(): WorkspaceSeed {
  const everyone = PEOPLE.map(([name]) => name);
  return {
    team: { name: 'Runwire Sandbox', domain: 'runwire-sandbox' },
    app: { name: 'Runwire', bot_name: 'runwire' },
    users: PEOPLE.map(([name, real, title], i) => ({
      name,
      real_name: real,
      title,
      email: `${name}@runwire.example`,
      is_admin: i === 0,
      tz: 'Europe/London',
    })),
    channels: [
      {
        name: 'general',
        general: true,
        purpose: 'Company-wide announcements',
        members: [...everyone, 'bot'],
        messages: [{ user: 'alice', text: 'Welcome to the Runwire sandbox!' }],
      },
      { name: 'releases', purpose: 'Release announcements', members: ['alice', 'erin', 'dave', 'judy', 'bot'] },
      { name: 'ops', purpose: 'Operations chatter', members: ['bob', 'carol', 'oscar', 'ivan', 'bot'] },
      { name: 'incidents', purpose: 'Incident response', members: ['bob', 'carol', 'oscar', 'frank', 'alice', 'bot'] },
      { name: 'random', purpose: 'Anything goes', members: everyone },
      { name: 'deploys', purpose: 'Deploy log (the bot is not a member)', members: ['dave', 'erin', 'judy'] },
      {
        name: 'security',
        private: true,
        purpose: 'Security team (private, bot invited)',
        members: ['frank', 'alice', 'bot'],
      },
      { name: 'leadership', private: true, purpose: 'Private, without the bot', members: ['alice', 'grace'] },
      { name: 'old-project', archived: true, purpose: 'Archived', members: ['dave', 'judy', 'bot'] },
    ],
    usergroups: [
      { handle: 'release-managers', name: 'Release managers', users: ['erin', 'alice'] },
      { handle: 'sre', name: 'SRE', users: ['bob', 'carol', 'oscar'] },
    ],
  };
}
