/**
 * The extensions a sandbox gets by default (`startSandbox()` without `extensions`). Event delivery
 * (Events API over HTTP, Socket Mode) and the live web page are added here as they land.
 */
import type { SandboxExtension } from './server.js';
import { eventsExtension } from './events/extension.js';
import { socketModeExtension } from './socket-mode/extension.js';
import { webExtension } from './web/extension.js';
import { interactivityExtension } from './interactivity/extension.js';

export function defaultExtensions(): SandboxExtension[] {
  return [eventsExtension(), socketModeExtension(), interactivityExtension(), webExtension()];
}
