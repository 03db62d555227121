// Helpers for the Inspect tab tests: feed files through the real file input, wait for verdicts.
import type { Page } from 'playwright-core';

export interface CardResult {
  name: string;
  kind: string;
  state: string;
  ms: number;
  readMs: number;
  verdict: string;
  text: string;
  ingredientWarnings: number;
  watermark: string | null;
}

export async function readCards(panel: Page): Promise<CardResult[]> {
  return panel.$$eval('[data-testid="inspect-result"]', (cards) =>
    cards.map((c) => ({
      name: c.getAttribute('data-name') ?? '',
      kind: c.getAttribute('data-kind') ?? '',
      state: c.getAttribute('data-state') ?? '',
      ms: Number(c.getAttribute('data-ms') || -1),
      readMs: Number(c.getAttribute('data-read-ms') || -1),
      verdict: c.querySelector('[data-testid="inspect-verdict"]')?.textContent ?? '',
      text: (c as HTMLElement).innerText,
      ingredientWarnings: c.querySelectorAll('[data-testid="inspect-ingredient"][data-status="warning"]').length,
      watermark: c.querySelector('[data-testid="inspect-watermark"]')?.textContent ?? null,
    })),
  );
}

/** Wait until every card is done (or `timeoutMs` passes) and return them. */
export async function waitForCards(panel: Page, count: number, timeoutMs = 60_000): Promise<CardResult[]> {
  await panel.waitForFunction(
    (n) => {
      const cards = document.querySelectorAll('[data-testid="inspect-result"]');
      return cards.length === n && [...cards].every((c) => c.getAttribute('data-phase') === 'done');
    },
    count,
    { timeout: timeoutMs, polling: 100 },
  );
  return readCards(panel);
}

export type FilePayload = { name: string; mimeType: string; buffer: Buffer };

export async function inspectFiles(panel: Page, files: string[] | FilePayload[], timeoutMs?: number): Promise<CardResult[]> {
  await panel.locator('[data-testid="inspect-file"]').setInputFiles(files as never);
  return waitForCards(panel, files.length, timeoutMs);
}

export const MIME: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', mp4: 'video/mp4', mov: 'video/quicktime' };
export const mimeOf = (name: string) => MIME[name.split('.').pop()!.toLowerCase()] ?? 'application/octet-stream';
