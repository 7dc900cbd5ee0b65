/**
 * TypeBox's `Type` builder, for the schemas every command loads (runbook, task types, triggers): only
 * the builders Runwire's schemas use, imported one by one so that the bundle (`npm run build` replaces
 * this file's compiled form with one module, tools/bundle-typebox.ts) holds ~20 KB of TypeBox instead of the
 * ~105 KB the whole `Type` namespace drags in. Each builder is the function `Type.X` calls, so the
 * schemas are the same objects. Add a builder here when a schema needs one.
 */
import {
  Array as TArray,
  Boolean as TBoolean,
  Integer as TInteger,
  Literal as TLiteral,
  Null as TNull,
  Number as TNumber,
  Object as TObject,
  Optional as TOptional,
  Record as TRecord,
  Ref as TRef,
  String as TString,
  Union as TUnion,
  Unknown as TUnknown,
} from '@sinclair/typebox';

export const Type = {
  Array: TArray,
  Boolean: TBoolean,
  Integer: TInteger,
  Literal: TLiteral,
  Null: TNull,
  Number: TNumber,
  Object: TObject,
  Optional: TOptional,
  Record: TRecord,
  Ref: TRef,
  String: TString,
  Union: TUnion,
  Unknown: TUnknown,
} as const;
