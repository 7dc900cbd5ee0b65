/**
 * How long Slack look-ups (auth.test, users, DMs, the channel listing, user groups) are trusted before
 * they are redone. Its own module so that code reading it (the approvers check of the `manual` type,
 * loaded by every `validate`) does not load the workspace client and with it the Slack SDK.
 */
export const LOOKUP_TTL_MS = 60_000;
