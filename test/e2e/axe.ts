// axe-core in the page the browser shows. The stand-in's pages send a strict CSP, so the context that
// runs this needs `bypassCSP: true` for the injected script.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  page: string;
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

interface AxeResults {
  passes: unknown[];
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}

/** Every axe violation on the page as it is now (WCAG 2.x A and AA, and axe's best practices). */
export async function axeCheck(page: Page, label: string): Promise<AxeFinding[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const results = (await page.evaluate(() =>
    (window as unknown as { axe: { run(context: Document, options: object): Promise<unknown> } }).axe.run(document, {
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      resultTypes: ['violations'],
    }),
  )) as AxeResults;
  if (results.passes.length === 0) throw new Error(`axe checked nothing on ${label} (${page.url()})`);
  return results.violations.map((v) => ({ page: label, id: v.id, impact: v.impact ?? 'unknown', help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

export const isSerious = (f: AxeFinding) => f.impact === 'serious' || f.impact === 'critical';

export function describeFindings(findings: readonly AxeFinding[]): string {
  return findings.map((f) => `${f.page}: ${f.impact} ${f.id} (${f.help}) at ${f.targets.join(', ')}`).join('\n');
}
