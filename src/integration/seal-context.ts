// What every step of the sealing pass shares: the output folder as it was listed before sealing, the
// site, the keys, the leak index the steps fill in for the leak check, and the one way a step fails.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Keyring } from '../core/crypto/keys.ts';
import { TruefansError, type Errors, type ParamsOf } from '../core/errors.ts';
import type { SiteConfig } from '../config/site-schema.ts';
import { LeakIndex } from './leak-check.ts';
import { listFiles } from './output-files.ts';

export interface SealOptions {
  /** The build output folder (absolute). */
  dir: string;
  /** How to name the output folder in messages, e.g. "dist". */
  displayDir: string;
  keyring: Keyring;
  site: SiteConfig;
  contentDir: string;
}

export interface SealContext extends SealOptions {
  /** The output's files before sealing, relative and sorted. */
  files: string[];
  fileSet: Set<string>;
  read: (file: string) => string;
  leaks: LeakIndex;
}

export function sealContext(options: SealOptions): SealContext {
  const files = listFiles(options.dir);
  return {
    ...options,
    files,
    fileSet: new Set(files),
    read: (file) => readFileSync(join(options.dir, file), 'utf8'),
    leaks: new LeakIndex(),
  };
}

type SealEntry = typeof Errors.LeakFound | typeof Errors.SealBlockInvalid | typeof Errors.SealOutsidePost | typeof Errors.SealTierUnknown;

export function sealFailure<E extends SealEntry>(entry: E, params: ParamsOf<E>): never {
  throw new TruefansError<SealEntry>(entry, params as never);
}
