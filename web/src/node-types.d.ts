/** The one Node type the shared pure modules mention in a signature (`defaultSlackUrl(env)`); the UI never calls it. */
declare namespace NodeJS {
  type ProcessEnv = Record<string, string | undefined>;
}
