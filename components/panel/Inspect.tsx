// Placeholder until the inspector lands: the Inspect tab exists so the menu has somewhere to go.
export function Inspect() {
  return <p class="empty">Drop a file here, or right-click an image or video on a page and choose “Check content credentials”.</p>;
}
