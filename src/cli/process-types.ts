/** Every built-in task type, loaded now, with this process's services (the server, worker, check, resume). */
import type { TaskTypeRegistry } from '../core/task-type.js';
import type { LazyRuntime } from '../runtime/open-runtime.js';
import { builtinTaskTypes } from '../tasks/index.js';
import { processTypeDeps, type ProcessTypes } from './type-deps.js';

export function processTypes(runtime?: LazyRuntime, env: NodeJS.ProcessEnv = process.env): ProcessTypes {
  const { deps, slack } = processTypeDeps(runtime, env);
  return { types: builtinTaskTypes(deps), ...(slack ? { slack } : {}) };
}

export function cliTaskTypes(runtime?: LazyRuntime, env: NodeJS.ProcessEnv = process.env): TaskTypeRegistry {
  return processTypes(runtime, env).types;
}
