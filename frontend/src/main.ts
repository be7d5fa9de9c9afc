// First: the language must be usable by Intl before any library loads.
import './lib/locale';
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

// index.html sends script errors to the app's log; a failed start is also
// said on screen, or the window stays blank.
function report(what: string) {
  (window as unknown as { __reportError?: (w: string) => void }).__reportError?.(what);
}

const target = document.getElementById('app')!;
let app: ReturnType<typeof mount> | undefined;
try {
  app = mount(App, { target });
} catch (e) {
  const msg = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
  report(`the window failed to start: ${msg}`);
  target.textContent = `The window failed to start: ${e instanceof Error ? e.message : String(e)}. Restart the app; if it happens again, report it with the app's log.`;
}

export default app;
