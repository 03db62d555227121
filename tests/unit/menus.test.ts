import { describe, expect, it } from 'vitest';
import { MENUS, WEB_DOCUMENTS } from '@/lib/background/menus';

describe('context menu items', () => {
  it('are offered on web pages and local files only, not over a clip Sfumato itself is playing', () => {
    expect(MENUS.length).toBeGreaterThanOrEqual(5);
    for (const m of MENUS) expect(m.documentUrlPatterns, String(m.id)).toEqual(WEB_DOCUMENTS);
    expect(WEB_DOCUMENTS.some((p) => p.startsWith('chrome-extension:'))).toBe(false);
  });
  it('each has its own id and a sentence a person understands', () => {
    expect(new Set(MENUS.map((m) => m.id)).size).toBe(MENUS.length);
    for (const m of MENUS) expect(m.title).toMatch(/^[A-Z][a-z]+ .+[a-z]$/);
  });
});
