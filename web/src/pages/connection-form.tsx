/**
 * Manage Connections > Add > Slack, as the seed lays it out: **Main settings** (name, Slack URL),
 * **Authentication** (Client Id, Client secret, Setup application, Authenticate, Application token,
 * or a bot/user token pasted instead) and **Extra settings** (Redirect Url — `http://localhost:9999`
 * as the seed recommends, or this server's callback —, bot and user scopes, signing secret).
 * Add > Incoming webhook is the short form. Editing sends only what changed; secrets are write-only.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { Connection } from '../api/types';
import { useApi } from '../api/use-api';
import { ErrorBox } from '../components/error-box';
import { Field } from '../components/field';
import { Tabs } from '../components/tabs';
import { type ConnectionForm, createBody, patchBody, splitScopes } from '../lib/connection-body';
import { navigate } from '../router';
import { buildManifest, manifestLink } from '../../../src/slack/connections/manifest.js';
import { PLAIN_TASK_USES, scopesForUses } from '../../../src/slack/scopes.js';
import { authenticate } from './connection';

const LOOPBACK = 'http://localhost:9999';
const callbackUrl = (): string => `${location.origin}/oauth/slack/callback`;

const EMPTY: ConnectionForm = {
  name: '',
  description: '',
  slackUrl: 'https://slack.com',
  clientId: '',
  clientSecret: '',
  appToken: '',
  token: '',
  redirectUrl: LOOPBACK,
  botScopes: scopesForUses(PLAIN_TASK_USES).join(' '),
  userScopes: '',
  signingSecret: '',
  webhookUrl: '',
};

function formOf(c: Connection): ConnectionForm {
  return {
    ...EMPTY,
    name: c.name,
    description: c.description ?? '',
    slackUrl: c.slack_url,
    clientId: c.client_id ?? '',
    redirectUrl: c.redirect_url,
    botScopes: c.requested_bot_scopes.join(' '),
  };
}

export default function ConnectionFormPage({ kind, name }: { kind?: string; name?: string }) {
  const existing = useApi<Connection>(name ? `/api/connections/${encodeURIComponent(name)}` : null);
  const [f, setF] = useState<ConnectionForm>(EMPTY);
  const [tab, setTab] = useState('main');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (existing.data) setF(formOf(existing.data));
  }, [existing.data]);
  const editing = name !== undefined;
  const c = existing.data;
  const isWebhook = editing ? c?.kind === 'webhook' : kind === 'webhook';
  const set = (k: keyof ConnectionForm) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const secretSet = (field: string): boolean => !!c?.secrets_set.includes(field);

  /** Create or change the connection; returns its name. */
  const save = async (): Promise<string> => {
    if (editing && c) {
      const body = patchBody(f, formOf(c), c.kind);
      if (Object.keys(body).length)
        await api(`/api/connections/${encodeURIComponent(c.name)}`, { method: 'PATCH', body });
      return c.name;
    }
    const created = await api<Connection>('/api/connections', {
      method: 'POST',
      body: createBody(f, isWebhook ? 'webhook' : 'slack'),
    });
    return created.name;
  };
  const run = async (then: (name: string) => Promise<void> | void): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await then(await save());
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'runwire.http.network', String(e)));
      setBusy(false);
    }
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void run((n) => navigate(`/connections/${encodeURIComponent(n)}`));
  };

  if (editing && existing.error) return <ErrorBox error={existing.error} />;
  if (editing && !c) return <p>Loading…</p>;
  const title = editing ? `Edit ${name}` : isWebhook ? 'Add incoming webhook' : 'Add Slack connection';

  const main = (
    <>
      <Field
        id="c-name"
        label="Name"
        value={f.name}
        onChange={set('name')}
        required
        disabled={editing}
        hint="Runbooks refer to it: connection: NAME (a task without one uses “default”)."
      />
      <Field
        id="c-description"
        label="Description"
        value={f.description}
        onChange={set('description')}
        maxLength={500}
        hint="What it is for, e.g. “Release announcements in the ops workspace”."
      />
      <Field
        id="c-url"
        label="Slack URL"
        type="url"
        value={f.slackUrl}
        onChange={set('slackUrl')}
        hint="https://slack.com, or your Enterprise Grid / GovSlack host."
      />
    </>
  );

  if (isWebhook) {
    return (
      <section>
        <h1>{title}</h1>
        <form onSubmit={submit} className="card form-grid" aria-label={title}>
          {main}
          <Field
            id="c-webhook"
            label="Webhook URL"
            secret
            isSet={secretSet('webhookUrl')}
            value={f.webhookUrl}
            onChange={set('webhookUrl')}
            required={!editing}
            hint="From the app's Incoming Webhooks page. It posts to one channel only; it is stored encrypted and never shown again."
          />
          {error ? <ErrorBox error={error} /> : null}
          <button type="submit" disabled={busy} style={{ marginTop: '0.8rem' }}>
            Save
          </button>
        </form>
      </section>
    );
  }

  const setupLink = manifestLink(
    buildManifest({
      kind: 'oauth_app',
      botScopes: splitScopes(f.botScopes),
      userScopes: splitScopes(f.userScopes),
      redirectUrl: f.redirectUrl,
    } as never),
  );
  const isOAuth = editing ? c?.kind === 'oauth_app' : !f.token.trim();
  const redirectChoice =
    f.redirectUrl === LOOPBACK ? 'loopback' : f.redirectUrl === callbackUrl() ? 'server' : 'custom';

  const auth = (
    <>
      <Field
        id="c-client-id"
        label="Client Id"
        value={f.clientId}
        onChange={set('clientId')}
        disabled={editing}
        hint="Must match the Client ID in the app's Basic Information in Slack."
      />
      <Field
        id="c-client-secret"
        label="Client secret"
        secret
        isSet={secretSet('clientSecret')}
        value={f.clientSecret}
        onChange={set('clientSecret')}
        hint="Must match the Client Secret in the app's Basic Information."
      />
      <div className="row" style={{ marginTop: '0.8rem' }}>
        <a className="button secondary" href={setupLink} target="_blank" rel="noreferrer" data-testid="setup-app">
          Setup application
        </a>
        <button
          type="button"
          disabled={busy || !isOAuth || (!editing && (!f.name.trim() || !f.clientId.trim() || !f.clientSecret.trim()))}
          onClick={() => void run((n) => authenticate(n))}
        >
          Authenticate
        </button>
      </div>
      <p className="hint">
        Setup application opens Slack's “create app” page with this redirect URL and these scopes filled in.
        Authenticate saves the connection and opens Slack's install page; Slack sends you back here with the result.
      </p>
      <Field
        id="c-app-token"
        label="Application token"
        secret
        isSet={secretSet('appToken')}
        value={f.appToken}
        onChange={set('appToken')}
        hint="An app-level token (xapp-…) with connections:write, for Socket Mode."
      />
      <Field
        id="c-token"
        label="Or paste a bot or user token instead"
        secret
        isSet={secretSet('botToken') || secretSet('userToken')}
        value={f.token}
        onChange={set('token')}
        disabled={editing && c?.kind === 'oauth_app'}
        hint="xoxb-… (Bot User OAuth Token) or xoxp-… (User OAuth Token); checked with auth.test before it is stored."
      />
    </>
  );

  const extra = (
    <>
      <fieldset>
        <legend>Redirect Url</legend>
        <p className="hint">
          For the first authentication only; it must match a Redirect URL in the app's OAuth & Permissions.
        </p>
        <label className="choice">
          <input
            type="radio"
            name="redirect"
            checked={redirectChoice === 'loopback'}
            onChange={() => setF({ ...f, redirectUrl: LOOPBACK })}
          />{' '}
          {LOOPBACK} (recommended; the server listens there once)
        </label>
        <label className="choice">
          <input
            type="radio"
            name="redirect"
            checked={redirectChoice === 'server'}
            onChange={() => setF({ ...f, redirectUrl: callbackUrl() })}
          />{' '}
          This server: {callbackUrl()}
        </label>
        <Field id="c-redirect" label="Redirect Url" type="url" value={f.redirectUrl} onChange={set('redirectUrl')} />
      </fieldset>
      <Field
        id="c-scopes"
        label="Bot scopes"
        value={f.botScopes}
        onChange={set('botScopes')}
        hint="Space or comma separated. A Slack task needs chat:write and chat:write.public; “Missing scope” means one is not granted."
      />
      <Field id="c-user-scopes" label="User scopes" value={f.userScopes} onChange={set('userScopes')} />
      <Field
        id="c-signing"
        label="Signing secret"
        secret
        isSet={secretSet('signingSecret')}
        value={f.signingSecret}
        onChange={set('signingSecret')}
        hint="From Basic Information: verifies requests Slack sends to Runwire (events, buttons)."
      />
    </>
  );

  return (
    <section>
      <h1>{title}</h1>
      <form onSubmit={submit} aria-label={title}>
        <Tabs
          label="Connection settings"
          current={tab}
          onChange={setTab}
          tabs={[
            { id: 'main', title: 'Main settings', panel: main },
            { id: 'auth', title: 'Authentication', panel: auth },
            { id: 'extra', title: 'Extra settings', panel: extra },
          ]}
        />
        {error ? <ErrorBox error={error} /> : null}
        <div className="row" style={{ marginTop: '0.8rem' }}>
          <button type="submit" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </section>
  );
}
