/**
 * The CLI registers only the command a call names (`commands/index.ts`): every entry's names must be
 * exactly the top-level commands its module registers, and the command word is found after the
 * global options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { commandEntries, commandWord } from '../../../src/cli/commands/index.js';
import type { CliContext } from '../../../src/cli/context.js';

test('each command entry names exactly the top-level commands its module registers', async () => {
  const ctx = { exitCode: 0, stdout: process.stdout, stderr: process.stderr, env: {} } as CliContext;
  for (const entry of commandEntries) {
    const program = new Command('runwire');
    (await entry.load()).register(program, ctx);
    assert.deepEqual(
      program.commands.map((c) => c.name()).sort(),
      [...entry.names].sort(),
      `entry ${entry.names.join(', ')}`,
    );
  }
});

test('the command word comes after the global options, with or without =', () => {
  assert.equal(commandWord(['validate', 'x.yaml']), 'validate');
  assert.equal(commandWord(['--data-dir', 'run', 'runs', 'list']), 'runs');
  assert.equal(commandWord(['--data-dir=d', '--database-url', 'postgres://x', 'run', 'f']), 'run');
  assert.equal(commandWord(['--help']), undefined);
  assert.equal(commandWord([]), undefined);
});
