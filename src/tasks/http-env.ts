/** The environment variable that allows link-local and metadata addresses (light: no `node:dns`). */
export const ALLOW_LINK_LOCAL_ENV = 'RUNWIRE_HTTP_ALLOW_LINK_LOCAL';
