import { CONSOLE_HOME_URL, SIGNIN_ORIGIN } from './hosts';
import { html, notFoundDocument, PageIds, pageDocument } from './html';
import { htmlResponse, redirectResponse, type SimRequest, type SimResponse, serializeCookie } from './http';
import { BANNER_COOKIE, SESSION_COOKIE } from './signin-app';
import type { SimState } from './state';

// The console (console.aws.amazon.com and its regional hosts): the home page behind the root session.

function signInUrl(target: string): string {
  return `${SIGNIN_ORIGIN}/signin?redirect_uri=${encodeURIComponent(target)}`;
}

export function handleConsole(state: SimState, req: SimRequest): SimResponse {
  const path = req.url.pathname;
  const sessionId = req.cookies.get(SESSION_COOKIE);
  if (req.method === 'GET' && (path === '/' || path === '/console')) return redirectResponse('/console/home');
  if (req.method === 'GET' && path === '/console/logout') {
    state.endSession(sessionId);
    const cleared = serializeCookie(SESSION_COOKIE, '', { domain: '.aws.amazon.com', maxAgeSeconds: 0 });
    return redirectResponse(signInUrl(CONSOLE_HOME_URL), [cleared]);
  }
  if (req.method !== 'GET' || (path !== '/console/home' && path !== '/console/home/')) {
    return htmlResponse(notFoundDocument(), { status: 404 });
  }
  const account = state.sessionAccount(sessionId);
  if (!account) return redirectResponse(signInUrl(`https://${req.host}${req.path}`));
  const ids = new PageIds(state.settings.generation === 'old' ? 'old' : 'new', state.faults.layout);
  const menuId = ids.required('usernameMenu');
  const body = html`<nav aria-label="Console navigation">
<button type="button" id="${menuId}" aria-label="Account menu" aria-haspopup="menu" aria-expanded="false">Root user <span class="account-id">${account.accountId}</span></button>
<ul role="menu" hidden>
<li role="none"><a role="menuitem" href="https://console.aws.amazon.com/billing/home#/account">Account</a></li>
<li role="none"><a role="menuitem" href="/console/logout">Sign out</a></li>
</ul>
</nav>
<h1>Console Home</h1>
<p>Welcome to the AWS Management Console.</p>`;
  const script = html`const menuButton = document.getElementById('${menuId}');
menuButton.addEventListener('click', () => {
  const menu = menuButton.nextElementSibling;
  menu.hidden = !menu.hidden;
  menuButton.setAttribute('aria-expanded', String(!menu.hidden));
});`;
  return htmlResponse(
    pageDocument({
      title: 'Console Home',
      body,
      wide: true,
      script,
      cookieBanner: state.faults.cookieBanner && !req.cookies.has(BANNER_COOKIE),
    }),
  );
}
