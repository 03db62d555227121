import { startContent } from '@/lib/page/content-main';

// Injected on demand (activeTab + scripting) when the person chooses a Sfumato menu item.
export default defineContentScript({
  registration: 'runtime',
  matches: [],
  main() {
    startContent();
  },
});
