import { ApiError, auth } from './api';
import { describeCharts, disposeCharts, el } from './charts';
import { customer } from './views/customer';
import { forecast } from './views/forecast';
import { lifetime } from './views/lifetime';
import { overview } from './views/overview';
import { rfm } from './views/rfm';
import { rules } from './views/rules';
import { satisfaction } from './views/satisfaction';
import { segments } from './views/segments';

type Go = (params: Record<string, string>) => void;
type View = (root: HTMLElement, params: URLSearchParams, go: Go, arg: string | undefined) => Promise<void>;

const VIEWS: { path: string; title: string; render: View }[] = [
  { path: 'overview', title: 'Overview', render: overview },
  { path: 'segments', title: 'Segments', render: segments },
  { path: 'rfm', title: 'RFM', render: rfm },
  { path: 'lifetime', title: 'Lifetime', render: lifetime },
  { path: 'rules', title: 'Rules', render: rules },
  { path: 'forecast', title: 'Forecast', render: forecast },
  { path: 'satisfaction', title: 'Satisfaction', render: satisfaction },
  { path: 'customer', title: 'Customer', render: customer },
];

const nav = el('nav', {}, ...VIEWS.map((v) => el('a', { href: `#/${v.path}`, 'data-nav': v.path }, v.title)));
const keyBox = el('div', { class: 'key' });
const main = el('main', { 'aria-live': 'polite' });
document.body.replaceChildren(el('header', {}, el('h1', {}, 'CareGraph insights'), nav, keyBox), main);

function renderKeyBox() {
  const source = auth.source();
  keyBox.replaceChildren(
    el('span', {}, source === 'development' ? 'development key (this machine)' : source === 'entered' ? 'your API key' : 'no API key'),
    ...(source ? [el('button', { type: 'button', 'data-action': 'change-key' }, 'Use another key')] : []),
  );
  keyBox.querySelector('button')?.addEventListener('click', () => askForKey());
}

/** The key form: kept in sessionStorage (this tab only), never in the URL or localStorage. */
function askForKey(message?: string) {
  disposeCharts();
  main.dataset.view = 'key';
  main.dataset.state = 'ready';
  const input = el('input', { type: 'password', name: 'apiKey', autocomplete: 'off', placeholder: 'cg_…', size: '40', required: '' });
  const form = el('form', { class: 'card key-form' },
    el('h2', {}, 'API key'),
    el('p', {}, 'The insights page reads the CareGraph API with your key (kept in this browser tab only). ANALYST keys see masked names.'),
    ...(message ? [el('p', { class: 'error' }, message)] : []),
    el('label', {}, 'key ', input), el('button', { type: 'submit' }, 'Open'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    auth.set(input.value.trim());
    renderKeyBox();
    void route();
  });
  main.replaceChildren(form);
  input.focus();
}

let generation = 0;

async function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const [name, arg] = path.split('/');
  const view = VIEWS.find((v) => v.path === name);
  if (!view) return void (location.hash = '#/overview');
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.nav === view.path);
  if (!auth.key()) return askForKey();
  const mine = ++generation;
  disposeCharts();
  const root = el('div', { class: 'view' });
  main.dataset.view = view.path;
  main.dataset.state = 'loading';
  main.replaceChildren(el('p', { class: 'loading' }, `Loading ${view.title.toLowerCase()}…`));
  document.title = `${view.title} · CareGraph insights`;
  const go: Go = (params) => {
    const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
    location.hash = `#/${view.path}${arg ? `/${arg}` : ''}?${q}`;
  };
  const started = performance.now();
  try {
    // Rendered off-screen first, so that the loading message stays until the view is complete.
    const stage = el('div', { class: 'stage' });
    main.append(stage);
    stage.append(root);
    await view.render(root, new URLSearchParams(query), go, arg ? decodeURIComponent(arg) : undefined);
    if (mine !== generation) return;
    main.replaceChildren(root);
    main.dataset.state = 'ready';
    main.dataset.hash = location.hash;
    main.dataset.ms = String(Math.round(performance.now() - started));
    window.dispatchEvent(new Event('resize'));
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof ApiError && (e.code === 'UNAUTHENTICATED' || e.code === '401')) {
      const entered = auth.source() === 'entered';
      auth.clear();
      renderKeyBox();
      return askForKey(entered ? 'That key was not accepted (revoked, or mistyped): check it and try again.' : 'The development key was not accepted: enter an API key.');
    }
    disposeCharts();
    main.replaceChildren(el('p', { class: 'error', 'data-error': '' }, e instanceof ApiError ? `${e.message} (${e.code})` : `Something went wrong: ${(e as Error).message}`));
    main.dataset.state = 'error';
  }
}

// For the browser test and for the curious: what each chart on screen drew.
(window as unknown as { caregraphInsights: unknown }).caregraphInsights = { charts: describeCharts };

window.addEventListener('hashchange', () => void route());
renderKeyBox();
void route();
