// The version that signs clips (claim generator, software agent). Read from package.json at build
// time: the offscreen document has no chrome.runtime.getManifest().
import pkg from '../package.json';

export const SFUMATO_VERSION: string = pkg.version;
