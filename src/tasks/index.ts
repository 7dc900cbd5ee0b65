/** The built-in task types. Add a type with one line in the list below. */
import type { TaskTypeDefinition, TaskTypeRegistry } from '../core/task-type.js';
import { milestoneType } from './milestone.js';
import { createManualType } from './manual.js';
import { waitType } from './wait.js';
import { createHttpType, type HttpTypeDeps } from './http.js';
import { createSlackMessageType, type SlackMessageDeps } from './slack-message.js';

/** Services the built-in types may need; all optional. */
export interface BuiltinDeps extends HttpTypeDeps {
  /** slack.message: the connection resolver and the delivery service. */
  slack?: SlackMessageDeps;
}

export function builtinTaskTypes(deps: BuiltinDeps = {}): TaskTypeRegistry {
  const types: TaskTypeDefinition[] = [
    milestoneType as TaskTypeDefinition,
    createManualType(deps.slack) as TaskTypeDefinition,
    waitType as TaskTypeDefinition,
    createHttpType(deps) as TaskTypeDefinition,
    createSlackMessageType(deps.slack) as TaskTypeDefinition,
  ];
  return new Map(types.map((t) => [t.type, t]));
}
