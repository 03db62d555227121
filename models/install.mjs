#!/usr/bin/env node
// Places every model recorded in models/models.json into the extension's public folder, and the
// MediaPipe runtime files from node_modules. Model files are never committed: they are copied from
// $SFUMATO_MODELS_DIR or ../shared/models when present, else downloaded from the official URL.
// The SHA-256 is always checked; a mismatch or a missing file stops the build with a clear message.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const records = JSON.parse(readFileSync(join(root, 'models/models.json'), 'utf8'));

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

function candidates(name) {
  const dirs = [process.env.SFUMATO_MODELS_DIR, join(root, '../shared/models')].filter(Boolean);
  return dirs.map((d) => join(d, name));
}

async function obtain(rec) {
  const target = join(root, rec.target);
  if (existsSync(target) && sha256(readFileSync(target)) === rec.sha256) return `${rec.name}: already in place`;
  for (const file of candidates(rec.name)) {
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    const got = sha256(bytes);
    if (got !== rec.sha256) {
      throw new Error(`${rec.name} at ${file} has SHA-256 ${got}, expected ${rec.sha256}. Replace it with the official file from ${rec.url}.`);
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    return `${rec.name}: copied from ${file}`;
  }
  let res;
  try {
    res = await fetch(rec.url);
  } catch (e) {
    throw new Error(`${rec.name} was not found in $SFUMATO_MODELS_DIR or ../shared/models, and downloading ${rec.url} failed (${e.cause?.code ?? e.message}). Put the file in one of those folders and run npm run models again.`);
  }
  if (!res.ok) throw new Error(`Downloading ${rec.name} from ${rec.url} failed: HTTP ${res.status}.`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const got = sha256(bytes);
  if (got !== rec.sha256) throw new Error(`Downloaded ${rec.name} has SHA-256 ${got}, expected ${rec.sha256}; refusing to use it.`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, bytes);
  return `${rec.name}: downloaded from ${rec.url}`;
}

function vendorMediapipe() {
  const from = join(root, 'node_modules/@mediapipe/tasks-vision/wasm');
  const to = join(root, 'public/vendor/mediapipe');
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from).filter((n) => !n.includes('module'))) cpSync(join(from, f), join(to, f));
  return `MediaPipe runtime: ${readdirSync(to).length} files in public/vendor/mediapipe`;
}

try {
  for (const rec of records) console.log(await obtain(rec));
  console.log(vendorMediapipe());
} catch (e) {
  console.error(`Model install failed: ${e.message}`);
  process.exit(1);
}
