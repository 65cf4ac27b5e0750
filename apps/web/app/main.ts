import { ApiError, get, type Options, setToken, signIn, token } from './api.js';
import { fill, h } from './dom.js';
import { homePage } from './home.js';
import { projectPage } from './project.js';

const root = document.getElementById('app') as HTMLElement;
let leave: (() => void) | undefined;
let options: Options | undefined;

/** Asks once for the API token (when the server wants one) and keeps it for this browser session. */
function tokenPage(wrong: boolean): void {
  const input = h('input', {
    type: 'password',
    id: 'token',
    autocomplete: 'current-password',
    required: true,
    'aria-describedby': 'token-help',
  });
  const form = h(
    'form',
    { class: 'card token-form' },
    h('h2', {}, 'API token'),
    h(
      'p',
      { class: 'muted', id: 'token-help' },
      'This server is protected. Ask whoever runs it for the access token (it is the server’s BEATFRAME_API_TOKEN setting). It is kept only for this browser tab.',
    ),
    wrong ? h('p', { class: 'error', role: 'alert' }, 'That token was not accepted.') : null,
    h('label', { for: 'token', class: 'field-label' }, 'Access token'),
    input,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Continue')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setToken(input.value.trim());
    void route();
  });
  fill(root, form);
  input.focus();
}

async function route(): Promise<void> {
  leave?.();
  leave = undefined;
  if (!options) {
    try {
      if (!(await signIn())) {
        const had = token() !== undefined;
        setToken(undefined);
        return tokenPage(had);
      }
      options = await get<Options>('/api/options');
    } catch (err) {
      fill(
        root,
        h(
          'p',
          { class: 'error' },
          err instanceof ApiError ? err.message : `Cannot reach the API: ${(err as Error).message}`,
        ),
      );
      return;
    }
  }
  const m = /^#\/projects\/([^/]+)/.exec(location.hash);
  leave = m ? projectPage(root, decodeURIComponent(m[1] as string)) : homePage(root, options);
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', () => void route());
void route();
