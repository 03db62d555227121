// Sfumato's items in the page's context menu: what each says and where it is offered.

export const MENU_ANIMATE = 'sfumato-animate';
export const MENU_INSPECT = 'sfumato-inspect';
export const MENU_DRIVER = 'sfumato-driver';
/** Anywhere else on a page: the picture under the pointer (a site may cover its images with a transparent layer). */
export const MENU_ANIMATE_HERE = 'sfumato-animate-here';
/** On a video: the frame it shows (an archive film paused on a face). */
export const MENU_ANIMATE_FRAME = 'sfumato-animate-frame';

/**
 * Web pages and local files. Not Sfumato's own pages (the clip playing in place is one): the
 * content script cannot run there and their media live at blob: addresses, so the items would do
 * nothing or fail; a clip's credentials and a new animation are under its "Open in Sfumato".
 */
export const WEB_DOCUMENTS = ['http://*/*', 'https://*/*', 'file:///*'];

export const MENUS: chrome.contextMenus.CreateProperties[] = [
  { id: MENU_ANIMATE, title: 'Animate this portrait', contexts: ['image'], documentUrlPatterns: WEB_DOCUMENTS },
  { id: MENU_ANIMATE_HERE, title: 'Animate the portrait here', contexts: ['page', 'link', 'frame'], documentUrlPatterns: WEB_DOCUMENTS },
  { id: MENU_ANIMATE_FRAME, title: 'Animate the portrait in this frame', contexts: ['video'], documentUrlPatterns: WEB_DOCUMENTS },
  { id: MENU_INSPECT, title: 'Check content credentials', contexts: ['image', 'video', 'audio'], documentUrlPatterns: WEB_DOCUMENTS },
  { id: MENU_DRIVER, title: 'Use as motion for Sfumato', contexts: ['video'], documentUrlPatterns: WEB_DOCUMENTS },
];
