// Reads a git-ignored `.env` in the project folder into process.env, for local builds and commands, as
// Astro users expect (`.env.example` lists the variables). A variable already set in the environment
// wins: Node's process.loadEnvFile never overrides one, so a host's settings always take precedence.

import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Loads `<root>/.env` when there is one; returns its path, or undefined. */
export function loadDotEnv(root = process.cwd()): string | undefined {
  const file = join(root, '.env');
  if (!existsSync(file)) return undefined;
  process.loadEnvFile(file);
  return file;
}
