/**
 * TypeBox's `Type` builder, for the schemas every command loads (runbook, task types). TypeBox is
 * some 200 ES modules, and loading them was most of a command's start-up; `npm run build` (and
 * `prepare`) replaces this file's compiled form with one bundled module (esbuild), so it loads in
 * one read. Without that step this plain re-export works the same, only slower to load.
 */
export { Type } from '@sinclair/typebox';
