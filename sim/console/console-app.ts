import { ACKNOWLEDGEMENTS, accountPage, CLOSE_ACTION } from './billing-pages';
import { CONSOLE_HOME_URL, SIGNIN_ORIGIN } from './hosts';
import { html, notFoundDocument, PageIds, pageDocument } from './html';
import {
  htmlResponse,
  plainResponse,
  redirectResponse,
  type SimRequest,
  type SimResponse,
  serializeCookie,
} from './http';
import { BANNER_COOKIE, SESSION_COOKIE } from './signin-app';
import type { SimState } from './state';
import type { Generation, SimAccount } from './types';

// The console (console.aws.amazon.com and its regional hosts): the home page and the billing account page, both
// behind the root session.

function signInUrl(target: string): string {
  return `${SIGNIN_ORIGIN}/signin?redirect_uri=${encodeURIComponent(target)}`;
}

const TEXT = {
  acknowledgeAll: 'To close your account, confirm every statement.',
  wrongId: 'The account ID you entered does not match this account.',
};

interface Signed {
  account: SimAccount;
  generation: Generation;
}

function homePage(state: SimState, req: SimRequest, { account, generation }: Signed): SimResponse {
  const ids = new PageIds(generation, state.faults.layout);
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

function billingPage(state: SimState, req: SimRequest, signed: Signed, error?: string): SimResponse {
  const { account, generation } = signed;
  return htmlResponse(
    accountPage(
      {
        ids: new PageIds(generation, state.faults.layout),
        cookieBanner: state.faults.cookieBanner && !req.cookies.has(BANNER_COOKIE),
      },
      { account, layout: account.closeLayout ?? state.faults.closeLayout, error },
    ),
  );
}

/** Closes the account when the form confirms it the way the page's layout asks (every statement, or the id). */
function closeAccount(state: SimState, req: SimRequest, signed: Signed): SimResponse {
  const { account } = signed;
  if (!account.closed) {
    const layout = account.closeLayout ?? state.faults.closeLayout;
    const ticked = new Set(req.form.getAll('ack'));
    const confirmed =
      layout === 'checkboxes' || layout === 'checkboxes-modal-testid'
        ? ACKNOWLEDGEMENTS.every((_, index) => ticked.has(String(index + 1)))
        : (req.form.get('accountId') ?? '').trim() === account.accountId;
    if (!confirmed) {
      const checkboxes = layout === 'checkboxes' || layout === 'checkboxes-modal-testid';
      return billingPage(state, req, signed, checkboxes ? TEXT.acknowledgeAll : TEXT.wrongId);
    }
    account.closed = true;
    account.closedAt = state.now();
  }
  return redirectResponse('/billing/home#/account');
}

function accountJson(account: SimAccount): SimResponse {
  return plainResponse(
    200,
    'application/json',
    JSON.stringify({
      accountId: account.accountId,
      emailAddress: account.email,
      accountStatus: account.closed ? 'Suspended' : 'Active',
    }),
  );
}

export function handleConsole(state: SimState, req: SimRequest): SimResponse {
  const path = req.url.pathname;
  const sessionId = req.cookies.get(SESSION_COOKIE);
  const route = `${req.method} ${path}`;
  if (route === 'GET /' || route === 'GET /console') return redirectResponse('/console/home');
  if (route === 'GET /billing' || route === 'GET /billing/')
    return redirectResponse('/billing/home#/account');
  if (route === 'GET /console/logout') {
    state.endSession(sessionId);
    const cleared = serializeCookie(SESSION_COOKIE, '', { domain: '.aws.amazon.com', maxAgeSeconds: 0 });
    return redirectResponse(signInUrl(CONSOLE_HOME_URL), [cleared]);
  }
  const signed = state.liveSession(sessionId);
  const pageTarget = `https://${req.host}${req.path}`;
  switch (route) {
    case 'GET /console/home':
    case 'GET /console/home/':
      return signed ? homePage(state, req, signed) : redirectResponse(signInUrl(pageTarget));
    case 'GET /billing/home':
    case 'GET /billing/home/':
      return signed ? billingPage(state, req, signed) : redirectResponse(signInUrl(pageTarget));
    case `POST ${CLOSE_ACTION}`:
      return signed
        ? closeAccount(state, req, signed)
        : redirectResponse(signInUrl(`https://${req.host}/billing/home`));
    case 'GET /billing/rest/v1.0/account':
      return signed
        ? accountJson(signed.account)
        : plainResponse(401, 'application/json', JSON.stringify({ message: 'Unauthorized' }));
    default:
      return htmlResponse(notFoundDocument(), { status: 404 });
  }
}
