/** Request limits, in their own module so routes can use them without importing the app. */
/** Bodies up to this size are read (runbooks up to 5 MB). */
export const BODY_LIMIT = 5 * 1024 * 1024;
