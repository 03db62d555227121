import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Least privilege (ARCHITECTURE invariant 4): host access is optional and asked for at the moment of use.
export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  // SFUMATO_OUT_DIR lets parallel work build side by side; the tests read the same variable.
  outDir: process.env.SFUMATO_OUT_DIR ?? '.output',
  vite: () => ({
    plugins: [preact()],
    build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  }),
  manifest: {
    name: 'Sfumato',
    description: 'Right-click a portrait and watch it come alive, in place. Local, labelled, signed.',
    minimum_chrome_version: '116',
    permissions: ['activeTab', 'contextMenus', 'scripting', 'offscreen', 'sidePanel', 'storage', 'unlimitedStorage', 'downloads'],
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    action: { default_title: 'Open Sfumato' },
    side_panel: { default_path: 'sidepanel.html' },
    content_security_policy: {
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'",
    },
    web_accessible_resources: [
      { resources: ['player.html'], matches: ['<all_urls>'], use_dynamic_url: true },
    ],
  },
});
