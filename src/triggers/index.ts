/** The built-in trigger types, by name. Add a type with one line in the list below. */
import type { TriggerTypeDefinition, TriggerTypeRegistry } from './trigger-type.js';
import { scheduleTrigger } from './schedule.js';
import { slackMessageTrigger } from './slack-message.js';

export function builtinTriggerTypes(): TriggerTypeRegistry {
  const types: TriggerTypeDefinition[] = [
    slackMessageTrigger as unknown as TriggerTypeDefinition,
    scheduleTrigger as unknown as TriggerTypeDefinition,
  ];
  return new Map(types.map((t) => [t.type, t]));
}
